/**
 * PageKeyTable on SQLite: every process that opens the file sees every key. Rows are numbered as
 * they come (seq); a put deletes the rows more than `maxEntries` behind its own, so the table stays
 * bounded whichever process writes, and now and then the expired ones.
 */
import type { Platform } from '../../vocabulary/place.js';
import { PAGE_KEY_PRUNE_INTERVAL_MS, PAGE_KEYS_MAX, PAGE_LINE_MAX, type PageKeyTable, type PageRecord } from '../store.js';
import { pageRecordFromRow, type PageKeyRow } from '../rows.js';
import type { SqliteDatabase } from './open-database.js';


export class SqlitePageKeys implements PageKeyTable {
	private readonly q;
	private lastPrune = Number.NEGATIVE_INFINITY;

	constructor(
		db: SqliteDatabase,
		private readonly maxEntries: number = PAGE_KEYS_MAX,
	) {
		this.q = {
			insert: db.prepare('INSERT INTO page_keys (platform, key, line, chat_id, user_id, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, key) DO NOTHING'),
			evict: db.prepare('DELETE FROM page_keys WHERE seq <= ?'),
			prune: db.prepare('DELETE FROM page_keys WHERE expires_at <= ?'),
			get: db.prepare('SELECT line, chat_id, user_id, expires_at FROM page_keys WHERE platform = ? AND key = ?'),
		};
	}

	put(platform: Platform, key: string, record: PageRecord, now: number): Promise<void> {
		const r = this.q.insert.run(platform, key, record.line.slice(0, PAGE_LINE_MAX), record.chatId ?? null, record.userId ?? null, Math.floor(record.expiresAt));
		if (r.changes === 1) this.q.evict.run(Number(r.lastInsertRowid) - this.maxEntries);
		if (now - this.lastPrune >= PAGE_KEY_PRUNE_INTERVAL_MS) {
			this.lastPrune = now;
			this.q.prune.run(now);
		}
		return Promise.resolve();
	}

	get(platform: Platform, key: string, now: number): Promise<PageRecord | undefined> {
		const row = this.q.get.get(platform, key) as PageKeyRow | undefined;
		const record = row && pageRecordFromRow(row);
		return Promise.resolve(record && record.expiresAt > now ? record : undefined);
	}
}
