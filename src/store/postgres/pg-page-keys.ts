/**
 * PageKeyTable on PostgreSQL: the processes behind a load balancer share every key. Rows are
 * numbered as they come (seq); a put deletes the rows more than `maxEntries` behind its own, so the
 * table stays bounded whichever process writes, and now and then the expired ones.
 */
import type { Pool } from 'pg';
import type { Platform } from '../../vocabulary/place.js';
import { PAGE_KEY_PRUNE_INTERVAL_MS, PAGE_KEYS_MAX, PAGE_LINE_MAX, type PageKeyTable, type PageRecord } from '../store.js';
import { pageRecordFromRow, type PageKeyRow } from '../rows.js';


export class PgPageKeys implements PageKeyTable {
	private lastPrune = Number.NEGATIVE_INFINITY;

	constructor(
		private readonly pool: Pool,
		private readonly maxEntries: number = PAGE_KEYS_MAX,
	) {}

	async put(platform: Platform, key: string, record: PageRecord, now: number): Promise<void> {
		const r = await this.pool.query<{ seq: string }>(
			'INSERT INTO page_keys (platform, key, line, chat_id, user_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, key) DO NOTHING RETURNING seq',
			[platform, key, record.line.slice(0, PAGE_LINE_MAX), record.chatId ?? null, record.userId ?? null, Math.floor(record.expiresAt)],
		);
		const seq = r.rows[0]?.seq;
		if (seq !== undefined) await this.pool.query('DELETE FROM page_keys WHERE seq <= $1', [BigInt(seq) - BigInt(this.maxEntries)]);
		if (now - this.lastPrune >= PAGE_KEY_PRUNE_INTERVAL_MS) {
			this.lastPrune = now;
			await this.pool.query('DELETE FROM page_keys WHERE expires_at <= $1', [now]);
		}
	}

	async get(platform: Platform, key: string, now: number): Promise<PageRecord | undefined> {
		const row = (await this.pool.query<PageKeyRow>('SELECT line, chat_id, user_id, expires_at FROM page_keys WHERE platform = $1 AND key = $2', [platform, key])).rows[0];
		const record = row && pageRecordFromRow(row);
		return record && record.expiresAt > now ? record : undefined;
	}
}
