import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeBriefing, type BriefingRequest } from '../../src/briefing/compose-briefing.js';
import type { Platform } from '../../src/core/command.js';
import type { PlatformSender, SendOutcome } from '../../src/core/delivery.js';
import type { Reply } from '../../src/core/reply.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { silentLogger } from '../../src/logger.js';
import { startScheduler, type SchedulerOptions } from '../../src/scheduler/briefing-scheduler.js';
import { createTickRunner, type TickOptions } from '../../src/scheduler/tick.js';
import { openSqliteStores, type SqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { FakeSender, makeDataset, seedSubscriptions, tempDir, type SeedRow } from './helpers/fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

/** 09:00 in Baku on 1 July 2025, a day with news; 5 July has none. */
const AT_0900 = new Date('2025-07-01T05:00:00Z');
const QUIET_DAY_0900 = new Date('2025-07-05T05:00:00Z');
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);

interface Setup {
	readonly stores: SqliteStores;
	readonly file: string;
	readonly sender: FakeSender;
	readonly compositions: BriefingRequest[];
	runner(over?: Partial<TickOptions>): ReturnType<typeof createTickRunner>;
}

function setup(rows: readonly SeedRow[], sender = new FakeSender(), since?: string): Setup {
	const t = tempDir();
	const file = path.join(t.dir, 'sitrep.db');
	const stores = openSqliteStores(file);
	cleanups.push(t.cleanup, () => stores.close());
	seedSubscriptions(stores.db, rows, since);
	const dataset = makeDataset();
	const compositions: BriefingRequest[] = [];
	return {
		stores,
		file,
		sender,
		compositions,
		runner: (over = {}) =>
			createTickRunner({
				store: stores.subscriptions,
				ledger: stores.ledger,
				senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
				dataset: () => dataset,
				logger: silentLogger(),
				catchupMinutes: 120,
				compose: (ds: DatasetSnapshot, req: BriefingRequest) => {
					compositions.push(req);
					return composeBriefing(ds, req);
				},
				...over,
			}),
	};
}

const many = (n: number, row: (i: number) => SeedRow = () => ({})) =>
	Array.from({ length: n }, (_, i) => ({ channelId: `chat-${i + 1}`, ...row(i) }));

