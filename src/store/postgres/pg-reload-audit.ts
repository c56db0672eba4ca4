/**
 * The reload audit log on PostgreSQL: one row per reload attempt, newest read first.
 */
import type { Pool } from 'pg';
import type { Platform } from '../../vocabulary/place.js';
import type { ReloadAuditEntry, ReloadAuditLog, ReloadTrigger } from '../reload-audit.js';
import { iso, rows } from './pg-util.js';

interface Row {
	id: number;
	at: Date;
	platform: string;
	user_id: string;
	display_name: string;
	trigger: string;
	dry_run: boolean;
	result: string;
	version: string | null;
	events: number | null;
	actors: number | null;
	sources: number | null;
	claims: number | null;
	error_count: number | null;
	duration_ms: number;
}

function fromRow(r: Row): ReloadAuditEntry {
	return {
		at: iso(r.at),
		requester: { platform: r.platform as Platform | 'system', userId: r.user_id, displayName: r.display_name },
		trigger: r.trigger as ReloadTrigger,
		dryRun: r.dry_run,
		result: r.result as ReloadAuditEntry['result'],
		...(r.version !== null ? { version: r.version } : {}),
		...(r.events !== null ? { counts: { events: r.events, actors: r.actors ?? 0, sources: r.sources ?? 0, claims: r.claims ?? 0 } } : {}),
		...(r.error_count !== null ? { errorCount: r.error_count } : {}),
		durationMs: r.duration_ms,
	};
}

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
		return (await rows<Row>(this.pool, 'SELECT * FROM reload_audit ORDER BY at DESC, id DESC LIMIT $1', [Math.max(0, Math.floor(limit))])).map(fromRow);
	}
}
