/**
 * SubscriptionStore on SQLite. better-sqlite3 is synchronous; the async interface is kept so that
 * callers do not change when another database backs the store.
 */
import type { Platform } from '../../vocabulary/place.js';
import { isLocale } from '../../i18n/locale.js';
import type { Locale } from '../../i18n/locale.js';
import type { MoveResult, Subscription, SubscriptionInput, SubscriptionStore, UpsertResult } from '../store.js';
import { subscriptionFromRow, type SubscriptionRow } from '../rows.js';
import type { SqliteDatabase } from './open-database.js';



/** Subscriptions, and the channel languages that go with them (migration 4). */
export class SqliteSubscriptionStore implements SubscriptionStore {
	private readonly q;

	constructor(private readonly db: SqliteDatabase) {
		this.q = {
			byChannel: db.prepare<[string, string], SubscriptionRow>('SELECT * FROM subscriptions WHERE platform = ? AND channel_id = ?'),
			byId: db.prepare<[number], SubscriptionRow>('SELECT * FROM subscriptions WHERE id = ?'),
			insert: db.prepare(
				`INSERT INTO subscriptions (platform, channel_id, guild_id, thread_id, time, timezone, actor_id, tag, quiet, language, alerts, quiet_hours, status, created_by, created_at, updated_at, effective_from)
				 VALUES (@platform, @channelId, @guildId, @threadId, @time, @timezone, @actorId, @tag, @quiet, @language, @alerts, @quietHours, 'active', @createdBy, @now, @now, @now)`,
			),
			update: db.prepare(
				`UPDATE subscriptions SET guild_id = COALESCE(@guildId, guild_id), thread_id = @threadId, time = @time, timezone = @timezone, actor_id = @actorId, tag = @tag, quiet = @quiet, language = @language, alerts = @alerts, quiet_hours = @quietHours,
				 status = 'active', pause_reason = NULL, updated_at = @now, effective_from = @effectiveFrom WHERE id = @id`,
			),
			remove: db.prepare('DELETE FROM subscriptions WHERE id = ?'),
			active: db.prepare<[], SubscriptionRow>("SELECT * FROM subscriptions WHERE status = 'active' ORDER BY id"),
			pause: db.prepare("UPDATE subscriptions SET status = 'paused', pause_reason = ?, updated_at = ? WHERE id = ?"),
			pauseGuild: db.prepare("UPDATE subscriptions SET status = 'paused', pause_reason = ?, updated_at = ? WHERE platform = ? AND guild_id = ? AND status = 'active'"),
			pauseChannel: db.prepare("UPDATE subscriptions SET status = 'paused', pause_reason = ?, updated_at = ? WHERE platform = ? AND channel_id = ? AND status = 'active'"),
			move: db.prepare('UPDATE subscriptions SET channel_id = ?, updated_at = ? WHERE id = ?'),
			moveLanguage: db.prepare(
				'UPDATE channel_settings SET channel_id = ? WHERE platform = ? AND channel_id = ? AND NOT EXISTS (SELECT 1 FROM channel_settings WHERE platform = ? AND channel_id = ?)',
			),
			channelLanguage: db.prepare<[string, string], { language: string | null }>('SELECT language FROM channel_settings WHERE platform = ? AND channel_id = ?'),
			setChannelLanguage: db.prepare(
				`INSERT INTO channel_settings (platform, channel_id, language, updated_by, updated_at) VALUES (@platform, @channelId, @language, @by, @now)
				 ON CONFLICT (platform, channel_id) DO UPDATE SET language = excluded.language, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			),
		};
	}

	upsert(input: SubscriptionInput, now: Date): Promise<UpsertResult> {
		const iso = now.toISOString();
		const run = this.db.transaction((): UpsertResult => {
			const existing = this.q.byChannel.get(input.platform, input.channelId);
			const params = {
				platform: input.platform,
				channelId: input.channelId,
				guildId: input.guildId ?? null,
				threadId: input.threadId ?? null,
				time: input.time,
				timezone: input.timezone,
				actorId: input.actorId ?? null,
				tag: input.tag ?? null,
				quiet: input.quiet ? 1 : 0,
				language: input.language ?? null,
				alerts: input.alerts ?? 'off',
				quietHours: input.quietHours ?? null,
				createdBy: input.createdBy,
				now: iso,
			};
			if (!existing) {
				const info = this.q.insert.run(params);
				return { subscription: subscriptionFromRow(this.q.byId.get(Number(info.lastInsertRowid))!), created: true, resumed: false };
			}
			const previous = subscriptionFromRow(existing);
			const resumed = previous.status === 'paused';
			const rescheduled = resumed || previous.time !== input.time || previous.timezone !== input.timezone;
			this.q.update.run({ ...params, id: existing.id, effectiveFrom: rescheduled ? iso : existing.effective_from });
			return { subscription: subscriptionFromRow(this.q.byId.get(existing.id)!), created: false, resumed, previous };
		});
		return Promise.resolve(run.immediate());
	}

	get(platform: Platform, channelId: string): Promise<Subscription | undefined> {
		const r = this.q.byChannel.get(platform, channelId);
		return Promise.resolve(r ? subscriptionFromRow(r) : undefined);
	}

	getById(id: number): Promise<Subscription | undefined> {
		const r = this.q.byId.get(id);
		return Promise.resolve(r ? subscriptionFromRow(r) : undefined);
	}

	remove(platform: Platform, channelId: string): Promise<Subscription | undefined> {
		const run = this.db.transaction(() => {
			const r = this.q.byChannel.get(platform, channelId);
			if (!r) return undefined;
			this.q.remove.run(r.id);
			return subscriptionFromRow(r);
		});
		return Promise.resolve(run.immediate());
	}

	listActive(): Promise<Subscription[]> {
		return Promise.resolve(this.q.active.all().map(subscriptionFromRow));
	}

	list(filter: { readonly platform?: Platform; readonly channelId?: string } = {}): Promise<Subscription[]> {
		const where: string[] = [];
		const params: string[] = [];
		if (filter.platform !== undefined) {
			where.push('platform = ?');
			params.push(filter.platform);
		}
		if (filter.channelId !== undefined) {
			where.push('channel_id = ?');
			params.push(filter.channelId);
		}
		const sql = `SELECT * FROM subscriptions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
		return Promise.resolve((this.db.prepare(sql).all(...params) as SubscriptionRow[]).map(subscriptionFromRow));
	}

	pause(id: number, reason: string, now: Date): Promise<void> {
		this.q.pause.run(reason, now.toISOString(), id);
		return Promise.resolve();
	}

	pauseGuild(platform: Platform, guildId: string, reason: string, now: Date): Promise<number> {
		return Promise.resolve(this.q.pauseGuild.run(reason, now.toISOString(), platform, guildId).changes);
	}

	pauseChannel(platform: Platform, channelId: string, reason: string, now: Date): Promise<boolean> {
		return Promise.resolve(this.q.pauseChannel.run(reason, now.toISOString(), platform, channelId).changes > 0);
	}

	move(id: number, newChannelId: string, now: Date): Promise<MoveResult> {
		const run = this.db.transaction((): MoveResult => {
			const r = this.q.byId.get(id);
			if (!r) return 'missing';
			if (r.channel_id === newChannelId) return 'moved';
			if (this.q.byChannel.get(r.platform, newChannelId)) return 'conflict';
			this.q.move.run(newChannelId, now.toISOString(), id);
			// The chat's pinned language moves with it (Telegram group → supergroup).
			this.q.moveLanguage.run(newChannelId, r.platform, r.channel_id, r.platform, newChannelId);
			return 'moved';
		});
		return Promise.resolve(run.immediate());
	}

	channelLanguage(platform: Platform, channelId: string): Promise<Locale | undefined> {
		const language = this.q.channelLanguage.get(platform, channelId)?.language;
		return Promise.resolve(language && isLocale(language) ? language : undefined);
	}

	setChannelLanguage(platform: Platform, channelId: string, language: Locale | undefined, setBy: string, now: Date): Promise<void> {
		this.q.setChannelLanguage.run({ platform, channelId, language: language ?? null, by: setBy, now: now.toISOString() });
		return Promise.resolve();
	}

	async moveChannel(platform: Platform, fromChannelId: string, toChannelId: string, now: Date): Promise<MoveResult> {
		const r = this.q.byChannel.get(platform, fromChannelId);
		if (!r) return 'missing';
		return this.move(r.id, toChannelId, now);
	}
}
