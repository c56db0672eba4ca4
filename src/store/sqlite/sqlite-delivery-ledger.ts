/**
 * DeliveryLedger on SQLite. The PRIMARY KEY (subscription_id, local_date) is the fence against
 * double posts: whoever inserts the row sends, everyone else (a second tick, a restarted process, a
 * second process on the same file) finds it taken. Claims run in IMMEDIATE transactions so two
 * processes serialise on the write lock instead of failing on a lock upgrade.
 */
import type { SentPart } from '../../core/delivery.js';
import type { ClaimResult, DeliveryLedger, DeliveryPart, DeliveryRecord, DeliveryStatus, ExpiryReport, OccurrenceKey, OccurrenceTarget, Settlement } from '../store.js';
import { deliveryFromRow, deliveryPartFromRow, type DeliveryPartRow, type DeliveryRow } from '../rows.js';
import type { SqliteDatabase } from './open-database.js';




const STOPPED = 'the process stopped while sending; not resent to avoid a double post';


export class SqliteDeliveryLedger implements DeliveryLedger {
	private readonly q;

	constructor(private readonly db: SqliteDatabase) {
		this.q = {
			insert: db.prepare(
				`INSERT INTO deliveries (subscription_id, local_date, scheduled_at, platform, channel_id, status, reason, attempts, tracks_parts, created_at, updated_at)
				 VALUES (@subscriptionId, @localDate, @scheduledAt, @platform, @channelId, @status, @reason, @attempts, @tracksParts, @now, @now)
				 ON CONFLICT (subscription_id, local_date) DO NOTHING`,
			),
			retake: db.prepare(
				`UPDATE deliveries SET status = 'sending', attempts = attempts + 1, channel_id = @channelId, tracks_parts = @tracksParts, updated_at = @now
				 WHERE subscription_id = @subscriptionId AND local_date = @localDate AND status = 'failed' AND retryable = 1
				 AND (next_attempt_at IS NULL OR next_attempt_at <= @now)`,
			),
			get: db.prepare<[number, string], DeliveryRow>('SELECT * FROM deliveries WHERE subscription_id = ? AND local_date = ?'),
			settle: db.prepare(
				`UPDATE deliveries SET status = @status, reason = @reason, retryable = @retryable, next_attempt_at = @nextAttemptAt,
				 message_ids = @messageIds, channel_id = COALESCE(@channelId, channel_id), updated_at = @now
				 WHERE subscription_id = @subscriptionId AND local_date = @localDate AND status IN ('sending', 'uncertain')`,
			),
			stale: db.prepare<[string], { subscription_id: number; local_date: string; tracks_parts: number }>("SELECT subscription_id, local_date, tracks_parts FROM deliveries WHERE status = 'sending' AND updated_at < ?"),
			expireUncertain: db.prepare(`UPDATE deliveries SET status = 'uncertain', reason = '${STOPPED}', updated_at = ? WHERE subscription_id = ? AND local_date = ? AND status = 'sending'`),
			expireResumable: db.prepare(
				`UPDATE deliveries SET status = 'failed', retryable = 1, next_attempt_at = NULL, updated_at = ?,
				 reason = 'the process stopped mid-delivery; the parts not yet sent will be'
				 WHERE subscription_id = ? AND local_date = ? AND status = 'sending'`,
			),
			partsOnWireUncertain: db.prepare("UPDATE delivery_parts SET status = 'uncertain', updated_at = ? WHERE subscription_id = ? AND local_date = ? AND status = 'sending'"),
			partOnWire: db.prepare(
				`INSERT INTO delivery_parts (subscription_id, local_date, part, parts, channel_id, status, updated_at)
				 VALUES (@subscriptionId, @localDate, @part, @parts, @channelId, 'sending', @now)
				 ON CONFLICT (subscription_id, local_date, part) DO UPDATE SET parts = excluded.parts, channel_id = excluded.channel_id, status = 'sending', updated_at = excluded.updated_at
				 WHERE delivery_parts.status <> 'sent'`,
			),
			partSent: db.prepare(
				`INSERT INTO delivery_parts (subscription_id, local_date, part, parts, channel_id, status, message_ids, updated_at)
				 VALUES (@subscriptionId, @localDate, @part, @parts, @channelId, 'sent', @messageIds, @now)
				 ON CONFLICT (subscription_id, local_date, part) DO UPDATE SET parts = excluded.parts, channel_id = excluded.channel_id, status = 'sent', message_ids = excluded.message_ids, updated_at = excluded.updated_at`,
			),
			// A retaken delivery failed certainly (an uncertain one is never retaken, and a crash's part on
			// the wire was turned 'uncertain'): a part left 'sending' by that attempt never arrived.
			clearSending: db.prepare("DELETE FROM delivery_parts WHERE subscription_id = ? AND local_date = ? AND status = 'sending'"),
			touch: db.prepare("UPDATE deliveries SET updated_at = ? WHERE subscription_id = ? AND local_date = ? AND status = 'sending'"),
			lastSent: db.prepare<[number, string], { at: string | null }>(
				"SELECT MAX(updated_at) AS at FROM deliveries WHERE subscription_id = ? AND local_date < ? AND status = 'sent'",
			),
		};
	}

	claim(targets: readonly OccurrenceTarget[], now: Date): Promise<ClaimResult[]> {
		const iso = now.toISOString();
		const run = this.db.transaction((): ClaimResult[] =>
			targets.map((t): ClaimResult => {
				const params = { ...t, status: 'sending', reason: null, attempts: 1, tracksParts: t.tracksParts ? 1 : 0, now: iso };
				if (this.q.insert.run(params).changes === 1) return { kind: 'claimed', attempt: 1 };
				if (this.q.retake.run(params).changes === 1) {
					this.q.clearSending.run(t.subscriptionId, t.localDate);
					return { kind: 'claimed', attempt: this.q.get.get(t.subscriptionId, t.localDate)!.attempts };
				}
				const row = this.q.get.get(t.subscriptionId, t.localDate)!;
				if (row.status === 'failed' && row.retryable === 1) return { kind: 'later' };
				return { kind: 'done', status: row.status as DeliveryStatus };
			}),
		);
		return Promise.resolve(run.immediate());
	}

