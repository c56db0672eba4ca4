/**
 * One SQLite file holding subscriptions, the delivery ledger, the reload audit log and event versions.
 */
import type { ReloadAuditLog } from '../../reload/reloader.js';
import type { DeliveryLedger, EventVersionStore, SubscriptionStore } from '../store.js';
import { openDatabase, type OpenOptions, type SqliteDatabase } from './open-database.js';
import { SqliteDeliveryLedger } from './sqlite-delivery-ledger.js';
import { SqliteEventVersions } from './sqlite-event-versions.js';
import { SqliteReloadAudit } from './sqlite-reload-audit.js';
import { SqliteSubscriptionStore } from './sqlite-subscription-store.js';

export interface SqliteStores {
	readonly db: SqliteDatabase;
	readonly subscriptions: SubscriptionStore;
	readonly ledger: DeliveryLedger;
	/** For Reloader's `audit` option. */
	readonly reloadAudit: ReloadAuditLog;
	/** For the scheduler's `eventVersions` option; record the live snapshot at start-up and on every swap. */
	readonly eventVersions: EventVersionStore;
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
		close: () => {
			if (db.open) db.close();
		},
	};
}
