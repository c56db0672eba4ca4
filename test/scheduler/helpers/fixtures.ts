/**
 * Shared test fixtures for briefings: a small dataset, subscriptions, fake senders, temp databases.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Platform } from '../../../src/core/command.js';
import type { PlatformSender, SendOutcome } from '../../../src/core/delivery.js';
import type { Reply } from '../../../src/core/reply.js';
import type { Actor, StoryEvent } from '../../../src/dataset/model.js';
import { parsePartialDate } from '../../../src/dataset/partial-date.js';
import { DatasetSnapshot } from '../../../src/dataset/snapshot.js';
import type { PostgresStores } from '../../../src/store/postgres/postgres-stores.js';
import type { SqliteDatabase } from '../../../src/store/sqlite/open-database.js';
import type { SqliteStores } from '../../../src/store/sqlite/sqlite-stores.js';
import type { Subscription } from '../../../src/store/store.js';
import type { Stores } from '../../../src/store/stores.js';

const date = (text: string) => {
	const r = parsePartialDate(text);
	if (!r.ok) throw new Error(r.message);
	return r.value;
};

function actor(id: string, name: string): Actor {
	return { id, name, aliases: [], type: 'person', description: name, affiliations: [], names: {}, descriptions: {} } as unknown as Actor;
}

export function event(id: string, day: string, actors: string[], tags: string[]): StoryEvent {
	return {
		id,
		date: date(day),
		title: `Event ${id}`,
		summary: `Summary of ${id}`,
		actors: actors.map((actorId) => ({ actorId })),
		tags,
		sourceIds: [],
		status: 'confirmed',
		related: [],
		claimIds: [],
		titles: {},
		summaries: {},
		notes: {},
		file: `events/${id}.yaml`,
	};
}

/** Events on 2025-06-27, 2025-06-30 and 2025-07-01; nothing from 2025-07-02 on. */
export function makeDataset(version = 'v1', timezone = 'Asia/Baku'): DatasetSnapshot {
	return DatasetSnapshot.fromRecords(
		{ title: 'Test story', summary: 'A story for tests.', timezone, status: 'developing', languages: ['en'] },
		[actor('kremlin', 'The Kremlin'), actor('aliyev', 'Ilham Aliyev')],
		[],
		[
			event('e1', '2025-06-27', ['kremlin'], ['media']),
			event('e2', '2025-06-30', ['aliyev'], ['courts']),
			event('e3', '2025-07-01', ['kremlin', 'aliyev'], ['media']),
		],
		[],
		version,
		'2025-06-01T00:00:00.000Z',
	);
}

let nextId = 1;

/** A subscription for the pure functions, active since 2025-01-01. */
export function sub(partial: Partial<Subscription> = {}): Subscription {
	const id = partial.id ?? nextId++;
	return {
		id,
		platform: 'telegram',
		channelId: `chat-${id}`,
		time: '09:00',
		timezone: 'Asia/Baku',
		quiet: false,
		alerts: 'off',
		status: 'active',
		createdBy: 'telegram:1',
		createdAt: '2025-01-01T00:00:00.000Z',
		updatedAt: '2025-01-01T00:00:00.000Z',
		effectiveFrom: '2025-01-01T00:00:00.000Z',
		...partial,
	};
}

export interface SeedRow {
	readonly platform?: Platform;
	readonly channelId?: string;
	readonly time?: string;
	readonly timezone?: string;
	readonly actorId?: string;
	readonly tag?: string;
	readonly quiet?: boolean;
}

/**
 * Inserts many subscriptions in one transaction (upsert one by one would sync the disk each time),
 * created at `since`: occurrences before it are not theirs.
 */
export function seedSubscriptions(db: SqliteDatabase, rows: readonly SeedRow[], since = '2025-07-01T00:00:00.000Z'): void {
	const insert = db.prepare(
		`INSERT INTO subscriptions (platform, channel_id, time, timezone, actor_id, tag, quiet, status, created_by, created_at, updated_at, effective_from)
		 VALUES (?, ?, ?, ?, ?, ?, ?, 'active', 'test', @since, @since, @since)`,
	);
	db.transaction(() => {
		rows.forEach((r, i) =>
			insert.run(
				r.platform ?? 'telegram',
				r.channelId ?? `chat-${i + 1}`,
				r.time ?? '09:00',
				r.timezone ?? 'Asia/Baku',
				r.actorId ?? null,
				r.tag ?? null,
				r.quiet ? 1 : 0,
				{ since },
			),
		);
	})();
}

/** Like {@link seedSubscriptions}, into PostgreSQL: one INSERT for all rows. */
export async function seedPostgresSubscriptions(
	stores: PostgresStores,
	rows: readonly SeedRow[],
	since = '2025-07-01T00:00:00.000Z',
): Promise<void> {
	await stores.pool.query(
		`INSERT INTO subscriptions (platform, channel_id, time, timezone, actor_id, tag, quiet, status, created_by, created_at, updated_at, effective_from)
		 SELECT p, c, t, z, a, g, q, 'active', 'test', $8, $8, $8 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[]) AS r(p, c, t, z, a, g, q)`,
		[
			rows.map((r) => r.platform ?? 'telegram'),
			rows.map((r, i) => r.channelId ?? `chat-${i + 1}`),
			rows.map((r) => r.time ?? '09:00'),
			rows.map((r) => r.timezone ?? 'Asia/Baku'),
			rows.map((r) => r.actorId ?? null),
			rows.map((r) => r.tag ?? null),
			rows.map((r) => r.quiet ?? false),
			since,
		],
	);
}

/** Seeds subscriptions into whichever backend `stores` is. */
export async function seedStore(stores: Stores, rows: readonly SeedRow[], since?: string): Promise<void> {
	if ('db' in stores) seedSubscriptions((stores as SqliteStores).db, rows, since);
	else if ('pool' in stores) await seedPostgresSubscriptions(stores as PostgresStores, rows, since);
	else throw new Error('seedStore: unknown store backend');
}

/** A sender that records every send and answers with `outcome` (a function of the channel). */
export class FakeSender implements PlatformSender {
	readonly sends: { channelId: string; reply: Reply }[] = [];
	constructor(
		readonly platform: Platform = 'telegram',
		private readonly outcome: (channelId: string, n: number) => SendOutcome | Promise<SendOutcome> = () => ({
			kind: 'sent',
			messageIds: ['m'],
		}),
		/** Appends each channel id to this file, for counting across processes. */
		private readonly logFile?: string,
	) {}
	async send(channelId: string, reply: Reply): Promise<SendOutcome> {
		this.sends.push({ channelId, reply });
		if (this.logFile) appendFileSync(this.logFile, `${channelId}\n`);
		return this.outcome(channelId, this.sends.length);
	}
	countFor(channelId: string): number {
		return this.sends.filter((s) => s.channelId === channelId).length;
	}
}

export function tempDir(prefix = 'sitrep-test-'): { dir: string; cleanup: () => void } {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Counts lines per value. */
export function countLines(text: string): Map<string, number> {
	const m = new Map<string, number>();
	for (const line of text.split('\n')) if (line) m.set(line, (m.get(line) ?? 0) + 1);
	return m;
}