describe('runTick', () => {
	it('sends each due briefing once, however often the tick runs', async () => {
		const s = setup(many(3));
		const runner = s.runner();
		const r1 = await runner.runTick(AT_0900);
		expect(r1).toMatchObject({ due: 3, claimed: 3, sent: 3 });
		await runner.runTick(AT_0900);
		await runner.runTick(plus(AT_0900, 1));
		// A restarted process (new runner, no memory) on the same database.
		const r4 = await s.runner().runTick(plus(AT_0900, 2));
		expect(r4).toMatchObject({ claimed: 0, sent: 0, taken: 3 });
		expect(s.sender.sends.map((x) => x.channelId).sort()).toEqual(['chat-1', 'chat-2', 'chat-3']);
		expect((await s.stores.ledger.list({ status: 'sent' })).map((r) => r.localDate)).toEqual([
			'2025-07-01',
			'2025-07-01',
			'2025-07-01',
		]);
	});

	it('posts each occurrence exactly once with two ticks at once on two connections', async () => {
		const s = setup(many(300));
		const other = openSqliteStores(s.file);
		cleanups.push(() => other.close());
		const a = s.runner({ concurrency: 7 });
		const b = s.runner({ concurrency: 11, store: other.subscriptions, ledger: other.ledger });
		const c = s.runner({ concurrency: 5 });
		const reports = await Promise.all([a.runTick(AT_0900), b.runTick(AT_0900), c.runTick(plus(AT_0900, 0.5))]);
		expect(reports.reduce((n, r) => n + r.claimed, 0)).toBe(300);
		expect(reports.filter((r) => r.claimed > 0).length).toBeGreaterThan(1); // they really interleaved
		const counts = new Map<string, number>();
		for (const x of s.sender.sends) counts.set(x.channelId, (counts.get(x.channelId) ?? 0) + 1);
		expect(counts.size).toBe(300);
		expect([...counts.values()].every((n) => n === 1)).toBe(true);
	});

	it('never resends what a crashed process left in "sending", and later marks it uncertain', async () => {
		const s = setup(many(5));
		// A process claimed chat-1 and chat-2, then died before recording anything.
		const subs = await s.stores.subscriptions.listActive();
		await s.stores.ledger.claim(
			subs.slice(0, 2).map((x) => ({
				subscriptionId: x.id,
				localDate: '2025-07-01',
				scheduledAt: AT_0900.toISOString(),
				platform: 'telegram' as const,
				channelId: x.channelId,
			})),
			AT_0900,
		);
		const r = await s.runner().runTick(plus(AT_0900, 1));
		expect(r).toMatchObject({ sent: 3, taken: 2 });
		expect(s.sender.sends.map((x) => x.channelId).sort()).toEqual(['chat-3', 'chat-4', 'chat-5']);
		const r2 = await s.runner().runTick(plus(AT_0900, 11));
		expect(r2).toMatchObject({ expired: 2, sent: 0 });
		expect((await s.stores.ledger.list({ status: 'uncertain' })).map((x) => x.channelId).sort()).toEqual(['chat-1', 'chat-2']);
		expect(s.sender.sends).toHaveLength(3);
	});

	it('catches up within the window after downtime and records older ones as skipped', async () => {
		const s = setup([
			{ channelId: 'nine', time: '09:00' }, // 1 h 30 late at 10:30
			{ channelId: 'seven', time: '07:00' }, // 3 h 30 late
			{ channelId: 'noon', time: '12:00' }, // not yet
		]);
		const runner = s.runner();
		const r = await runner.runTick(new Date('2025-07-01T06:30:00Z')); // 10:30 in Baku
		expect(r).toMatchObject({ sent: 1, late: 1 });
		expect(s.sender.sends.map((x) => x.channelId)).toEqual(['nine']);
		const skipped = await s.stores.ledger.list({ status: 'skipped' });
		expect(skipped.map((x) => [x.channelId, x.localDate])).toEqual([['seven', '2025-07-01']]);
		expect(skipped[0]!.reason).toMatch(/^late/u);
		// Logged and recorded once, not on every tick.
		expect((await runner.runTick(new Date('2025-07-01T06:31:00Z'))).late).toBe(0);
		expect((await s.runner().runTick(new Date('2025-07-01T06:32:00Z'))).late).toBe(0);
	});

	it('never sends a briefing on the next local date: a late 23:30 is recorded skipped after midnight', async () => {
		const s = setup([{ channelId: 'night', time: '23:30' }]);
		const r = await s.runner().runTick(new Date('2025-07-01T20:10:00Z')); // 00:10 on 2 July in Baku, 40 minutes late
		expect(r).toMatchObject({ sent: 0, late: 1 });
		expect(await s.stores.ledger.list()).toMatchObject([{ channelId: 'night', localDate: '2025-07-01', status: 'skipped' }]);
	});

	it('skips quiet subscriptions on days without news, and only those', async () => {
		const s = setup([{ channelId: 'quiet', quiet: true }, { channelId: 'loud' }], new FakeSender(), '2025-06-30T00:00:00.000Z');
		const r = await s.runner().runTick(QUIET_DAY_0900);
		expect(r).toMatchObject({ quiet: 1, sent: 1 });
		expect(s.sender.sends.map((x) => x.channelId)).toEqual(['loud']);
		expect(await s.stores.ledger.list({ status: 'skipped', localDate: '2025-07-05' })).toMatchObject([
			{ channelId: 'quiet', reason: 'quiet: no new events' },
		]);
		await s.runner().runTick(AT_0900); // a day with news: quiet still gets it
		expect(s.sender.countFor('quiet')).toBe(1);
	});

	it('pauses a subscription on a permanent error, with the reason, without deleting it', async () => {
		const sender = new FakeSender('telegram', (ch) =>
			ch === 'blocked'
				? { kind: 'permanent', reason: 'Forbidden: bot was blocked by the user' }
				: { kind: 'sent', messageIds: ['1'] },
		);
		const s = setup([{ channelId: 'blocked' }, { channelId: 'fine' }], sender);
		const r = await s.runner().runTick(AT_0900);
		expect(r).toMatchObject({ paused: 1, failed: 1, sent: 1 });
		const blocked = await s.stores.subscriptions.get('telegram', 'blocked');
		expect(blocked).toMatchObject({ status: 'paused', pauseReason: 'Forbidden: bot was blocked by the user' });
		expect(await s.stores.ledger.list({ status: 'failed' })).toMatchObject([{ channelId: 'blocked', retryable: false }]);
		await s.runner().runTick(plus(AT_0900, 24 * 60)); // next day
		expect(s.sender.countFor('blocked')).toBe(1);
		expect(s.sender.countFor('fine')).toBe(2);
	});

	it('moves a subscription when the chat migrated and sends once to the new chat', async () => {
		const sender = new FakeSender('telegram', (ch) =>
			ch === '-100123' ? { kind: 'migrated', newChannelId: '-1009007199254740993' } : { kind: 'sent', messageIds: ['9'] },
		);
		const s = setup([{ channelId: '-100123' }], sender);
		const r = await s.runner().runTick(AT_0900);
		expect(r).toMatchObject({ moved: 1, sent: 1 });
		expect(sender.sends.map((x) => x.channelId)).toEqual(['-100123', '-1009007199254740993']);
		expect(await s.stores.subscriptions.get('telegram', '-1009007199254740993')).toMatchObject({ status: 'active' });
		expect(await s.stores.ledger.list()).toMatchObject([{ status: 'sent', channelId: '-1009007199254740993' }]);
	});

	it('pauses instead of merging when the migrated chat already has a subscription', async () => {
		const sender = new FakeSender('telegram', (ch) =>
			ch === 'old' ? { kind: 'migrated', newChannelId: 'new' } : { kind: 'sent', messageIds: ['9'] },
		);
		const s = setup([{ channelId: 'old' }, { channelId: 'new', time: '10:00' }], sender);
		const r = await s.runner().runTick(AT_0900);
		expect(r).toMatchObject({ paused: 1, sent: 0 });
		expect((await s.stores.subscriptions.get('telegram', 'old'))?.pauseReason).toMatch(/has its own subscription/u);
	});

	it('retries a transient failure on a later tick inside the window, honouring retry-after', async () => {
		let fail = 2;
		const sender = new FakeSender('telegram', () =>
			fail-- > 0
				? { kind: 'transient', reason: '429 Too Many Requests', retryAfterMs: 3 * 60_000 }
				: { kind: 'sent', messageIds: ['1'] },
		);
		const s = setup([{ channelId: 'c' }], sender);
		const runner = s.runner();
		expect(await runner.runTick(AT_0900)).toMatchObject({ failed: 1 });
		expect(await s.stores.ledger.list()).toMatchObject([
			{ status: 'failed', retryable: true, reason: '429 Too Many Requests', nextAttemptAt: plus(AT_0900, 3).toISOString() },
		]);
		expect(await runner.runTick(plus(AT_0900, 1))).toMatchObject({ claimed: 0, taken: 1 }); // retry-after not over
		expect(await runner.runTick(plus(AT_0900, 3))).toMatchObject({ claimed: 1, failed: 1 });
		expect(await s.runner().runTick(plus(AT_0900, 7))).toMatchObject({ claimed: 1, sent: 1 });
		expect(await s.stores.ledger.list()).toMatchObject([{ status: 'sent', attempts: 3 }]);
		expect(sender.sends).toHaveLength(3);
	});

	it('does not retry once the window has passed, nor beyond the attempt limit', async () => {
		const sender = new FakeSender('telegram', () => ({ kind: 'transient', reason: '502 Bad Gateway' }));
		const s = setup([{ channelId: 'c' }], sender);
		const runner = s.runner({ maxAttempts: 2 });
		await runner.runTick(plus(AT_0900, 100));
		await runner.runTick(plus(AT_0900, 101));
		expect(await s.stores.ledger.list()).toMatchObject([{ status: 'failed', retryable: false, attempts: 2 }]);
		expect((await s.stores.ledger.list())[0]!.reason).toMatch(/^gave up after 2 attempts/u);
		const s2 = setup([{ channelId: 'd' }], new FakeSender('telegram', () => ({ kind: 'transient', reason: '502' })));
		await s2.runner().runTick(plus(AT_0900, 119));
		await s2.runner().runTick(plus(AT_0900, 125)); // past 2 h: too late to retry
		expect(s2.sender.sends).toHaveLength(1);
		expect(await s2.stores.ledger.list()).toMatchObject([{ status: 'failed' }]);
	});

	it('rides out a 429 storm: every subscriber gets exactly one briefing, within the window', async () => {
		// A deterministic storm: the platform refuses 60% of sends with 429 for the first 20 minutes.
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		let clock = AT_0900;
		const delivered = new Map<string, number>();
		const sender = new FakeSender('telegram', (ch) => {
			if (clock.getTime() < plus(AT_0900, 20).getTime() && random() < 0.6)
				return { kind: 'transient', reason: '429 Too Many Requests: retry after 30', retryAfterMs: 30_000 };
			delivered.set(ch, (delivered.get(ch) ?? 0) + 1);
			return { kind: 'sent', messageIds: ['1'] };
		});
		const s = setup(many(200), sender);
		const runner = s.runner({ maxAttempts: 8 });
		for (let m = 0; m <= 120; m++) {
			clock = plus(AT_0900, m);
			await runner.runTick(clock);
		}
		expect(delivered.size).toBe(200);
		expect([...delivered.values()].every((n) => n === 1)).toBe(true);
		expect(await s.stores.ledger.list({ status: 'sent' })).toHaveLength(200);
		// Back-off keeps the attempts bounded: far fewer than one per subscriber per minute.
		expect(sender.sends.length).toBeLessThan(200 * 6);
	});

	it('marks an ambiguous send uncertain and never resends it', async () => {
		const sender = new FakeSender('telegram', () => ({
			kind: 'transient',
			reason: 'ETIMEDOUT after the request was sent',
			uncertain: true,
		}));
		const s = setup([{ channelId: 'c' }], sender);
		expect(await s.runner().runTick(AT_0900)).toMatchObject({ uncertain: 1 });
		await s.runner().runTick(plus(AT_0900, 5));
		expect(sender.sends).toHaveLength(1);
		expect(await s.stores.ledger.list()).toMatchObject([{ status: 'uncertain', reason: 'ETIMEDOUT after the request was sent' }]);
	});

	it('treats a sender that throws as uncertain', async () => {
		const sender = new FakeSender('telegram', () => {
			throw new Error('socket hang up');
		});
		const s = setup([{ channelId: 'c' }], sender);
		expect(await s.runner().runTick(AT_0900)).toMatchObject({ uncertain: 1 });
	});

	it('leaves occurrences of a platform without a sender untouched', async () => {
		const s = setup([{ channelId: 'd', platform: 'discord' }, { channelId: 't' }]);
		const r = await s.runner().runTick(AT_0900);
		expect(r).toMatchObject({ noSender: 1, sent: 1 });
		expect((await s.stores.ledger.list()).map((x) => x.channelId)).toEqual(['t']);
	});

	it('composes each distinct briefing once: 1,000 subscribers sharing 3 briefings', async () => {
		const rows = many(1000, (i) => (i % 3 === 0 ? {} : i % 3 === 1 ? { actorId: 'kremlin' } : { tag: 'media' }));
		const s = setup(rows);
		const r = await s.runner({ concurrency: 40 }).runTick(AT_0900);
		expect(r).toMatchObject({ sent: 1000, compositions: 3 });
		expect(s.compositions).toHaveLength(3);
		expect(new Set(s.sender.sends.map((x) => x.reply)).size).toBe(3);
		const byReply = new Map<Reply, number>();
		for (const x of s.sender.sends) byReply.set(x.reply, (byReply.get(x.reply) ?? 0) + 1);
		expect([...byReply.values()].sort((a, b) => a - b)).toEqual([333, 333, 334]);
	});

	it('keeps a sliding window of sends: refills before the window drains, never more than `concurrency` in sending', async () => {
		let inFlight = 0;
		let maxInFlight = 0;
		const inFlightAtStart: number[] = [];
		let maxSending = 0;
		const box: { s?: Setup } = {};
		// Sends of uneven length (1–12 ms), as a paced platform's are.
		const sender = new FakeSender('telegram', async (_channel, n) => {
			inFlight++;
			maxInFlight = Math.max(maxInFlight, inFlight);
			inFlightAtStart.push(inFlight);
			maxSending = Math.max(maxSending, (await box.s!.stores.ledger.list({ status: 'sending' })).length);
			await new Promise((r) => setTimeout(r, 1 + ((n * 7) % 12)));
			inFlight--;
			return { kind: 'sent', messageIds: [`m${n}`] };
		});
		const s = (box.s = setup(many(200), sender));
		const r = await s.runner({ concurrency: 10 }).runTick(AT_0900);
		expect(r).toMatchObject({ due: 200, claimed: 200, sent: 200 });
		expect(maxInFlight).toBe(10);
		expect(maxSending).toBeLessThanOrEqual(10);
		// A chunked loop would start each chunk of 10 from an empty window (in flight 1, 2, …, 10); a
		// sliding window starts most sends with others still running.
		expect(inFlightAtStart.filter((x) => x >= 8).length).toBeGreaterThan(100);
		expect(r.yields).toBeGreaterThan(20);
		expect((await s.stores.ledger.list({ status: 'sent' })).length).toBe(200);
	});

	it('keeps the event loop free during a 5,000-subscriber fan-out', async () => {
		const s = setup(many(5000, (i) => ({ timezone: ['Asia/Baku', 'Asia/Dubai', 'Europe/Samara'][i % 3]! })));
		const runner = s.runner({ concurrency: 25 });
		const histogram = monitorEventLoopDelay({ resolution: 5 });
		let timerTicks = 0;
		const interval = setInterval(() => timerTicks++, 1);
		histogram.enable();
		const started = performance.now();
		const r = await runner.runTick(AT_0900); // 09:00 in all three zones (all +04:00)
		const ms = performance.now() - started;
		histogram.disable();
		clearInterval(interval);
		expect(r.sent).toBe(5000);
		expect(r.yields).toBe(200);
		expect(timerTicks).toBeGreaterThan(50); // timers ran during the tick
		const maxMs = histogram.max / 1e6;
		process.stdout.write(
			`5,000-subscriber tick: ${Math.round(ms)} ms, ${r.yields} yields, ${timerTicks} timer callbacks, event-loop delay max ${maxMs.toFixed(1)} ms p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms\n`,
		);
		// Loose on purpose: a shared CI box adds noise; the yield and timer counts above are the real check.
		expect(maxMs).toBeLessThan(1500);
	});
});

