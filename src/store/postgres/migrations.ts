/**
 * Migrations on PostgreSQL: the shared runner (../migrate.ts) in one transaction holding an
 * advisory lock keyed by the schema, so several processes starting together apply each version
 * exactly once, and a failure leaves the schema at the version it had.
 */
import type { Pool } from 'pg';
import { MigrationError, migrationSteps, type Migration } from '../migrate.js';
import { MIGRATIONS } from '../migrations.js';
import { pgExecutor } from './pg-executor.js';

export { MIGRATIONS, MigrationError, type Migration };

/** The highest version applied in the current schema, 0 for a new one. */
export async function pgSchemaVersion(pool: Pick<Pool, 'query'>): Promise<number> {
	const exists = await pool.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
	if (!exists.rows[0]?.t) return 0;
	const r = await pool.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
	return r.rows[0]?.v ?? 0;
}

/** Applies every pending migration; returns the versions applied. */
export function migratePostgres(pool: Pool, migrations: readonly Migration[] = MIGRATIONS, now: Date = new Date()): Promise<number[]> {
	return pgExecutor(pool).transaction(() => migrationSteps('postgres', migrations, now, 'DATABASE_URL'));
}
