/**
 * kill -9 in the middle of a correction fan-out, then a restart: real processes, the real Telegram
 * sender at Telegram's own pace, the Bot API stand-in, one SQLite file. No message is edited twice,
 * no chat gets two correction replies, and every chat is told: only requests on the wire at the kill
 * are left uncertain.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Telegram } from 'telegraf';
import { afterEach, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/core/command.js';
import type { PlatformSender } from '../../src/core/delivery.js';
import { DatasetHolder } from '../../src/dataset/dataset-holder.js';
import { LiveService } from '../../src/live/live-service.js';
import { silentLogger } from '../../src/logger.js';
import { DEFAULT_PACING, Pacer } from '../../src/platforms/telegram/pacer.js';
import { PageKeyStore } from '../../src/platforms/telegram/page-keys.js';
import { retryAfterMs } from '../../src/platforms/telegram/send-errors.js';
import { TelegramSender } from '../../src/platforms/telegram/telegram-sender.js';
import { Reloader } from '../../src/reload/reloader.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { cleanupDatasets, loadSnapshot, writeDataset } from '../helpers/dataset-fixture.js';
import { people, places, TelegramStandIn, TOKEN } from '../helpers/telegram-stand-in.js';
import { spawnWorker } from '../helpers/worker-process.js';

const CHATS = 60;
const NOW = '2025-07-02T05:00:00.000Z';
const chatIds = Array.from({ length: CHATS }, (_, i) => String(5001 + i));
const EVENT = (date: string) => `events:
  - id: border-closure
    date: ${date}
    title: Border crossing closed
    summary: The crossing was closed overnight.
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: reported
    priority: breaking
`;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
	cleanupDatasets();
});

function worker(args: Record<string, unknown>): { child: ChildProcess; done: Promise<{ signal: NodeJS.Signals | null; out: string }> } {
	const w = spawnWorker('test/live/helpers/correction-worker.ts', args);
	cleanups.push(w.kill);
	return { child: w.child, done: w.done };
}

describe('corrections and kill -9', () => {
	it(`kill -9 in the middle of a correction to ${CHATS} chats, then a restart: no double edit, no double reply, every chat told`, async () => {
		const standIn = await TelegramStandIn.start();
		cleanups.push(() => standIn.close());
		for (const id of chatIds) standIn.addChat({ ...places.private(people.alice), id: Number(id) });
		const tmp = mkdtempSync(path.join(tmpdir(), 'sitrep-kill-'));
		cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
		const db = path.join(tmp, 'sitrep.db');
		const dataDir = writeDataset();

		// Before: every chat has an alert showing the event (sent fast, without pacing).
		const stores = openSqliteStores(db);
		for (const channelId of chatIds)
			await stores.subscriptions.upsert(
				{ platform: 'telegram', channelId, time: '09:00', timezone: 'Asia/Baku', quiet: false, alerts: 'all', createdBy: 'test' },
				new Date('2025-07-01T00:00:00Z'),
			);
		const clock = () => new Date(NOW);
		const fast = new Pacer(
			{
				...DEFAULT_PACING,
				perChatIntervalMs: 0,
				group: { count: 10_000, windowMs: 1000 },
				global: { count: 10_000, windowMs: 1000 },
			},
			retryAfterMs,
		);
		const sender = new TelegramSender(
			new Telegram(TOKEN, { apiRoot: standIn.apiRoot }),
			fast,
			new PageKeyStore({ ttlMs: 60_000, maxEntries: 10 }),
			silentLogger(),
			TOKEN,
		);
		const holder = new DatasetHolder(await loadSnapshot(dataDir), clock);
		const live = new LiveService({
			store: stores.live,
			subscriptions: stores.subscriptions,
			senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
			dataset: () => holder.current(),
			clock,
			logger: silentLogger(),
		});
		const reloader = new Reloader({
			holder,
			dataDir,
			logger: silentLogger(),
			clock,
			onSwap: async (next, previous, diff) => void (await live.afterSwap(next, diff, previous)),
		});
		writeFileSync(path.join(dataDir, 'events/breaking.yaml'), EVENT('2025-07-02'));
		await reloader.reload({ requester: { platform: 'system', userId: 's', displayName: 's' }, trigger: 'command' });
		expect(standIn.ok('sendMessage')).toHaveLength(CHATS);
		// The editors correct the date; the reload writes the correction job, which the workers do.
		writeFileSync(path.join(dataDir, 'events/breaking.yaml'), EVENT('2025-07-01'));
		await stores.live.addJob('reload:corrected', ['border-closure'], new Date(NOW));
		stores.close();

		const edits = () => standIn.calls.filter((c) => c.method === 'editMessageText');
		const replies = () => standIn.calls.filter((c) => c.method === 'sendMessage' && c.params['reply_parameters'] !== undefined);
		const first = worker({ db, dataDir, apiRoot: standIn.apiRoot, now: NOW });
		await standIn.waitFor(() => edits().length + replies().length >= 50, 60_000);
		first.child.kill('SIGKILL');
		expect((await first.done).signal).toBe('SIGKILL');
		const atKill = edits().length + replies().length;
		expect(atKill).toBeLessThan(2 * CHATS);

		// Restarted past the stale-claim timeout: it finishes the job.
		const second = await worker({ db, dataDir, apiRoot: standIn.apiRoot, now: '2025-07-02T05:11:00.000Z' }).done;
		expect(second.signal).toBeNull();

		const perMessage = new Map<string, number>();
		for (const e of edits())
			perMessage.set(
				`${String(e.params['chat_id'])}:${String(e.params['message_id'])}`,
				(perMessage.get(`${String(e.params['chat_id'])}:${String(e.params['message_id'])}`) ?? 0) + 1,
			);
		expect(Math.max(...perMessage.values())).toBe(1);
		const repliesPerChat = new Map<string, number>();
		for (const r of replies())
			repliesPerChat.set(String(r.params['chat_id']), (repliesPerChat.get(String(r.params['chat_id'])) ?? 0) + 1);
		expect(Math.max(...repliesPerChat.values())).toBe(1);
		// Every chat is told, by its edited alert and a reply; a reply on the wire at the kill is the only possible loss.
		const untold = chatIds.filter((c) => !repliesPerChat.has(c));
		expect(untold.length).toBeLessThanOrEqual(2);
		const edited = new Set(
			edits()
				.filter((e) => !e.error)
				.map((e) => String(e.params['chat_id'])),
		);
		expect(chatIds.filter((c) => !edited.has(c) && !repliesPerChat.has(c))).toEqual([]);
		for (const e of edits()) expect(String(e.params['text'])).toContain('date was 2 Jul 2025');
	}, 120_000);
});
