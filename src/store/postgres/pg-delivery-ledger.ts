/**
 * DeliveryLedger on PostgreSQL, for several processes on one database. The PRIMARY KEY
 * (subscription_id, local_date) is the fence against double posts, exactly as in SQLite: a claim
 * inserts with ON CONFLICT DO NOTHING … RETURNING, so of two processes inserting the same key one
 * gets the row and the other waits for its commit and then gets nothing; a retryable failure is
 * taken over by an UPDATE whose WHERE re-checks the status after the row lock, so only one taker
 * matches. Keys are inserted in sorted order, so two overlapping claims queue rather than deadlock.
 */
import type { Pool } from 'pg';
import type { SentPart } from '../../core/delivery.js';
import type { ClaimResult, DeliveryLedger, DeliveryPart, DeliveryRecord, DeliveryStatus, ExpiryReport, OccurrenceKey, OccurrenceTarget, Settlement } from '../store.js';
import { deliveryFromRow, deliveryPartFromRow, type DeliveryPartRow, type DeliveryRow } from '../rows.js';
import { isoOrUndefined, rows, transaction } from './pg-util.js';





const keyOf = (k: OccurrenceKey) => `${k.subscriptionId}\u0000${k.localDate}`;

/** The targets as parallel arrays for unnest(): one round trip for a whole chunk. */
function columns(targets: readonly OccurrenceTarget[]): unknown[] {
	return [targets.map((t) => t.subscriptionId), targets.map((t) => t.localDate), targets.map((t) => t.scheduledAt), targets.map((t) => t.platform), targets.map((t) => t.channelId), targets.map((t) => t.tracksParts === true)];
}

const TARGETS = 'unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::boolean[]) AS t(subscription_id, local_date, scheduled_at, platform, channel_id, tracks_parts)';

// ORDER BY: every process inserts keys in the same order, so none waits for a key another holds
// while holding one the other waits for.
const INSERT = (status: 'sending' | 'skipped') => `
	INSERT INTO deliveries (subscription_id, local_date, scheduled_at, platform, channel_id, status, reason, attempts, tracks_parts, created_at, updated_at)
	SELECT t.subscription_id, t.local_date, t.scheduled_at, t.platform, t.channel_id, '${status}', $8, ${status === 'sending' ? 1 : 0}, ${status === 'sending' ? 't.tracks_parts' : 'FALSE'}, $7, $7
	FROM ${TARGETS}
	ORDER BY t.subscription_id, t.local_date
	ON CONFLICT (subscription_id, local_date) DO NOTHING
	RETURNING subscription_id, local_date`;

export class PgDeliveryLedger implements DeliveryLedger {
	constructor(private readonly pool: Pool) {}

	async claim(targets: readonly OccurrenceTarget[], now: Date): Promise<ClaimResult[]> {
		if (!targets.length) return [];
		const at = now.toISOString();
		const byKey = await transaction(this.pool, async (c) => {
			const out = new Map<string, ClaimResult>();
			for (const r of await rows<DeliveryRow>(c, INSERT('sending'), [...columns(targets), at, null])) out.set(keyOf({ subscriptionId: r.subscription_id, localDate: r.local_date }), { kind: 'claimed', attempt: 1 });
			const rest = targets.filter((t) => !out.has(keyOf(t)));
			if (!rest.length) return out;
			// Take over retryable failures that are due. The row lock makes a second taker re-check the
			// WHERE against the first one's 'sending' and skip the row.
			const retaken = await rows<DeliveryRow>(
				c,
				`UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, channel_id = t.channel_id, tracks_parts = t.tracks_parts, updated_at = $7
				 FROM ${TARGETS}
				 WHERE d.subscription_id = t.subscription_id AND d.local_date = t.local_date AND d.status = 'failed' AND d.retryable
				 AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= $7)
				 RETURNING d.subscription_id, d.local_date, d.attempts`,
				[...columns(rest), at],
			);
			for (const r of retaken) out.set(keyOf({ subscriptionId: r.subscription_id, localDate: r.local_date }), { kind: 'claimed', attempt: r.attempts });
			if (retaken.length) {
				// As in SQLite: a retaken delivery failed certainly, so a part its attempt left 'sending' never arrived.
				await c.query(
					`DELETE FROM delivery_parts p USING unnest($1::int[], $2::text[]) AS k(subscription_id, local_date)
					 WHERE p.subscription_id = k.subscription_id AND p.local_date = k.local_date AND p.status = 'sending'`,
					[retaken.map((r) => r.subscription_id), retaken.map((r) => r.local_date)],
				);
			}
			const others = rest.filter((t) => !out.has(keyOf(t)));
			if (!others.length) return out;
			const found = await rows<DeliveryRow>(
				c,
				`SELECT d.subscription_id, d.local_date, d.status, d.retryable FROM deliveries d
				 JOIN unnest($1::int[], $2::text[]) AS t(subscription_id, local_date) USING (subscription_id, local_date)`,
				[others.map((t) => t.subscriptionId), others.map((t) => t.localDate)],
			);
			for (const r of found) {
				out.set(keyOf({ subscriptionId: r.subscription_id, localDate: r.local_date }), r.status === 'failed' && r.retryable ? { kind: 'later' } : { kind: 'done', status: r.status as DeliveryStatus });
			}
			return out;
		});
		// A key missing here was deleted between the statements; nobody may send it in this tick.
		return targets.map((t) => byKey.get(keyOf(t)) ?? { kind: 'later' });
	}

