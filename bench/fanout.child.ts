/**
 * Briefing fan-out: `--subs` subscriptions in as many private chats, all due at the same instant
 * (09:00 Baku = 08:00 Moscow = 08:30 Tehran = 06:00 London = 05:00 UTC), with actor and tag filters,
 * delivered by one scheduler tick through the real TelegramSender and Pacer to the Bot API stand-in
 * (in its own process). Telegram's pacing is scaled down `--speedup` times — every interval and
 * window divided alike — so 10,000 messages take seconds, not minutes; the delivered rate is
 * compared with the scaled allowed rate.
 *
 * The scheduler sends in chunks of `--concurrency` (its default, 25, unless given).
 *
 *   tsx bench/fanout.child.ts --dir DIR --subs 10000 --speedup 10 [--concurrency 25]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Telegraf } from 'telegraf';
import { composeBriefing, type Briefing, type BriefingRequest } from '../src/briefing/compose-briefing.js';
import type { Platform } from '../src/core/command.js';
import type { PlatformSender } from '../src/core/delivery.js';
import { loadDataset } from '../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../src/dataset/snapshot.js';
import { silentLogger } from '../src/logger.js';
import { PageKeyStore } from '../src/platforms/telegram/page-keys.js';
import { DEFAULT_PACING, Pacer, type PacingOptions } from '../src/platforms/telegram/pacer.js';
import { retryAfterMs } from '../src/platforms/telegram/send-errors.js';
import { TelegramSender } from '../src/platforms/telegram/telegram-sender.js';
import { createTickRunner, type TickReport } from '../src/scheduler/tick.js';
import { openSqliteStores } from '../src/store/sqlite/sqlite-stores.js';
import { seedSubscriptions, type SeedRow } from '../test/scheduler/helpers/fixtures.js';
import { TOKEN } from '../test/helpers/telegram-stand-in.js';
import { arg, log, peakRssMb, reply, round } from './lib.js';

export interface FanoutResult {
	readonly subscriptions: number;
	readonly datasetEvents: number;
	readonly speedup: number;
	/** Sends in flight at once in the tick (undefined: the scheduler's default). */
	readonly concurrency?: number;
	/** Messages a second Telegram's global limit allows, after the speed-up. */
	readonly allowedPerSecond: number;
	readonly delivered: number;
	readonly failed: number;
	readonly chats: number;
	/** Messages a second as the pacer let them go, first to last. */
	readonly deliveredPerSecond: number;
	readonly rateFraction: number;
	/** The most calls the pacer let go within any one global window (the limit: windowLimit). */
	readonly maxInWindow: number;
	/** The same, counted where calls arrived at the stand-in (event-loop and network delays bunch them). */
	readonly maxArrivedInWindow: number;
	readonly windowLimit: number;
	readonly compositions: number;
	readonly distinctBriefings: number;
	readonly eventLoopDelay: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
	readonly tickMs: number;
	readonly report: TickReport;
	readonly peakRssMb: number;
}

const dir = arg('dir');
const subs = Number(arg('subs', '10000'));
const speedup = Number(arg('speedup', '10'));
const concurrencyArg = arg('concurrency', '');
const concurrency = concurrencyArg ? Number(concurrencyArg) : undefined;
const FIRST_CHAT = 500_000;
const DUE = new Date('2025-06-30T05:00:00Z');
/** Local times that are all 05:00 UTC on 30 June 2025. */
const ZONES = [
	{ timezone: 'Asia/Baku', time: '09:00' },
	{ timezone: 'Europe/Moscow', time: '08:00' },
	{ timezone: 'Asia/Tehran', time: '08:30' },
	{ timezone: 'Europe/London', time: '06:00' },
	{ timezone: 'UTC', time: '05:00' },
];

const loaded = await loadDataset(dir, { maxFiles: 1_000_000 });
if (!loaded.ok) throw new Error('the synthetic dataset does not load');
const snapshot: DatasetSnapshot = loaded.snapshot;
const tags = snapshot.tags().map((t) => t.tag);
const actors = [...snapshot.eachActor()].slice(0, 6).map((a) => a.id);

// Mostly unfiltered briefings, some per actor or tag: a few dozen distinct briefings in all.
const rows: SeedRow[] = Array.from({ length: subs }, (_, i) => {
	const zone = ZONES[i % ZONES.length]!;
	const k = Math.floor(i / ZONES.length);
	const f = k % 10;
	return {
		channelId: String(FIRST_CHAT + i),
		...zone,
		...(f === 7 ? { actorId: actors[k % actors.length]! } : {}),
		...(f === 8 ? { tag: tags[k % tags.length]! } : {}),
	};
});
const distinctBriefings = new Set(rows.map((r) => `${r.timezone}|${r.actorId ?? ''}|${r.tag ?? ''}`)).size;

