/**
 * PageKeyTable in this process's memory: what a bot without a shared store (the console, tests, a
 * single process) uses. The same bound and expiry as the database tables; a restart forgets every
 * key, so old buttons answer "expired".
 */
import type { Platform } from '../vocabulary/place.js';
import { PAGE_KEYS_MAX, type PageKeyTable, type PageRecord } from './store.js';

export class MemoryPageKeyTable implements PageKeyTable {
	/** Insertion order is age order: the first keys are the oldest. */
	private readonly entries = new Map<string, PageRecord>();

	constructor(private readonly maxEntries: number = PAGE_KEYS_MAX) {}

	get size(): number {
		return this.entries.size;
	}

	put(platform: Platform, key: string, record: PageRecord, _now: number): Promise<void> {
		this.entries.set(`${platform}\u0000${key}`, record);
		while (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next();
			if (oldest.done) break;
			this.entries.delete(oldest.value);
		}
		return Promise.resolve();
	}

	get(platform: Platform, key: string, now: number): Promise<PageRecord | undefined> {
		const id = `${platform}\u0000${key}`;
		const record = this.entries.get(id);
		if (record && record.expiresAt <= now) {
			this.entries.delete(id);
			return Promise.resolve(undefined);
		}
		return Promise.resolve(record);
	}
}
