/**
 * The Reply model: neutral blocks that every platform renderer maps to its own format (Discord
 * embeds, Telegram HTML, plain text). Blocks carry raw dataset and user text; escaping is the
 * renderer's job, so no command can forget it.
 */
import type { EventStatus, SourceAffiliation, Stance } from '../dataset/model.js';
import type { Locale } from '../i18n/locale.js';

/** A run of text, optionally marked. `match` marks words that matched a search. */
/** `strike` shows a line the editors withdrew, kept in place rather than deleted. */
export type Span = { readonly text: string; readonly mark?: 'bold' | 'italic' | 'code' | 'match' | 'strike'; readonly href?: string };

export type Block =
	| { readonly kind: 'heading'; readonly text: string }
	| { readonly kind: 'paragraph'; readonly spans: readonly Span[] }
	| {
			readonly kind: 'event';
			/** The date at its own precision, already formatted. */
			readonly date: string;
			readonly title: string;
			readonly actors: readonly string[];
			readonly status: EventStatus;
			readonly id: string;
			/** Title with search matches marked, when the line answers a search. */
			readonly titleSpans?: readonly Span[];
	  }
	| {
			readonly kind: 'claim';
			/** Who makes the claim: never omitted, the bot does not speak for anyone. */
			readonly by: string;
			readonly stance: Stance;
			readonly spans: readonly Span[];
			readonly quote?: { readonly text: string; readonly lang: string };
			readonly source?: { readonly publisher: string; readonly url: string };
			readonly eventId?: string;
	  }
	| { readonly kind: 'fields'; readonly fields: readonly { readonly name: string; readonly value: string }[] }
	| {
			readonly kind: 'sources';
			readonly sources: readonly { readonly publisher: string; readonly title?: string; readonly url: string; readonly affiliation: SourceAffiliation }[];
	  }
	| { readonly kind: 'divider' };

export interface ImageAttachment {
	readonly name: string;
	readonly png: Uint8Array;
	readonly alt: string;
}

/** Page navigation: each direction is a complete command line that produces that page. */
export interface Paging {
	readonly page: number;
	readonly pages: number;
	readonly prev?: string;
	readonly next?: string;
}

export interface Reply {
	readonly blocks: readonly Block[];
	readonly images?: readonly ImageAttachment[];
	readonly paging?: Paging;
	/** Shown only to the requester where the platform can (errors, admin answers). */
	readonly ephemeral?: boolean;
	/** A file to send with the reply (exports). */
	readonly file?: { readonly name: string; readonly content: Uint8Array; readonly mime: string };
	/**
	 * The language of the reply's interface text. Renderers write their own words (claim lead-ins,
	 * page footers, button labels) in it and lay right-to-left languages out as such. English when absent.
	 */
	readonly locale?: Locale;
}

export const heading = (text: string): Block => ({ kind: 'heading', text });
export const para = (...spans: (Span | string)[]): Block => ({ kind: 'paragraph', spans: spans.map((s) => (typeof s === 'string' ? { text: s } : s)) });
export const bold = (text: string): Span => ({ text, mark: 'bold' });
export const italic = (text: string): Span => ({ text, mark: 'italic' });
export const code = (text: string): Span => ({ text, mark: 'code' });
export const strike = (text: string): Span => ({ text, mark: 'strike' });

/**
 * Marks the words of `text` whose folded form is among `matched` (tokens from the search index),
 * leaving the original spelling and punctuation intact.
 */
export function markMatches(text: string, matched: ReadonlySet<string>, fold: (s: string) => string): Span[] {
	if (matched.size === 0) return [{ text }];
	const spans: Span[] = [];
	let last = 0;
	for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
		if (!matched.has(fold(m[0]))) continue;
		if (m.index > last) spans.push({ text: text.slice(last, m.index) });
		spans.push({ text: m[0], mark: 'match' });
		last = m.index + m[0].length;
	}
	if (last < text.length) spans.push({ text: text.slice(last) });
	return spans;
}