describe('startScheduler', () => {
	/** The scheduler over setup()'s store and sender, the test's dataset, catching up two hours. */
	function startFor(s: ReturnType<typeof setup>, options: Pick<SchedulerOptions, 'clock'> & Partial<SchedulerOptions>) {
		return startScheduler({
			store: s.stores.subscriptions,
			ledger: s.stores.ledger,
			senders: new Map<Platform, PlatformSender>([['telegram', s.sender]]),
			dataset: () => makeDataset(),
			logger: silentLogger(),
			catchupMinutes: 120,
			...options,
		});
	}

	it('ticks at start, runs ticks on demand, and stops cleanly', async () => {
		const s = setup([{ channelId: 'c' }]);
		const scheduler = startFor(s, { clock: () => AT_0900 });
		await scheduler.stop();
		expect(s.sender.sends).toHaveLength(1);
		expect((await scheduler.runTick(plus(AT_0900, 1))).sent).toBe(0);
	});

	it('with `after`, runs no tick until it settles (a restart building its changed files), then catches up', async () => {
		const s = setup([{ channelId: 'c' }]);
		let settle: () => void = () => {};
		const after = new Promise<void>((resolve) => (settle = resolve));
		const scheduler = startFor(s, { clock: () => AT_0900, after });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(s.sender.sends).toHaveLength(0);
		settle();
		await after;
		await scheduler.stop();
		expect(s.sender.sends).toHaveLength(1);
	});

	it('with `after`, the minute ticks that fire while it waits send nothing, and count as progress', async () => {
		vi.useFakeTimers({ now: AT_0900, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
		try {
			const s = setup([{ channelId: 'c' }]);
			let settle: () => void = () => {};
			const after = new Promise<void>((resolve) => (settle = resolve));
			let progress = 0;
			const scheduler = startFor(s, { clock: () => new Date(), onProgress: () => progress++, after });
			// Three minutes of cron firings while the dataset is being built.
			await vi.advanceTimersByTimeAsync(3 * 60_000);
			expect(s.sender.sends).toHaveLength(0);
			expect(progress).toBeGreaterThanOrEqual(2);
			settle();
			await after;
			await vi.advanceTimersByTimeAsync(1000);
			await scheduler.stop();
			// The 09:00 briefing, caught up at 09:03.
			expect(s.sender.sends).toHaveLength(1);
		} finally {
			vi.useRealTimers();
		}
	});
});

export type { SendOutcome };

describe('links to the web site', () => {
	it('with a public URL, each briefing links to its page and its event lines to theirs', async () => {
		const s = setup(many(2));
		await s.runner({ publicUrl: 'https://sitrep.example.org' }).runTick(AT_0900);
		expect(s.sender.sends).toHaveLength(2);
		for (const { reply } of s.sender.sends) {
			expect(reply.link).toEqual({ url: 'https://sitrep.example.org/briefing?date=2025-07-01', label: 'Open on the web' });
			const events = reply.blocks.filter((b) => b.kind === 'event');
			expect(events.length).toBeGreaterThan(0);
			for (const e of events)
				expect(e.kind === 'event' && e.url).toBe(`https://sitrep.example.org/events/${e.kind === 'event' ? e.id : ''}`);
		}
	});

	it('without one, briefings carry no link', async () => {
		const s = setup(many(1));
		await s.runner().runTick(AT_0900);
		expect(s.sender.sends[0]!.reply.link).toBeUndefined();
	});
});
