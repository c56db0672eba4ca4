/**
 * DeliveryLedger on SQLite. The PRIMARY KEY (subscription_id, local_date) is the fence against
 * double posts: whoever inserts the row sends, everyone else (a second tick, a restarted process, a
 * second process on the same file) finds it taken. Claims run in IMMEDIATE transactions so two
 * processes serialise on the write lock instead of failing on a lock upgrade.
 */
import type { Platform } from '../../core/command.js';
import type { ClaimResult, DeliveryLedger, DeliveryRecord, DeliveryStatus, OccurrenceKey, OccurrenceTarget, Settlement } from '../store.js';
import type { SqliteDatabase } from './open-database.js';

interface Row {
	subscription_id: number;
	local_date: string;
	scheduled_at: string;
	platform: string;
	channel_id: string;
	status: string;
	reason: string | null;
	attempts: number;
	retryable: number;
	next_attempt_at: string | null;
	message_ids: string;
	created_at: string;
	updated_at: string;
}

function fromRow(r: Row): DeliveryRecord {
	return {
		subscriptionId: r.subscription_id,
		localDate: r.local_date,
		scheduledAt: r.scheduled_at,
		platform: r.platform as Platform,
		channelId: r.channel_id,
		status: r.status as DeliveryStatus,
		...(r.reason !== null ? { reason: r.reason } : {}),
		attempts: r.attempts,
		retryable: r.retryable === 1,
		...(r.next_attempt_at !== null ? { nextAttemptAt: r.next_attempt_at } : {}),
		messageIds: JSON.parse(r.message_ids) as string[],
		createdAt: r.created_at,
		updatedAt: r.updated_at,
	};
}

export class SqliteDeliveryLedger implements DeliveryLedger {
	private readonly q;

	constructor(private readonly db: SqliteDatabase) {
		this.q = {
			insert: db.prepare(
				`INSERT INTO deliveries (subscription_id, local_date, scheduled_at, platform, channel_id, status, reason, attempts, created_at, updated_at)
				 VALUES (@subscriptionId, @localDate, @scheduledAt, @platform, @channelId, @status, @reason, @attempts, @now, @now)
				 ON CONFLICT (subscription_id, local_date) DO NOTHING`,
			),
			retake: db.prepare(
				`UPDATE deliveries SET status = 'sending', attempts = attempts + 1, channel_id = @channelId, updated_at = @now
				 WHERE subscription_id = @subscriptionId AND local_date = @localDate AND status = 'failed' AND retryable = 1
				 AND (next_attempt_at IS NULL OR next_attempt_at <= @now)`,
			),
			get: db.prepare<[number, string], Row>('SELECT * FROM deliveries WHERE subscription_id = ? AND local_date = ?'),
			settle: db.prepare(
				`UPDATE deliveries SET status = @status, reason = @reason, retryable = @retryable, next_attempt_at = @nextAttemptAt,
				 message_ids = @messageIds, channel_id = COALESCE(@channelId, channel_id), updated_at = @now
				 WHERE subscription_id = @subscriptionId AND local_date = @localDate AND status IN ('sending', 'uncertain')`,
			),
			expire: db.prepare(
				`UPDATE deliveries SET status = 'uncertain', reason = 'the process stopped while sending; not resent to avoid a double post', updated_at = ?
				 WHERE status = 'sending' AND updated_at < ?`,
			),
			lastSent: db.prepare<[number, string], { at: string | null }>(
				"SELECT MAX(updated_at) AS at FROM deliveries WHERE subscription_id = ? AND local_date < ? AND status = 'sent'",
			),
		};
	}

	claim(targets: readonly OccurrenceTarget[], now: Date): Promise<ClaimResult[]> {
		const iso = now.toISOString();
		const run = this.db.transaction((): ClaimResult[] =>
			targets.map((t): ClaimResult => {
				const params = { ...t, status: 'sending', reason: null, attempts: 1, now: iso };
				if (this.q.insert.run(params).changes === 1) return { kind: 'claimed', attempt: 1 };
				if (this.q.retake.run(params).changes === 1) return { kind: 'claimed', attempt: this.q.get.get(t.subscriptionId, t.localDate)!.attempts };
				const row = this.q.get.get(t.subscriptionId, t.localDate)!;
				if (row.status === 'failed' && row.retryable === 1) return { kind: 'later' };
				return { kind: 'done', status: row.status as DeliveryStatus };
			}),
		);
		return Promise.resolve(run.immediate());
	}

	recordSkipped(targets: readonly OccurrenceTarget[], reason: string, now: Date): Promise<boolean[]> {
		const iso = now.toISOString();
		const run = this.db.transaction(() => targets.map((t) => this.q.insert.run({ ...t, status: 'skipped', reason, attempts: 0, now: iso }).changes === 1));
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

	expireSending(olderThan: Date, now: Date): Promise<number> {
		return Promise.resolve(this.q.expire.run(now.toISOString(), olderThan.toISOString()).changes);
	}

	get(key: OccurrenceKey): Promise<DeliveryRecord | undefined> {
		const r = this.q.get.get(key.subscriptionId, key.localDate);
		return Promise.resolve(r ? fromRow(r) : undefined);
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
		return Promise.resolve((this.db.prepare(sql).all(...params) as Row[]).map(fromRow));
	}
}
