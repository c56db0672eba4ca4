/**
 * The reload audit log on SQLite: one row per reload attempt, newest read first.
 */
import type { Platform } from '../../vocabulary/place.js';
import type { ReloadAuditEntry, ReloadAuditLog, ReloadTrigger } from '../reload-audit.js';
import type { SqliteDatabase } from './open-database.js';

interface Row {
	id: number;
	at: string;
	platform: string;
	user_id: string;
	display_name: string;
	trigger: string;
	dry_run: number;
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
		at: r.at,
		requester: { platform: r.platform as Platform | 'system', userId: r.user_id, displayName: r.display_name },
		trigger: r.trigger as ReloadTrigger,
		dryRun: r.dry_run === 1,
		result: r.result as ReloadAuditEntry['result'],
		...(r.version !== null ? { version: r.version } : {}),
		...(r.events !== null ? { counts: { events: r.events, actors: r.actors ?? 0, sources: r.sources ?? 0, claims: r.claims ?? 0 } } : {}),
		...(r.error_count !== null ? { errorCount: r.error_count } : {}),
		durationMs: r.duration_ms,
	};
}

export class SqliteReloadAudit implements ReloadAuditLog {
	private readonly q;

	constructor(db: SqliteDatabase) {
		this.q = {
			insert: db.prepare(
				`INSERT INTO reload_audit (at, platform, user_id, display_name, trigger, dry_run, result, version, events, actors, sources, claims, error_count, duration_ms)
				 VALUES (@at, @platform, @userId, @displayName, @trigger, @dryRun, @result, @version, @events, @actors, @sources, @claims, @errorCount, @durationMs)`,
			),
			// By id as well: two reloads in the same millisecond keep their order.
			recent: db.prepare<[number], Row>('SELECT * FROM reload_audit ORDER BY at DESC, id DESC LIMIT ?'),
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
		return Promise.resolve(this.q.recent.all(Math.max(0, Math.floor(limit))).map(fromRow));
	}
}
