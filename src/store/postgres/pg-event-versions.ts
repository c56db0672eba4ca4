/**
 * EventVersionStore on PostgreSQL. The PRIMARY KEY (event_id, fingerprint) makes recording
 * idempotent across processes: whoever inserts a version first sets its first_seen_at.
 */
import type { Pool } from 'pg';
import type { DatasetSnapshot } from '../../dataset/snapshot.js';
import { eventVersionFingerprints } from '../event-fingerprints.js';
import type { EventVersionStore } from '../store.js';
import { eventVersionTimes, type EventVersionRow } from '../rows.js';
import { isoOrUndefined, rows, transaction } from './pg-util.js';


export class PgEventVersions implements EventVersionStore {
	// Rows are never deleted, so a snapshot recorded once needs no second pass.
	private readonly recorded = new WeakSet<DatasetSnapshot>();

	constructor(private readonly pool: Pool) {}

	async recordSnapshot(snapshot: DatasetSnapshot, at: Date): Promise<void> {
		if (this.recorded.has(snapshot)) return;
		const fingerprints = [...eventVersionFingerprints(snapshot)];
		if (fingerprints.length) {
			// Sorted, so two processes recording the same snapshot queue instead of deadlocking.
			await transaction(this.pool, (c) =>
				c.query(
					`INSERT INTO event_versions (event_id, fingerprint, first_seen_at)
					 SELECT e, f, $3 FROM unnest($1::text[], $2::text[]) AS t(e, f) ORDER BY e, f
					 ON CONFLICT (event_id, fingerprint) DO NOTHING`,
					[fingerprints.map(([id]) => id), fingerprints.map(([, fp]) => fp), at.toISOString()],
				),
			);
		}
		this.recorded.add(snapshot);
	}

	async firstSeen(snapshot: DatasetSnapshot): Promise<Map<string, string>> {
		return (await this.scan(snapshot)).firstSeen;
	}

	async introduced(snapshot: DatasetSnapshot): Promise<Map<string, string>> {
		return (await this.scan(snapshot)).introduced;
	}

	async trackingSince(): Promise<string | undefined> {
		const r = await rows<{ at: Date | null }>(this.pool, 'SELECT MIN(first_seen_at) AS at FROM event_versions');
		return isoOrUndefined(r[0]?.at ?? null);
	}

	// The versions of the snapshot's events, in one query.
	private async scan(snapshot: DatasetSnapshot): Promise<{ firstSeen: Map<string, string>; introduced: Map<string, string> }> {
		const current = eventVersionFingerprints(snapshot);
		return eventVersionTimes(current, await rows<EventVersionRow>(this.pool, 'SELECT event_id, fingerprint, first_seen_at FROM event_versions WHERE event_id = ANY($1::text[])', [[...current.keys()]]));
	}
}
