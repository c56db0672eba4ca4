/**
 * EventVersionStore on SQLite. The PRIMARY KEY (event_id, fingerprint) makes recording idempotent
 * and safe for several processes: whoever inserts a version first sets its first_seen_at.
 */
import type { DatasetSnapshot } from '../../dataset/snapshot.js';
import { eventVersionFingerprints } from '../event-fingerprints.js';
import type { EventVersionStore } from '../store.js';
import type { SqliteDatabase } from './open-database.js';

interface Row {
	event_id: string;
	fingerprint: string;
	first_seen_at: string;
}

export class SqliteEventVersions implements EventVersionStore {
	private readonly q;
	// Rows are never deleted, so a snapshot recorded once needs no second pass (the scheduler records
	// the live snapshot on every tick that has work).
	private readonly recorded = new WeakSet<DatasetSnapshot>();

	constructor(private readonly db: SqliteDatabase) {
		this.q = {
			insert: db.prepare('INSERT INTO event_versions (event_id, fingerprint, first_seen_at) VALUES (?, ?, ?) ON CONFLICT (event_id, fingerprint) DO NOTHING'),
			all: db.prepare<[], Row>('SELECT event_id, fingerprint, first_seen_at FROM event_versions'),
			since: db.prepare<[], { at: string | null }>('SELECT MIN(first_seen_at) AS at FROM event_versions'),
		};
	}

	recordSnapshot(snapshot: DatasetSnapshot, at: Date): Promise<void> {
		if (this.recorded.has(snapshot)) return Promise.resolve();
		const iso = at.toISOString();
		const fingerprints = eventVersionFingerprints(snapshot);
		this.db
			.transaction(() => {
				for (const [id, fp] of fingerprints) this.q.insert.run(id, fp, iso);
			})
			.immediate();
		this.recorded.add(snapshot);
		return Promise.resolve();
	}

	firstSeen(snapshot: DatasetSnapshot): Promise<Map<string, string>> {
		return Promise.resolve(this.scan(snapshot).firstSeen);
	}

	introduced(snapshot: DatasetSnapshot): Promise<Map<string, string>> {
		return Promise.resolve(this.scan(snapshot).introduced);
	}

	trackingSince(): Promise<string | undefined> {
		return Promise.resolve(this.q.since.get()?.at ?? undefined);
	}

	// One pass over every row: the table holds a few versions per event, and a point query per event
	// would cost more for a large dataset.
	private scan(snapshot: DatasetSnapshot): { firstSeen: Map<string, string>; introduced: Map<string, string> } {
		const current = eventVersionFingerprints(snapshot);
		const firstSeen = new Map<string, string>();
		const introduced = new Map<string, string>();
		for (const r of this.q.all.iterate()) {
			if (!current.has(r.event_id)) continue;
			if (current.get(r.event_id) === r.fingerprint) firstSeen.set(r.event_id, r.first_seen_at);
			const earliest = introduced.get(r.event_id);
			if (earliest === undefined || r.first_seen_at < earliest) introduced.set(r.event_id, r.first_seen_at);
		}
		// An event whose current version is not recorded yet has no first-seen time: both maps leave it out.
		for (const id of introduced.keys()) if (!firstSeen.has(id)) introduced.delete(id);
		return { firstSeen, introduced };
	}
}