	async recordSkipped(targets: readonly OccurrenceTarget[], reason: string, now: Date): Promise<boolean[]> {
		if (!targets.length) return [];
		const inserted = await transaction(this.pool, async (c) => rows<DeliveryRow>(c, INSERT('skipped'), [...columns(targets), now.toISOString(), reason]));
		const keys = new Set(inserted.map((r) => keyOf({ subscriptionId: r.subscription_id, localDate: r.local_date })));
		return targets.map((t) => keys.has(keyOf(t)));
	}

	// 'uncertain' too: a very slow send may have been marked uncertain by expireSending meanwhile, and
	// its owner, who alone can settle it, knows better.
	async settle(results: readonly { readonly key: OccurrenceKey; readonly settlement: Settlement }[], now: Date): Promise<void> {
		if (!results.length) return;
		const s = results.map((r) => r.settlement);
		// In a retried transaction: expireSending on another process may lock the same stale rows.
		await transaction(this.pool, (c) =>
			c.query(
				`UPDATE deliveries d SET status = u.status, reason = u.reason, retryable = u.retryable, next_attempt_at = u.next_attempt_at,
				 message_ids = u.message_ids::jsonb, channel_id = COALESCE(u.channel_id, d.channel_id), updated_at = $9
				 FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[], $7::text[], $8::text[])
				   AS u(subscription_id, local_date, status, reason, retryable, next_attempt_at, message_ids, channel_id)
				 WHERE d.subscription_id = u.subscription_id AND d.local_date = u.local_date AND d.status IN ('sending', 'uncertain')`,
				[
					results.map((r) => r.key.subscriptionId),
					results.map((r) => r.key.localDate),
					s.map((x) => x.status),
					s.map((x) => (x.status === 'sent' ? null : x.reason)),
					s.map((x) => x.status === 'failed' && x.retryable),
					s.map((x) => (x.status === 'failed' && x.nextAttemptAt ? x.nextAttemptAt.toISOString() : null)),
					s.map((x) => JSON.stringify(x.status === 'sent' ? x.messageIds : [])),
					s.map((x) => (x.status === 'sent' ? (x.channelId ?? null) : null)),
					now.toISOString(),
				],
			),
		);
	}

	async expireSending(olderThan: Date, now: Date): Promise<ExpiryReport> {
		const at = now.toISOString();
		return transaction(this.pool, async (c) => {
			const uncertain = await c.query(
				`UPDATE deliveries SET status = 'uncertain', reason = 'the process stopped while sending; not resent to avoid a double post', updated_at = $1
				 WHERE status = 'sending' AND updated_at < $2 AND NOT tracks_parts`,
				[at, olderThan.toISOString()],
			);
			const resumed = await rows<{ subscription_id: number; local_date: string }>(
				c,
				`UPDATE deliveries SET status = 'failed', retryable = TRUE, next_attempt_at = NULL, updated_at = $1,
				 reason = 'the process stopped mid-delivery; the parts not yet sent will be'
				 WHERE status = 'sending' AND updated_at < $2 AND tracks_parts
				 RETURNING subscription_id, local_date`,
				[at, olderThan.toISOString()],
			);
			if (resumed.length) {
				await c.query(
					`UPDATE delivery_parts p SET status = 'uncertain', updated_at = $3
					 FROM unnest($1::int[], $2::text[]) AS k(subscription_id, local_date)
					 WHERE p.subscription_id = k.subscription_id AND p.local_date = k.local_date AND p.status = 'sending'`,
					[resumed.map((r) => r.subscription_id), resumed.map((r) => r.local_date), at],
				);
			}
			return { uncertain: uncertain.rowCount ?? 0, resumable: resumed.length };
		});
	}

