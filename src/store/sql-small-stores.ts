/**
 * The small stores on either database: handled update ids, paging keys and event versions.
 */
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Platform } from '../vocabulary/place.js';
import {
	eventVersionTimes,
	instantOrUndefined,
	pageRecordFromRow,
	type EventVersionRow,
	type InstantValue,
	type PageKeyRow,
} from './rows.js';
import { jsonRows, jsonTable, run, type SqlExecutor } from './sql.js';
import {
	PAGE_KEY_PRUNE_INTERVAL_MS,
	PAGE_KEYS_MAX,
	PAGE_LINE_MAX,
	UPDATE_ID_PRUNE_INTERVAL_MS,
	UPDATE_ID_RETENTION_MS,
	type EventVersionStore,
	type PageKeyTable,
	type PageRecord,
	type UpdateDeduplicator,
} from './store.js';

/** The PRIMARY KEY (platform, update_id) decides which process (or connection) saw an update first. */
export class SqlUpdateDeduplicator implements UpdateDeduplicator {
	private lastPrune = Number.NEGATIVE_INFINITY;

	constructor(private readonly db: SqlExecutor) {}

	async firstSeen(platform: string, updateId: string, at: Date): Promise<boolean> {
		const t = at.getTime();
		if (t - this.lastPrune >= UPDATE_ID_PRUNE_INTERVAL_MS) {
			this.lastPrune = t;
			await this.db.run('DELETE FROM update_ids WHERE seen_at < ?', [new Date(t - UPDATE_ID_RETENTION_MS).toISOString()]);
		}
		return (
			(await this.db.run(
				'INSERT INTO update_ids (platform, update_id, seen_at) VALUES (?, ?, ?) ON CONFLICT (platform, update_id) DO NOTHING',
				[platform, updateId, at.toISOString()],
			)) === 1
		);
	}
}

/**
 * Every process sharing the database sees every key. Rows are numbered as they come (seq); a put
 * deletes the rows more than `maxEntries` behind its own, so the table stays bounded whichever
 * process writes, and now and then the expired ones.
 */
export class SqlPageKeys implements PageKeyTable {
	private lastPrune = Number.NEGATIVE_INFINITY;

	constructor(
		private readonly db: SqlExecutor,
		private readonly maxEntries: number = PAGE_KEYS_MAX,
	) {}

	async put(platform: Platform, key: string, record: PageRecord, now: number): Promise<void> {
		const [inserted] = await this.db.all<{ seq: number | string }>(
			'INSERT INTO page_keys (platform, key, line, chat_id, user_id, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, key) DO NOTHING RETURNING seq',
			[
				platform,
				key,
				record.line.slice(0, PAGE_LINE_MAX),
				record.chatId ?? null,
				record.userId ?? null,
				Math.floor(record.expiresAt),
			],
		);
		// BIGSERIAL comes back as text from PostgreSQL; numbers below 2^53 are exact.
		if (inserted) await this.db.run('DELETE FROM page_keys WHERE seq <= ?', [Number(inserted.seq) - this.maxEntries]);
		if (now - this.lastPrune >= PAGE_KEY_PRUNE_INTERVAL_MS) {
			this.lastPrune = now;
			await this.db.run('DELETE FROM page_keys WHERE expires_at <= ?', [now]);
		}
	}

	async get(platform: Platform, key: string, now: number): Promise<PageRecord | undefined> {
		const row = await this.db.get<PageKeyRow>(
			'SELECT line, chat_id, user_id, expires_at FROM page_keys WHERE platform = ? AND key = ?',
			[platform, key],
		);
		const record = row && pageRecordFromRow(row);
		return record && record.expiresAt > now ? record : undefined;
	}
}

/**
 * The PRIMARY KEY (event_id, fingerprint) makes recording idempotent and safe for several
 * processes: whoever inserts a version first sets its first_seen_at.
 */
export class SqlEventVersions implements EventVersionStore {
	// Rows are never deleted, so a snapshot recorded once needs no second pass (the scheduler records
	// the live snapshot on every tick that has work).
	private readonly recorded = new WeakSet<DatasetSnapshot>();
	private readonly insert: string;
	private readonly versionsOf: string;

	constructor(private readonly db: SqlExecutor) {
		// Sorted, so two processes recording the same snapshot queue instead of deadlocking.
		this.insert = `
			INSERT INTO event_versions (event_id, fingerprint, first_seen_at)
			SELECT t_event_id, t_fingerprint, ? FROM ${jsonTable(db.dialect, [
				['t_event_id', 'text'],
				['t_fingerprint', 'text'],
			])} AS t WHERE TRUE ORDER BY t_event_id, t_fingerprint
			ON CONFLICT (event_id, fingerprint) DO NOTHING`;
		// SQLite reads the whole table in one pass (a few versions per event, no round trips); PostgreSQL
		// fetches only the snapshot's events in one query.
		this.versionsOf = `SELECT event_id, fingerprint, first_seen_at FROM event_versions${db.dialect === 'sqlite' ? '' : ` WHERE event_id IN (SELECT t_event_id FROM ${jsonTable(db.dialect, [['t_event_id', 'text']])} AS k)`}`;
	}

	async recordSnapshot(snapshot: DatasetSnapshot, at: Date): Promise<void> {
		if (this.recorded.has(snapshot)) return;
		const fingerprints = [...snapshot.eventFingerprints()];
		if (fingerprints.length) await this.db.transaction(() => run(this.insert, [at.toISOString(), jsonRows(fingerprints)]));
		this.recorded.add(snapshot);
	}

	async firstSeen(snapshot: DatasetSnapshot): Promise<Map<string, string>> {
		return (await this.scan(snapshot)).firstSeen;
	}

	async introduced(snapshot: DatasetSnapshot): Promise<Map<string, string>> {
		return (await this.scan(snapshot)).introduced;
	}

	async trackingSince(): Promise<string | undefined> {
		return instantOrUndefined(
			(await this.db.get<{ at: InstantValue | null }>('SELECT MIN(first_seen_at) AS at FROM event_versions'))?.at,
		);
	}

	private async scan(snapshot: DatasetSnapshot): Promise<{ firstSeen: Map<string, string>; introduced: Map<string, string> }> {
		const current = snapshot.eventFingerprints();
		const params = this.db.dialect === 'sqlite' ? [] : [jsonRows([...current.keys()].map((id) => [id]))];
		return eventVersionTimes(current, await this.db.all<EventVersionRow>(this.versionsOf, params));
	}
}
