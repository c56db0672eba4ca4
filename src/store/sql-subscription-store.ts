/**
 * SubscriptionStore on either database. UNIQUE (platform, channel_id) keeps one subscription per
 * channel across processes: an upsert reads the channel's row (locking it, FOR UPDATE, on
 * PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock already) or inserts with ON
 * CONFLICT DO NOTHING and, losing that race to another process, updates the winner's row instead.
 */
import type { Locale } from '../i18n/locale.js';
import { isLocale } from '../i18n/locale.js';
import type { Platform } from '../vocabulary/place.js';
import { subscriptionFromRow, type SubscriptionRow } from './rows.js';
import { all, get, isUniqueViolation, run, whereEqual, type SqlExecutor, type Steps } from './sql.js';
import type { MoveResult, Subscription, SubscriptionInput, SubscriptionStore, UpsertResult } from './store.js';

const INSERT = `
	INSERT INTO subscriptions (platform, channel_id, guild_id, thread_id, time, timezone, actor_id, tag, quiet, language, alerts, quiet_hours, status, created_by, created_at, updated_at, effective_from)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)
	ON CONFLICT (platform, channel_id) DO NOTHING RETURNING *`;
const UPDATE = `
	UPDATE subscriptions SET guild_id = COALESCE(?, guild_id), thread_id = ?, time = ?, timezone = ?, actor_id = ?, tag = ?, quiet = ?, language = ?, alerts = ?, quiet_hours = ?,
	status = 'active', pause_reason = NULL, updated_at = ?, effective_from = ? WHERE id = ? RETURNING *`;
const PAUSE = "UPDATE subscriptions SET status = 'paused', pause_reason = ?, updated_at = ?";
// The chat's pinned language moves with it (Telegram group → supergroup), unless the new chat has its own.
const MOVE_LANGUAGE =
	'UPDATE channel_settings SET channel_id = ? WHERE platform = ? AND channel_id = ? AND NOT EXISTS (SELECT 1 FROM channel_settings WHERE platform = ? AND channel_id = ?)';

export class SqlSubscriptionStore implements SubscriptionStore {
	private readonly byChannelLocked: string;

	constructor(private readonly db: SqlExecutor) {
		this.byChannelLocked = `SELECT * FROM subscriptions WHERE platform = ? AND channel_id = ?${db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`;
	}

	upsert(input: SubscriptionInput, now: Date): Promise<UpsertResult> {
		return this.db.transaction(() => this.upsertSteps(input, now.toISOString()));
	}

	private *upsertSteps(input: SubscriptionInput, at: string): Steps<UpsertResult> {
		const channel = [input.platform, input.channelId];
		const settings = [
			input.guildId ?? null,
			input.threadId ?? null,
			input.time,
			input.timezone,
			input.actorId ?? null,
			input.tag ?? null,
			input.quiet,
			input.language ?? null,
			input.alerts ?? 'off',
			input.quietHours ?? null,
		];
		let existing = yield* get<SubscriptionRow>(this.byChannelLocked, channel);
		if (!existing) {
			const [inserted] = yield* all<SubscriptionRow>(INSERT, [...channel, ...settings, input.createdBy, at, at, at]);
			if (inserted) return { subscription: subscriptionFromRow(inserted), created: true, resumed: false };
			// Another process created it between the two statements: update theirs.
			existing = (yield* get<SubscriptionRow>(this.byChannelLocked, channel))!;
		}
		const previous = subscriptionFromRow(existing);
		const resumed = previous.status === 'paused';
		const rescheduled = resumed || previous.time !== input.time || previous.timezone !== input.timezone;
		const [updated] = yield* all<SubscriptionRow>(UPDATE, [...settings, at, rescheduled ? at : previous.effectiveFrom, existing.id]);
		return { subscription: subscriptionFromRow(updated!), created: false, resumed, previous };
	}

	async get(platform: Platform, channelId: string): Promise<Subscription | undefined> {
		const r = await this.db.get<SubscriptionRow>('SELECT * FROM subscriptions WHERE platform = ? AND channel_id = ?', [
			platform,
			channelId,
		]);
		return r ? subscriptionFromRow(r) : undefined;
	}

