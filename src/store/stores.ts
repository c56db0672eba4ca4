/**
 * Everything the bot keeps, behind the store ports: what openSqliteStores and openPostgresStores
 * both return, and what the composition root uses without knowing which database is underneath.
 */
import type { ReloadAuditLog } from './reload-audit.js';
import type { DeliveryLedger, EventVersionStore, LiveStore, PageKeyTable, SubscriptionStore, UpdateDeduplicator } from './store.js';

export interface Stores {
	readonly subscriptions: SubscriptionStore;
	readonly ledger: DeliveryLedger;
	/** For Reloader's `audit` option. */
	readonly reloadAudit: ReloadAuditLog;
	/** For the scheduler's `eventVersions` option; record the live snapshot at start-up and on every swap. */
	readonly eventVersions: EventVersionStore;
	/** Handled update ids, for the Telegram webhook server behind a load balancer. */
	readonly updates: UpdateDeduplicator;
	/** Paging buttons' targets, so a press reaching any process sharing the store turns the page. */
	readonly pages: PageKeyTable;
	/** Alerts, pushed-message records and the live layer's exactly-once fence (src/live/). */
	readonly live: LiveStore;
	/** Releases the database (file handle or connection pool). Idempotent. */
	close(): Promise<void> | void;
}
