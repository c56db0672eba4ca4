import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReloadAuditEntry } from '../../src/reload/reloader.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { tempDir } from '../scheduler/helpers/fixtures.js';
import { titled, useStoreBackends } from '../helpers/store-backends.js';

const backends = useStoreBackends();

const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

function dbFile(): string {
	const t = tempDir('sitrep-audit-');
	cleanups.push(t.cleanup);
	return path.join(t.dir, 'sitrep.db');
}

function open(file: string) {
	const stores = openSqliteStores(file);
	cleanups.push(() => stores.close());
	return stores;
}

const swapped: ReloadAuditEntry = {
	at: '2025-07-01T09:00:00.000Z',
	requester: { platform: 'telegram', userId: '42', displayName: 'Leyla' },
	trigger: 'command',
	dryRun: false,
	result: 'swapped',
	version: 'abc123',
	counts: { events: 38, actors: 60, sources: 90, claims: 70 },
	durationMs: 41,
};
const failed: ReloadAuditEntry = {
	at: '2025-07-01T09:05:00.000Z',
	requester: { platform: 'system', userId: 'sighup', displayName: 'SIGHUP' },
	trigger: 'signal',
	dryRun: false,
	result: 'failed',
	errorCount: 3,
	durationMs: 12,
};
const dryRun: ReloadAuditEntry = {
	at: '2025-07-01T09:10:00.000Z',
	requester: { platform: 'discord', userId: '7', displayName: 'Ana' },
	trigger: 'command',
	dryRun: true,
	result: 'dry_run',
	version: 'def456',
	counts: { events: 39, actors: 60, sources: 91, claims: 70 },
	durationMs: 40,
};

describe.each(titled(backends))('ReloadAuditLog on %s', (_title, backend) => {
	it.skipIf(backend.skip)('round-trips every field, newest first, and honours the limit', async () => {
		const { reloadAudit } = await (await backend.fresh()).open();
		for (const e of [swapped, failed, dryRun]) await reloadAudit.record(e);
		expect(await reloadAudit.recent(10)).toEqual([dryRun, failed, swapped]);
		expect(await reloadAudit.recent(2)).toEqual([dryRun, failed]);
		expect(await reloadAudit.recent(0)).toEqual([]);
	});

	it.skipIf(backend.skip)('keeps the order of reloads recorded in the same millisecond', async () => {
		const { reloadAudit } = await (await backend.fresh()).open();
		await reloadAudit.record({ ...swapped, version: 'first' });
		await reloadAudit.record({ ...swapped, version: 'second' });
		expect((await reloadAudit.recent(2)).map((e) => e.version)).toEqual(['second', 'first']);
	});

	it.skipIf(backend.skip)('survives a restart: the log is in the database', async () => {
		const fresh = await backend.fresh();
		const a = await fresh.open();
		await a.reloadAudit.record(swapped);
		await a.close();
		const b = await fresh.open();
		expect(await b.reloadAudit.recent(10)).toEqual([swapped]);
	});
});

describe('SqlReloadAudit on SQLite', () => {
	it('stores the columns the issue lists', () => {
		const { db } = open(dbFile());
		const cols = (db.prepare("SELECT name FROM pragma_table_info('reload_audit') ORDER BY cid").all() as { name: string }[]).map(
			(c) => c.name,
		);
		expect(cols).toEqual([
			'id',
			'at',
			'platform',
			'user_id',
			'display_name',
			'trigger',
			'dry_run',
			'result',
			'version',
			'events',
			'actors',
			'sources',
			'claims',
			'error_count',
			'duration_ms',
		]);
	});
});