	async getById(id: number): Promise<Subscription | undefined> {
		const r = await this.db.get<SubscriptionRow>('SELECT * FROM subscriptions WHERE id = ?', [id]);
		return r ? subscriptionFromRow(r) : undefined;
	}

	async remove(platform: Platform, channelId: string): Promise<Subscription | undefined> {
		const [r] = await this.db.all<SubscriptionRow>('DELETE FROM subscriptions WHERE platform = ? AND channel_id = ? RETURNING *', [
			platform,
			channelId,
		]);
		return r ? subscriptionFromRow(r) : undefined;
	}

	async listActive(): Promise<Subscription[]> {
		return (await this.db.all<SubscriptionRow>("SELECT * FROM subscriptions WHERE status = 'active' ORDER BY id")).map(
			subscriptionFromRow,
		);
	}

	async list(filter: { readonly platform?: Platform; readonly channelId?: string } = {}): Promise<Subscription[]> {
		const w = whereEqual([
			['platform', filter.platform],
			['channel_id', filter.channelId],
		]);
		return (await this.db.all<SubscriptionRow>(`SELECT * FROM subscriptions${w.sql} ORDER BY id`, w.params)).map(subscriptionFromRow);
	}

	async pause(id: number, reason: string, now: Date): Promise<void> {
		await this.db.run(`${PAUSE} WHERE id = ?`, [reason, now.toISOString(), id]);
	}

	async pauseGuild(platform: Platform, guildId: string, reason: string, now: Date): Promise<number> {
		return this.db.run(`${PAUSE} WHERE platform = ? AND guild_id = ? AND status = 'active'`, [
			reason,
			now.toISOString(),
			platform,
			guildId,
		]);
	}

	async pauseChannel(platform: Platform, channelId: string, reason: string, now: Date): Promise<boolean> {
		return (
			(await this.db.run(`${PAUSE} WHERE platform = ? AND channel_id = ? AND status = 'active'`, [
				reason,
				now.toISOString(),
				platform,
				channelId,
			])) > 0
		);
	}

	async move(id: number, newChannelId: string, now: Date): Promise<MoveResult> {
		try {
			return await this.db.transaction(() => moveSteps(id, newChannelId, now.toISOString()));
		} catch (err) {
			// The unique key refuses the move when the target channel got its own subscription from
			// another process after the check.
			if (isUniqueViolation(err)) return 'conflict';
			throw err;
		}
	}

	async moveChannel(platform: Platform, fromChannelId: string, toChannelId: string, now: Date): Promise<MoveResult> {
		const r = await this.db.get<{ id: number }>('SELECT id FROM subscriptions WHERE platform = ? AND channel_id = ?', [
			platform,
			fromChannelId,
		]);
		if (!r) return 'missing';
		return this.move(r.id, toChannelId, now);
	}

	async channelLanguage(platform: Platform, channelId: string): Promise<Locale | undefined> {
		const language = (
			await this.db.get<{ language: string | null }>('SELECT language FROM channel_settings WHERE platform = ? AND channel_id = ?', [
				platform,
				channelId,
			])
		)?.language;
		return language && isLocale(language) ? language : undefined;
	}

	async setChannelLanguage(platform: Platform, channelId: string, language: Locale | undefined, setBy: string, now: Date): Promise<void> {
		await this.db.run(
			`INSERT INTO channel_settings (platform, channel_id, language, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT (platform, channel_id) DO UPDATE SET language = excluded.language, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			[platform, channelId, language ?? null, setBy, now.toISOString()],
		);
	}
}

function* moveSteps(id: number, newChannelId: string, at: string): Steps<MoveResult> {
	const r = yield* get<{ platform: string; channel_id: string }>('SELECT platform, channel_id FROM subscriptions WHERE id = ?', [id]);
	if (!r) return 'missing';
	if (r.channel_id === newChannelId) return 'moved';
	if (yield* get('SELECT id FROM subscriptions WHERE platform = ? AND channel_id = ?', [r.platform, newChannelId])) return 'conflict';
	if (!(yield* run('UPDATE subscriptions SET channel_id = ?, updated_at = ? WHERE id = ?', [newChannelId, at, id]))) return 'missing';
	yield* run(MOVE_LANGUAGE, [newChannelId, r.platform, r.channel_id, r.platform, newChannelId]);
	return 'moved';
}
