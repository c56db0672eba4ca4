/**
 * Paging buttons carry only an opaque key (callback_data is at most 64 bytes and is sent by the
 * client, so it must not carry anything we would trust). The key maps, in memory, to the command
 * line of the page, the chat it was shown in and the user it was for; entries expire and the map
 * is bounded, so a forgotten chat cannot grow it.
 */
import { randomBytes } from 'node:crypto';

export interface PageEntry {
	/** The complete command line that produces the page. */
	readonly line: string;
	readonly chatId: string;
	/** Only this user may turn the page; undefined when anyone in the chat may (channels, anonymous admins, broadcasts). */
	readonly userId?: string;
	readonly expiresAt: number;
}

export type PageLookup = { readonly kind: 'ok'; readonly entry: PageEntry } | { readonly kind: 'expired' } | { readonly kind: 'foreign'; readonly entry: PageEntry };

/** Prefix of paging keys; other callback data is not ours. */
export const PAGE_KEY_PREFIX = 'pg:';
/** callback_data of the inert page-number button. */
export const NOOP_KEY = 'pg:-';

export interface PageKeyOptions {
	readonly ttlMs: number;
	readonly maxEntries: number;
	readonly now?: () => number;
}

export class PageKeyStore {
	private readonly entries = new Map<string, PageEntry>();
	private readonly now: () => number;

	constructor(private readonly options: PageKeyOptions) {
		this.now = options.now ?? Date.now;
	}

	get size(): number {
		return this.entries.size;
	}

	/** Stores a page and returns its key: "pg:" and 16 URL-safe characters, well under 64 bytes. */
	put(entry: Omit<PageEntry, 'expiresAt'>): string {
		const key = `${PAGE_KEY_PREFIX}${randomBytes(12).toString('base64url')}`;
		this.entries.set(key, { ...entry, expiresAt: this.now() + this.options.ttlMs });
		// Maps iterate in insertion order, so the first keys are the oldest.
		while (this.entries.size > this.options.maxEntries) {
			const oldest = this.entries.keys().next();
			if (oldest.done) break;
			this.entries.delete(oldest.value);
		}
		return key;
	}

	/** Looks a press up: the entry, or why it cannot be honoured. */
	get(key: string, chatId: string, userId: string | undefined): PageLookup {
		const entry = this.entries.get(key);
		if (!entry || entry.chatId !== chatId) return { kind: 'expired' };
		if (entry.expiresAt <= this.now()) {
			this.entries.delete(key);
			return { kind: 'expired' };
		}
		if (entry.userId !== undefined && entry.userId !== userId) return { kind: 'foreign', entry };
		return { kind: 'ok', entry };
	}
}
