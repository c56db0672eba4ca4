/**
 * EventVersionStore on SQLite. The PRIMARY KEY (event_id, fingerprint) makes recording idempotent
 * and safe for several processes: whoever inserts a version first sets its first_seen_at.
 */
import type { DatasetSnapshot } from '../../dataset/snapshot.js';
import { eventVersionFingerprints } from '../event-fingerprints.js';
import type { EventVersionStore } from '../store.js';
import { eventVersionTimes, type EventVersionRow } from '../rows.js';
import type { SqliteDatabase } from './open-database.js';


export class SqliteEventVersions implements EventVersionStore {
	private readonly q;
	// Rows are never deleted, so a snapshot recorded once needs no second pass (the scheduler records
	// the live snapshot on every tick that has work).
	private readonly recorded = new WeakSet<DatasetSnapshot>();

	constructor(private readonly db: SqliteDatabase) {
		this.q = {
			insert: db.prepare('INSERT INTO event_versions (event_id, fingerprint, first_seen_at) VALUES (?, ?, ?) ON CONFLICT (event_id, fingerprint) DO NOTHING'),
			all: db.prepare<[], EventVersionRow>('SELECT event_id, fingerprint, first_seen_at FROM event_versions'),
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
		return eventVersionTimes(eventVersionFingerprints(snapshot), this.q.all.iterate());
	}
}
