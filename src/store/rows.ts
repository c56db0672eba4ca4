/**
 * One mapper per table, from a row as either database returns it to the domain object the ports
 * speak. The dialects differ only in column values: an instant is ISO text from SQLite and a Date
 * from PostgreSQL's timestamptz, a flag 0/1 or a boolean, a JSON list text or an already parsed
 * jsonb array, a 64-bit integer a number or text.
 */
import { createHash } from 'node:crypto';
import { isLocale } from '../i18n/locale.js';
import type { Reply } from '../core/reply.js';
import type { Platform } from '../vocabulary/place.js';
import type { ReloadAuditEntry, ReloadTrigger } from './reload-audit.js';
import {
	alertLevel,
	type DeliveryPart,
	type DeliveryPartStatus,
	type DeliveryRecord,
	type DeliveryStatus,
	type PageRecord,
	type PushedKind,
	type PushedMessage,
	type Subscription,
} from './store.js';

/** An instant column: ISO text (SQLite) or a Date (PostgreSQL timestamptz). */
export type InstantValue = string | Date;
/** A flag column: 0/1 (SQLite) or a boolean (PostgreSQL). */
export type FlagValue = number | boolean;
/** A JSON list column: its text (SQLite, or a PostgreSQL text column) or the parsed jsonb. */
export type JsonListValue = string | string[];

/** The ISO instant the ports return. Every instant is written from Date.toISOString(), so text is returned as stored. */
export function instant(v: InstantValue): string {
	return typeof v === 'string' ? v : v.toISOString();
}

export function instantOrUndefined(v: InstantValue | null | undefined): string | undefined {
	return v === null || v === undefined ? undefined : instant(v);
}

export function flag(v: FlagValue): boolean {
	return v === true || v === 1;
}

export function jsonList(v: JsonListValue): string[] {
	return typeof v === 'string' ? (JSON.parse(v) as string[]) : v;
}

export interface SubscriptionRow {
	id: number;
	platform: string;
	channel_id: string;
	guild_id: string | null;
	time: string;
	timezone: string;
	actor_id: string | null;
	tag: string | null;
	quiet: FlagValue;
	language: string | null;
	alerts: string;
	quiet_hours: string | null;
	status: string;
	pause_reason: string | null;
	created_by: string;
	created_at: InstantValue;
	updated_at: InstantValue;
	effective_from: InstantValue;
	thread_id: string | null;
}

// Plain assignments (undefined for NULL) rather than conditional spreads: the scheduler maps every
// active row each minute, and spreads cost several times more.
export function subscriptionFromRow(r: SubscriptionRow): Subscription {
	return {
		id: r.id,
		platform: r.platform as Platform,
		channelId: r.channel_id,
		guildId: r.guild_id ?? undefined,
		threadId: r.thread_id ?? undefined,
		time: r.time,
		timezone: r.timezone,
		actorId: r.actor_id ?? undefined,
		tag: r.tag ?? undefined,
		quiet: flag(r.quiet),
		language: r.language !== null && isLocale(r.language) ? r.language : undefined,
		alerts: alertLevel(r.alerts),
		quietHours: r.quiet_hours ?? undefined,
		status: r.status === 'paused' ? 'paused' : 'active',
		pauseReason: r.pause_reason ?? undefined,
		createdBy: r.created_by,
		createdAt: instant(r.created_at),
		updatedAt: instant(r.updated_at),
		effectiveFrom: instant(r.effective_from),
	};
}

export interface DeliveryRow {
	subscription_id: number;
	local_date: string;
	scheduled_at: InstantValue;
	platform: string;
	channel_id: string;
	status: string;
	reason: string | null;
	attempts: number;
	retryable: FlagValue;
	next_attempt_at: InstantValue | null;
	message_ids: JsonListValue;
	created_at: InstantValue;
	updated_at: InstantValue;
}

export function deliveryFromRow(r: DeliveryRow): DeliveryRecord {
	return {
		subscriptionId: r.subscription_id,
		localDate: r.local_date,
		scheduledAt: instant(r.scheduled_at),
		platform: r.platform as Platform,
		channelId: r.channel_id,
		status: r.status as DeliveryStatus,
		...(r.reason !== null ? { reason: r.reason } : {}),
		attempts: r.attempts,
		retryable: flag(r.retryable),
		...(r.next_attempt_at !== null ? { nextAttemptAt: instant(r.next_attempt_at) } : {}),
		messageIds: jsonList(r.message_ids),
		createdAt: instant(r.created_at),
		updatedAt: instant(r.updated_at),
	};
}

export interface DeliveryPartRow {
	subscription_id: number;
	local_date: string;
	part: number;
	parts: number;
	channel_id: string;
	status: string;
	message_ids: JsonListValue;
	updated_at: InstantValue;
}

