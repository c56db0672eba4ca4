/**
 * SubscriptionStore on PostgreSQL. UNIQUE (platform, channel_id) keeps one subscription per
 * channel across processes: an upsert locks the channel's row (SELECT … FOR UPDATE) or inserts with
 * ON CONFLICT DO NOTHING and, losing that race, updates the winner's row instead.
 */
import type { Pool } from 'pg';
import type { Platform } from '../../vocabulary/place.js';
import { isLocale } from '../../i18n/locale.js';
import type { Locale } from '../../i18n/locale.js';
import type { MoveResult, Subscription, SubscriptionInput, SubscriptionStore, UpsertResult } from '../store.js';
import { subscriptionFromRow, type SubscriptionRow } from '../rows.js';
import { rows, sqlState, transaction } from './pg-util.js';



const UNIQUE_VIOLATION = '23505';

export class PgSubscriptionStore implements SubscriptionStore {
	constructor(private readonly pool: Pool) {}

	upsert(input: SubscriptionInput, now: Date): Promise<UpsertResult> {
		const at = now.toISOString();
		return transaction(this.pool, async (c): Promise<UpsertResult> => {
			const lock = () => rows<SubscriptionRow>(c, 'SELECT * FROM subscriptions WHERE platform = $1 AND channel_id = $2 FOR UPDATE', [input.platform, input.channelId]);
			let existing = (await lock())[0];
			if (!existing) {
				const inserted = await rows<SubscriptionRow>(
					c,
					`INSERT INTO subscriptions (platform, channel_id, guild_id, time, timezone, actor_id, tag, quiet, language, alerts, quiet_hours, status, created_by, created_at, updated_at, effective_from, thread_id)
					 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11, $12, $13, 'active', $9, $10, $10, $10, $14)
					 ON CONFLICT (platform, channel_id) DO NOTHING RETURNING *`,
					[input.platform, input.channelId, input.guildId ?? null, input.time, input.timezone, input.actorId ?? null, input.tag ?? null, input.quiet, input.createdBy, at, input.language ?? null, input.alerts ?? 'off', input.quietHours ?? null, input.threadId ?? null],
				);
				if (inserted[0]) return { subscription: subscriptionFromRow(inserted[0]), created: true, resumed: false };
				// Another process created it between the two statements: update theirs.
				existing = (await lock())[0]!;
			}
			const previous = subscriptionFromRow(existing);
			const resumed = previous.status === 'paused';
			const rescheduled = resumed || previous.time !== input.time || previous.timezone !== input.timezone;
			const updated = await rows<SubscriptionRow>(
				c,
				`UPDATE subscriptions SET guild_id = COALESCE($2, guild_id), time = $3, timezone = $4, actor_id = $5, tag = $6, quiet = $7, language = $10, alerts = $11, quiet_hours = $12,
				 status = 'active', pause_reason = NULL, updated_at = $8, effective_from = CASE WHEN $9 THEN $8::timestamptz ELSE effective_from END, thread_id = $13
				 WHERE id = $1 RETURNING *`,
				[existing.id, input.guildId ?? null, input.time, input.timezone, input.actorId ?? null, input.tag ?? null, input.quiet, at, rescheduled, input.language ?? null, input.alerts ?? 'off', input.quietHours ?? null, input.threadId ?? null],
			);
			return { subscription: subscriptionFromRow(updated[0]!), created: false, resumed, previous };
		});
	}

	async get(platform: Platform, channelId: string): Promise<Subscription | undefined> {
		const r = (await rows<SubscriptionRow>(this.pool, 'SELECT * FROM subscriptions WHERE platform = $1 AND channel_id = $2', [platform, channelId]))[0];
		return r ? subscriptionFromRow(r) : undefined;
	}

	async getById(id: number): Promise<Subscription | undefined> {
		const r = (await rows<SubscriptionRow>(this.pool, 'SELECT * FROM subscriptions WHERE id = $1', [id]))[0];
		return r ? subscriptionFromRow(r) : undefined;
	}

	async remove(platform: Platform, channelId: string): Promise<Subscription | undefined> {
		const r = (await rows<SubscriptionRow>(this.pool, 'DELETE FROM subscriptions WHERE platform = $1 AND channel_id = $2 RETURNING *', [platform, channelId]))[0];
		return r ? subscriptionFromRow(r) : undefined;
	}

