/** `npx sitrep reload --dry-run DIR` and `npx sitrep alerts DIR`, run as a user would. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { cleanupDatasets, writeDataset } from '../helpers/dataset-fixture.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'sitrep-cli-live-'));
afterAll(() => {
	cleanupDatasets();
	rmSync(tmp, { recursive: true, force: true });
});

function sitrep(args: string[], extraEnv: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
	const env = {
		...process.env,
		LOG_LEVEL: 'silent',
		DISCORD_TOKEN: '',
		TELEGRAM_BOT_TOKEN: '',
		SITREP_NOW: '',
		DATABASE_URL: '',
		...extraEnv,
	};
	const r = spawnSync(process.execPath, ['bin/sitrep.js', ...args], { encoding: 'utf8', env, timeout: 60_000 });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const EVENTS = `events:
  - id: border-closure
    date: 2025-07-02
    title: Border crossing closed
    summary: Closed overnight.
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: reported
    priority: breaking
  - id: quiet-note
    date: 2025-07-02
    title: A routine statement
    summary: Routine.
    actors: [{ actor: beta-agency }]
    sources: [wire-1]
    status: confirmed
  - id: not-yet
    date: 2025-07-02
    title: Draft scoop
    summary: Unchecked.
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: reported
    draft: true
`;

describe('npx sitrep reload --dry-run / alerts', () => {
	const served = writeDataset();
	const edited = writeDataset({ 'events/new.yaml': EVENTS, 'events/2025-06-27-first.yaml': null });
	const db = path.join(tmp, 'sitrep.db');
	const stores = openSqliteStores(db);
	const at = new Date('2025-07-01T00:00:00Z');
	void stores.subscriptions.upsert(
		{ platform: 'telegram', channelId: '-100', time: '09:00', timezone: 'Asia/Baku', quiet: false, alerts: 'breaking', createdBy: 't' },
		at,
	);
	void stores.subscriptions.upsert(
		{ platform: 'telegram', channelId: '-200', time: '09:00', timezone: 'Asia/Baku', quiet: false, alerts: 'all', createdBy: 't' },
		at,
	);
	void stores.subscriptions.upsert(
		{ platform: 'discord', channelId: '300000000000000001', time: '09:00', timezone: 'Asia/Baku', quiet: false, createdBy: 't' },
		at,
	);
	void stores.live.recordPushed({
		platform: 'telegram',
		channelId: '-200',
		subscriptionId: 2,
		kind: 'briefing',
		reply: { blocks: [{ kind: 'event', date: '27 Jun 2025', title: 'First event', actors: [], status: 'confirmed', id: 'first' }] },
		messageIds: ['7'],
		events: { first: 'old' },
		pushedAt: '2025-06-28T05:00:00.000Z',
	});
	stores.close();

	it('reload --dry-run shows the changes, the alerts by event and chats, and the corrections, and sends nothing', () => {
		const r = sitrep(['reload', '--dry-run', edited, '--data', served, '--now', '2025-07-02T09:00:00+04:00'], { SITREP_DB: db });
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('Dry run: version');
		expect(r.stdout).toContain('2 added (border-closure, quiet-note)');
		expect(r.stdout).toContain('Alert: Border crossing closed → 2 chats');
		expect(r.stdout).toContain('Alert: A routine statement → 1 chat');
		expect(r.stdout).toContain('Alert messages: 2 chats');
		expect(r.stdout).toContain('Corrections: 1 event shown in 1 pushed message in 1 chat would be edited.');
		expect(r.stdout).not.toContain('Draft scoop');
	});

	it('reload without --dry-run says how to apply one', () => {
		const r = sitrep(['reload', edited]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('SIGHUP');
	});

	it('alerts prints the alert message as plain text, for all and for breaking, never a draft', () => {
		const r = sitrep(['alerts', edited, '--data', served, '--lang', 'ru'], { SITREP_DB: db });
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('## Срочно: 2 новых события');
		expect(r.stdout).toContain('## Срочно: 1 новое событие');
		expect(r.stdout).toContain('Border crossing closed');
		expect(r.stdout).not.toContain('Draft scoop');
		const none = sitrep(['alerts', served, '--data', served]);
		expect(none.stdout).toContain('no alert would go out');
	});
});
