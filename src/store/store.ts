/**
 * The storage ports for daily briefings: subscriptions, the delivery ledger, event versions and
 * seen update ids. SQLite implements them for one machine (src/store/sqlite/), PostgreSQL for a
 * deployment of several processes (src/store/postgres/); the methods are asynchronous so that no
 * caller changes with the backend, and src/store/open-stores.ts picks one from the configuration.
 * (The reload audit log's port, ReloadAuditLog, lives beside its user in src/reload/reloader.ts.)
 */
import type { Place, Platform } from '../vocabulary/place.js';
import type { SentPart } from '../core/delivery.js';
import type { Reply } from '../core/reply.js';
import type { Locale } from '../i18n/locale.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { VersionTimes } from '../briefing/version-times.js';

export type SubscriptionStatus = 'active' | 'paused';

/** What a subscription gets pushed besides the daily briefing (/subscribe alerts:…). */
export const ALERT_LEVELS = ['off', 'breaking', 'all'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** A stored alert level, 'off' for anything unknown (the columns' CHECK allows none). */
export function alertLevel(v: string): AlertLevel {
	return (ALERT_LEVELS as readonly string[]).includes(v) ? (v as AlertLevel) : 'off';
}

/** What /subscribe sets; an update replaces every setting (an absent one clears the earlier value). */
export interface SubscriptionInput {
	readonly platform: Platform;
	/** Telegram chat ids are kept as text: they exceed 32 bits and must round-trip exactly. */
	readonly channelId: string;
	/** Discord guild, so removal from a guild can pause its subscriptions (an update keeps a known one). */
	readonly guildId?: string;
	/** A Telegram forum topic (message_thread_id) the briefing posts to, where /subscribe was given; absent: the chat itself. */
	readonly threadId?: string;
	/** Local delivery time, "HH:MM" (24-hour). */
	readonly time: string;
	/** IANA timezone, e.g. "Asia/Baku". */
	readonly timezone: string;
	readonly actorId?: string;
	readonly tag?: string;
	/** Skip days without new events. */
	readonly quiet: boolean;
	/** The language the briefing is composed in (/subscribe language:ru); English when absent. */
	readonly language?: Locale;
	/** Alerts between briefings: none, breaking events only, or every new event (migration 7). Default 'off'. */
	readonly alerts?: AlertLevel;
	/** "HH:MM-HH:MM" in the subscription's timezone, during which alerts wait; may wrap midnight. Absent: none. */
	readonly quietHours?: string;
	readonly createdBy: string;
}

/** One channel's daily briefing. There is at most one per (platform, channelId). */
export interface Subscription extends SubscriptionInput {
	/** Never reused, so old ledger rows can never be mistaken for a new subscription's. */
	readonly id: number;
	readonly alerts: AlertLevel;
	readonly status: SubscriptionStatus;
	readonly pauseReason?: string;
	/** ISO instants. */
	readonly createdAt: string;
	readonly updatedAt: string;
	/**
	 * Occurrences scheduled before this instant are neither sent nor reported skipped: subscribing at
	 * 08:30 to an 08:00 briefing does not send one at once, and resuming does not replay the morning.
	 * Set when the subscription is created, resumed, or its time or timezone changes.
	 */
	readonly effectiveFrom: string;
}

export interface UpsertResult {
	readonly subscription: Subscription;
	/** The channel had no subscription before. */
	readonly created: boolean;
	/** It was paused and is active again. */
	readonly resumed: boolean;
	/** The previous settings, when it existed. */
	readonly previous?: Subscription;
}

export type MoveResult = 'moved' | 'missing' | 'conflict';

/**
 * The `localePin` for the core (CoreOptions.localePin): the channel's pinned language when there is a
 * subscription store, else none. The composition root sets it, so the core never imports the store.
 */
export function channelLanguagePin(
	store: SubscriptionStore | undefined,
): ((place: Pick<Place, 'platform' | 'channelId'>) => Promise<Locale | undefined>) | undefined {
	return store ? (place) => store.channelLanguage(place.platform, place.channelId) : undefined;
}

/**
 * Subscriptions, and the languages pinned for whole channels (/language set:ru), which move with a
 * channel's subscription (Telegram group → supergroup).
 */
export interface SubscriptionStore {
	/**
	 * Creates the channel's subscription, or updates it in place (same id) when the channel already
	 * has one; an update also resumes a paused subscription.
	 */
	upsert(input: SubscriptionInput, now: Date): Promise<UpsertResult>;
	get(platform: Platform, channelId: string): Promise<Subscription | undefined>;
	getById(id: number): Promise<Subscription | undefined>;
	/** Ends the channel's subscription (an admin's /unsubscribe). Returns what was removed. */
	remove(platform: Platform, channelId: string): Promise<Subscription | undefined>;
	/** Every active subscription: what the scheduler reads each tick. */
	listActive(): Promise<Subscription[]>;
	/** All subscriptions, or those of one platform / channel, oldest first. */
	list(filter?: { readonly platform?: Platform; readonly channelId?: string }): Promise<Subscription[]>;
	/** Pauses with a reason shown by /subscriptions. Permanent errors pause; they never delete. */
	pause(id: number, reason: string, now: Date): Promise<void>;
	/** Pauses every active subscription of a guild (the bot was removed from it). Returns how many. */
	pauseGuild(platform: Platform, guildId: string, reason: string, now: Date): Promise<number>;
	/** Pauses the subscription of one channel (the bot was removed or blocked). Returns whether one was. */
	pauseChannel(platform: Platform, channelId: string, reason: string, now: Date): Promise<boolean>;
	/**
	 * Moves a subscription to another channel id (Telegram group → supergroup). 'conflict' when the
	 * target channel already has its own subscription; nothing changes then.
	 */
	move(id: number, newChannelId: string, now: Date): Promise<MoveResult>;
	/** Like {@link move}, addressed by the old channel id (a migrate_to_chat_id service message). */
	moveChannel(platform: Platform, fromChannelId: string, toChannelId: string, now: Date): Promise<MoveResult>;
	/**
	 * The language pinned for the channel: it beats the platform's hint for every answer in that
	 * channel and is the language of the channel's daily briefing unless the subscription pins its own.
	 */
	channelLanguage(platform: Platform, channelId: string): Promise<Locale | undefined>;
	/** Pins `language` for the channel, or removes the pin when undefined. */
	setChannelLanguage(platform: Platform, channelId: string, language: Locale | undefined, setBy: string, now: Date): Promise<void>;
}

/**
 * An occurrence's life: 'sending' is written before anything is sent; then 'sent', 'failed'
 * (retried while `retryable` and inside the catch-up window), 'uncertain' (may have reached the chat:
 * never resent) or 'skipped' (too late, or a quiet day).
 */
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'uncertain' | 'skipped';

/** The occurrence key: one briefing per subscription per local date. */
export interface OccurrenceKey {
	readonly subscriptionId: number;
	/** 'YYYY-MM-DD' in the subscription's timezone. */
	readonly localDate: string;
}

export interface OccurrenceTarget extends OccurrenceKey {
	/** ISO instant it was due. */
	readonly scheduledAt: string;
	readonly platform: Platform;
	readonly channelId: string;
	/**
	 * The sender records each part (partOnWire / partSent): after a crash, a delivery with no part
	 * on the wire is resumed rather than left uncertain. False or absent: the whole send is uncertain.
	 */
	readonly tracksParts?: boolean;
}

export interface DeliveryRecord extends OccurrenceTarget {
	readonly status: DeliveryStatus;
	readonly reason?: string;
	readonly attempts: number;
	readonly retryable: boolean;
	readonly nextAttemptAt?: string;
	readonly messageIds: readonly string[];
	readonly createdAt: string;
	readonly updatedAt: string;
}

/**
 * One message of a delivery: 'sending' from right before its request until it is known to have
 * arrived ('sent', with its platform message ids); 'uncertain' when the process died with it on the
 * wire. Parts are 1-based, in the order they are shown.
 */
export type DeliveryPartStatus = 'sending' | 'sent' | 'uncertain';

export interface DeliveryPart extends OccurrenceKey {
	readonly part: number;
	readonly parts: number;
	/** The chat it went to (a delivery can move with a migrated chat). */
	readonly channelId: string;
	readonly status: DeliveryPartStatus;
	readonly messageIds: readonly string[];
	readonly updatedAt: string;
}

/** What the parts of a claimed delivery say about resuming it. */
export interface ResumePoint {
	/** Parts 1..skip are done (sent, or uncertain and never resent): the sender starts after them. */
	readonly skip: number;
	/** The parts sent so far, in order. */
	readonly sent: readonly DeliveryPart[];
	/** Parts that may or may not have arrived (on the wire when a process died). */
	readonly uncertain: readonly DeliveryPart[];
}

/** Where a claimed delivery resumes, from its recorded parts (the leading run of sent or uncertain parts). */
export function resumePoint(parts: readonly DeliveryPart[]): ResumePoint {
	const sorted = [...parts].sort((a, b) => a.part - b.part);
	let skip = 0;
	for (const p of sorted) {
		if (p.part !== skip + 1 || p.status === 'sending') break;
		skip = p.part;
	}
	const done = sorted.filter((p) => p.part <= skip);
	return { skip, sent: done.filter((p) => p.status === 'sent'), uncertain: done.filter((p) => p.status === 'uncertain') };
}

/** What {@link DeliveryLedger.expireSending} did. */
export interface ExpiryReport {
	/** Rows turned 'uncertain': their sender does not record parts, so anything may have arrived. */
	readonly uncertain: number;
	/**
	 * Rows made retryable so that their remaining parts go out: a part that was on the wire is marked
	 * uncertain and skipped, the others are sent.
	 */
	readonly resumable: number;
}

/**
 * The result of a claim: 'claimed' means this caller inserted the row (or took over a retryable
 * failure) and alone may send; 'later' means a retry is not due yet; 'done' means someone else owns
 * it or it is settled.
 */
export type ClaimResult =
	| { readonly kind: 'claimed'; readonly attempt: number }
	| { readonly kind: 'later' }
	| { readonly kind: 'done'; readonly status: DeliveryStatus };

/** How a claimed occurrence ended. */
export type Settlement =
	| { readonly status: 'sent'; readonly messageIds: readonly string[]; readonly channelId?: string }
	| { readonly status: 'failed'; readonly reason: string; readonly retryable: boolean; readonly nextAttemptAt?: Date }
	| { readonly status: 'uncertain'; readonly reason: string }
	| { readonly status: 'skipped'; readonly reason: string };

export interface DeliveryLedger {
	/**
	 * Claims occurrences before sending, atomically: a new key is inserted as 'sending'
	 * (INSERT … ON CONFLICT DO NOTHING), a 'failed' retryable row whose next attempt is due is taken
	 * over; anything else is left alone. Only a 'claimed' result may be sent. Results are in input order.
	 */
	claim(targets: readonly OccurrenceTarget[], now: Date): Promise<ClaimResult[]>;
	/** Records occurrences that will not be sent (late, quiet) unless the key exists. Returns which were recorded. */
	recordSkipped(targets: readonly OccurrenceTarget[], reason: string, now: Date): Promise<boolean[]>;
	/**
	 * Records the outcome of claimed occurrences, in one transaction. Only the claimer settles; it may
	 * overwrite 'uncertain' set by {@link expireSending} when its send outlived the timeout.
	 */
	settle(results: readonly { readonly key: OccurrenceKey; readonly settlement: Settlement }[], now: Date): Promise<void>;
	/**
	 * Rows left in 'sending' since before `olderThan` belong to a process that stopped mid-send. One
	 * whose sender records parts becomes a due retryable failure (its part on the wire, if any, turns
	 * 'uncertain'), so a claim resumes it after the parts it has; any other becomes 'uncertain': whether
	 * the chat received it is unknown, and it is never resent.
	 */
	expireSending(olderThan: Date, now: Date): Promise<ExpiryReport>;
	/**
	 * Records that part `part` of `parts` of a claimed delivery is about to go on the wire to
	 * `channelId` (a part already 'sent' stays so). Also keeps the delivery's updated_at fresh, so a
	 * long fan-out is not mistaken for a dead one.
	 */
	partOnWire(key: OccurrenceKey, part: number, parts: number, channelId: string, now: Date): Promise<void>;
	/** Records that a part arrived, with its platform message ids. */
	partSent(key: OccurrenceKey, sent: SentPart, channelId: string, now: Date): Promise<void>;
	/** The recorded parts of one delivery, or of every delivery of a subscription or a date; by key, then part. */
	parts(filter: { readonly subscriptionId?: number; readonly localDate?: string }): Promise<DeliveryPart[]>;
	get(key: OccurrenceKey): Promise<DeliveryRecord | undefined>;
	/**
	 * When the subscription's previous briefing was delivered: the updated_at (ISO) of its latest
	 * 'sent' row, only among occurrences before `beforeLocalDate` when given; undefined if none.
	 */
	lastSent(subscriptionId: number, beforeLocalDate?: string): Promise<string | undefined>;
	/** Rows for a subscription or a date, oldest first. */
	list(filter?: {
		readonly subscriptionId?: number;
		readonly localDate?: string;
		readonly status?: DeliveryStatus;
	}): Promise<DeliveryRecord[]>;
}

/**
 * When each version of each event was first seen, so that a briefing can list what was added or
 * changed since a channel's previous delivery. A version is identified by its fingerprint: the
 * SHA-256 of the event's canonical JSON, its claims included (see DatasetSnapshot.eventFingerprints). Rows are
 * never deleted, so an event's history survives its removal and return.
 */
export interface EventVersionStore {
	/**
	 * Records the snapshot's event versions: each (event id, fingerprint) not known yet is inserted
	 * with first_seen_at = `at`; known pairs keep their first time. Idempotent: call it at start-up
	 * and after every swap. A page of {@link VERSION_PAGE} events at a time, each in its own transaction.
	 * Once the last page is committed the store notes the snapshot's version as recorded, and a later
	 * call with that version (from any process sharing the store) reads nothing else. Resolves true
	 * when this call went through the snapshot's versions, false when they were known recorded.
	 */
	recordSnapshot(snapshot: DatasetSnapshot, at: Date): Promise<boolean>;
	/**
	 * When the snapshot's events' versions were first seen: the current one and the first one of each
	 * event (none for an event whose current version is not recorded). Holds entries only for the
	 * events with a version first seen after recording began; every other recorded one answers the
	 * tracking start.
	 */
	versionTimes(snapshot: DatasetSnapshot): Promise<VersionTimes>;
	/**
	 * When recording began: the earliest first_seen_at of any row, undefined while none is recorded.
	 * Versions first seen then were already there before recording began, so they are nobody's news.
	 */
	trackingSince(): Promise<string | undefined>;
}

/**
 * Remembers which platform updates (Telegram's update_id) have been handled, so that a redelivered
 * update is handled once even when it reaches another process behind a load balancer. Entries older
 * than a day are pruned now and then: Telegram stops redelivering long before that.
 */
export interface UpdateDeduplicator {
	/**
	 * Records the update as seen at `at`. True only for the first caller, in any process sharing the
	 * store; false for every later call with the same (platform, updateId).
	 */
	firstSeen(platform: string, updateId: string, at: Date): Promise<boolean>;
}

/** How long an update id is remembered before it may be pruned. */
export const UPDATE_ID_RETENTION_MS = 24 * 60 * 60 * 1000;

/** How often (by the caller's clock) a deduplicator deletes expired update ids. */
export const UPDATE_ID_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Where a paging button leads: the command line of its page, and who may press it. Kept under an
 * opaque random key (the button carries only that), in the store every process shares, so a press
 * that reaches another process (a Telegram webhook behind a load balancer, another Discord shard
 * group) turns the page as well.
 */
export interface PageRecord {
	/** The complete command line that produces the page. */
	readonly line: string;
	/** The chat the page was shown in (Telegram checks the press comes from it). */
	readonly chatId?: string;
	/** Only this user may turn the page; undefined when anyone in the chat may. */
	readonly userId?: string;
	/** Milliseconds since the epoch after which the button answers "expired". */
	readonly expiresAt: number;
}

/**
 * Paging-button keys by platform. Bounded: past {@link PAGE_KEYS_MAX} (or the table's own limit)
 * the oldest keys go first, whatever their expiry, so no member can make it grow without end.
 */
export interface PageKeyTable {
	/** Stores a key (a key already taken keeps its record); `now` (ms) is the clock expired keys are pruned by. */
	put(platform: Platform, key: string, record: PageRecord, now: number): Promise<void>;
	/** The record, or undefined when the key is unknown, evicted or expired at `now` (ms). */
	get(platform: Platform, key: string, now: number): Promise<PageRecord | undefined>;
}

/** The most paging keys a table keeps, over all platforms. */
export const PAGE_KEYS_MAX = 50_000;

/** Events per page when a snapshot's versions are recorded or checked (EventVersionStore). */
export const VERSION_PAGE = 1000;

/** How often (by the caller's clock) a page key table deletes expired keys. */
export const PAGE_KEY_PRUNE_INTERVAL_MS = 60 * 1000;

/** The longest command line a page key keeps; longer lines are cut (the dispatcher limits lines far below). */
export const PAGE_LINE_MAX = 2000;

/** What kind of pushed message a record is. */
export type PushedKind = 'briefing' | 'alert';

/**
 * A message the bot pushed unasked (a briefing or an alert), remembered for the correction window:
 * where it went, the platform message id of each part, the reply it showed (to re-render it with
 * a correction) and which version of which event it showed.
 */
export interface PushedMessage {
	readonly id: number;
	readonly platform: Platform;
	readonly channelId: string;
	readonly subscriptionId?: number;
	readonly kind: PushedKind;
	/** The reply as sent (blocks and locale; pictures and files are not kept). */
	readonly reply: Reply;
	/** One id per part, in order. */
	readonly messageIds: readonly string[];
	/** Event id → fingerprint (DatasetSnapshot.eventFingerprints) of the version shown. */
	readonly events: Readonly<Record<string, string>>;
	readonly pushedAt: string;
}

/** The life of a live action (an alert batch, an edit, a correction reply): claimed before it is done. */
/**
 * The life of a live action (an alert batch, an edit, a correction reply): 'sending' once claimed,
 * 'wire' right before its request goes out, then 'done', 'failed' or 'uncertain'.
 */
export type LiveActionStatus = 'sending' | 'wire' | 'done' | 'failed' | 'uncertain';

/**
 * The store of the live layer (src/live/): alerts waiting for their chat, pushed-message records,
 * and the exactly-once fence for alert batches, edits and correction replies (migration 8).
 */
export interface LiveStore {
	/** Queues alerts (subscription, event) not queued before; returns how many were new. An event alerts a subscription at most once. */
	enqueueAlerts(items: readonly { readonly subscriptionId: number; readonly eventId: string }[], now: Date): Promise<number>;
	/** Pending alerts: subscription id → event ids, oldest first. */
	pendingAlerts(): Promise<Map<number, string[]>>;
	/**
	 * Claims one alert batch: records the action `key` and turns the subscription's `eventIds` from
	 * pending to sending, in one transaction. False (and nothing changes) when the key exists or any of
	 * the events is no longer pending: another process has them.
	 */
	claimAlertBatch(key: string, subscriptionId: number, eventIds: readonly string[], now: Date): Promise<boolean>;
	/** Ends a claimed batch: its events become sent, pending again (a certain failure), uncertain or dropped. */
	settleAlertBatch(
		key: string,
		status: 'sent' | 'pending' | 'uncertain' | 'dropped',
		detail: string | undefined,
		now: Date,
	): Promise<void>;
	/** Alert messages sent (or possibly sent) to a subscription since `since`: the flood cap counts these. */
	alertsSentSince(subscriptionId: number, since: Date): Promise<number>;
	/** Claims an action by key (INSERT … ON CONFLICT DO NOTHING): true for the one caller that may do it. */
	claimAction(key: string, kind: 'edit' | 'reply', subscriptionId: number | undefined, now: Date): Promise<boolean>;
	settleAction(key: string, status: Exclude<LiveActionStatus, 'sending' | 'wire'>, detail: string | undefined, now: Date): Promise<void>;
	/** Marks a claimed action as on the wire: its request is about to go out. */
	actionOnWire(key: string, now: Date): Promise<void>;
	/**
	 * Claims of a dead process, older than `olderThan`: one that never reached the wire is released
	 * (an edit or reply can be claimed again, an alert batch's events are pending again); one on the
	 * wire becomes uncertain and is never redone. Returns how many were released and made uncertain.
	 */
	expireSending(olderThan: Date, now: Date): Promise<{ released: number; uncertain: number }>;
	/** Records a pushed message; returns its id. */
	recordPushed(message: Omit<PushedMessage, 'id'>): Promise<number>;
	/** After an edit: the reply it shows now and the event versions in it. */
	updatePushed(id: number, reply: Reply, events: Readonly<Record<string, string>>, now: Date): Promise<void>;
	/** Pushed messages since `since` that showed any of `eventIds`, oldest first. */
	pushedShowing(eventIds: readonly string[], since: Date): Promise<PushedMessage[]>;
	/** A reload's corrections to do: the event ids it changed or removed, kept until {@link finishJob}. */
	addJob(key: string, eventIds: readonly string[], now: Date): Promise<void>;
	pendingJobs(): Promise<{ key: string; eventIds: string[]; createdAt: string }[]>;
	finishJob(key: string, now: Date): Promise<void>;
	/** Forgets pushed messages, finished actions and jobs older than `before` (the correction window). */
	prune(before: Date): Promise<number>;
}
