/**
 * The stores written once for both databases, over one executor: everything in Stores but closing
 * the database.
 */
import { SqlDeliveryLedger } from './sql-delivery-ledger.js';
import { SqlLiveStore } from './sql-live-store.js';
import { SqlReloadAudit } from './sql-reload-audit.js';
import { SqlEventVersions, SqlPageKeys, SqlUpdateDeduplicator } from './sql-small-stores.js';
import { SqlSubscriptionStore } from './sql-subscription-store.js';
import type { SqlExecutor } from './sql.js';
import type { Stores } from './stores.js';

export function sqlStores(sql: SqlExecutor): Omit<Stores, 'close'> {
	return {
		subscriptions: new SqlSubscriptionStore(sql),
		ledger: new SqlDeliveryLedger(sql),
		reloadAudit: new SqlReloadAudit(sql),
		eventVersions: new SqlEventVersions(sql),
		pages: new SqlPageKeys(sql),
		updates: new SqlUpdateDeduplicator(sql),
		live: new SqlLiveStore(sql),
	};
}