	async listActive(): Promise<Subscription[]> {
		return (await rows<SubscriptionRow>(this.pool, "SELECT * FROM subscriptions WHERE status = 'active' ORDER BY id")).map(subscriptionFromRow);
	}

	async list(filter: { readonly platform?: Platform; readonly channelId?: string } = {}): Promise<Subscription[]> {
		const r = await rows<SubscriptionRow>(
			this.pool,
			'SELECT * FROM subscriptions WHERE ($1::text IS NULL OR platform = $1) AND ($2::text IS NULL OR channel_id = $2) ORDER BY id',
			[filter.platform ?? null, filter.channelId ?? null],
		);
		return r.map(subscriptionFromRow);
	}

	async pause(id: number, reason: string, now: Date): Promise<void> {
		await this.pool.query("UPDATE subscriptions SET status = 'paused', pause_reason = $2, updated_at = $3 WHERE id = $1", [id, reason, now.toISOString()]);
	}

	async pauseGuild(platform: Platform, guildId: string, reason: string, now: Date): Promise<number> {
		const r = await this.pool.query(
			"UPDATE subscriptions SET status = 'paused', pause_reason = $3, updated_at = $4 WHERE platform = $1 AND guild_id = $2 AND status = 'active'",
			[platform, guildId, reason, now.toISOString()],
		);
		return r.rowCount ?? 0;
	}

	async pauseChannel(platform: Platform, channelId: string, reason: string, now: Date): Promise<boolean> {
		const r = await this.pool.query(
			"UPDATE subscriptions SET status = 'paused', pause_reason = $3, updated_at = $4 WHERE platform = $1 AND channel_id = $2 AND status = 'active'",
			[platform, channelId, reason, now.toISOString()],
		);
		return (r.rowCount ?? 0) > 0;
	}

	async move(id: number, newChannelId: string, now: Date): Promise<MoveResult> {
		const current = (await rows<{ channel_id: string }>(this.pool, 'SELECT channel_id FROM subscriptions WHERE id = $1', [id]))[0];
		if (!current) return 'missing';
		if (current.channel_id === newChannelId) return 'moved';
		try {
			// The unique key refuses the move when the target channel has its own subscription, even one
			// created by another process a moment ago.
			return await transaction(this.pool, async (c): Promise<MoveResult> => {
				const r = await c.query<{ platform: string }>('UPDATE subscriptions SET channel_id = $2, updated_at = $3 WHERE id = $1 RETURNING platform', [id, newChannelId, now.toISOString()]);
				const platform = r.rows[0]?.platform;
				if (!platform) return 'missing';
				// The chat's pinned language moves with it (Telegram group → supergroup).
				await c.query(
					'UPDATE channel_settings SET channel_id = $1 WHERE platform = $2 AND channel_id = $3 AND NOT EXISTS (SELECT 1 FROM channel_settings WHERE platform = $2 AND channel_id = $1)',
					[newChannelId, platform, current.channel_id],
				);
				return 'moved';
			});
		} catch (err) {
			if (sqlState(err) === UNIQUE_VIOLATION) return 'conflict';
			throw err;
		}
	}

	async moveChannel(platform: Platform, fromChannelId: string, toChannelId: string, now: Date): Promise<MoveResult> {
		const r = (await rows<{ id: number }>(this.pool, 'SELECT id FROM subscriptions WHERE platform = $1 AND channel_id = $2', [platform, fromChannelId]))[0];
		if (!r) return 'missing';
		return this.move(r.id, toChannelId, now);
	}

	async channelLanguage(platform: Platform, channelId: string): Promise<Locale | undefined> {
		const language = (await rows<{ language: string | null }>(this.pool, 'SELECT language FROM channel_settings WHERE platform = $1 AND channel_id = $2', [platform, channelId]))[0]?.language;
		return language && isLocale(language) ? language : undefined;
	}

	async setChannelLanguage(platform: Platform, channelId: string, language: Locale | undefined, setBy: string, now: Date): Promise<void> {
		await this.pool.query(
			`INSERT INTO channel_settings (platform, channel_id, language, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (platform, channel_id) DO UPDATE SET language = excluded.language, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			[platform, channelId, language ?? null, setBy, now.toISOString()],
		);
	}
}
