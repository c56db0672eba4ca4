/**
 * Picks the database from the configuration: PostgreSQL when DATABASE_URL is set (several
 * processes, several machines), else the SQLite file at SITREP_DB (one machine).
 */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { openSqliteStores } from './sqlite/sqlite-stores.js';
import type { Stores } from './stores.js';

/**
 * Opens and migrates the configured store. PostgreSQL's driver is loaded only when it is used.
 * Rejects when the database cannot be opened or migrated; the message never contains the URL.
 */
export async function openStores(config: Pick<Config, 'dbPath' | 'databaseUrl'>, logger?: Logger): Promise<Stores> {
	if (config.databaseUrl) {
		const { openPostgresStores } = await import('./postgres/postgres-stores.js');
		return openPostgresStores(config.databaseUrl, {
			onError: (err) => logger?.warn({ err }, 'A pooled PostgreSQL connection failed; it will be replaced'),
		});
	}
	return openSqliteStores(config.dbPath);
}

/** Names the configured store for messages, without the URL (which may hold a password). */
export function describeStore(config: Pick<Config, 'dbPath' | 'databaseUrl'>): string {
	return config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `${config.dbPath} (SITREP_DB)`;
}
