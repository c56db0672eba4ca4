/**
 * Paging buttons. A button's custom_id carries only an opaque random key (custom_id is at most 100
 * characters and visible to clients); the key maps to the command line of that page and the user
 * who may press it, with an expiry, in a bounded {@link PageKeyTable}: the shared store's, so that a
 * press reaching another process (another shard group on another machine) turns the page too, or
 * this process's memory. A restart (memory only) or expiry simply makes old buttons answer "expired".
 */
import { randomBytes } from 'node:crypto';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { Paging, Reply } from '../../core/reply.js';
import { createTranslator } from '../../i18n/translator.js';
import { MemoryPageKeyTable } from '../../store/memory-page-keys.js';
import type { PageKeyTable } from '../../store/store.js';

export const PAGE_PREFIX = 'sitrep:page:';
/** custom_id of the disabled "2 / 5" label; never pressed. */
const LABEL_ID = 'sitrep:page-label';

export interface PageTarget {
	/** The complete command line that produces the page. */
	readonly line: string;
	/** The only user who may press. */
	readonly userId: string;
}

export interface PageStoreOptions {
	/** How long a button works. */
	readonly ttlMs?: number;
	/** Most live keys in the in-memory table (when no `table` is given); the oldest go first. */
	readonly maxEntries?: number;
	readonly now?: () => number;
	/** Where the keys live; the store's for several processes. Default: this process's memory. */
	readonly table?: PageKeyTable;
}

export class PageStore {
	private readonly table: PageKeyTable;
	private readonly ttlMs: number;
	private readonly now: () => number;

	constructor(options: PageStoreOptions = {}) {
		this.ttlMs = options.ttlMs ?? 30 * 60_000;
		this.now = options.now ?? Date.now;
		this.table = options.table ?? new MemoryPageKeyTable(options.maxEntries ?? 5000);
	}

	/** Stores a target and returns its custom_id. */
	async put(target: PageTarget): Promise<string> {
		const key = randomBytes(12).toString('base64url');
		const now = this.now();
		await this.table.put('discord', key, { line: target.line, userId: target.userId, expiresAt: now + this.ttlMs }, now);
		return `${PAGE_PREFIX}${key}`;
	}

	/** The target of a custom_id: 'expired' when unknown or too old, undefined when not a page button. */
	async get(customId: string): Promise<PageTarget | 'expired' | undefined> {
		if (!customId.startsWith(PAGE_PREFIX)) return undefined;
		const found = await this.table.get('discord', customId.slice(PAGE_PREFIX.length), this.now());
		if (!found || found.userId === undefined) return 'expired';
		return { line: found.line, userId: found.userId };
	}

	/** The button row for a page: ◀ Previous · "2 / 5" · Next ▶, labelled in the reply's language. */
	async row(paging: Paging, userId: string, locale?: string): Promise<APIActionRowComponent<APIButtonComponent>> {
		const i18n = createTranslator(locale);
		// A disabled button still needs a custom_id unique within the message.
		const button = async (label: string, line: string | undefined, off: string): Promise<APIButtonComponent> =>
			line
				? { type: ComponentType.Button, style: ButtonStyle.Secondary, label, custom_id: await this.put({ line, userId }) }
				: { type: ComponentType.Button, style: ButtonStyle.Secondary, label, custom_id: off, disabled: true };
		return {
			type: ComponentType.ActionRow,
			components: [
				await button(i18n.t('paging.discord.previous'), paging.prev, 'sitrep:page-prev-off'),
				{
					type: ComponentType.Button,
					style: ButtonStyle.Secondary,
					label: i18n.t(paging.capped ? 'paging.label.capped' : 'paging.label', { page: paging.page, pages: paging.pages }),
					custom_id: LABEL_ID,
					disabled: true,
				},
				await button(i18n.t('paging.discord.next'), paging.next, 'sitrep:page-next-off'),
			],
		};
	}
}

/** Discord's longest button URL. */
const MAX_BUTTON_URL = 512;

/** A link button to the reply's web page, when it has one ("Open on the web"). */
export function linkRow(reply: Reply): APIActionRowComponent<APIButtonComponent>[] {
	const link = reply.link;
	if (!link || link.url.length > MAX_BUTTON_URL || !/^https?:\/\/\S+$/iu.test(link.url)) return [];
	return [
		{
			type: ComponentType.ActionRow,
			components: [{ type: ComponentType.Button, style: ButtonStyle.Link, label: link.label.slice(0, 80), url: link.url }],
		},
	];
}
