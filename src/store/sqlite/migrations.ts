/**
 * Versioned schema migrations, applied in order at start-up. Append new versions; never edit one
 * that has shipped. Each pending migration runs in the same transaction as its record in
 * schema_migrations, so a crash leaves the schema at a known version.
 */
import type Database from 'better-sqlite3';

export interface Migration {
	readonly version: number;
	readonly name: string;
	readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'subscriptions and deliveries',
		sql: `
			CREATE TABLE subscriptions (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				platform TEXT NOT NULL CHECK (platform IN ('console', 'discord', 'telegram')),
				channel_id TEXT NOT NULL,
				guild_id TEXT,
				time TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'),
				timezone TEXT NOT NULL,
				actor_id TEXT,
				tag TEXT,
				quiet INTEGER NOT NULL DEFAULT 0 CHECK (quiet IN (0, 1)),
				status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
				pause_reason TEXT,
				created_by TEXT NOT NULL,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				effective_from TEXT NOT NULL,
				UNIQUE (platform, channel_id)
			);
			CREATE INDEX subscriptions_status ON subscriptions (status);
			CREATE INDEX subscriptions_guild ON subscriptions (platform, guild_id);

			CREATE TABLE deliveries (
				subscription_id INTEGER NOT NULL,
				local_date TEXT NOT NULL,
				scheduled_at TEXT NOT NULL,
				platform TEXT NOT NULL,
				channel_id TEXT NOT NULL,
				status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'uncertain', 'skipped')),
				reason TEXT,
				attempts INTEGER NOT NULL DEFAULT 0,
				retryable INTEGER NOT NULL DEFAULT 0 CHECK (retryable IN (0, 1)),
				next_attempt_at TEXT,
				message_ids TEXT NOT NULL DEFAULT '[]',
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (subscription_id, local_date)
			) WITHOUT ROWID;
			CREATE INDEX deliveries_status ON deliveries (status, updated_at);
			CREATE INDEX deliveries_date ON deliveries (local_date);
		`,
	},
	{
		version: 2,
		name: 'reload audit and event versions',
		sql: `
			CREATE TABLE reload_audit (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				at TEXT NOT NULL,
				platform TEXT NOT NULL,
				user_id TEXT NOT NULL,
				display_name TEXT NOT NULL,
				trigger TEXT NOT NULL CHECK (trigger IN ('command', 'signal', 'watch')),
				dry_run INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
				result TEXT NOT NULL CHECK (result IN ('swapped', 'unchanged', 'dry_run', 'failed')),
				version TEXT,
				events INTEGER,
				actors INTEGER,
				sources INTEGER,
				claims INTEGER,
				error_count INTEGER,
				duration_ms INTEGER NOT NULL
			);
			CREATE INDEX reload_audit_at ON reload_audit (at);

			CREATE TABLE event_versions (
				event_id TEXT NOT NULL,
				fingerprint TEXT NOT NULL,
				first_seen_at TEXT NOT NULL,
				PRIMARY KEY (event_id, fingerprint)
			) WITHOUT ROWID;
			CREATE INDEX event_versions_first_seen ON event_versions (first_seen_at);
		`,
	},
	{
		version: 3,
		name: 'handled update ids',
		sql: `
			CREATE TABLE update_ids (
				platform TEXT NOT NULL,
				update_id TEXT NOT NULL,
				seen_at TEXT NOT NULL,
				PRIMARY KEY (platform, update_id)
			) WITHOUT ROWID;
			CREATE INDEX update_ids_seen_at ON update_ids (seen_at);
		`,
	},
	{
		version: 4,
		name: 'subscription language',
		// NULL: no pin. Checked against the interface languages (src/i18n/locale.ts).
		sql: `ALTER TABLE subscriptions ADD COLUMN language TEXT CHECK (language IS NULL OR language IN ('en', 'ru', 'az', 'fa'));`,
	},
	{
		version: 5,
		name: 'channel language',
		// /language set:ru; NULL or no row: each reader's app language.
		sql: `
			CREATE TABLE channel_settings (
				platform TEXT NOT NULL,
				channel_id TEXT NOT NULL,
				language TEXT CHECK (language IS NULL OR language IN ('en', 'ru', 'az', 'fa')),
				updated_by TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (platform, channel_id)
			) WITHOUT ROWID;
		`,
	},
	{
		version: 6,
		name: 'delivery parts and forum topics',
		// Each message of a delivery as it goes out: 'sending' is written right before its request,
		// 'sent' (with the platform's message ids) once it arrived. A delivery whose sender records
		// parts (tracks_parts) can be resumed after a crash: only a part left 'sending' is uncertain.
		sql: `
			ALTER TABLE deliveries ADD COLUMN tracks_parts INTEGER NOT NULL DEFAULT 0 CHECK (tracks_parts IN (0, 1));
			-- A Telegram forum topic (message_thread_id) the briefing posts to; NULL: the chat itself.
			ALTER TABLE subscriptions ADD COLUMN thread_id TEXT;
			CREATE TABLE delivery_parts (
				subscription_id INTEGER NOT NULL,
				local_date TEXT NOT NULL,
				part INTEGER NOT NULL CHECK (part >= 1),
				parts INTEGER NOT NULL CHECK (parts >= part),
				channel_id TEXT NOT NULL,
				status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'uncertain')),
				message_ids TEXT NOT NULL DEFAULT '[]',
				updated_at TEXT NOT NULL,
				PRIMARY KEY (subscription_id, local_date, part)
			) WITHOUT ROWID;
			CREATE INDEX delivery_parts_date ON delivery_parts (local_date);
		`,
	},
	{
		version: 7,
		name: 'subscription alerts and quiet hours',
		// alerts: what is pushed between briefings; quiet_hours: "HH:MM-HH:MM" local, NULL for none.
		sql: `
			ALTER TABLE subscriptions ADD COLUMN alerts TEXT NOT NULL DEFAULT 'off' CHECK (alerts IN ('off', 'breaking', 'all'));
			ALTER TABLE subscriptions ADD COLUMN quiet_hours TEXT CHECK (quiet_hours IS NULL OR quiet_hours GLOB '[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]');
		`,
	},
	{
		version: 8,
		name: 'live alerts and corrections',
		// Alerts wait in alert_queue (one row per subscription and event: an event alerts a chat at most
		// once). Every alert batch, edit and correction reply is claimed in live_actions before it is
		// done, so a restart or a second process never repeats one. pushed_messages remember which
		// message showed which event version (pushed_events), with its reply stored once per content
		// (pushed_replies), for the correction window. live_jobs hold a reload's corrections until done.
		sql: `
			CREATE TABLE pushed_replies (
				hash TEXT PRIMARY KEY,
				reply TEXT NOT NULL,
				created_at TEXT NOT NULL
			) WITHOUT ROWID;
			CREATE TABLE pushed_messages (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				platform TEXT NOT NULL,
				channel_id TEXT NOT NULL,
				subscription_id INTEGER,
				kind TEXT NOT NULL CHECK (kind IN ('briefing', 'alert')),
				reply_hash TEXT NOT NULL,
				message_ids TEXT NOT NULL,
				pushed_at TEXT NOT NULL,
				updated_at TEXT NOT NULL
			);
			CREATE INDEX pushed_messages_at ON pushed_messages (pushed_at);
			CREATE TABLE pushed_events (
				message_id INTEGER NOT NULL,
				event_id TEXT NOT NULL,
				fingerprint TEXT NOT NULL,
				PRIMARY KEY (message_id, event_id)
			) WITHOUT ROWID;
			CREATE INDEX pushed_events_event ON pushed_events (event_id);
			CREATE TABLE alert_queue (
				subscription_id INTEGER NOT NULL,
				event_id TEXT NOT NULL,
				status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'uncertain', 'dropped')),
				batch TEXT,
				queued_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (subscription_id, event_id)
			) WITHOUT ROWID;
			CREATE INDEX alert_queue_status ON alert_queue (status, subscription_id);
			CREATE INDEX alert_queue_batch ON alert_queue (batch);
			CREATE TABLE live_actions (
				key TEXT PRIMARY KEY,
				kind TEXT NOT NULL CHECK (kind IN ('alert', 'edit', 'reply')),
				subscription_id INTEGER,
				status TEXT NOT NULL CHECK (status IN ('sending', 'wire', 'done', 'failed', 'uncertain')),
				detail TEXT,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL
			) WITHOUT ROWID;
			CREATE INDEX live_actions_status ON live_actions (status, updated_at);
			CREATE INDEX live_actions_alerts ON live_actions (kind, subscription_id, created_at);
			CREATE TABLE live_jobs (
				key TEXT PRIMARY KEY,
				event_ids TEXT NOT NULL,
				status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL
			) WITHOUT ROWID;
		`,
	},
	{
		version: 9,
		name: 'paging keys',
		// Paging buttons' targets, shared by the processes on this file (src/store/sqlite/sqlite-page-keys.ts).
		// expires_at: milliseconds since the epoch; seq: arrival order, for the size bound.
		sql: `
			CREATE TABLE page_keys (
				seq INTEGER PRIMARY KEY AUTOINCREMENT,
				platform TEXT NOT NULL,
				key TEXT NOT NULL,
				line TEXT NOT NULL,
				chat_id TEXT,
				user_id TEXT,
				expires_at INTEGER NOT NULL,
				UNIQUE (platform, key)
			);
			CREATE INDEX page_keys_expires_at ON page_keys (expires_at);
		`,
	},
];

