/**
 * DeliveryLedger on either database, its rules written once. The PRIMARY KEY (subscription_id,
 * local_date) is the fence against double posts: whoever inserts the row sends; everyone else (a
 * second tick, a restarted process, a second process on the same database) finds it taken. A claim
 * inserts a whole batch with ON CONFLICT DO NOTHING … RETURNING, in key order so that two processes
 * claiming overlapping batches queue rather than deadlock; a retryable failure that is due is taken
 * over by an UPDATE whose WHERE re-checks the status (after the row lock on PostgreSQL, under the
 * IMMEDIATE write lock on SQLite), so only one taker matches.
 *
 * A batch reaches a statement as one JSON parameter (jsonTable): the SQL is the same for both
 * dialects but for how that parameter is read, and one write pair that PostgreSQL sends as one statement.
 */
import type { SentPart } from '../core/delivery.js';
import {
	deliveryFromRow,
	deliveryPartFromRow,
	flag,
	instantOrUndefined,
	type DeliveryPartRow,
	type DeliveryRow,
	type FlagValue,
	type InstantValue,
} from './rows.js';
import { all, jsonRows, jsonTable, run, whereEqual, type SqlDialect, type SqlExecutor, type SqlParam, type Steps } from './sql.js';
import type {
	ClaimResult,
	DeliveryLedger,
	DeliveryPart,
	DeliveryRecord,
	DeliveryStatus,
	ExpiryReport,
	OccurrenceKey,
	OccurrenceTarget,
	Settlement,
} from './store.js';

const STOPPED = 'the process stopped while sending; not resent to avoid a double post';
const STOPPED_MID_DELIVERY = 'the process stopped mid-delivery; the parts not yet sent will be';

interface KeyRow {
	subscription_id: number;
	local_date: string;
}

const keyOf = (k: OccurrenceKey) => `${k.subscriptionId}\u0000${k.localDate}`;
const rowKey = (r: KeyRow) => keyOf({ subscriptionId: r.subscription_id, localDate: r.local_date });

/** Every statement, for one dialect. */
function statements(d: SqlDialect) {
	const targets = jsonTable(d, [
		['t_subscription_id', 'int'],
		['t_local_date', 'text'],
		['t_scheduled_at', 'timestamptz'],
		['t_platform', 'text'],
		['t_channel_id', 'text'],
		['t_tracks_parts', 'boolean'],
	]);
	const keys = `(SELECT t_subscription_id, t_local_date FROM ${jsonTable(d, [
		['t_subscription_id', 'int'],
		['t_local_date', 'text'],
	])} AS k)`;
	// WHERE TRUE: SQLite would read ON CONFLICT after a bare FROM as a join's ON.
	const insert = (status: 'sending' | 'skipped') => `
		INSERT INTO deliveries (subscription_id, local_date, scheduled_at, platform, channel_id, status, reason, attempts, tracks_parts, created_at, updated_at)
		SELECT t_subscription_id, t_local_date, t_scheduled_at, t_platform, t_channel_id, '${status}', ?, ${status === 'sending' ? '1, t_tracks_parts' : '0, FALSE'}, ?, ?
		FROM ${targets} AS t WHERE TRUE
		ORDER BY t_subscription_id, t_local_date
		ON CONFLICT (subscription_id, local_date) DO NOTHING
		RETURNING subscription_id, local_date`;
	const upsertPart = (status: 'sending' | 'sent') => `
		INSERT INTO delivery_parts (subscription_id, local_date, part, parts, channel_id, status, message_ids, updated_at)
		VALUES (?, ?, ?, ?, ?, '${status}', ?, ?)
		ON CONFLICT (subscription_id, local_date, part) DO UPDATE SET parts = excluded.parts, channel_id = excluded.channel_id, status = '${status}',
		${status === 'sent' ? 'message_ids = excluded.message_ids, ' : ''}updated_at = excluded.updated_at
		${status === 'sending' ? "WHERE delivery_parts.status <> 'sent'" : ''}`;
	return {
		claim: insert('sending'),
		skip: insert('skipped'),
		// The row lock (PostgreSQL) makes a second taker re-check the WHERE against the first one's 'sending' and skip the row.
		retake: `
			UPDATE deliveries AS d SET status = 'sending', attempts = d.attempts + 1, channel_id = t.t_channel_id, tracks_parts = t.t_tracks_parts, updated_at = ?
			FROM ${targets} AS t
			WHERE d.subscription_id = t.t_subscription_id AND d.local_date = t.t_local_date AND d.status = 'failed' AND d.retryable = TRUE
			AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)
			RETURNING subscription_id, local_date, attempts`,
		// A retaken delivery failed certainly (an uncertain one is never retaken, and a crash's part on
		// the wire was turned 'uncertain'): a part left 'sending' by that attempt never arrived.
		clearSending: `DELETE FROM delivery_parts WHERE status = 'sending' AND (subscription_id, local_date) IN ${keys}`,
		statusOf: `SELECT subscription_id, local_date, status, retryable FROM deliveries WHERE (subscription_id, local_date) IN ${keys}`,
		// 'uncertain' too: a very slow send may have been marked uncertain by expireSending meanwhile, and
		// its owner, who alone can settle it, knows better.
		settle: `
			UPDATE deliveries AS d SET status = u.u_status, reason = u.u_reason, retryable = u.u_retryable, next_attempt_at = u.u_next_attempt_at,
			message_ids = ${d === 'postgres' ? 'u.u_message_ids::jsonb' : 'u.u_message_ids'}, channel_id = COALESCE(u.u_channel_id, d.channel_id), updated_at = ?
			FROM ${jsonTable(d, [
				['u_subscription_id', 'int'],
				['u_local_date', 'text'],
				['u_status', 'text'],
				['u_reason', 'text'],
				['u_retryable', 'boolean'],
				['u_next_attempt_at', 'timestamptz'],
				['u_message_ids', 'text'],
				['u_channel_id', 'text'],
			])} AS u
			WHERE d.subscription_id = u.u_subscription_id AND d.local_date = u.u_local_date AND d.status IN ('sending', 'uncertain')`,
		expireUncertain: `UPDATE deliveries SET status = 'uncertain', reason = '${STOPPED}', updated_at = ? WHERE status = 'sending' AND updated_at < ? AND NOT tracks_parts`,
		expireResumable: `
			UPDATE deliveries SET status = 'failed', retryable = TRUE, next_attempt_at = NULL, updated_at = ?, reason = '${STOPPED_MID_DELIVERY}'
			WHERE status = 'sending' AND updated_at < ? AND tracks_parts
			RETURNING subscription_id, local_date`,
		partsOnWireUncertain: `UPDATE delivery_parts SET status = 'uncertain', updated_at = ? WHERE status = 'sending' AND (subscription_id, local_date) IN ${keys}`,
		partOnWire: upsertPart('sending'),
		partSent: upsertPart('sent'),
		// Keeps a long fan-out's delivery from looking dead.
		touch: "UPDATE deliveries SET updated_at = ? WHERE subscription_id = ? AND local_date = ? AND status = 'sending'",
		get: 'SELECT * FROM deliveries WHERE subscription_id = ? AND local_date = ?',
		lastSent: "SELECT MAX(updated_at) AS at FROM deliveries WHERE subscription_id = ? AND local_date < ? AND status = 'sent'",
	};
}

