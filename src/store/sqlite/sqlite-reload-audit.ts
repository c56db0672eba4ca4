/**
 * The reload audit log on SQLite: one row per reload attempt, newest read first.
 */
import type { ReloadAuditEntry, ReloadAuditLog } from '../reload-audit.js';
import { reloadAuditFromRow, type ReloadAuditRow } from '../rows.js';
import type { SqliteDatabase } from './open-database.js';



export class SqliteReloadAudit implements ReloadAuditLog {
	private readonly q;

	constructor(db: SqliteDatabase) {
		this.q = {
			insert: db.prepare(
				`INSERT INTO reload_audit (at, platform, user_id, display_name, trigger, dry_run, result, version, events, actors, sources, claims, error_count, duration_ms)
				 VALUES (@at, @platform, @userId, @displayName, @trigger, @dryRun, @result, @version, @events, @actors, @sources, @claims, @errorCount, @durationMs)`,
			),
			// By id as well: two reloads in the same millisecond keep their order.
			recent: db.prepare<[number], ReloadAuditRow>('SELECT * FROM reload_audit ORDER BY at DESC, id DESC LIMIT ?'),
		};
	}

	record(entry: ReloadAuditEntry): Promise<void> {
		this.q.insert.run({
			at: entry.at,
			platform: entry.requester.platform,
			userId: entry.requester.userId,
			displayName: entry.requester.displayName,
			trigger: entry.trigger,
			dryRun: entry.dryRun ? 1 : 0,
			result: entry.result,
			version: entry.version ?? null,
			events: entry.counts?.events ?? null,
			actors: entry.counts?.actors ?? null,
			sources: entry.counts?.sources ?? null,
			claims: entry.counts?.claims ?? null,
			errorCount: entry.errorCount ?? null,
			durationMs: Math.max(0, Math.round(entry.durationMs)),
		});
		return Promise.resolve();
	}

	recent(limit: number): Promise<ReloadAuditEntry[]> {
		return Promise.resolve(this.q.recent.all(Math.max(0, Math.floor(limit))).map(reloadAuditFromRow));
	}
}
