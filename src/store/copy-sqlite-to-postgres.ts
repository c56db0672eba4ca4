/**
 * Moving from SQLite to PostgreSQL: copies subscriptions (with their ids), the delivery ledger, the
 * reload audit log and event versions from a SQLite file into an empty PostgreSQL database, in one
 * transaction. Handled update ids are not copied: they matter for a day at most.
 * `npx sitrep migrate-sqlite-to-postgres` runs it; stop the bot first so the file does not change.
 */
import { openDatabase } from './sqlite/open-database.js';
import { openPostgresStores } from './postgres/postgres-stores.js';

export interface CopyReport {
	readonly subscriptions: number;
	readonly deliveries: number;
	readonly reloadAudit: number;
	readonly eventVersions: number;
}

export class CopyRefused extends Error {
	override readonly name = 'CopyRefused';
}

/** SQLite table → the PostgreSQL INSERT that takes its rows as parallel arrays (one per column). */
const TABLES = {
	subscriptions: {
		columns: [
			'id',
			'platform',
			'channel_id',
			'guild_id',
			'time',
			'timezone',
			'actor_id',
			'tag',
			'quiet',
			'language',
			'alerts',
			'quiet_hours',
			'status',
			'pause_reason',
			'created_by',
			'created_at',
			'updated_at',
			'effective_from',
			'thread_id',
		],
		types: [
			'int',
			'text',
			'text',
			'text',
			'text',
			'text',
			'text',
			'text',
			'int',
			'text',
			'text',
			'text',
			'text',
			'text',
			'text',
			'timestamptz',
			'timestamptz',
			'timestamptz',
			'text',
		],
		select: (c: string) => (c === 'quiet' ? 'quiet <> 0' : `"${c}"`),
	},
	deliveries: {
		columns: [
			'subscription_id',
			'local_date',
			'scheduled_at',
			'platform',
			'channel_id',
			'status',
			'reason',
			'attempts',
			'retryable',
			'next_attempt_at',
			'message_ids',
			'created_at',
			'updated_at',
			'tracks_parts',
		],
		types: [
			'int',
			'text',
			'timestamptz',
			'text',
			'text',
			'text',
			'text',
			'int',
			'int',
			'timestamptz',
			'text',
			'timestamptz',
			'timestamptz',
			'int',
		],
		select: (c: string) =>
			c === 'retryable' || c === 'tracks_parts' ? `${c} <> 0` : c === 'message_ids' ? 'message_ids::jsonb' : `"${c}"`,
	},
	delivery_parts: {
		columns: ['subscription_id', 'local_date', 'part', 'parts', 'channel_id', 'status', 'message_ids', 'updated_at'],
		types: ['int', 'text', 'int', 'int', 'text', 'text', 'text', 'timestamptz'],
		select: (c: string) => (c === 'message_ids' ? 'message_ids::jsonb' : `"${c}"`),
	},
	reload_audit: {
		columns: [
			'id',
			'at',
			'platform',
			'user_id',
			'display_name',
			'trigger',
			'dry_run',
			'result',
			'version',
			'events',
			'actors',
			'sources',
			'claims',
			'error_count',
			'duration_ms',
		],
		types: ['int', 'timestamptz', 'text', 'text', 'text', 'text', 'int', 'text', 'text', 'int', 'int', 'int', 'int', 'int', 'int'],
		select: (c: string) => (c === 'dry_run' ? 'dry_run <> 0' : `"${c}"`),
	},
	event_versions: {
		columns: ['event_id', 'fingerprint', 'first_seen_at'],
		types: ['text', 'text', 'timestamptz'],
		select: (c: string) => `"${c}"`,
	},
	channel_settings: {
		columns: ['platform', 'channel_id', 'language', 'updated_by', 'updated_at'],
		types: ['text', 'text', 'text', 'text', 'text'],
		select: (c: string) => `"${c}"`,
	},
} as const;

const BATCH = 5000;

/**
 * Copies `sqliteFile` into the database at `databaseUrl` (migrating both to the current schema
 * first). Refuses, changing nothing, when the PostgreSQL tables already hold subscriptions,
 * deliveries, reloads or event versions.
 */
export async function copySqliteToPostgres(sqliteFile: string, databaseUrl: string): Promise<CopyReport> {
	const sqlite = openDatabase(sqliteFile);
	try {
		const pg = await openPostgresStores(databaseUrl, { maxConnections: 1 });
		const client = await pg.pool.connect();
		try {
			await client.query('BEGIN');
			const counts: Record<string, number> = {};
			for (const [table, spec] of Object.entries(TABLES)) {
				const existing = (await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`)).rows[0]!.n;
				if (existing > 0)
					throw new CopyRefused(`PostgreSQL already has ${existing} row(s) in ${table}; copy only into an empty database`);
				const rows = sqlite
					.prepare(`SELECT ${spec.columns.map((c) => `"${c}"`).join(', ')} FROM ${table}`)
					.raw()
					.all() as unknown[][];
				for (let i = 0; i < rows.length; i += BATCH) {
					const batch = rows.slice(i, i + BATCH);
					const params = spec.columns.map((_, k) => batch.map((r) => r[k] ?? null));
					const unnest = spec.types.map((t, k) => `$${k + 1}::${t}[]`).join(', ');
					await client.query(
						`INSERT INTO ${table} (${spec.columns.map((c) => `"${c}"`).join(', ')})
						 SELECT ${spec.columns.map((c) => spec.select(c)).join(', ')} FROM unnest(${unnest}) AS t(${spec.columns.map((c) => `"${c}"`).join(', ')})`,
						params,
					);
				}
				counts[table] = rows.length;
			}
			// Identity counters continue after the highest id SQLite ever gave, so no id is reused.
			for (const table of ['subscriptions', 'reload_audit']) {
				const seq = sqlite.prepare('SELECT MAX(seq) AS n FROM sqlite_sequence WHERE name = ?').get(table) as
					{ n: number | null } | undefined;
				const max = sqlite.prepare(`SELECT MAX(id) AS n FROM ${table}`).get() as { n: number | null };
				const last = Math.max(seq?.n ?? 0, max.n ?? 0);
				if (last > 0) await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), $1)`, [last]);
			}
			await client.query('COMMIT');
			return {
				subscriptions: counts['subscriptions'] ?? 0,
				deliveries: counts['deliveries'] ?? 0,
				reloadAudit: counts['reload_audit'] ?? 0,
				eventVersions: counts['event_versions'] ?? 0,
			};
		} catch (err) {
			await client.query('ROLLBACK').catch(() => undefined);
			throw err;
		} finally {
			client.release();
			await pg.close();
		}
	} finally {
		sqlite.close();
	}
}