const standIn = fork(
	new URL('./stand-in.child.ts', import.meta.url).pathname,
	['--chats', String(subs), '--first-chat', String(FIRST_CHAT)],
	{
		execArgv: ['--import', 'tsx'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	},
);
const fromStandIn = <T>(kind: string): Promise<T> =>
	new Promise((resolve) => {
		const on = (m: { kind: string }) => {
			if (m.kind !== kind) return;
			standIn.off('message', on);
			resolve(m as T);
		};
		standIn.on('message', on);
	});
const { apiRoot } = await fromStandIn<{ apiRoot: string }>('ready');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'sitrep-fanout-'));
const stores = openSqliteStores(path.join(tmp, 'sitrep.db'));
seedSubscriptions(stores.db, rows, '2025-06-30T00:00:00.000Z');

const pacing: PacingOptions = {
	...DEFAULT_PACING,
	perChatIntervalMs: DEFAULT_PACING.perChatIntervalMs / speedup,
	group: { count: DEFAULT_PACING.group.count, windowMs: DEFAULT_PACING.group.windowMs / speedup },
	global: { count: DEFAULT_PACING.global.count, windowMs: DEFAULT_PACING.global.windowMs / speedup },
};
const bot = new Telegraf(TOKEN, { telegram: { apiRoot, webhookReply: false } });
const pacer = new Pacer(pacing, retryAfterMs);
// The instants the pacer lets calls go, read from its own log of the global window: exactly what
// the limit is enforced on. (The instant a call then starts, or arrives, is later by however long
// the event loop was busy, so windows counted there can hold more than the limit.)
const released: number[] = [];
const globalSent = (pacer as unknown as { globalSent: number[] }).globalSent;
const pushSent = globalSent.push.bind(globalSent);
globalSent.push = (...at: number[]): number => {
	released.push(...at);
	return pushSent(...at);
};
const sender = new TelegramSender(
	bot.telegram,
	pacer,
	new PageKeyStore({ ttlMs: 6 * 3600_000, maxEntries: 20_000 }),
	silentLogger(),
	TOKEN,
);
let compositions = 0;
const runner = createTickRunner({
	store: stores.subscriptions,
	ledger: stores.ledger,
	senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
	dataset: () => snapshot,
	logger: silentLogger(),
	catchupMinutes: 120,
	...(concurrency ? { concurrency } : {}),
	compose: (ds: DatasetSnapshot, req: BriefingRequest): Briefing => {
		compositions++;
		return composeBriefing(ds, req);
	},
});

log(`fan-out: ${subs} subscriptions, ${distinctBriefings} distinct briefings, pacing ÷${speedup}`);
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const started = performance.now();
const report = await runner.runTick(DUE);
const tickMs = performance.now() - started;
delay.disable();

standIn.send({ kind: 'stats' });
const s = await fromStandIn<{ delivered: number; failed: number; chats: number; firstAt: number; lastAt: number; arrivals: number[] }>(
	'stats',
);
standIn.send({ kind: 'stop' });
pacer.close();
stores.close();
rmSync(tmp, { recursive: true, force: true });

const windowMs = pacing.global.windowMs;
const mostInWindow = (times: readonly number[]): number => {
	let most = 0;
	for (let i = 0, j = 0; i < times.length; i++) {
		while (times[i]! - times[j]! >= windowMs) j++;
		most = Math.max(most, i - j + 1);
	}
	return most;
};
const allowedPerSecond = pacing.global.count / (windowMs / 1000);
const deliveredPerSecond = released.length > 1 ? (released.length - 1) / ((released.at(-1)! - released[0]!) / 1000) : 0;
const ms = (ns: number): number => round(ns / 1e6);
const result: FanoutResult = {
	subscriptions: subs,
	datasetEvents: snapshot.counts.events,
	speedup,
	...(concurrency ? { concurrency } : {}),
	allowedPerSecond,
	delivered: s.delivered,
	failed: s.failed,
	chats: s.chats,
	deliveredPerSecond: round(deliveredPerSecond, 1),
	rateFraction: round(deliveredPerSecond / allowedPerSecond, 3),
	maxInWindow: mostInWindow(released),
	maxArrivedInWindow: mostInWindow(s.arrivals),
	windowLimit: pacing.global.count,
	compositions,
	distinctBriefings,
	eventLoopDelay: { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) },
	tickMs: round(tickMs),
	report,
	peakRssMb: peakRssMb(),
};
log(
	`fan-out: ${s.delivered} delivered in ${(tickMs / 1000).toFixed(1)} s, ${result.deliveredPerSecond}/s of ${allowedPerSecond}/s allowed`,
);
reply(result);