export function deliveryPartFromRow(r: DeliveryPartRow): DeliveryPart {
	return {
		subscriptionId: r.subscription_id,
		localDate: r.local_date,
		part: r.part,
		parts: r.parts,
		channelId: r.channel_id,
		status: r.status as DeliveryPartStatus,
		messageIds: jsonList(r.message_ids),
		updatedAt: instant(r.updated_at),
	};
}

export interface ReloadAuditRow {
	id: number;
	at: InstantValue;
	platform: string;
	user_id: string;
	display_name: string;
	trigger: string;
	dry_run: FlagValue;
	result: string;
	version: string | null;
	events: number | null;
	actors: number | null;
	sources: number | null;
	claims: number | null;
	error_count: number | null;
	duration_ms: number;
}

export function reloadAuditFromRow(r: ReloadAuditRow): ReloadAuditEntry {
	return {
		at: instant(r.at),
		requester: { platform: r.platform as Platform | 'system', userId: r.user_id, displayName: r.display_name },
		trigger: r.trigger as ReloadTrigger,
		dryRun: flag(r.dry_run),
		result: r.result as ReloadAuditEntry['result'],
		...(r.version !== null ? { version: r.version } : {}),
		...(r.events !== null
			? { counts: { events: r.events, actors: r.actors ?? 0, sources: r.sources ?? 0, claims: r.claims ?? 0 } }
			: {}),
		...(r.error_count !== null ? { errorCount: r.error_count } : {}),
		durationMs: r.duration_ms,
	};
}

/** The stored form of a reply: its words only (pictures and files are never re-sent by an edit). */
export function replyJson(reply: Reply): string {
	return JSON.stringify({ blocks: reply.blocks, ...(reply.locale ? { locale: reply.locale } : {}) });
}

/** pushed_replies.hash: replies are stored once per content. */
export function replyHash(json: string): string {
	return createHash('sha256').update(json).digest('hex');
}

/** A pushed message joined with its reply (pushed_replies.reply). */
export interface PushedRow {
	id: number;
	platform: string;
	channel_id: string;
	subscription_id: number | null;
	kind: string;
	reply: string;
	message_ids: string;
	pushed_at: InstantValue;
}

/** `events`: its pushed_events rows, event id → fingerprint. */
export function pushedFromRow(r: PushedRow, events: Readonly<Record<string, string>> | null): PushedMessage {
	return {
		id: r.id,
		platform: r.platform as Platform,
		channelId: r.channel_id,
		...(r.subscription_id !== null ? { subscriptionId: r.subscription_id } : {}),
		kind: r.kind as PushedKind,
		reply: JSON.parse(r.reply) as Reply,
		messageIds: JSON.parse(r.message_ids) as string[],
		// No prototype: event ids are untrusted text, and one named __proto__ must stay a plain key.
		events: Object.assign(Object.create(null) as Record<string, string>, events ?? {}),
		pushedAt: instant(r.pushed_at),
	};
}

export interface LiveJobRow {
	key: string;
	event_ids: string;
	created_at: InstantValue;
}

export function liveJobFromRow(r: LiveJobRow): { key: string; eventIds: string[]; createdAt: string } {
	return { key: r.key, eventIds: JSON.parse(r.event_ids) as string[], createdAt: instant(r.created_at) };
}

export interface PageKeyRow {
	line: string;
	chat_id: string | null;
	user_id: string | null;
	/** BIGINT comes back as text from PostgreSQL: milliseconds fit a double exactly for millennia. */
	expires_at: number | string;
}

export function pageRecordFromRow(row: PageKeyRow): PageRecord {
	return {
		line: row.line,
		expiresAt: Number(row.expires_at),
		...(row.chat_id !== null ? { chatId: row.chat_id } : {}),
		...(row.user_id !== null ? { userId: row.user_id } : {}),
	};
}

export interface EventVersionRow {
	event_id: string;
	fingerprint: string;
	first_seen_at: InstantValue;
}

/**
 * From one event's event_versions rows: when its current version (fingerprint `current`) was first
 * seen, and when any version of it was; undefined when the current version is not among them.
 */
export function eventTimes(current: string, rows: Iterable<EventVersionRow>): { firstSeen: string; introduced: string } | undefined {
	let firstSeen: string | undefined;
	let introduced: string | undefined;
	for (const r of rows) {
		// ISO instants of one format compare as text.
		const at = instant(r.first_seen_at);
		if (r.fingerprint === current) firstSeen = at;
		if (introduced === undefined || at < introduced) introduced = at;
	}
	return firstSeen === undefined ? undefined : { firstSeen, introduced: introduced! };
}
