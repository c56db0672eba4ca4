/**
 * Paging buttons carry only an opaque key (callback_data is at most 64 bytes and is sent by the
 * client, so it must not carry anything we would trust). The key maps to the command line of the
 * page, the chat it was shown in and the user it was for, in a {@link PageKeyTable}: the shared
 * store's (so a press that reaches another process behind the webhook's load balancer turns the
 * page too), or this process's memory. Entries expire and the table is bounded, so a forgotten chat
 * cannot grow it.
 */
import { randomBytes } from 'node:crypto';
import { MemoryPageKeyTable } from '../../store/memory-page-keys.js';
import type { PageKeyTable } from '../../store/store.js';

export interface PageEntry {
	/** The complete command line that produces the page. */
	readonly line: string;
	readonly chatId: string;
	/** Only this user may turn the page; undefined when anyone in the chat may (channels, anonymous admins, broadcasts). */
	readonly userId?: string;
	readonly expiresAt: number;
}

export type PageLookup =
	| { readonly kind: 'ok'; readonly entry: PageEntry }
	| { readonly kind: 'expired' }
	| { readonly kind: 'foreign'; readonly entry: PageEntry };

/** Prefix of paging keys; other callback data is not ours. */
export const PAGE_KEY_PREFIX = 'pg:';
/** callback_data of the inert page-number button. */
export const NOOP_KEY = 'pg:-';

export interface PageKeyOptions {
	readonly ttlMs: number;
	/** The bound of the in-memory table when no `table` is given. */
	readonly maxEntries: number;
	readonly now?: () => number;
	/** Where the keys live; the store's for several processes. Default: this process's memory. */
	readonly table?: PageKeyTable;
}

export class PageKeyStore {
	private readonly table: PageKeyTable;
	private readonly now: () => number;

	constructor(private readonly options: PageKeyOptions) {
		this.now = options.now ?? Date.now;
		this.table = options.table ?? new MemoryPageKeyTable(options.maxEntries);
	}

	/** Stores a page and returns its key: "pg:" and 16 URL-safe characters, well under 64 bytes. */
	async put(entry: Omit<PageEntry, 'expiresAt'>): Promise<string> {
		const key = `${PAGE_KEY_PREFIX}${randomBytes(12).toString('base64url')}`;
		const now = this.now();
		await this.table.put(
			'telegram',
			key,
			{
				line: entry.line,
				chatId: entry.chatId,
				...(entry.userId !== undefined ? { userId: entry.userId } : {}),
				expiresAt: now + this.options.ttlMs,
			},
			now,
		);
		return key;
	}

	/** Looks a press up: the entry, or why it cannot be honoured. */
	async get(key: string, chatId: string, userId: string | undefined): Promise<PageLookup> {
		const found = await this.table.get('telegram', key, this.now());
		if (!found || found.chatId !== chatId) return { kind: 'expired' };
		const entry: PageEntry = {
			line: found.line,
			chatId,
			...(found.userId !== undefined ? { userId: found.userId } : {}),
			expiresAt: found.expiresAt,
		};
		if (entry.userId !== undefined && entry.userId !== userId) return { kind: 'foreign', entry };
		return { kind: 'ok', entry };
	}
}
