/**
 * One scheduler tick: find the due occurrences, claim each in the delivery ledger before sending,
 * compose each distinct briefing once, send it to every subscriber that shares it, and record how
 * every send ended. Safe to run twice at once, in two processes, or again after a crash: the ledger's
 * unique key decides who sends. With an event-version store, each briefing also lists what was added
 * or changed since that channel's previous delivery.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { composeBriefing } from '../briefing/compose-briefing.js';
import type { OccurrenceKey, Settlement } from '../store/store.js';
import { dueOccurrences, type Occurrence } from './due-occurrences.js';
import { orderByBriefing, prepareBriefings, type Briefings } from './tick-compose.js';
import { deliver } from './tick-deliver.js';
import { key, SettledKeys, stamp, target, type Runner, type Tick, type TickOptions, type TickReport } from './tick-state.js';

export { briefingKey } from './tick-compose.js';
export type { TickOptions, TickReport } from './tick-state.js';

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

/** A delivery's end, waiting to be written to the ledger. */
interface Finished {
	readonly key: OccurrenceKey;
	readonly settlement: Settlement;
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
