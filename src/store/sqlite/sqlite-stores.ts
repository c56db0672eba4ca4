/**
 * One SQLite file holding subscriptions, the delivery ledger, the reload audit log, event versions
 * and handled update ids.
 */
import type { Stores } from '../stores.js';
import { SqlitePageKeys } from './sqlite-page-keys.js';
import { openDatabase, type OpenOptions, type SqliteDatabase } from './open-database.js';
import { SqliteDeliveryLedger } from './sqlite-delivery-ledger.js';
import { SqliteEventVersions } from './sqlite-event-versions.js';
import { SqliteLiveStore } from './sqlite-live-store.js';
import { SqliteReloadAudit } from './sqlite-reload-audit.js';
import { SqliteSubscriptionStore } from './sqlite-subscription-store.js';
import { SqliteUpdateDeduplicator } from './sqlite-update-dedup.js';

/** The SQLite stores, with the database itself for tests and maintenance. */
export interface SqliteStores extends Stores {
	readonly db: SqliteDatabase;
	close(): void;
}

/** Opens (creating and migrating as needed) the database at `file`, e.g. config.dbPath. */
export function openSqliteStores(file: string, options: OpenOptions = {}): SqliteStores {
	const db = openDatabase(file, options);
	return {
		db,
		subscriptions: new SqliteSubscriptionStore(db),
		ledger: new SqliteDeliveryLedger(db),
		reloadAudit: new SqliteReloadAudit(db),
		eventVersions: new SqliteEventVersions(db),
		pages: new SqlitePageKeys(db),
		updates: new SqliteUpdateDeduplicator(db),
		live: new SqliteLiveStore(db),
		close: () => {
			if (db.open) db.close();
		},
	};
}
