/**
 * The reload audit log on PostgreSQL: one row per reload attempt, newest read first.
 */
import type { Pool } from 'pg';
import type { ReloadAuditEntry, ReloadAuditLog } from '../reload-audit.js';
import { reloadAuditFromRow, type ReloadAuditRow } from '../rows.js';
import { rows } from './pg-util.js';



export class PgReloadAudit implements ReloadAuditLog {
	constructor(private readonly pool: Pool) {}

	async record(entry: ReloadAuditEntry): Promise<void> {
		await this.pool.query(
			`INSERT INTO reload_audit (at, platform, user_id, display_name, "trigger", dry_run, result, version, events, actors, sources, claims, error_count, duration_ms)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
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
		return (await rows<ReloadAuditRow>(this.pool, 'SELECT * FROM reload_audit ORDER BY at DESC, id DESC LIMIT $1', [Math.max(0, Math.floor(limit))])).map(reloadAuditFromRow);
	}
}
