/**
 * One scheduler tick: find the due occurrences, claim each in the delivery ledger before sending,
 * compose each distinct briefing once, send it to every subscriber that shares it, and record how
 * every send ended. Safe to run twice at once, in two processes, or again after a crash: the ledger's
 * unique key decides who sends. With an event-version store, each briefing also lists what was added
 * or changed since that channel's previous delivery.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { composeBriefing, type Briefing, type BriefingRequest, type UpdatedSince } from '../briefing/compose-briefing.js';
import type { Platform } from '../core/command.js';
import type { PlatformSender, SendOutcome, SendProgress } from '../core/delivery.js';
import { toError } from '../core/errors.js';
import type { Reply } from '../core/reply.js';
import { dayNumber } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Logger } from '../logger.js';
import type { Locale } from '../i18n/locale.js';
import { createTranslator } from '../i18n/translator.js';
import { webPathFor, withWebLinks } from '../core/web-links.js';
import { resumePoint, type DeliveryLedger, type EventVersionStore, type OccurrenceKey, type OccurrenceTarget, type Settlement, type Subscription, type SubscriptionStore } from '../store/store.js';
import { dueOccurrences, type Occurrence } from './due-occurrences.js';
import { parseLocalDate } from './zoned-time.js';

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
	readonly onDelivered?: (subscription: Subscription, channelId: string, reply: Reply, messageIds: readonly string[], dataset: DatasetSnapshot) => Promise<void>;
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
	const concurrency = Math.max(1, options.concurrency ?? 25);
	const staleMs = (options.staleSendingMinutes ?? 10) * 60_000;
	const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
	const compose = options.compose ?? composeBriefing;
	const log = options.logger;
	// Keys this process has seen settled, so a steady tick does not re-ask the ledger all day.
	// Only an optimisation: the ledger stays the judge.
	const settled = new Map<string, Set<number>>();
	const isSettled = (o: OccurrenceKey) => settled.get(o.localDate)?.has(o.subscriptionId) ?? false;
	const markSettled = (o: OccurrenceKey) => {
		let set = settled.get(o.localDate);
		if (!set) {
			set = new Set();
			settled.set(o.localDate, set);
			for (const d of [...settled.keys()].sort().slice(0, -4)) settled.delete(d);
		}
		set.add(o.subscriptionId);
	};
	const warnedNoSender = new Set<Platform>();
	const warnedInvalid = new Set<number>();

	async function runTick(now: Date): Promise<TickReport> {
		const started = performance.now();
		const stamp = () => new Date(now.getTime() + (performance.now() - started));
		const report: Mutable<TickReport> = { due: 0, late: 0, quiet: 0, claimed: 0, sent: 0, failed: 0, uncertain: 0, paused: 0, moved: 0, compositions: 0, yields: 0, taken: 0, noSender: 0, expired: 0, resumable: 0, resumed: 0, rateLimited: 0 };

		const expiry = await options.ledger.expireSending(new Date(now.getTime() - staleMs), now);
		report.expired = expiry.uncertain;
		report.resumable = expiry.resumable;
		if (expiry.uncertain) log.warn({ count: expiry.uncertain }, 'Briefings left in "sending" by a stopped process marked uncertain; they are not resent');
		if (expiry.resumable) log.warn({ count: expiry.resumable }, 'Briefings cut by a stopped process will be resumed after the parts that went out; a part that was on the wire is marked uncertain');

		const subs = await options.store.listActive();
		const { due, skipped, invalid } = dueOccurrences(subs, now, options.catchupMinutes);
		for (const x of invalid) {
			if (warnedInvalid.has(x.subscription.id)) continue;
			warnedInvalid.add(x.subscription.id);
			log.error({ subscription: x.subscription.id, timezone: x.subscription.timezone, time: x.subscription.time, reason: x.reason }, 'Subscription cannot be scheduled; skipping it');
		}

		const late = skipped.filter((o) => !isSettled(key(o)));
		if (late.length) {
const recorded = await options.ledger.recordSkipped(late.map((o) => target(o)), `late: missed by more than the ${options.catchupMinutes}-minute catch-up window or past its local date`, stamp());
			late.forEach((o, i) => {
				markSettled(key(o));
				if (!recorded[i]) return;
				report.late++;
				log.warn({ subscription: o.subscription.id, platform: o.subscription.platform, channel: o.subscription.channelId, localDate: o.localDate, scheduledAt: o.scheduledInstant.toISOString(), lateMinutes: Math.round((now.getTime() - o.scheduledInstant.getTime()) / 60_000) }, 'Briefing skipped: too late to send');
			});
		}

		const work: Occurrence[] = [];
		for (const o of due) {
			if (isSettled(key(o))) continue;
			if (!options.senders.has(o.subscription.platform)) {
				report.noSender++;
				if (!warnedNoSender.has(o.subscription.platform)) {
					warnedNoSender.add(o.subscription.platform);
					log.warn({ platform: o.subscription.platform }, 'Briefings are due on a platform this process cannot send to; leaving them to a process that can');
				}
				continue;
			}
			work.push(o);
		}
		report.due = work.length;
		if (!work.length) {
			log.debug({ subscriptions: subs.length, late: report.late, expired: report.expired }, 'Briefing tick: nothing due');
			return report;
		}

		const dataset = options.dataset();
		const updates = options.eventVersions ? await updatesSince(options.eventVersions, dataset, work) : undefined;
		const updatedSince = (o: Occurrence): UpdatedSince | undefined => {
			const at = updates?.since.get(o);
			return updates && at !== undefined ? { at, firstSeen: updates.firstSeen, introduced: updates.introduced } : undefined;
		};
		// A subscription's pinned language, else its channel's (/language), else English.
		const channelLanguages = await channelLanguagesOf(work);
		const languageOf = (o: Occurrence): Locale | undefined => o.subscription.language ?? channelLanguages.get(o.subscription.id);
		const keyOf = (o: Occurrence) => briefingKey(o, dataset.version, updates?.since.get(o), languageOf(o));
		const briefings = new Map<string, Briefing>();
		const briefingFor = (o: Occurrence): Briefing => {
			const k = keyOf(o);
			let b = briefings.get(k);
			if (!b) {
				const d = parseLocalDate(o.localDate);
				const sub = o.subscription;
				const u = updatedSince(o);
				const locale = languageOf(o);
				b = compose(dataset, {
					day: dayNumber(d.year, d.month, d.day),
					...(sub.actorId ? { actorId: sub.actorId } : {}),
					...(sub.tag ? { tag: sub.tag } : {}),
					...(u ? { updatedSince: u } : {}),
					...(locale ? { locale } : {}),
				});
				if (options.publicUrl) {
					const path = webPathFor('briefing', { date: o.localDate, actor: sub.actorId, tag: sub.tag }, locale);
					b = { ...b, reply: withWebLinks(b.reply, options.publicUrl, path, createTranslator(locale)) };
				}
				briefings.set(k, b);
				report.compositions++;
			}
			return b;
		};
		// Subscribers of one briefing go out together, so each composition is used while it is fresh.
		const order = new Map(work.map((o) => [o, keyOf(o)]));
		work.sort((a, b) => {
			const ka = order.get(a)!;
			const kb = order.get(b)!;
			return ka < kb ? -1 : ka > kb ? 1 : a.subscription.id - b.subscription.id;
		});

		// A sliding window of `concurrency` deliveries: as sends finish, their results are settled and
		// the next few are claimed, in one transaction each, so the pacer never waits on a whole chunk's
		// slowest send or on a commit. Rows in 'sending' (claimed, not yet settled) never exceed
		// `concurrency`: a crash leaves at most that many uncertain.
		const refillAt = Math.max(1, Math.ceil(concurrency / 5));
		const running = new Set<Promise<void>>();
		let finished: { key: OccurrenceKey; settlement: Settlement }[] = [];
		let failure: { err: unknown } | undefined;
		const settleFinished = async (): Promise<void> => {
			if (!finished.length) return;
			const results = finished;
			finished = [];
			await options.ledger.settle(results, stamp());
			options.onProgress?.();
			for (const r of results) {
				if (!(r.settlement.status === 'failed' && r.settlement.retryable)) markSettled(r.key);
			}
		};
		let next = 0;
		while ((next < work.length && !failure) || running.size > 0) {
			const free = concurrency - running.size;
			const remaining = failure ? 0 : work.length - next;
			if (remaining > 0 && free >= Math.min(refillAt, remaining)) {
				await settleFinished();
				const batch = work.slice(next, next + free);
				next += batch.length;
				// Claimed right before sending: another process that claimed first keeps its rows.
				const claims = await options.ledger.claim(batch.map((o) => target(o, options.senders.get(o.subscription.platform)?.tracksParts === true)), stamp());
				batch.forEach((o, j) => {
					const c = claims[j]!;
					if (c.kind !== 'claimed') {
						report.taken++;
						// A row another process is still sending is not settled: if that process died, a later
						// tick resumes or expires it.
						if (c.kind === 'done' && c.status !== 'sending') markSettled(key(o));
						return;
					}
					report.claimed++;
					const job: Promise<void> = deliver(o, c.attempt).then(
						(r) => void finished.push(r),
						(err: unknown) => void (failure ??= { err }),
					).finally(() => running.delete(job));
					running.add(job);
				});
				await yieldToLoop();
				report.yields++;
				continue;
			}
			await Promise.race(running);
		}
		await settleFinished();
		if (failure) throw failure.err;
		log.info({ ...report, ms: Math.round(performance.now() - started) }, 'Briefing tick');
		return report;

		/**
		 * The "updated since" instant of each occurrence, reduced to the latest recorded first-seen time
		 * not after it: that is all the section depends on, so subscribers whose previous briefings went
		 * out at slightly different moments still share one composition.
		 */
		async function updatesSince(store: EventVersionStore, ds: DatasetSnapshot, occurrences: readonly Occurrence[]): Promise<{ since: Map<Occurrence, string>; firstSeen: ReadonlyMap<string, string>; introduced: ReadonlyMap<string, string> } | undefined> {
			try {
				await store.recordSnapshot(ds, now);
				const [firstSeen, introduced, tracking] = await Promise.all([store.firstSeen(ds), store.introduced(ds), store.trackingSince()]);
				if (tracking === undefined) return undefined;
				const marks = [...new Set([tracking, ...firstSeen.values(), ...introduced.values()])].sort();
				const since = new Map<Occurrence, string>();
				for (let i = 0; i < occurrences.length; i++) {
					const o = occurrences[i]!;
					const prev = await options.ledger.lastSent(o.subscription.id, o.localDate);
					// A first briefing has nothing to compare with. A delivery from before recording began
					// compares with its start: what was there then is not known to be news.
					if (prev !== undefined) since.set(o, latestAtOrBefore(marks, prev < tracking ? tracking : prev));
					if (i % 1000 === 999) await yieldToLoop();
				}
				return { since, firstSeen, introduced };
			} catch (err) {
				log.error({ err: toError(err) }, 'Event versions unavailable; briefings go out without "Updated since your last briefing"');
				return undefined;
			}
		}

		/** Channel languages of the due subscriptions that pin none themselves (stores that keep them). */
		async function channelLanguagesOf(occurrences: readonly Occurrence[]): Promise<Map<number, Locale>> {
			const out = new Map<number, Locale>();
			const store = options.store;
			try {
				for (let i = 0; i < occurrences.length; i++) {
					const o = occurrences[i]!;
					if (i % 1000 === 999) await yieldToLoop();
					if (o.subscription.language) continue;
					const l = await store.channelLanguage(o.subscription.platform, o.subscription.channelId);
					if (l) out.set(o.subscription.id, l);
				}
			} catch (err) {
				log.error({ err: toError(err) }, 'Channel languages unavailable; briefings go out in their subscriptions\' languages');
			}
			return out;
		}

		async function deliver(o: Occurrence, attempt: number): Promise<{ key: OccurrenceKey; settlement: Settlement }> {
			const sub = o.subscription;
			const k = key(o);
			let briefing: Briefing;
			try {
				briefing = briefingFor(o);
			} catch (err) {
				log.error({ err: toError(err), subscription: sub.id, localDate: o.localDate }, 'Briefing could not be composed');
				report.failed++;
				return { key: k, settlement: { status: 'failed', reason: 'the briefing could not be composed', retryable: false } };
			}
			if (sub.quiet && briefing.newEvents.length === 0) {
				report.quiet++;
				return { key: k, settlement: { status: 'skipped', reason: 'quiet: no new events' } };
			}
			const sender = options.senders.get(sub.platform)!;
			let channelId = sub.channelId;
			// A retaken delivery may have parts out already (a crash, a 429 after part 1): those are
			// never sent again, and a part that was on the wire at a crash stays uncertain.
			const resume = sender.tracksParts && attempt > 1 ? resumePoint(await options.ledger.parts(k)) : undefined;
			if (resume?.skip) report.resumed++;
			const progress = (): SendProgress =>
				sender.tracksParts
					? {
							...(resume?.skip ? { skipParts: resume.skip } : {}),
							onWire: (part, parts) => options.ledger.partOnWire(k, part, parts, channelId, stamp()),
							onSent: (sent) => options.ledger.partSent(k, sent, channelId, stamp()),
						}
					: {};
			let outcome = await safeSend(sender, channelId, briefing.reply, progress(), sub.threadId);
			if (outcome.kind === 'migrated') {
				const to = outcome.newChannelId;
				const moved = await options.store.move(sub.id, to, stamp());
				if (moved !== 'moved') {
					const reason = moved === 'conflict' ? `the chat moved to ${to}, which has its own subscription` : 'the subscription was removed';
					if (moved === 'conflict') {
						await options.store.pause(sub.id, reason, stamp());
						report.paused++;
						await paused(sub, reason);
					}
					report.failed++;
					return { key: k, settlement: { status: 'failed', reason, retryable: false } };
				}
				report.moved++;
				log.info({ subscription: sub.id, from: channelId, to }, 'Subscription moved to the migrated chat');
				channelId = to;
				// A supergroup made from a group has no topics of the old one: post to the chat itself.
				outcome = await safeSend(sender, channelId, briefing.reply, progress());
				if (outcome.kind === 'migrated') outcome = { kind: 'permanent', reason: `the chat migrated twice (to ${outcome.newChannelId})` };
			}
			if (outcome.kind === 'sent' && resume?.uncertain.length) {
				// Everything else is there; whether the part on the wire at the crash arrived is unknown.
				const which = resume.uncertain.map((p) => `${p.part} of ${p.parts}`).join(', ');
				report.uncertain++;
				log.warn({ subscription: sub.id, localDate: o.localDate, parts: which }, 'Briefing completed after a crash; a part that was on the wire then may or may not have arrived');
				return { key: k, settlement: { status: 'uncertain', reason: `part ${which} was being sent when the process stopped and may not have arrived; the other parts were delivered` } };
			}
			switch (outcome.kind) {
				case 'sent':
					report.sent++;
					if (options.onDelivered) await options.onDelivered(sub, channelId, briefing.reply, [...(resume?.sent.flatMap((p) => p.messageIds) ?? []), ...outcome.messageIds], dataset);
					return { key: k, settlement: { status: 'sent', messageIds: [...(resume?.sent.flatMap((p) => p.messageIds) ?? []), ...outcome.messageIds], ...(channelId !== sub.channelId ? { channelId } : {}) } };
				case 'permanent':
					await options.store.pause(sub.id, outcome.reason, stamp());
					report.paused++;
					report.failed++;
					log.warn({ subscription: sub.id, platform: sub.platform, channel: channelId, reason: outcome.reason }, 'Subscription paused after a permanent error');
					await paused(sub, outcome.reason);
					return { key: k, settlement: { status: 'failed', reason: outcome.reason, retryable: false } };
				case 'transient': {
					if (outcome.uncertain) {
						report.uncertain++;
						log.warn({ subscription: sub.id, localDate: o.localDate, reason: outcome.reason }, 'Briefing may or may not have arrived; not resending');
						return { key: k, settlement: { status: 'uncertain', reason: outcome.reason } };
					}
					report.failed++;
					if (attempt >= maxAttempts) {
						log.warn({ subscription: sub.id, localDate: o.localDate, reason: outcome.reason, attempt }, 'Briefing failed; giving up');
						return { key: k, settlement: { status: 'failed', reason: `gave up after ${attempt} attempts: ${outcome.reason}`, retryable: false } };
					}
					const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
					const nextAttemptAt = new Date(now.getTime() + Math.max(backoff, outcome.retryAfterMs ?? 0));
					// A retry that could only come after the catch-up window would never be due: say so now
					// rather than leave the row waiting forever.
					const windowEnds = o.scheduledInstant.getTime() + options.catchupMinutes * 60_000;
					if (nextAttemptAt.getTime() > windowEnds) {
						report.failed--;
						report.rateLimited++;
						const wait = outcome.retryAfterMs !== undefined && outcome.retryAfterMs >= backoff ? `the platform asked to wait ${Math.round(outcome.retryAfterMs / 1000)} s` : `the next retry (in ${Math.round(backoff / 1000)} s)`;
						const reason = `${outcome.retryAfterMs !== undefined ? 'rate limited' : 'failed'}: ${wait}, past the ${options.catchupMinutes}-minute catch-up window (${outcome.reason})`;
						log.warn({ subscription: sub.id, platform: sub.platform, channel: channelId, localDate: o.localDate, reason }, 'Briefing skipped: it could not be sent within the catch-up window');
						return { key: k, settlement: { status: 'skipped', reason } };
					}
					log.info({ subscription: sub.id, localDate: o.localDate, reason: outcome.reason, attempt, nextAttemptAt: nextAttemptAt.toISOString() }, 'Briefing failed; will retry');
					return { key: k, settlement: { status: 'failed', reason: outcome.reason, retryable: true, nextAttemptAt } };
				}
			}
		}
	}

	async function paused(sub: Subscription, reason: string): Promise<void> {
		if (!options.onPaused) return;
		try {
			await options.onPaused(sub, reason);
		} catch (err) {
			log.error({ err: toError(err), subscription: sub.id }, 'Could not tell the owners about a paused subscription');
		}
	}

	async function safeSend(sender: PlatformSender, channelId: string, reply: Reply, progress: SendProgress, threadId?: string): Promise<SendOutcome> {
		try {
			return await (threadId !== undefined ? sender.send(channelId, reply, progress, threadId) : sender.send(channelId, reply, progress));
		} catch (err) {
			// The contract says senders never throw; if one does, the message may have left.
			log.error({ err: toError(err), platform: sender.platform, channel: channelId }, 'Sender threw; marking the briefing uncertain');
			return { kind: 'transient', reason: `the sender failed: ${toError(err).message}`, uncertain: true };
		}
	}

	return { runTick };
}

