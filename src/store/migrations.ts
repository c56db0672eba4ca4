/**
 * The schema, version by version, for both databases (the runner is migrate.ts). Append new
 * versions; never edit one that has shipped. Where the dialects differ, the text takes the word from
 * the dialect's terms: instants are ISO text in SQLite and timestamptz in PostgreSQL (the stores
 * return ISO strings), flags 0/1 and boolean, local dates and times of day text that sorts bytewise.
 */
import type { Migration } from './migrate.js';

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'subscriptions and deliveries',
		sql: (t) => `
			CREATE TABLE subscriptions (
				id ${t.serialKey},
				platform TEXT NOT NULL CHECK (platform IN ('console', 'discord', 'telegram')),
				channel_id TEXT NOT NULL,
				guild_id TEXT,
				time ${t.sortedText} NOT NULL CHECK (${t.matches('time', '[0-2][0-9]:[0-5][0-9]')}),
				timezone TEXT NOT NULL,
				actor_id TEXT,
				tag TEXT,
				quiet ${t.flag('quiet', true)},
				status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
				pause_reason TEXT,
				created_by TEXT NOT NULL,
				created_at ${t.instant} NOT NULL,
				updated_at ${t.instant} NOT NULL,
				effective_from ${t.instant} NOT NULL,
				UNIQUE (platform, channel_id)
			);
			CREATE INDEX subscriptions_status ON subscriptions (status);
			CREATE INDEX subscriptions_guild ON subscriptions (platform, guild_id);

			CREATE TABLE deliveries (
				subscription_id INTEGER NOT NULL,
				local_date ${t.sortedText} NOT NULL,
				scheduled_at ${t.instant} NOT NULL,
				platform TEXT NOT NULL,
				channel_id TEXT NOT NULL,
				status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'uncertain', 'skipped')),
				reason TEXT,
				attempts INTEGER NOT NULL DEFAULT 0,
				retryable ${t.flag('retryable', true)},
				next_attempt_at ${t.instant},
				message_ids ${t.json} NOT NULL DEFAULT '[]',
				created_at ${t.instant} NOT NULL,
				updated_at ${t.instant} NOT NULL,
				PRIMARY KEY (subscription_id, local_date)
			)${t.withoutRowid};
			CREATE INDEX deliveries_status ON deliveries (status, updated_at);
			CREATE INDEX deliveries_date ON deliveries (local_date);
		`,
	},
	{
		version: 2,
		name: 'reload audit and event versions',
		sql: (t) => `
			CREATE TABLE reload_audit (
				id ${t.serialKey},
				at ${t.instant} NOT NULL,
				platform TEXT NOT NULL,
				user_id TEXT NOT NULL,
				display_name TEXT NOT NULL,
				"trigger" TEXT NOT NULL CHECK ("trigger" IN ('command', 'signal', 'watch')),
				dry_run ${t.flag('dry_run')},
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
				first_seen_at ${t.instant} NOT NULL,
				PRIMARY KEY (event_id, fingerprint)
			)${t.withoutRowid};
			CREATE INDEX event_versions_first_seen ON event_versions (first_seen_at);
		`,
	},
	{
		version: 3,
		name: 'handled update ids',
		sql: (t) => `
			CREATE TABLE update_ids (
				platform TEXT NOT NULL,
				update_id TEXT NOT NULL,
				seen_at ${t.instant} NOT NULL,
				PRIMARY KEY (platform, update_id)
			)${t.withoutRowid};
			CREATE INDEX update_ids_seen_at ON update_ids (seen_at);
		`,
	},
	{
		version: 4,
		name: 'subscription language',
		// NULL: no pin (English). Checked against the interface languages (src/i18n/locale.ts).
		sql: `ALTER TABLE subscriptions ADD COLUMN language TEXT CHECK (language IS NULL OR language IN ('en', 'ru', 'az', 'fa'));`,
	},
	{
		version: 5,
		name: 'channel language',
		// /language set:ru; NULL or no row: each reader's app language.
		sql: (t) => `
			CREATE TABLE channel_settings (
				platform TEXT NOT NULL,
				channel_id TEXT NOT NULL,
				language TEXT CHECK (language IS NULL OR language IN ('en', 'ru', 'az', 'fa')),
				updated_by TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (platform, channel_id)
			)${t.withoutRowid};
		`,
	},
	{
		version: 6,
		name: 'delivery parts and forum topics',
		// Each message of a delivery as it goes out: 'sending' is written right before its request,
		// 'sent' (with the platform's message ids) once it arrived. A delivery whose sender records
		// parts (tracks_parts) can be resumed after a crash: only a part left 'sending' is uncertain.
		// thread_id: a Telegram forum topic (message_thread_id) the briefing posts to; NULL: the chat itself.
		sql: (t) => `
			ALTER TABLE deliveries ADD COLUMN tracks_parts ${t.flag('tracks_parts', true)};
			ALTER TABLE subscriptions ADD COLUMN thread_id TEXT;
			CREATE TABLE delivery_parts (
				subscription_id INTEGER NOT NULL,
				local_date ${t.sortedText} NOT NULL,
				part INTEGER NOT NULL CHECK (part >= 1),
				parts INTEGER NOT NULL CHECK (parts >= part),
				channel_id TEXT NOT NULL,
				status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'uncertain')),
				message_ids ${t.json} NOT NULL DEFAULT '[]',
				updated_at ${t.instant} NOT NULL,
				PRIMARY KEY (subscription_id, local_date, part)
			)${t.withoutRowid};
			CREATE INDEX delivery_parts_date ON delivery_parts (local_date);
		`,
	},
	{
		version: 7,
		name: 'subscription alerts and quiet hours',
		// alerts: what is pushed between briefings; quiet_hours: "HH:MM-HH:MM" local, NULL for none.
		sql: (t) => `
			ALTER TABLE subscriptions ADD COLUMN alerts TEXT NOT NULL DEFAULT 'off' CHECK (alerts IN ('off', 'breaking', 'all'));
			ALTER TABLE subscriptions ADD COLUMN quiet_hours TEXT CHECK (quiet_hours IS NULL OR ${t.matches('quiet_hours', '[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]')});
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
		sql: (t) => `
			CREATE TABLE pushed_replies (
				hash TEXT PRIMARY KEY,
				reply TEXT NOT NULL,
				created_at TEXT NOT NULL
			)${t.withoutRowid};
			CREATE TABLE pushed_messages (
				id ${t.serialKey},
				platform TEXT NOT NULL,
				channel_id TEXT NOT NULL,
				subscription_id INTEGER,
				kind TEXT NOT NULL CHECK (kind IN ('briefing', 'alert')),
				reply_hash TEXT NOT NULL,
				message_ids TEXT NOT NULL,
				pushed_at ${t.instant} NOT NULL,
				updated_at ${t.instant} NOT NULL
			);
			CREATE INDEX pushed_messages_at ON pushed_messages (pushed_at);
			CREATE TABLE pushed_events (
				message_id INTEGER NOT NULL,
				event_id TEXT NOT NULL,
				fingerprint TEXT NOT NULL,
				PRIMARY KEY (message_id, event_id)
			)${t.withoutRowid};
			CREATE INDEX pushed_events_event ON pushed_events (event_id);
			CREATE TABLE alert_queue (
				subscription_id INTEGER NOT NULL,
				event_id TEXT NOT NULL,
				status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'uncertain', 'dropped')),
				batch TEXT,
				queued_at ${t.instant} NOT NULL,
				updated_at ${t.instant} NOT NULL,
				PRIMARY KEY (subscription_id, event_id)
			)${t.withoutRowid};
			CREATE INDEX alert_queue_status ON alert_queue (status, subscription_id);
			CREATE INDEX alert_queue_batch ON alert_queue (batch);
			CREATE TABLE live_actions (
				key TEXT PRIMARY KEY,
				kind TEXT NOT NULL CHECK (kind IN ('alert', 'edit', 'reply')),
				subscription_id INTEGER,
				status TEXT NOT NULL CHECK (status IN ('sending', 'wire', 'done', 'failed', 'uncertain')),
				detail TEXT,
				created_at ${t.instant} NOT NULL,
				updated_at ${t.instant} NOT NULL
			)${t.withoutRowid};
			CREATE INDEX live_actions_status ON live_actions (status, updated_at);
			CREATE INDEX live_actions_alerts ON live_actions (kind, subscription_id, created_at);
			CREATE TABLE live_jobs (
				key TEXT PRIMARY KEY,
				event_ids TEXT NOT NULL,
				status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
				created_at ${t.instant} NOT NULL,
				updated_at ${t.instant} NOT NULL
			)${t.withoutRowid};
		`,
	},
	{
		version: 9,
		name: 'paging keys',
		// Paging buttons' targets, shared by every process on the database (PageKeyTable).
		// expires_at: milliseconds since the epoch; seq: arrival order, for the size bound.
		sql: (t) => `
			CREATE TABLE page_keys (
				seq ${t.bigSerialKey},
				platform TEXT NOT NULL,
				key TEXT NOT NULL,
				line TEXT NOT NULL,
				chat_id TEXT,
				user_id TEXT,
				expires_at ${t.bigint} NOT NULL,
				UNIQUE (platform, key)
			);
			CREATE INDEX page_keys_expires_at ON page_keys (expires_at);
		`,
	},
	{
		version: 10,
		name: 'recorded dataset versions',
		// A dataset version whose every event version is in event_versions, written only after its
		// last page was committed: a start with that version again skips the pass (SqlEventVersions).
		// Several rows, so a return to an earlier version skips too; the newest few are kept.
		sql: (t) => `
			CREATE TABLE event_versions_recorded (
				dataset_version TEXT PRIMARY KEY,
				events INTEGER NOT NULL,
				recorded_at ${t.instant} NOT NULL
			)${t.withoutRowid};
			CREATE INDEX event_versions_recorded_at ON event_versions_recorded (recorded_at);
		`,
	},
];
