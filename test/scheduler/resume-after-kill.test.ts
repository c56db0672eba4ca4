/**
 * A briefing cut between its messages by kill -9 resumes after a restart: real processes, the real
 * Telegram sender and pacer (Telegram's global and per-chat pace), the Bot API stand-in. Each chat
 * ends with the whole briefing, no message twice; only a request on the wire at the kill is uncertain.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { TickReport } from '../../src/scheduler/tick.js';
import { titled, useStoreBackends, type StoreBackend } from '../helpers/store-backends.js';
import { people, places, TelegramStandIn } from '../helpers/telegram-stand-in.js';
import { seedStore } from './helpers/fixtures.js';
import { spawnWorker } from '../helpers/worker-process.js';

const AT_0900 = '2025-07-01T05:00:00.000Z';
const CHATS = 60;
const backends = useStoreBackends();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

function worker(args: Record<string, unknown>): {
	child: ChildProcess;
	done: Promise<{ signal: NodeJS.Signals | null; reports: TickReport[] }>;
} {
	const w = spawnWorker('test/scheduler/helpers/telegram-tick-worker.ts', args);
	cleanups.push(w.kill);
	return { child: w.child, done: w.done.then(({ signal, out }) => ({ signal, reports: out ? (JSON.parse(out) as TickReport[]) : [] })) };
}

const chatIds = Array.from({ length: CHATS }, (_, i) => String(5001 + i));

describe.each(titled(backends))('on %s', (_title, backend: StoreBackend) => {
	it.skipIf(backend.skip)(
		`kill -9 in the middle of a two-message briefing to ${CHATS} chats, then a restart: every chat ends with the whole briefing, none twice`,
		async () => {
			const standIn = await TelegramStandIn.start();
			cleanups.push(() => standIn.close());
			for (const id of chatIds) standIn.addChat({ ...places.private(people.alice), id: Number(id) });
			const fresh = await backend.fresh();
			const seeded = await fresh.open();
			await seedStore(
				seeded,
				chatIds.map((channelId) => ({ channelId })),
			);
			await seeded.close();
			const store = backend.name === 'postgres' ? { databaseUrl: fresh.target } : { db: fresh.target };
			const sends = () => standIn.ok('sendMessage');

			const first = worker({ ...store, apiRoot: standIn.apiRoot, now: AT_0900 });
			// Mid fan-out: some chats have both parts, some only the first, some nothing yet.
			await standIn.waitFor(() => sends().length >= 45, 60_000);
			first.child.kill('SIGKILL');
			expect((await first.done).signal).toBe('SIGKILL');
			const atKill = sends().length;
			expect(atKill).toBeLessThan(2 * CHATS);
			const partial = chatIds.filter((c) => sends().filter((s) => String(s.params['chat_id']) === c).length === 1).length;

			// Restarted: a minute later the cut deliveries still look alive; past the stale-'sending'
			// timeout they are resumed after the parts that went out.
			const second = await worker({ ...store, apiRoot: standIn.apiRoot, now: '2025-07-01T05:01:00.000Z', ticks: 2, stepMinutes: 11 })
				.done;
			expect(second.reports[1]).toMatchObject({ resumable: expect.any(Number) });

			const stores = await fresh.open();
			cleanups.push(() => stores.close());
			const rows = await stores.ledger.list({ localDate: '2025-07-01' });
			expect(rows).toHaveLength(CHATS);
			const uncertain = rows.filter((r) => r.status === 'uncertain');
			expect(rows.filter((r) => r.status === 'sent').length + uncertain.length).toBe(CHATS);
			// Only requests on the wire at the kill: at Telegram's global pace, a handful at most.
			expect(uncertain.length).toBeLessThanOrEqual(3);
			for (const r of uncertain) expect(r.reason).toMatch(/^part \d of 2 was being sent when the process stopped/u);

			const stored = [...standIn.messages.values()];
			for (const row of rows) {
				const got = stored.filter((m) => String(m.chat.id) === row.channelId);
				const a = got.filter((m) => m.text.includes('Daily briefing') && m.text.includes('alpha') && !m.text.includes('omega'));
				const b = got.filter((m) => m.text.includes('omega') && !m.text.includes('alpha'));
				// Never twice; every part there, except that an uncertain part may be missing.
				expect(a.length).toBeLessThanOrEqual(1);
				expect(b.length).toBeLessThanOrEqual(1);
				expect(got).toHaveLength(a.length + b.length);
				const parts = await stores.ledger.parts({ subscriptionId: row.subscriptionId, localDate: row.localDate });
				expect(parts.map((p) => p.part)).toEqual([1, 2]);
				if (row.status === 'sent') {
					expect([a.length, b.length]).toEqual([1, 1]);
					// The ledger names the platform message of each part.
					const ids = [[String(a[0]!.message_id)], [String(b[0]!.message_id)]];
					expect(parts.map((p) => p.messageIds)).toEqual(ids);
					expect(row.messageIds).toEqual(ids.flat());
				} else {
					expect(parts.filter((p) => p.status === 'uncertain')).toHaveLength(1);
					expect(parts.filter((p) => p.status === 'sent')).toHaveLength(1);
				}
			}
			process.stdout.write(
				`${backend.name}: kill -9 after ${atKill} of ${2 * CHATS} messages (${partial} chats with only part 1): after the restart ${rows.length - uncertain.length} chats complete, ${uncertain.length} uncertain (${uncertain.map((r) => r.channelId).join(', ') || 'none'}), 0 duplicates\n`,
			);
		},
	);
});
