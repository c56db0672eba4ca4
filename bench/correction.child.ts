/**
 * A correction to an event shown in `--subs` chats: every chat holds one pushed alert that showed the
 * event; the editors move its date; LiveService does the job — an edit of each alert and a reply to
 * each chat (a date is a change of substance) — through the real TelegramSender and Pacer to the
 * Bot API stand-in in its own process. Telegram's pacing is scaled down `--speedup` times as in
 * fanout.child.ts; the requests let go per second are compared with the scaled allowed rate.
 *
 *   tsx bench/correction.child.ts --subs 10000 --speedup 10
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Telegraf } from 'telegraf';
import type { Platform } from '../src/core/command.js';
import type { PlatformSender } from '../src/core/delivery.js';
import { DatasetHolder } from '../src/dataset/dataset-holder.js';
import { loadDataset } from '../src/dataset/load-dataset.js';
import { composeAlert } from '../src/live/compose-alert.js';
import { LiveService, type LiveReport } from '../src/live/live-service.js';
import { silentLogger } from '../src/logger.js';
import { PageKeyStore } from '../src/platforms/telegram/page-keys.js';
import { DEFAULT_PACING, Pacer, type PacingOptions } from '../src/platforms/telegram/pacer.js';
import { renderTelegram } from '../src/platforms/telegram/render-telegram.js';
import { retryAfterMs } from '../src/platforms/telegram/send-errors.js';
import { TelegramSender } from '../src/platforms/telegram/telegram-sender.js';
import { openSqliteStores } from '../src/store/sqlite/sqlite-stores.js';
import { BASE_FILES } from '../test/helpers/dataset-fixture.js';
import { TOKEN } from '../test/helpers/telegram-stand-in.js';
import { seedSubscriptions } from '../test/scheduler/helpers/fixtures.js';
import { arg, log, peakRssMb, reply, round } from './lib.js';

export interface CorrectionResult {
	readonly chats: number;
	readonly speedup: number;
	/** Requests a second Telegram's global limit allows, after the speed-up. */
	readonly allowedPerSecond: number;
	readonly edits: number;
	readonly replies: number;
	readonly failed: number;
	/** Requests (edits and replies) a second as the pacer let them go, first to last. */
	readonly requestsPerSecond: number;
	readonly rateFraction: number;
	readonly eventLoopDelay: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
	readonly runMs: number;
	readonly report: LiveReport;
	readonly peakRssMb: number;
}

const subs = Number(arg('subs', '10000'));
const speedup = Number(arg('speedup', '10'));
const FIRST_CHAT = 500_000;
const NOW = new Date('2025-07-02T05:00:00Z');
const event = (date: string) =>
	`events:\n  - id: border-closure\n    date: ${date}\n    title: Border crossing closed\n    summary: Closed overnight.\n    actors: [{ actor: alpha-ministry }]\n    sources: [wire-1]\n    status: reported\n    priority: breaking\n`;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'sitrep-correction-'));
const dataDir = path.join(tmp, 'data');
for (const [rel, content] of Object.entries({ ...BASE_FILES, 'events/breaking.yaml': event('2025-07-02') })) {
	mkdirSync(path.dirname(path.join(dataDir, rel)), { recursive: true });
	writeFileSync(path.join(dataDir, rel), content);
}
const before = await loadDataset(dataDir);
writeFileSync(path.join(dataDir, 'events/breaking.yaml'), event('2025-07-01'));
const after = await loadDataset(dataDir);
if (!before.ok || !after.ok) throw new Error('the bench dataset does not load');

const standIn = fork(
	new URL('./stand-in.child.ts', import.meta.url).pathname,
	['--chats', String(subs), '--first-chat', String(FIRST_CHAT)],
	{ execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
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

// Every chat was sent the alert (message 1) and remembers it as a pushed message.
const alert = composeAlert(before.snapshot, [before.snapshot.event('border-closure')!]);
standIn.send({ kind: 'seed', messageId: 1, html: renderTelegram(alert.reply)[0] });
await fromStandIn('seeded');
const stores = openSqliteStores(path.join(tmp, 'sitrep.db'));
seedSubscriptions(
	stores.db,
	Array.from({ length: subs }, (_, i) => ({ channelId: String(FIRST_CHAT + i) })),
	'2025-07-01T00:00:00.000Z',
);
const fp = before.snapshot.eventFingerprints().get('border-closure')!;
const seed = stores.db.transaction(() => {
	for (let i = 0; i < subs; i++)
		void stores.live.recordPushed({
			platform: 'telegram',
			channelId: String(FIRST_CHAT + i),
			subscriptionId: i + 1,
			kind: 'alert',
			reply: alert.reply,
			messageIds: ['1'],
			events: { 'border-closure': fp },
			pushedAt: '2025-07-02T04:00:00.000Z',
		});
});
seed();
await stores.live.addJob('reload:bench', ['border-closure'], NOW);

const pacing: PacingOptions = {
	...DEFAULT_PACING,
	perChatIntervalMs: DEFAULT_PACING.perChatIntervalMs / speedup,
	group: { count: DEFAULT_PACING.group.count, windowMs: DEFAULT_PACING.group.windowMs / speedup },
	global: { count: DEFAULT_PACING.global.count, windowMs: DEFAULT_PACING.global.windowMs / speedup },
};
const bot = new Telegraf(TOKEN, { telegram: { apiRoot, webhookReply: false } });
const pacer = new Pacer(pacing, retryAfterMs);
const released: number[] = [];
const globalSent = (pacer as unknown as { globalSent: number[] }).globalSent;
const pushSent = globalSent.push.bind(globalSent);
globalSent.push = (...at: number[]): number => {
	released.push(...at);
	return pushSent(...at);
};
const sender = new TelegramSender(bot.telegram, pacer, new PageKeyStore({ ttlMs: 60_000, maxEntries: 100 }), silentLogger(), TOKEN);
const holder = new DatasetHolder(after.snapshot, () => NOW);
const concurrency = Number(arg('concurrency', '0')) || undefined;
const live = new LiveService({
	store: stores.live,
	subscriptions: stores.subscriptions,
	senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
	dataset: () => holder.current(),
	clock: () => NOW,
	logger: silentLogger(),
	...(concurrency ? { concurrency } : {}),
});

log(`correction: an event shown in ${subs} chats, pacing ÷${speedup}`);
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const started = performance.now();
const report = await live.run();
const runMs = performance.now() - started;
delay.disable();

standIn.send({ kind: 'edit-stats' });
const s = await fromStandIn<{ edits: number; replies: number; failed: number; chats: number }>('edit-stats');
standIn.send({ kind: 'stop' });
pacer.close();
stores.close();
rmSync(tmp, { recursive: true, force: true });

const allowedPerSecond = pacing.global.count / (pacing.global.windowMs / 1000);
const requestsPerSecond = released.length > 1 ? (released.length - 1) / ((released.at(-1)! - released[0]!) / 1000) : 0;
const ms = (ns: number): number => round(ns / 1e6);
const result: CorrectionResult = {
	chats: subs,
	speedup,
	allowedPerSecond,
	edits: s.edits,
	replies: s.replies,
	failed: s.failed,
	requestsPerSecond: round(requestsPerSecond, 1),
	rateFraction: round(requestsPerSecond / allowedPerSecond, 3),
	eventLoopDelay: { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) },
	runMs: round(runMs),
	report,
	peakRssMb: peakRssMb(),
};
log(
	`correction: ${s.edits} edits and ${s.replies} replies in ${(runMs / 1000).toFixed(1)} s, ${result.requestsPerSecond}/s of ${allowedPerSecond}/s allowed`,
);
reply(result);
