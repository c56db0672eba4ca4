/**
 * One PostgreSQL database holding subscriptions, the delivery ledger, the reload audit log, event
 * versions, handled update ids and paging keys, shared by every sitrep process pointed at it (DATABASE_URL).
 */
import { Pool } from 'pg';
import { sqlStores } from '../sql-stores.js';
import type { Stores } from '../stores.js';
import { pgExecutor } from './pg-executor.js';
import { migratePostgres, type Migration } from './migrations.js';

export interface PostgresOpenOptions {
	/** Most connections this process opens (default 10). */
	readonly maxConnections?: number;
	readonly migrations?: readonly Migration[];
	/**
	 * Called when an idle pooled connection fails (the server restarted, a network blip). The pool
	 * drops that connection and opens another on the next query; without this handler the error
	 * would crash the process.
	 */
	readonly onError?: (err: Error) => void;
}

/** The PostgreSQL stores, with the pool for tests and maintenance. */
export interface PostgresStores extends Stores {
	readonly pool: Pool;
	close(): Promise<void>;
}

/**
 * Connects to `url` (postgres://user:password@host:port/database; `?options=-c search_path=…`
 * selects a schema), applies pending migrations, and returns the stores. Rejects, with the pool
 * closed, when the database cannot be reached or migrated.
 */
export async function openPostgresStores(url: string, options: PostgresOpenOptions = {}): Promise<PostgresStores> {
	const pool = new Pool({
		connectionString: url,
		max: options.maxConnections ?? 10,
		application_name: 'sitrep',
		connectionTimeoutMillis: 15_000,
	});
	pool.on('error', (err) => options.onError?.(err));
	try {
		await migratePostgres(pool, options.migrations);
	} catch (err) {
		await pool.end().catch(() => undefined);
		throw err;
	}
	let closing: Promise<void> | undefined;
	const sql = pgExecutor(pool);
	return {
		pool,
		...sqlStores(sql),
		close: () => (closing ??= pool.end()),
	};
}