	recordSkipped(targets: readonly OccurrenceTarget[], reason: string, now: Date): Promise<boolean[]> {
		const iso = now.toISOString();
		const run = this.db.transaction(() => targets.map((t) => this.q.insert.run({ ...t, status: 'skipped', reason, attempts: 0, tracksParts: 0, now: iso }).changes === 1));
		return Promise.resolve(run.immediate());
	}

	// 'uncertain' too: a very slow send may have been marked uncertain by expireSending meanwhile, and
	// its owner, who alone can settle it, knows better.
	settle(results: readonly { readonly key: OccurrenceKey; readonly settlement: Settlement }[], now: Date): Promise<void> {
		const iso = now.toISOString();
		const run = this.db.transaction(() => {
			for (const { key, settlement: s } of results) {
				this.q.settle.run({
					subscriptionId: key.subscriptionId,
					localDate: key.localDate,
					status: s.status,
					reason: s.status === 'sent' ? null : s.reason,
					retryable: s.status === 'failed' && s.retryable ? 1 : 0,
					nextAttemptAt: s.status === 'failed' && s.nextAttemptAt ? s.nextAttemptAt.toISOString() : null,
					messageIds: JSON.stringify(s.status === 'sent' ? s.messageIds : []),
					channelId: s.status === 'sent' ? (s.channelId ?? null) : null,
					now: iso,
				});
			}
		});
		if (results.length) run.immediate();
		return Promise.resolve();
	}

	expireSending(olderThan: Date, now: Date): Promise<ExpiryReport> {
		const iso = now.toISOString();
		const run = this.db.transaction((): ExpiryReport => {
			let uncertain = 0;
			let resumable = 0;
			for (const r of this.q.stale.all(olderThan.toISOString())) {
				if (r.tracks_parts === 1) {
					this.q.partsOnWireUncertain.run(iso, r.subscription_id, r.local_date);
					resumable += this.q.expireResumable.run(iso, r.subscription_id, r.local_date).changes;
				} else uncertain += this.q.expireUncertain.run(iso, r.subscription_id, r.local_date).changes;
			}
			return { uncertain, resumable };
		});
		return Promise.resolve(run.immediate());
	}

	partOnWire(key: OccurrenceKey, part: number, parts: number, channelId: string, now: Date): Promise<void> {
		const iso = now.toISOString();
		// One transaction: SQLite syncs once, and the part and the heartbeat never disagree.
		this.db.transaction(() => {
			this.q.partOnWire.run({ subscriptionId: key.subscriptionId, localDate: key.localDate, part, parts, channelId, now: iso });
			this.q.touch.run(iso, key.subscriptionId, key.localDate);
		}).immediate();
		return Promise.resolve();
	}

	partSent(key: OccurrenceKey, sent: SentPart, channelId: string, now: Date): Promise<void> {
		const iso = now.toISOString();
		this.db.transaction(() => {
			this.q.partSent.run({ subscriptionId: key.subscriptionId, localDate: key.localDate, part: sent.part, parts: sent.parts, channelId, messageIds: JSON.stringify(sent.messageIds), now: iso });
			this.q.touch.run(iso, key.subscriptionId, key.localDate);
		}).immediate();
		return Promise.resolve();
	}

	parts(filter: { readonly subscriptionId?: number; readonly localDate?: string }): Promise<DeliveryPart[]> {
		const where: string[] = [];
		const params: (string | number)[] = [];
		if (filter.subscriptionId !== undefined) {
			where.push('subscription_id = ?');
			params.push(filter.subscriptionId);
		}
		if (filter.localDate !== undefined) {
			where.push('local_date = ?');
			params.push(filter.localDate);
		}
		const sql = `SELECT * FROM delivery_parts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY subscription_id, local_date, part`;
		return Promise.resolve((this.db.prepare(sql).all(...params) as DeliveryPartRow[]).map(deliveryPartFromRow));
	}

	get(key: OccurrenceKey): Promise<DeliveryRecord | undefined> {
		const r = this.q.get.get(key.subscriptionId, key.localDate);
		return Promise.resolve(r ? deliveryFromRow(r) : undefined);
	}

	lastSent(subscriptionId: number, beforeLocalDate?: string): Promise<string | undefined> {
		// '~' sorts after every 'YYYY-MM-DD', so no bound means every date.
		return Promise.resolve(this.q.lastSent.get(subscriptionId, beforeLocalDate ?? '~')?.at ?? undefined);
	}

	list(filter: { readonly subscriptionId?: number; readonly localDate?: string; readonly status?: DeliveryStatus } = {}): Promise<DeliveryRecord[]> {
		const where: string[] = [];
		const params: (string | number)[] = [];
		if (filter.subscriptionId !== undefined) {
			where.push('subscription_id = ?');
			params.push(filter.subscriptionId);
		}
		if (filter.localDate !== undefined) {
			where.push('local_date = ?');
			params.push(filter.localDate);
		}
		if (filter.status !== undefined) {
			where.push('status = ?');
			params.push(filter.status);
		}
		const sql = `SELECT * FROM deliveries${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, subscription_id, local_date`;
		return Promise.resolve((this.db.prepare(sql).all(...params) as DeliveryRow[]).map(deliveryFromRow));
	}
}
