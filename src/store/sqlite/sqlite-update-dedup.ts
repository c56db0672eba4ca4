/**
 * UpdateDeduplicator on SQLite: the PRIMARY KEY (platform, update_id) decides who saw an update
 * first, across every connection to the file.
 */
import { UPDATE_ID_PRUNE_INTERVAL_MS, UPDATE_ID_RETENTION_MS, type UpdateDeduplicator } from '../store.js';
import type { SqliteDatabase } from './open-database.js';

export class SqliteUpdateDeduplicator implements UpdateDeduplicator {
	private readonly q;
	private lastPrune = Number.NEGATIVE_INFINITY;

	constructor(db: SqliteDatabase) {
		this.q = {
			insert: db.prepare('INSERT INTO update_ids (platform, update_id, seen_at) VALUES (?, ?, ?) ON CONFLICT (platform, update_id) DO NOTHING'),
			prune: db.prepare('DELETE FROM update_ids WHERE seen_at < ?'),
		};
	}

	firstSeen(platform: string, updateId: string, at: Date): Promise<boolean> {
		const t = at.getTime();
		if (t - this.lastPrune >= UPDATE_ID_PRUNE_INTERVAL_MS) {
			this.lastPrune = t;
			this.q.prune.run(new Date(t - UPDATE_ID_RETENTION_MS).toISOString());
		}
		return Promise.resolve(this.q.insert.run(platform, updateId, at.toISOString()).changes === 1);
	}
}
