/**
 * UpdateDeduplicator on PostgreSQL: the PRIMARY KEY (platform, update_id) decides which of the
 * processes behind a load balancer handles a redelivered update.
 */
import type { Pool } from 'pg';
import { UPDATE_ID_PRUNE_INTERVAL_MS, UPDATE_ID_RETENTION_MS, type UpdateDeduplicator } from '../store.js';

export class PgUpdateDeduplicator implements UpdateDeduplicator {
	private lastPrune = Number.NEGATIVE_INFINITY;

	constructor(private readonly pool: Pool) {}

	async firstSeen(platform: string, updateId: string, at: Date): Promise<boolean> {
		const t = at.getTime();
		if (t - this.lastPrune >= UPDATE_ID_PRUNE_INTERVAL_MS) {
			this.lastPrune = t;
			await this.pool.query('DELETE FROM update_ids WHERE seen_at < $1', [new Date(t - UPDATE_ID_RETENTION_MS).toISOString()]);
		}
		const r = await this.pool.query('INSERT INTO update_ids (platform, update_id, seen_at) VALUES ($1, $2, $3) ON CONFLICT (platform, update_id) DO NOTHING', [platform, updateId, at.toISOString()]);
		return r.rowCount === 1;
	}
}
