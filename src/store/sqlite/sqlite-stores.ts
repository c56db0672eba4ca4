/**
 * One SQLite file holding subscriptions, the delivery ledger, the reload audit log, event versions
 * and handled update ids.
 */
import { sqlStores } from '../sql-stores.js';
import type { Stores } from '../stores.js';
import { sqliteExecutor } from './sqlite-executor.js';
import { openDatabase, type OpenOptions, type SqliteDatabase } from './open-database.js';

/** The SQLite stores, with the database itself for tests and maintenance. */
export interface SqliteStores extends Stores {
	readonly db: SqliteDatabase;
	close(): void;
}

/** Opens (creating and migrating as needed) the database at `file`, e.g. config.dbPath. */
export function openSqliteStores(file: string, options: OpenOptions = {}): SqliteStores {
	const db = openDatabase(file, options);
	const sql = sqliteExecutor(db);
	return {
		db,
		...sqlStores(sql),
		close: () => {
			if (db.open) db.close();
		},
	};
}