	async partOnWire(key: OccurrenceKey, part: number, parts: number, channelId: string, now: Date): Promise<void> {
		// One statement, one round trip: the part and the delivery's heartbeat in a single snapshot.
		await this.pool.query(
			`WITH p AS (
			   INSERT INTO delivery_parts (subscription_id, local_date, part, parts, channel_id, status, updated_at)
			   VALUES ($1, $2, $3, $4, $5, 'sending', $6)
			   ON CONFLICT (subscription_id, local_date, part) DO UPDATE SET parts = EXCLUDED.parts, channel_id = EXCLUDED.channel_id, status = 'sending', updated_at = EXCLUDED.updated_at
			   WHERE delivery_parts.status <> 'sent'
			 )
			 UPDATE deliveries SET updated_at = $6 WHERE subscription_id = $1 AND local_date = $2 AND status = 'sending'`,
			[key.subscriptionId, key.localDate, part, parts, channelId, now.toISOString()],
		);
	}

	async partSent(key: OccurrenceKey, sent: SentPart, channelId: string, now: Date): Promise<void> {
		await this.pool.query(
			`WITH p AS (
			   INSERT INTO delivery_parts (subscription_id, local_date, part, parts, channel_id, status, message_ids, updated_at)
			   VALUES ($1, $2, $3, $4, $5, 'sent', $6::jsonb, $7)
			   ON CONFLICT (subscription_id, local_date, part) DO UPDATE SET parts = EXCLUDED.parts, channel_id = EXCLUDED.channel_id, status = 'sent', message_ids = EXCLUDED.message_ids, updated_at = EXCLUDED.updated_at
			 )
			 UPDATE deliveries SET updated_at = $7 WHERE subscription_id = $1 AND local_date = $2 AND status = 'sending'`,
			[key.subscriptionId, key.localDate, sent.part, sent.parts, channelId, JSON.stringify(sent.messageIds), now.toISOString()],
		);
	}

	async parts(filter: { readonly subscriptionId?: number; readonly localDate?: string }): Promise<DeliveryPart[]> {
		const r = await rows<DeliveryPartRow>(
			this.pool,
			`SELECT * FROM delivery_parts WHERE ($1::int IS NULL OR subscription_id = $1) AND ($2::text IS NULL OR local_date = $2)
			 ORDER BY subscription_id, local_date, part`,
			[filter.subscriptionId ?? null, filter.localDate ?? null],
		);
		return r.map(deliveryPartFromRow);
	}

	async get(key: OccurrenceKey): Promise<DeliveryRecord | undefined> {
		const r = (await rows<DeliveryRow>(this.pool, 'SELECT * FROM deliveries WHERE subscription_id = $1 AND local_date = $2', [key.subscriptionId, key.localDate]))[0];
		return r ? deliveryFromRow(r) : undefined;
	}

	async lastSent(subscriptionId: number, beforeLocalDate?: string): Promise<string | undefined> {
		const r = await rows<{ at: Date | null }>(
			this.pool,
			"SELECT MAX(updated_at) AS at FROM deliveries WHERE subscription_id = $1 AND ($2::text IS NULL OR local_date < $2) AND status = 'sent'",
			[subscriptionId, beforeLocalDate ?? null],
		);
		return isoOrUndefined(r[0]?.at ?? null);
	}

	async list(filter: { readonly subscriptionId?: number; readonly localDate?: string; readonly status?: DeliveryStatus } = {}): Promise<DeliveryRecord[]> {
		const r = await rows<DeliveryRow>(
			this.pool,
			`SELECT * FROM deliveries WHERE ($1::int IS NULL OR subscription_id = $1) AND ($2::text IS NULL OR local_date = $2) AND ($3::text IS NULL OR status = $3)
			 ORDER BY created_at, subscription_id, local_date`,
			[filter.subscriptionId ?? null, filter.localDate ?? null, filter.status ?? null],
		);
		return r.map(deliveryFromRow);
	}
}
