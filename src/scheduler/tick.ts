/**
 * One scheduler tick: find the due occurrences, claim each in the delivery ledger before sending,
 * compose each distinct briefing once, send it to every subscriber that shares it, and record how
 * every send ended. Safe to run twice at once, in two processes, or again after a crash: the ledger's
 * unique key decides who sends. With an event-version store, each briefing also lists what was added
 * or changed since that channel's previous delivery.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { composeBriefing, type Briefing, type BriefingRequest } from '../briefing/compose-briefing.js';
import type { Platform } from '../core/command.js';
import type { PlatformSender, SendOutcome, SendProgress } from '../core/delivery.js';
import { toError } from '../core/errors.js';
import type { Reply } from '../core/reply.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Logger } from '../logger.js';
import {
	resumePoint,
	type DeliveryLedger,
	type EventVersionStore,
	type OccurrenceKey,
	type OccurrenceTarget,
	type ResumePoint,
	type Settlement,
	type Subscription,
	type SubscriptionStore,
} from '../store/store.js';
import { dueOccurrences, type Occurrence } from './due-occurrences.js';
import { composeOnce, orderByBriefing, prepareBriefings, type Briefings } from './tick-compose.js';

export { briefingKey } from './tick-compose.js';

export interface TickOptions {
	readonly store: SubscriptionStore;
	readonly ledger: DeliveryLedger;
	/** One sender per platform; subscriptions of a platform without one are left for later. */
	readonly senders: ReadonlyMap<Platform, PlatformSender>;
	/** The live dataset, read once per tick. */
	readonly dataset: () => DatasetSnapshot;
	readonly logger: Logger;
	/** A missed occurrence is still sent this many minutes late (same local date). */
	readonly catchupMinutes: number;
	/** Sends in flight at once (a sliding window); the loop yields to the event loop after each refill. Default 25. */
	readonly concurrency?: number;
	/** A row still 'sending' after this long belongs to a dead process: marked uncertain. Default 10. */
	readonly staleSendingMinutes?: number;
	/** Attempts for a transient failure before giving up. Default 5. */
	readonly maxAttempts?: number;
	/** Composition, replaceable to count calls in tests. */
	readonly compose?: (dataset: DatasetSnapshot, request: BriefingRequest) => Briefing;
	/**
	 * When each event version was first seen. With it, briefings gain the section "Updated since your
	 * last briefing"; without it they have none. The tick records the live snapshot in it (a no-op when
	 * start-up or a reload already did), so that no version goes unrecorded.
	 */
	readonly eventVersions?: EventVersionStore;
	/**
	 * Told of each delivered briefing (where it went, what it showed, its message ids in part order),
	 * e.g. to remember it for corrections (LiveService.recordBriefing). Awaited; it must not throw.
	 */
	readonly onDelivered?: (
		subscription: Subscription,
		channelId: string,
		reply: Reply,
		messageIds: readonly string[],
		dataset: DatasetSnapshot,
	) => Promise<void>;
	/** Called as deliveries settle during a tick: a long fan-out shows it is alive. */
	readonly onProgress?: () => void;
	/**
	 * Called once when the tick pauses a subscription (bot kicked, blocked, missing access, chat
	 * gone), after the pause is stored: the bot's owners are told. Its failure is logged, never thrown.
	 */
	readonly onPaused?: (subscription: Subscription, reason: string) => Promise<void>;
	/** SITREP_PUBLIC_URL: each briefing links to its page on the web site, and its event lines to theirs. */
	readonly publicUrl?: string;
}

