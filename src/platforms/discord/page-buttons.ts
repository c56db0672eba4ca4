/**
 * Paging buttons. A button's custom_id carries only an opaque random key (custom_id is at most 100
 * characters and visible to clients); the key maps, in a bounded in-memory table with an expiry, to
 * the command line of that page and the user who may press it. A restart or expiry simply makes
 * old buttons answer "expired".
 */
import { randomBytes } from 'node:crypto';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { Paging, Reply } from '../../core/reply.js';
import { createTranslator } from '../../i18n/translator.js';

export const PAGE_PREFIX = 'sitrep:page:';
/** custom_id of the disabled "2 / 5" label; never pressed. */
const LABEL_ID = 'sitrep:page-label';

export interface PageTarget {
	/** The complete command line that produces the page. */
	readonly line: string;
	/** The only user who may press. */
	readonly userId: string;
}

interface Entry extends PageTarget {
	readonly expiresAt: number;
}

export interface PageStoreOptions {
	/** How long a button works. */
	readonly ttlMs?: number;
	/** Most live keys; the oldest go first. */
	readonly maxEntries?: number;
	readonly now?: () => number;
}

export class PageStore {
	private readonly entries = new Map<string, Entry>();
	private readonly ttlMs: number;
	private readonly maxEntries: number;
	private readonly now: () => number;

	constructor(options: PageStoreOptions = {}) {
		this.ttlMs = options.ttlMs ?? 30 * 60_000;
		this.maxEntries = options.maxEntries ?? 5000;
		this.now = options.now ?? Date.now;
	}

	get size(): number {
		return this.entries.size;
	}

	/** Stores a target and returns its custom_id. */
	put(target: PageTarget): string {
		const now = this.now();
		// Insertion order is expiry order (one TTL for all), so expired entries sit at the front.
		for (const [k, e] of this.entries) {
			if (e.expiresAt > now && this.entries.size < this.maxEntries) break;
			this.entries.delete(k);
		}
		const key = randomBytes(12).toString('base64url');
		this.entries.set(key, { line: target.line.slice(0, 2000), userId: target.userId, expiresAt: now + this.ttlMs });
		return `${PAGE_PREFIX}${key}`;
	}

	/** The target of a custom_id: 'expired' when unknown or too old, undefined when not a page button. */
	get(customId: string): PageTarget | 'expired' | undefined {
		if (!customId.startsWith(PAGE_PREFIX)) return undefined;
		const key = customId.slice(PAGE_PREFIX.length);
		const e = this.entries.get(key);
		if (!e) return 'expired';
		if (e.expiresAt <= this.now()) {
			this.entries.delete(key);
			return 'expired';
		}
		return { line: e.line, userId: e.userId };
	}

	/** The button row for a page: ◀ Previous · "2 / 5" · Next ▶, labelled in the reply's language. */
	row(paging: Paging, userId: string, locale?: string): APIActionRowComponent<APIButtonComponent> {
		const i18n = createTranslator(locale);
		// A disabled button still needs a custom_id unique within the message.
		const button = (label: string, line: string | undefined, off: string): APIButtonComponent =>
			line
				? { type: ComponentType.Button, style: ButtonStyle.Secondary, label, custom_id: this.put({ line, userId }) }
				: { type: ComponentType.Button, style: ButtonStyle.Secondary, label, custom_id: off, disabled: true };
		return {
			type: ComponentType.ActionRow,
			components: [
				button(i18n.t('paging.discord.previous'), paging.prev, 'sitrep:page-prev-off'),
				{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: i18n.t('paging.label', { page: paging.page, pages: paging.pages }), custom_id: LABEL_ID, disabled: true },
				button(i18n.t('paging.discord.next'), paging.next, 'sitrep:page-next-off'),
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
	return [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Link, label: link.label.slice(0, 80), url: link.url }] }];
}