const targetRows = (targets: readonly OccurrenceTarget[]) =>
	jsonRows(targets.map((t) => [t.subscriptionId, t.localDate, t.scheduledAt, t.platform, t.channelId, t.tracksParts === true]));
const keyRows = (keys: readonly KeyRow[]) => jsonRows(keys.map((k) => [k.subscription_id, k.local_date]));

export class SqlDeliveryLedger implements DeliveryLedger {
	private readonly sql;

	constructor(private readonly db: SqlExecutor) {
		this.sql = statements(db.dialect);
	}

	claim(targets: readonly OccurrenceTarget[], now: Date): Promise<ClaimResult[]> {
		if (!targets.length) return Promise.resolve([]);
		return this.db.transaction(() => this.claimSteps(targets, now.toISOString()));
	}

	private *claimSteps(targets: readonly OccurrenceTarget[], at: string): Steps<ClaimResult[]> {
		const out = new Map<string, ClaimResult>();
		for (const r of yield* all<KeyRow>(this.sql.claim, [null, at, at, targetRows(targets)]))
			out.set(rowKey(r), { kind: 'claimed', attempt: 1 });
		const rest = targets.filter((t) => !out.has(keyOf(t)));
		if (rest.length) {
			const retaken = yield* all<KeyRow & { attempts: number }>(this.sql.retake, [at, targetRows(rest), at]);
			for (const r of retaken) out.set(rowKey(r), { kind: 'claimed', attempt: r.attempts });
			if (retaken.length) yield* run(this.sql.clearSending, [keyRows(retaken)]);
		}
		const others = rest.filter((t) => !out.has(keyOf(t)));
		if (others.length) {
			const found = yield* all<KeyRow & { status: string; retryable: FlagValue }>(this.sql.statusOf, [
				keyRows(others.map((t) => ({ subscription_id: t.subscriptionId, local_date: t.localDate }))),
			]);
			for (const r of found)
				out.set(
					rowKey(r),
					r.status === 'failed' && flag(r.retryable) ? { kind: 'later' } : { kind: 'done', status: r.status as DeliveryStatus },
				);
		}
		// A key missing here was deleted between the statements; nobody may send it in this tick.
		return targets.map((t) => out.get(keyOf(t)) ?? { kind: 'later' });
	}

