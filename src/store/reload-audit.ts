/**
 * The reload audit log's contract: what the Reloader records and the store keeps. It lives in the store
 * layer, below reload/, so that both backends implement it without importing the reloader.
 */
import type { DatasetCounts } from '../dataset/snapshot.js';
import type { Platform } from '../vocabulary/place.js';

export type ReloadTrigger = 'command' | 'signal' | 'watch';

/** Who asked for a reload. */
export interface ReloadRequester {
	readonly platform: Platform | 'system';
	readonly userId: string;
	readonly displayName: string;
}

/** One line of the reload audit log. */
export interface ReloadAuditEntry {
	readonly at: string;
	readonly requester: ReloadRequester;
	readonly trigger: ReloadTrigger;
	readonly dryRun: boolean;
	readonly result: 'swapped' | 'unchanged' | 'dry_run' | 'failed';
	/** Version (content hash) of the dataset that was loaded, when it loaded. */
	readonly version?: string;
	readonly counts?: DatasetCounts;
	readonly errorCount?: number;
	readonly durationMs: number;
}

/**
 * Where reloads are recorded. Implemented by the store (SqlReloadAudit, on either database); asynchronous so that a
 * PostgreSQL store can implement it without changing the callers.
 */
export interface ReloadAuditLog {
	/** Appends one entry. A rejection is logged by the Reloader and never fails the reload. */
	record(entry: ReloadAuditEntry): Promise<void>;
	/** The latest `limit` entries, most recent first. */
	recent(limit: number): Promise<ReloadAuditEntry[]>;
}
