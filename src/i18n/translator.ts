/**
 * The Translator: one reader's language for one reply. Interface text comes from the message catalog
 * (t, spans), dates and numbers are written the locale's way, and dataset text (titles, summaries,
 * claims) is shown in the reader's language when the dataset has a translation; otherwise the English
 * original is shown and counted, so that the reply can say once that some text is untranslated.
 *
 * In a right-to-left locale every string placeholder is wrapped in Unicode isolates, so a Latin name
 * or id inside Persian text keeps its place (see src/i18n/bidi.ts).
 */
import type { Span } from '../vocabulary/reply.js';
import type { PartialDate } from '../dataset/partial-date.js';
import { isolate } from './bidi.js';
import { formatDateLocalized } from './dates.js';
import { formatMessage, formatNumber, type Params } from './format.js';
import { chooseLocale, RTL, toLocale, type Locale } from './locale.js';
import { CATALOGS, isMessageKey, type MessageKey } from './messages/index.js';

export type { MessageKey } from './messages/index.js';
export type { Params } from './format.js';

/** A message to show, not yet put into a language: what deep code hands up to the one that knows the reader. */
export interface Localizable {
	readonly key: MessageKey;
	readonly params?: Params;
}

export interface Translator {
	readonly locale: Locale;
	/** Text direction of the locale. */
	readonly dir: 'ltr' | 'rtl';
	/** A catalog message with its placeholders filled. */
	t(key: MessageKey, params?: Params): string;
	/** A catalog message that marks runs with <b>, <i> or <code>, as reply spans. */
	spans(key: MessageKey, params?: Params): Span[];
	/** A message for a key built at run time (`cmd.${name}.description`); undefined when there is none. */
	maybe(key: string, params?: Params): string | undefined;
	/** A date at its own precision, in the locale's words and digits. */
	date(date: PartialDate): string;
	number(n: number): string;
	/** Items joined the locale's way ("a, b, c"; "الف، ب"); `semicolon` for items that contain commas. */
	list(items: readonly string[], separator?: 'comma' | 'semicolon'): string;
	/**
	 * Dataset text in the reader's language: the translation for the locale when `translations` has
	 * one, else `original` (English), counted in {@link untranslated}.
	 */
	content(original: string, translations?: Readonly<Record<string, string>>): string;
	/** A name in the reader's language when the dataset gives one; a name left as written is not counted. */
	name(original: string, names?: Readonly<Record<string, string>>): string;
	/** How many pieces of dataset text were shown in English for want of a translation. */
	readonly untranslated: number;
}

const MARKS: Record<string, Span['mark']> = { b: 'bold', i: 'italic', code: 'code' };
// Private-use characters stand in for string values while the template's own tags are read, so a
// value that contains "<b>" stays text.
const OPEN = '\ue000';
const CLOSE = '\ue001';

/** A value of `translations` for `locale`: the exact tag, else one with the same base ("ru-RU"). */
export function pick(translations: Readonly<Record<string, string>> | undefined, locale: Locale): string | undefined {
	if (!translations) return undefined;
	const exact = translations[locale];
	if (exact?.trim()) return exact;
	for (const [tag, text] of Object.entries(translations)) if (toLocale(tag) === locale && text.trim()) return text;
	return undefined;
}

/** A fresh Translator for a locale hint ("ru", "fa-IR", undefined → English). */
export function createTranslator(hint?: string | null): Translator {
	return new ReplyTranslator(chooseLocale(hint));
}

/**
 * The Translator of one reply. A class rather than an object of closures: every command and every
 * briefing makes one, and its methods then live once on the prototype instead of a dozen new
 * functions per reply.
 */
class ReplyTranslator implements Translator {
	readonly dir: 'ltr' | 'rtl';
	readonly #catalog: (typeof CATALOGS)[Locale];
	readonly #rtl: boolean;
	#untranslated = 0;

	constructor(readonly locale: Locale) {
		this.#catalog = CATALOGS[locale];
		this.#rtl = RTL.has(locale);
		this.dir = this.#rtl ? 'rtl' : 'ltr';
	}

	get untranslated(): number {
		return this.#untranslated;
	}

	#prepare(params: Params | undefined): Params {
		if (!params || !this.#rtl) return params ?? {};
		const out: Record<string, string | number> = {};
		for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' ? isolate(v) : v;
		return out;
	}

	t(key: MessageKey, params?: Params): string {
		return formatMessage(this.#catalog[key], this.#prepare(params), this.locale);
	}

	spans(key: MessageKey, params?: Params): Span[] {
		const values: string[] = [];
		const stand: Record<string, string | number> = {};
		for (const [k, v] of Object.entries(this.#prepare(params))) {
			if (typeof v === 'number') stand[k] = v;
			else {
				stand[k] = `${OPEN}${values.length}${CLOSE}`;
				values.push(v);
			}
		}
		const text = formatMessage(this.#catalog[key], stand, this.locale);
		const restore = (s: string) => s.replace(new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'gu'), (_m, i: string) => values[Number(i)] ?? '');
		const out: Span[] = [];
		let mark: Span['mark'];
		let last = 0;
		for (const m of text.matchAll(/<(\/?)(b|i|code)>/gu)) {
			const piece = text.slice(last, m.index);
			if (piece) out.push({ text: restore(piece), ...(mark ? { mark } : {}) });
			mark = m[1] ? undefined : MARKS[m[2]!];
			last = m.index + m[0].length;
		}
		const rest = text.slice(last);
		if (rest) out.push({ text: restore(rest), ...(mark ? { mark } : {}) });
		return out;
	}

	maybe(key: string, params?: Params): string | undefined {
		return isMessageKey(key) ? this.t(key, params) : undefined;
	}

	date(d: PartialDate): string {
		return formatDateLocalized(d, this.locale);
	}

	number(n: number): string {
		return formatNumber(this.locale, n);
	}

	list(items: readonly string[], separator: 'comma' | 'semicolon' = 'comma'): string {
		return items.join(this.#catalog[separator === 'comma' ? 'list.separator' : 'list.semicolon']);
	}

	content(original: string, translations?: Readonly<Record<string, string>>): string {
		if (this.locale === 'en' || original === '') return original;
		const found = pick(translations, this.locale);
		if (found !== undefined) return found;
		this.#untranslated++;
		return original;
	}

	name(original: string, names?: Readonly<Record<string, string>>): string {
		return this.locale === 'en' ? original : (pick(names, this.locale) ?? original);
	}
}

/** Fills a Localizable in the reader's language. */
export function localize(i18n: Translator, message: Localizable): string {
	return i18n.t(message.key, message.params);
}

/** English, for messages that must read the same everywhere (logs, error.message). */
export function english(key: MessageKey, params?: Params): string {
	return formatMessage(CATALOGS.en[key], params ?? {}, 'en');
}