	async recordSkipped(targets: readonly OccurrenceTarget[], reason: string, now: Date): Promise<boolean[]> {
		if (!targets.length) return [];
		const at = now.toISOString();
		const inserted = await this.db.transaction(() => all<KeyRow>(this.sql.skip, [reason, at, at, targetRows(targets)]));
		const keys = new Set(inserted.map(rowKey));
		return targets.map((t) => keys.has(keyOf(t)));
	}

	async settle(results: readonly { readonly key: OccurrenceKey; readonly settlement: Settlement }[], now: Date): Promise<void> {
		if (!results.length) return;
		const rows = jsonRows(
			results.map(({ key, settlement: s }) => [
				key.subscriptionId,
				key.localDate,
				s.status,
				s.status === 'sent' ? null : s.reason,
				s.status === 'failed' && s.retryable,
				s.status === 'failed' && s.nextAttemptAt ? s.nextAttemptAt : null,
				JSON.stringify(s.status === 'sent' ? s.messageIds : []),
				s.status === 'sent' ? (s.channelId ?? null) : null,
			]),
		);
		// In a (retried) transaction: expireSending on another process may lock the same stale rows.
		await this.db.transaction(() => run(this.sql.settle, [now.toISOString(), rows]));
	}

	expireSending(olderThan: Date, now: Date): Promise<ExpiryReport> {
		const sql = this.sql;
		const at = now.toISOString();
		const before = olderThan.toISOString();
		return this.db.transaction(function* (): Steps<ExpiryReport> {
			const uncertain = yield* run(sql.expireUncertain, [at, before]);
			const resumed = yield* all<KeyRow>(sql.expireResumable, [at, before]);
			// Its part on the wire may or may not have arrived: it is skipped, the rest are sent.
			if (resumed.length) yield* run(sql.partsOnWireUncertain, [at, keyRows(resumed)]);
			return { uncertain, resumable: resumed.length };
		});
	}

	partOnWire(key: OccurrenceKey, part: number, parts: number, channelId: string, now: Date): Promise<void> {
		const at = now.toISOString();
		return this.withHeartbeat(this.sql.partOnWire, [key.subscriptionId, key.localDate, part, parts, channelId, '[]', at], key, at);
	}

	partSent(key: OccurrenceKey, sent: SentPart, channelId: string, now: Date): Promise<void> {
		const at = now.toISOString();
		return this.withHeartbeat(
			this.sql.partSent,
			[key.subscriptionId, key.localDate, sent.part, sent.parts, channelId, JSON.stringify(sent.messageIds), at],
			key,
			at,
		);
	}

	/**
	 * A part's write and the delivery's heartbeat, atomically: on PostgreSQL one statement (one round
	 * trip, a single snapshot), on SQLite one transaction (one sync).
	 */
	private async withHeartbeat(partSql: string, params: readonly SqlParam[], key: OccurrenceKey, at: string): Promise<void> {
		const touch = [at, key.subscriptionId, key.localDate];
		if (this.db.dialect === 'postgres') {
			await this.db.run(`WITH p AS (${partSql}) ${this.sql.touch}`, [...params, ...touch]);
			return;
		}
		const sql = this.sql;
		await this.db.transaction(function* (): Steps<void> {
			yield* run(partSql, params);
			yield* run(sql.touch, touch);
		});
	}

	async parts(filter: { readonly subscriptionId?: number; readonly localDate?: string }): Promise<DeliveryPart[]> {
		const w = whereEqual([
			['subscription_id', filter.subscriptionId],
			['local_date', filter.localDate],
		]);
		return (
			await this.db.all<DeliveryPartRow>(`SELECT * FROM delivery_parts${w.sql} ORDER BY subscription_id, local_date, part`, w.params)
		).map(deliveryPartFromRow);
	}

	async get(key: OccurrenceKey): Promise<DeliveryRecord | undefined> {
		const r = await this.db.get<DeliveryRow>(this.sql.get, [key.subscriptionId, key.localDate]);
		return r ? deliveryFromRow(r) : undefined;
	}

	async lastSent(subscriptionId: number, beforeLocalDate?: string): Promise<string | undefined> {
		// '~' sorts after every 'YYYY-MM-DD' (bytewise, as local_date sorts in both), so no bound means every date.
		return instantOrUndefined(
			(await this.db.get<{ at: InstantValue | null }>(this.sql.lastSent, [subscriptionId, beforeLocalDate ?? '~']))?.at,
		);
	}

	async list(
		filter: { readonly subscriptionId?: number; readonly localDate?: string; readonly status?: DeliveryStatus } = {},
	): Promise<DeliveryRecord[]> {
		const w = whereEqual([
			['subscription_id', filter.subscriptionId],
			['local_date', filter.localDate],
			['status', filter.status],
		]);
		return (
			await this.db.all<DeliveryRow>(`SELECT * FROM deliveries${w.sql} ORDER BY created_at, subscription_id, local_date`, w.params)
		).map(deliveryFromRow);
	}
}
