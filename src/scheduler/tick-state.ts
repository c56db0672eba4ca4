/**
 * What the steps of a scheduler tick share: the runner's options and the report it fills, the state a
 * runner keeps between ticks, and the ledger keys of an occurrence.
 */
import type { Briefing, BriefingRequest } from '../briefing/compose-briefing.js';
import type { Platform } from '../core/command.js';
import type { PlatformSender } from '../core/delivery.js';
import type { Reply } from '../core/reply.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Logger } from '../logger.js';
import type {
	DeliveryLedger,
	EventVersionStore,
	OccurrenceKey,
	OccurrenceTarget,
	Subscription,
	SubscriptionStore,
} from '../store/store.js';
import type { Occurrence } from './due-occurrences.js';

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

/** A writable `T`: the report while the tick fills it in. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a runner keeps from one tick to the next: its settings and what it has already seen. */
export interface Runner {
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
export interface Tick {
	readonly runner: Runner;
	readonly now: Date;
	/** performance.now() when the tick began. */
	readonly started: number;
	readonly report: Mutable<TickReport>;
}

/**
 * Keys this process has seen settled, so a steady tick does not re-ask the ledger all day. Only an
 * optimisation: the ledger stays the judge. The last four local dates are kept.
 */
export class SettledKeys {
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

/** `now` advanced by the time the tick has run: when a claim, part or settlement happened. */
export function stamp(tick: Tick): Date {
	return new Date(tick.now.getTime() + (performance.now() - tick.started));
}

/** The ledger's key of an occurrence: one delivery per subscription and local date. */
export function key(o: Occurrence): OccurrenceKey {
	return { subscriptionId: o.subscription.id, localDate: o.localDate };
}

/** What the ledger records of an occurrence when it claims or skips it. */
export function target(o: Occurrence, tracksParts = false): OccurrenceTarget {
	return {
		subscriptionId: o.subscription.id,
		localDate: o.localDate,
		scheduledAt: o.scheduledInstant.toISOString(),
		platform: o.subscription.platform,
		channelId: o.subscription.channelId,
		...(tracksParts ? { tracksParts } : {}),
	};
}
