/**
 * One SQLite file holding subscriptions and the delivery ledger.
 */
import type { DeliveryLedger, SubscriptionStore } from '../store.js';
import { openDatabase, type OpenOptions, type SqliteDatabase } from './open-database.js';
import { SqliteDeliveryLedger } from './sqlite-delivery-ledger.js';
import { SqliteSubscriptionStore } from './sqlite-subscription-store.js';

export interface SqliteStores {
	readonly db: SqliteDatabase;
	readonly subscriptions: SubscriptionStore;
	readonly ledger: DeliveryLedger;
	close(): void;
}

/** Opens (creating and migrating as needed) the database at `file`, e.g. config.dbPath. */
export function openSqliteStores(file: string, options: OpenOptions = {}): SqliteStores {
	const db = openDatabase(file, options);
	return {
		db,
		subscriptions: new SqliteSubscriptionStore(db),
		ledger: new SqliteDeliveryLedger(db),
		close: () => {
			if (db.open) db.close();
		},
	};
}
