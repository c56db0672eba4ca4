/**
 * The small stores on either database: handled update ids, paging keys and event versions.
 */
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Platform } from '../vocabulary/place.js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { sparseVersionTimes, type VersionTimes } from '../briefing/version-times.js';
import { eventTimes, instantOrUndefined, pageRecordFromRow, type EventVersionRow, type InstantValue, type PageKeyRow } from './rows.js';
import { jsonRows, jsonTable, run, type SqlExecutor } from './sql.js';
import {
	PAGE_KEY_PRUNE_INTERVAL_MS,
	PAGE_KEYS_MAX,
	PAGE_LINE_MAX,
	UPDATE_ID_PRUNE_INTERVAL_MS,
	UPDATE_ID_RETENTION_MS,
	VERSION_PAGE,
	type EventVersionStore,
	type PageKeyTable,
	type PageRecord,
	type UpdateDeduplicator,
} from './store.js';

/** How many recorded dataset versions are noted (the newest); an older one is recorded again if it returns. */
export const RECORDED_VERSIONS_KEPT = 100;

const NOTE_RECORDED =
	'INSERT INTO event_versions_recorded (dataset_version, events, recorded_at) VALUES (?, ?, ?) ON CONFLICT (dataset_version) DO NOTHING';
const PRUNE_RECORDED =
	'DELETE FROM event_versions_recorded WHERE dataset_version NOT IN (SELECT dataset_version FROM event_versions_recorded ORDER BY recorded_at DESC, dataset_version LIMIT ?)';

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
 * processes: whoever inserts a version first sets its first_seen_at. Nothing here holds the whole
 * dataset: a snapshot is recorded a page at a time, and times are read only for the events with a
 * version first seen after recording began (the index on first_seen_at finds them). A dataset
 * version recorded to its last page is noted in event_versions_recorded, so a later start (or
 * another process) with the same version reads one row instead of every event's version.
 */
export class SqlEventVersions implements EventVersionStore {
	// Rows are never deleted, so a snapshot recorded once needs no second pass (the scheduler records
	// the live snapshot on every tick that has work), and its every version is known to be recorded.
	private readonly recorded = new WeakSet<DatasetSnapshot>();
	private readonly insert: string;
	private readonly unrecorded: string;
	private readonly later =
		'SELECT event_id, fingerprint, first_seen_at FROM event_versions WHERE event_id IN (SELECT event_id FROM event_versions WHERE first_seen_at > (SELECT MIN(first_seen_at) FROM event_versions))';

	constructor(
		private readonly db: SqlExecutor,
		private readonly pageSize: number = VERSION_PAGE,
	) {
		const pairs = jsonTable(db.dialect, [
			['t_event_id', 'text'],
			['t_fingerprint', 'text'],
		]);
		// Sorted, so two processes recording the same page queue instead of deadlocking.
		this.insert = `
			INSERT INTO event_versions (event_id, fingerprint, first_seen_at)
			SELECT t_event_id, t_fingerprint, ? FROM ${pairs} AS t WHERE TRUE ORDER BY t_event_id, t_fingerprint
			ON CONFLICT (event_id, fingerprint) DO NOTHING`;
		this.unrecorded = `SELECT t_event_id AS event_id FROM ${pairs} AS t WHERE NOT EXISTS (SELECT 1 FROM event_versions v WHERE v.event_id = t.t_event_id AND v.fingerprint = t.t_fingerprint)`;
	}

	async recordSnapshot(snapshot: DatasetSnapshot, at: Date): Promise<boolean> {
		if (this.recorded.has(snapshot)) return false;
		// The dataset version names the files' content, and an event's fingerprint is a function of
		// its content alone (event-input.ts), so a version noted as recorded has every fingerprint here.
		if (await this.db.get('SELECT 1 AS known FROM event_versions_recorded WHERE dataset_version = ?', [snapshot.version])) {
			this.recorded.add(snapshot);
			return false;
		}
		const iso = at.toISOString();
		let events = 0;
		// A page per short transaction, the event loop served between pages: no statement, string or
		// lock spans the whole dataset, and commands keep being answered while a large one is recorded.
		// Grouped (on SQLite, a commit that does not wait for the disk): a version lost to a power cut
		// is recorded again at the next start, which records the snapshot it loads.
		for (const page of snapshot.eventFingerprintPages(this.pageSize)) {
			await this.db.grouped(() => run(this.insert, [iso, jsonRows(page)]));
			events += page.length;
			await yieldToLoop();
		}
		// Noted only after the last page's commit, so a pass cut short (a crash, a lost connection)
		// leaves no note and the next start records again. A full commit: on SQLite it makes the
		// grouped pages before it durable as well. Two processes finishing the same version both note
		// it; the key keeps one row.
		const version = snapshot.version;
		await this.db.transaction(function* () {
			yield* run(NOTE_RECORDED, [version, events, iso]);
			yield* run(PRUNE_RECORDED, [RECORDED_VERSIONS_KEPT]);
		});
		this.recorded.add(snapshot);
		return true;
	}

	async versionTimes(snapshot: DatasetSnapshot): Promise<VersionTimes> {
		const tracking = await this.trackingSince();
		if (tracking === undefined)
			return sparseVersionTimes(
				undefined,
				new Map(),
				() => false,
				() => [],
			);
		const rowsOf = new Map<string, EventVersionRow[]>();
		for (const r of await this.db.all<EventVersionRow>(this.later)) {
			const list = rowsOf.get(r.event_id);
			if (list) list.push(r);
			else rowsOf.set(r.event_id, [r]);
		}
		const later = new Map<string, { firstSeen: string; introduced: string }>();
		// Events with a later version whose current version is not recorded: no times for them.
		const without = new Set<string>();
		for (const [id, rows] of rowsOf) {
			const fp = snapshot.eventFingerprint(id);
			if (fp === undefined) continue;
			const t = eventTimes(fp, rows);
			if (t) later.set(id, t);
			else without.add(id);
		}
		// A snapshot this store recorded has every version in the table; another is checked page by page.
		const missing = this.recorded.has(snapshot) ? undefined : await this.unrecordedOf(snapshot);
		return sparseVersionTimes(
			tracking,
			later,
			(id) => !without.has(id) && !missing?.has(id) && snapshot.eventFingerprint(id) !== undefined,
			function* () {
				for (const page of snapshot.eventFingerprintPages()) for (const [id] of page) yield id;
			},
		);
	}

	async trackingSince(): Promise<string | undefined> {
		return instantOrUndefined(
			(await this.db.get<{ at: InstantValue | null }>('SELECT MIN(first_seen_at) AS at FROM event_versions'))?.at,
		);
	}

	/** The snapshot's events whose current version is not recorded (only these are kept). */
	private async unrecordedOf(snapshot: DatasetSnapshot): Promise<Set<string>> {
		const out = new Set<string>();
		for (const page of snapshot.eventFingerprintPages(this.pageSize)) {
			for (const r of await this.db.all<{ event_id: string }>(this.unrecorded, [jsonRows(page)])) out.add(r.event_id);
			await yieldToLoop();
		}
		return out;
	}
}
