/**
 * The Reply model: neutral blocks that every platform renderer maps to its own format (Discord
 * embeds, Telegram HTML, plain text). Blocks carry raw dataset and user text; escaping is the
 * renderer's job, so no command can forget it. Part of the vocabulary, so it imports nothing.
 */
import type { EventStatus, Locale, Stance } from './words.js';

/**
 * A run of text, optionally marked. `match` marks words that matched a search; `strike` shows a line
 * the editors withdrew, kept in place rather than deleted.
 */
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
			/** The event's page on the web site, when a public URL is configured. */
			readonly url?: string;
	  }
	| {
			readonly kind: 'claim';
			/** Who makes the claim: never omitted, the bot does not speak for anyone. */
			readonly by: string;
			readonly stance: Stance;
			readonly spans: readonly Span[];
			readonly quote?: { readonly text: string; readonly lang: string };
			/** Where it was reported: the outlet's name and label ("TASS", "Russian state media"). */
			readonly source?: { readonly publisher: string; readonly label: string; readonly url: string };
			readonly eventId?: string;
	  }
	| { readonly kind: 'fields'; readonly fields: readonly { readonly name: string; readonly value: string }[] }
	| {
			readonly kind: 'sources';
			/** Each with its outlet's name and label, so readers can weigh it. */
			readonly sources: readonly {
				readonly publisher: string;
				readonly label: string;
				readonly title?: string;
				readonly url: string;
			}[];
	  }
	| { readonly kind: 'divider' };

export interface ImageAttachment {
	readonly name: string;
	/** The picture as PNG; empty when the deployment asked for SVG instead (the web site's core). */
	readonly png: Uint8Array;
	readonly alt: string;
	/** The picture as SVG text, when asked for (`images: 'svg'`); the web site inlines it. */
	readonly svg?: string;
}

/** Page navigation: each direction is a complete command line that produces that page. */
export interface Paging {
	readonly page: number;
	readonly pages: number;
	/**
	 * Set when `pages` is a lower bound (the dataset engine stopped counting at its cap): shown as
	 * "page 3 of 10+", and a next page may exist past `pages`.
	 */
	readonly capped?: true;
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
	/**
	 * The page on the web site for exactly what was asked, when a public URL is configured: Discord
	 * shows it as a link button, Telegram as a URL button, the console as a plain line.
	 */
	readonly link?: { readonly url: string; readonly label: string };
}