function key(o: Occurrence): OccurrenceKey {
	return { subscriptionId: o.subscription.id, localDate: o.localDate };
}

function target(o: Occurrence, tracksParts = false): OccurrenceTarget {
	return { subscriptionId: o.subscription.id, localDate: o.localDate, scheduledAt: o.scheduledInstant.toISOString(), platform: o.subscription.platform, channelId: o.subscription.channelId, ...(tracksParts ? { tracksParts } : {}) };
}

/**
 * What makes two briefings identical. The zone is part of it as the design specifies, so that showing
 * local times in a briefing later cannot make subscribers in different zones share one.
 * `updatedSince` is the (reduced) previous-delivery instant its "Updated since" section starts from;
 * `language` is the one it is composed in: the subscription's pin, else its channel's, else English.
 */
export function briefingKey(o: Occurrence, datasetVersion: string, updatedSince?: string, language: Locale | undefined = o.subscription.language): string {
	const s = o.subscription;
	return `${o.localDate}|${s.timezone}|${s.actorId ?? ''}|${s.tag ?? ''}|${datasetVersion}|${updatedSince ?? ''}|${language ?? 'en'}`;
}

/** The greatest of the sorted `marks` that is ≤ `at`; `marks[0]` when none is (callers keep `at` ≥ marks[0]). */
function latestAtOrBefore(marks: readonly string[], at: string): string {
	let lo = 0;
	let hi = marks.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (marks[mid]! <= at) lo = mid;
		else hi = mid - 1;
	}
	return marks[lo] ?? at;
}
