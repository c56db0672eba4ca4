/**
 * The reload audit log on either database: one row per reload attempt, newest read first.
 */
import type { ReloadAuditEntry, ReloadAuditLog } from './reload-audit.js';
import { reloadAuditFromRow, type ReloadAuditRow } from './rows.js';
import type { SqlExecutor } from './sql.js';

export class SqlReloadAudit implements ReloadAuditLog {
	constructor(private readonly db: SqlExecutor) {}

	async record(entry: ReloadAuditEntry): Promise<void> {
		await this.db.run(
			`INSERT INTO reload_audit (at, platform, user_id, display_name, "trigger", dry_run, result, version, events, actors, sources, claims, error_count, duration_ms)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[
				entry.at,
				entry.requester.platform,
				entry.requester.userId,
				entry.requester.displayName,
				entry.trigger,
				entry.dryRun,
				entry.result,
				entry.version ?? null,
				entry.counts?.events ?? null,
				entry.counts?.actors ?? null,
				entry.counts?.sources ?? null,
				entry.counts?.claims ?? null,
				entry.errorCount ?? null,
				Math.max(0, Math.round(entry.durationMs)),
			],
		);
	}

	async recent(limit: number): Promise<ReloadAuditEntry[]> {
		// By id as well: two reloads in the same millisecond keep their order.
		return (
			await this.db.all<ReloadAuditRow>('SELECT * FROM reload_audit ORDER BY at DESC, id DESC LIMIT ?', [
				Math.max(0, Math.floor(limit)),
			])
		).map(reloadAuditFromRow);
	}
}