/** What a tick did, for logs and tests. */
export interface TickReport {
	readonly due: number;
	/** Recorded skipped now because they are too late. */
	readonly late: number;
	readonly quiet: number;
	readonly claimed: number;
	readonly sent: number;
	readonly failed: number;
	readonly uncertain: number;
	readonly paused: number;
	readonly moved: number;
	/** Distinct briefings composed. */
	readonly compositions: number;
	/** Times the fan-out yielded to the event loop. */
	readonly yields: number;
	/** Due occurrences another tick or process owns, or that were settled earlier. */
	readonly taken: number;
	/** Due occurrences whose platform has no sender in this process. */
	readonly noSender: number;
	/** 'sending' rows of a dead process turned uncertain. */
	readonly expired: number;
	/** 'sending' rows of a dead process whose sender records parts, made ready to resume after them. */
	readonly resumable: number;
	/** Claimed deliveries that resumed after parts an earlier attempt had sent. */
	readonly resumed: number;
	/** Recorded skipped because the platform's retry_after (or the back-off) went past the catch-up window. */
	readonly rateLimited: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 30 * 60_000;

export interface TickRunner {
	/** Runs one tick as of `now`. Never throws for a failed send; store errors propagate. */
	runTick(now: Date): Promise<TickReport>;
}

export function createTickRunner(options: TickOptions): TickRunner {
	const runner: Runner = {
		options,
		log: options.logger,
		concurrency: Math.max(1, options.concurrency ?? 25),
		staleMs: (options.staleSendingMinutes ?? 10) * 60_000,
		maxAttempts: Math.max(1, options.maxAttempts ?? 5),
		compose: options.compose ?? composeBriefing,
		settled: new SettledKeys(),
		warnedNoSender: new Set(),
		warnedInvalid: new Set(),
	};
	return { runTick: (now) => runTick(runner, now) };
}

/** What a runner keeps from one tick to the next: its settings and what it has already seen. */
interface Runner {
	readonly options: TickOptions;
	readonly log: Logger;
	readonly concurrency: number;
	readonly staleMs: number;
	readonly maxAttempts: number;
	readonly compose: (dataset: DatasetSnapshot, request: BriefingRequest) => Briefing;
	readonly settled: SettledKeys;
	/** Warned about once per process, not once per tick. */
	readonly warnedNoSender: Set<Platform>;
	readonly warnedInvalid: Set<number>;
}

/** The state every step of one tick shares. */
interface Tick {
	readonly runner: Runner;
	readonly now: Date;
	/** performance.now() when the tick began. */
	readonly started: number;
	readonly report: Mutable<TickReport>;
}

/** A delivery's end, waiting to be written to the ledger. */
interface Finished {
	readonly key: OccurrenceKey;
	readonly settlement: Settlement;
}

/**
 * Keys this process has seen settled, so a steady tick does not re-ask the ledger all day. Only an
 * optimisation: the ledger stays the judge. The last four local dates are kept.
 */
class SettledKeys {
	readonly #byDate = new Map<string, Set<number>>();

	has(o: OccurrenceKey): boolean {
		return this.#byDate.get(o.localDate)?.has(o.subscriptionId) ?? false;
	}