export class MigrationError extends Error {
	override readonly name = 'MigrationError';
}

/** The highest version applied, 0 for a new database. */
export function schemaVersion(db: Database.Database): number {
	const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null } | undefined;
	return row?.v ?? 0;
}

/**
 * Applies every pending migration in one IMMEDIATE transaction, so two processes starting at once
 * cannot both apply the same version. Returns the versions applied.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, now: Date = new Date()): number[] {
	for (let i = 1; i < migrations.length; i++) {
		if (migrations[i]!.version <= migrations[i - 1]!.version) throw new MigrationError('migrations must be listed in increasing version order');
	}
	db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
	const apply = db.transaction(() => {
		const current = schemaVersion(db);
		const latest = migrations.at(-1)?.version ?? 0;
		if (current > latest) {
			throw new MigrationError(`the database is at schema version ${current}, newer than this build knows (${latest}); run a newer sitrep or use another SITREP_DB`);
		}
		const applied: number[] = [];
		const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
		// Every version not yet recorded, in order: a database made by a build that had a later version
		// but not an earlier one (two changes developed side by side) still gets the earlier one.
		const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
		for (const m of migrations) {
			if (done.has(m.version)) continue;
			db.exec(m.sql);
			record.run(m.version, m.name, now.toISOString());
			applied.push(m.version);
		}
		return applied;
	});
	return apply.immediate();
}