	add(o: OccurrenceKey): void {
		let set = this.#byDate.get(o.localDate);
		if (!set) {
			set = new Set();
			this.#byDate.set(o.localDate, set);
			for (const d of [...this.#byDate.keys()].sort().slice(0, -4)) this.#byDate.delete(d);
		}
		set.add(o.subscriptionId);
	}
}

/** The steps of a tick: expire dead sends, find the work, compose once, then claim, send and settle. */
async function runTick(runner: Runner, now: Date): Promise<TickReport> {
	const tick: Tick = {
		runner,
		now,
		started: performance.now(),
		report: {
			due: 0,
			late: 0,
			quiet: 0,
			claimed: 0,
			sent: 0,
			failed: 0,
			uncertain: 0,
			paused: 0,
			moved: 0,
			compositions: 0,
			yields: 0,
			taken: 0,
			noSender: 0,
			expired: 0,
			resumable: 0,
			resumed: 0,
			rateLimited: 0,
		},
	};
	await expireStaleSends(tick);
	const { work, subscriptions } = await findWork(tick);
	if (!work.length) {
		runner.log.debug({ subscriptions, late: tick.report.late, expired: tick.report.expired }, 'Briefing tick: nothing due');
		return tick.report;
	}
	const { options } = runner;
	const inputs = {
		now,
		log: runner.log,
		compose: runner.compose,
		ledger: options.ledger,
		store: options.store,
		eventVersions: options.eventVersions,
		publicUrl: options.publicUrl,
	};
	const briefings = await prepareBriefings(inputs, options.dataset(), work);
	await sendAll(tick, orderByBriefing(work, briefings), briefings);
	tick.report.compositions = briefings.composed.size;
	runner.log.info({ ...tick.report, ms: Math.round(performance.now() - tick.started) }, 'Briefing tick');
	return tick.report;
}

/** `now` advanced by the time the tick has run: when a claim, part or settlement happened. */
function stamp(tick: Tick): Date {
	return new Date(tick.now.getTime() + (performance.now() - tick.started));
}

/** 'sending' rows of a dead process: resumable after their sent parts, else uncertain. */
async function expireStaleSends(tick: Tick): Promise<void> {
	const { runner, now, report } = tick;
	const expiry = await runner.options.ledger.expireSending(new Date(now.getTime() - runner.staleMs), now);
	report.expired = expiry.uncertain;
	report.resumable = expiry.resumable;
	if (expiry.uncertain)
		runner.log.warn(
			{ count: expiry.uncertain },
			'Briefings left in "sending" by a stopped process marked uncertain; they are not resent',
		);
	if (expiry.resumable)
		runner.log.warn(
			{ count: expiry.resumable },
			'Briefings cut by a stopped process will be resumed after the parts that went out; a part that was on the wire is marked uncertain',
		);
}

/** The due occurrences this process can send and has not seen settled; too-late ones are recorded skipped. */
async function findWork(tick: Tick): Promise<{ work: Occurrence[]; subscriptions: number }> {
	const { runner, now, report } = tick;
	const subs = await runner.options.store.listActive();
	const { due, skipped, invalid } = dueOccurrences(subs, now, runner.options.catchupMinutes);
	for (const x of invalid) {
		if (runner.warnedInvalid.has(x.subscription.id)) continue;
		runner.warnedInvalid.add(x.subscription.id);
		runner.log.error(
			{ subscription: x.subscription.id, timezone: x.subscription.timezone, time: x.subscription.time, reason: x.reason },
			'Subscription cannot be scheduled; skipping it',
		);
	}
	await recordLate(tick, skipped);
	const work: Occurrence[] = [];
	for (const o of due) {
		if (runner.settled.has(key(o))) continue;
		if (!runner.options.senders.has(o.subscription.platform)) {
			report.noSender++;
			if (!runner.warnedNoSender.has(o.subscription.platform)) {
				runner.warnedNoSender.add(o.subscription.platform);
				runner.log.warn(
					{ platform: o.subscription.platform },
					'Briefings are due on a platform this process cannot send to; leaving them to a process that can',
				);
			}
			continue;
		}
		work.push(o);
	}
	report.due = work.length;
	return { work, subscriptions: subs.length };
}

async function recordLate(tick: Tick, skipped: readonly Occurrence[]): Promise<void> {
	const { runner, now, report } = tick;
	const late = skipped.filter((o) => !runner.settled.has(key(o)));
	if (!late.length) return;
	const recorded = await runner.options.ledger.recordSkipped(
		late.map((o) => target(o)),
		`late: missed by more than the ${runner.options.catchupMinutes}-minute catch-up window or past its local date`,
		stamp(tick),
	);
	late.forEach((o, i) => {
		runner.settled.add(key(o));
		if (!recorded[i]) return;
		report.late++;
		runner.log.warn(
			{
				subscription: o.subscription.id,
				platform: o.subscription.platform,
				channel: o.subscription.channelId,
				localDate: o.localDate,
				scheduledAt: o.scheduledInstant.toISOString(),
				lateMinutes: Math.round((now.getTime() - o.scheduledInstant.getTime()) / 60_000),
			},
			'Briefing skipped: too late to send',
		);
	});
}

/** The deliveries in flight and the ends not yet written to the ledger. */
interface Window {
	readonly running: Set<Promise<void>>;
	finished: Finished[];
	/** A store error in a delivery: no more claims, and the tick throws it once the window drains. */
	failure?: { err: unknown };
}

/**
 * A sliding window of `concurrency` deliveries: as sends finish, their results are settled and the
 * next few are claimed, in one transaction each, so the pacer never waits on a whole chunk's slowest
 * send or on a commit. Rows in 'sending' (claimed, not yet settled) never exceed `concurrency`: a
 * crash leaves at most that many uncertain.
 */
async function sendAll(tick: Tick, work: readonly Occurrence[], briefings: Briefings): Promise<void> {
	const { concurrency } = tick.runner;
	const refillAt = Math.max(1, Math.ceil(concurrency / 5));
	const window: Window = { running: new Set(), finished: [] };
	let next = 0;
	while ((next < work.length && !window.failure) || window.running.size > 0) {
		const free = concurrency - window.running.size;
		const remaining = window.failure ? 0 : work.length - next;
		if (remaining > 0 && free >= Math.min(refillAt, remaining)) {
			await settle(tick, window);
			const batch = work.slice(next, next + free);
			next += batch.length;
			await claimAndStart(tick, window, batch, briefings);
			await yieldToLoop();
			tick.report.yields++;
			continue;
		}
		await Promise.race(window.running);
	}
	await settle(tick, window);
	if (window.failure) throw window.failure.err;
}

/** Claims the batch right before sending (another process that claimed first keeps its rows) and starts each claimed delivery. */
async function claimAndStart(tick: Tick, window: Window, batch: readonly Occurrence[], briefings: Briefings): Promise<void> {
	const { runner, report } = tick;
	const claims = await runner.options.ledger.claim(
		batch.map((o) => target(o, runner.options.senders.get(o.subscription.platform)?.tracksParts === true)),
		stamp(tick),
	);
	batch.forEach((o, j) => {
		const c = claims[j]!;
		if (c.kind !== 'claimed') {
			report.taken++;
			// A row another process is still sending is not settled: if that process died, a later
			// tick resumes or expires it.
			if (c.kind === 'done' && c.status !== 'sending') runner.settled.add(key(o));
			return;
		}
		report.claimed++;
		const job: Promise<void> = deliver(tick, briefings, o, c.attempt)
			.then(
				(settlement) => void window.finished.push({ key: key(o), settlement }),
				(err: unknown) => void (window.failure ??= { err }),
			)
			.finally(() => window.running.delete(job));
		window.running.add(job);
	});
}

/** Writes the finished deliveries to the ledger in one transaction. */
async function settle(tick: Tick, window: Window): Promise<void> {
	if (!window.finished.length) return;
	const results = window.finished;
	window.finished = [];
	await tick.runner.options.ledger.settle(results, stamp(tick));
	tick.runner.options.onProgress?.();
	for (const r of results) {
		if (!(r.settlement.status === 'failed' && r.settlement.retryable)) tick.runner.settled.add(r.key);
	}
}

/** One claimed delivery: compose (once per key), send, and say how it ended. Store errors propagate. */
async function deliver(tick: Tick, briefings: Briefings, o: Occurrence, attempt: number): Promise<Settlement> {
	const sub = o.subscription;
	let briefing: Briefing;
	try {
		briefing = composeOnce(briefings, o);
	} catch (err) {
		tick.runner.log.error({ err: toError(err), subscription: sub.id, localDate: o.localDate }, 'Briefing could not be composed');
		tick.report.failed++;
		return { status: 'failed', reason: 'the briefing could not be composed', retryable: false };
	}
	if (sub.quiet && briefing.newCount === 0) {
		tick.report.quiet++;
		return { status: 'skipped', reason: 'quiet: no new events' };
	}
	const sent = await send(tick, o, briefing.reply, attempt);
	if ('settlement' in sent) return sent.settlement;
	return settlementOf(tick, o, attempt, sent, briefing.reply, briefings.dataset);
}

/** How a send went: the outcome, the channel it went to (after a migration, the new one), and where it resumed. */
interface Sent {
	readonly outcome: Exclude<SendOutcome, { kind: 'migrated' }>;
	readonly channelId: string;
	readonly resume: ResumePoint | undefined;
}

/** Sends the reply, resuming after parts an earlier attempt sent, and follows a chat that migrated once. */
async function send(tick: Tick, o: Occurrence, reply: Reply, attempt: number): Promise<Sent | { settlement: Settlement }> {
	const { runner, report } = tick;
	const { ledger } = runner.options;
	const sub = o.subscription;
	const k = key(o);
	const sender = runner.options.senders.get(sub.platform)!;
	let channelId = sub.channelId;
	// A retaken delivery may have parts out already (a crash, a 429 after part 1): those are
	// never sent again, and a part that was on the wire at a crash stays uncertain.
	const resume = sender.tracksParts && attempt > 1 ? resumePoint(await ledger.parts(k)) : undefined;
	if (resume?.skip) report.resumed++;
	const progress = (): SendProgress =>
		sender.tracksParts
			? {
					...(resume?.skip ? { skipParts: resume.skip } : {}),
					onWire: (part, parts) => ledger.partOnWire(k, part, parts, channelId, stamp(tick)),
					onSent: (sent) => ledger.partSent(k, sent, channelId, stamp(tick)),
				}
			: {};
	let outcome = await safeSend(runner, sender, channelId, reply, progress(), sub.threadId);
	if (outcome.kind === 'migrated') {
		const to = outcome.newChannelId;
		const failed = await moveSubscription(tick, sub, to);
		if (failed) return { settlement: failed };
		report.moved++;
		runner.log.info({ subscription: sub.id, from: channelId, to }, 'Subscription moved to the migrated chat');
		channelId = to;
		// A supergroup made from a group has no topics of the old one: post to the chat itself.
		outcome = await safeSend(runner, sender, channelId, reply, progress());
		if (outcome.kind === 'migrated') outcome = { kind: 'permanent', reason: `the chat migrated twice (to ${outcome.newChannelId})` };
	}
	return { outcome, channelId, resume };
}

/** Moves the subscription to the chat it migrated to; the failed settlement when it cannot. */
async function moveSubscription(tick: Tick, sub: Subscription, to: string): Promise<Settlement | undefined> {
	const { store } = tick.runner.options;
	const moved = await store.move(sub.id, to, stamp(tick));
	if (moved === 'moved') return undefined;
	const reason = moved === 'conflict' ? `the chat moved to ${to}, which has its own subscription` : 'the subscription was removed';
	if (moved === 'conflict') {
		await store.pause(sub.id, reason, stamp(tick));
		tick.report.paused++;
		await tellPaused(tick.runner, sub, reason);
	}
	tick.report.failed++;
	return { status: 'failed', reason, retryable: false };
}

/** The ledger's record of a send's outcome; a permanent error pauses the subscription. */
async function settlementOf(
	tick: Tick,
	o: Occurrence,
	attempt: number,
	sent: Sent,
	reply: Reply,
	dataset: DatasetSnapshot,
): Promise<Settlement> {
	const { runner, report } = tick;
	const sub = o.subscription;
	const { outcome, channelId, resume } = sent;
	if (outcome.kind === 'sent' && resume?.uncertain.length) {
		// Everything else is there; whether the part on the wire at the crash arrived is unknown.
		const which = resume.uncertain.map((p) => `${p.part} of ${p.parts}`).join(', ');
		report.uncertain++;
		runner.log.warn(
			{ subscription: sub.id, localDate: o.localDate, parts: which },
			'Briefing completed after a crash; a part that was on the wire then may or may not have arrived',
		);
		return {
			status: 'uncertain',
			reason: `part ${which} was being sent when the process stopped and may not have arrived; the other parts were delivered`,
		};
	}
	switch (outcome.kind) {
		case 'sent': {
			report.sent++;
			const messageIds = [...(resume?.sent.flatMap((p) => p.messageIds) ?? []), ...outcome.messageIds];
			if (runner.options.onDelivered) await runner.options.onDelivered(sub, channelId, reply, messageIds, dataset);
			return { status: 'sent', messageIds, ...(channelId !== sub.channelId ? { channelId } : {}) };
		}
		case 'permanent':
			await runner.options.store.pause(sub.id, outcome.reason, stamp(tick));
			report.paused++;
			report.failed++;
			runner.log.warn(
				{ subscription: sub.id, platform: sub.platform, channel: channelId, reason: outcome.reason },
				'Subscription paused after a permanent error',
			);
			await tellPaused(runner, sub, outcome.reason);
			return { status: 'failed', reason: outcome.reason, retryable: false };
		case 'transient':
			return retryOrGiveUp(tick, o, attempt, outcome, channelId);
	}
}

/** A transient failure: uncertain (not resent), retried with back-off, or given up after the last attempt or the catch-up window. */
function retryOrGiveUp(
	tick: Tick,
	o: Occurrence,
	attempt: number,
	outcome: Extract<SendOutcome, { kind: 'transient' }>,
	channelId: string,
): Settlement {
	const { runner, report } = tick;
	const sub = o.subscription;
	const { catchupMinutes } = runner.options;
	if (outcome.uncertain) {
		report.uncertain++;
		runner.log.warn(
			{ subscription: sub.id, localDate: o.localDate, reason: outcome.reason },
			'Briefing may or may not have arrived; not resending',
		);
		return { status: 'uncertain', reason: outcome.reason };
	}
	if (attempt >= runner.maxAttempts) {
		report.failed++;
		runner.log.warn({ subscription: sub.id, localDate: o.localDate, reason: outcome.reason, attempt }, 'Briefing failed; giving up');
		return { status: 'failed', reason: `gave up after ${attempt} attempts: ${outcome.reason}`, retryable: false };
	}
	const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
	const nextAttemptAt = new Date(tick.now.getTime() + Math.max(backoff, outcome.retryAfterMs ?? 0));
	// A retry that could only come after the catch-up window would never be due: say so now
	// rather than leave the row waiting forever.
	const windowEnds = o.scheduledInstant.getTime() + catchupMinutes * 60_000;
	if (nextAttemptAt.getTime() > windowEnds) {
		report.rateLimited++;
		const wait =
			outcome.retryAfterMs !== undefined && outcome.retryAfterMs >= backoff
				? `the platform asked to wait ${Math.round(outcome.retryAfterMs / 1000)} s`
				: `the next retry (in ${Math.round(backoff / 1000)} s)`;
		const reason = `${outcome.retryAfterMs !== undefined ? 'rate limited' : 'failed'}: ${wait}, past the ${catchupMinutes}-minute catch-up window (${outcome.reason})`;
		runner.log.warn(
			{ subscription: sub.id, platform: sub.platform, channel: channelId, localDate: o.localDate, reason },
			'Briefing skipped: it could not be sent within the catch-up window',
		);
		return { status: 'skipped', reason };
	}
	report.failed++;
	runner.log.info(
		{ subscription: sub.id, localDate: o.localDate, reason: outcome.reason, attempt, nextAttemptAt: nextAttemptAt.toISOString() },
		'Briefing failed; will retry',
	);
	return { status: 'failed', reason: outcome.reason, retryable: true, nextAttemptAt };
}

/** Tells the owners about a paused subscription; a failure is logged, never thrown. */
async function tellPaused(runner: Runner, sub: Subscription, reason: string): Promise<void> {
	if (!runner.options.onPaused) return;
	try {
		await runner.options.onPaused(sub, reason);
	} catch (err) {
		runner.log.error({ err: toError(err), subscription: sub.id }, 'Could not tell the owners about a paused subscription');
	}
}

async function safeSend(
	runner: Runner,
	sender: PlatformSender,
	channelId: string,
	reply: Reply,
	progress: SendProgress,
	threadId?: string,
): Promise<SendOutcome> {
	try {
		return await (threadId !== undefined ? sender.send(channelId, reply, progress, threadId) : sender.send(channelId, reply, progress));
	} catch (err) {
		// The contract says senders never throw; if one does, the message may have left.
		runner.log.error(
			{ err: toError(err), platform: sender.platform, channel: channelId },
			'Sender threw; marking the briefing uncertain',
		);
		return { kind: 'transient', reason: `the sender failed: ${toError(err).message}`, uncertain: true };
	}
}

function key(o: Occurrence): OccurrenceKey {
	return { subscriptionId: o.subscription.id, localDate: o.localDate };
}

function target(o: Occurrence, tracksParts = false): OccurrenceTarget {
	return {
		subscriptionId: o.subscription.id,
		localDate: o.localDate,
		scheduledAt: o.scheduledInstant.toISOString(),
		platform: o.subscription.platform,
		channelId: o.subscription.channelId,
		...(tracksParts ? { tracksParts } : {}),
	};
}
