/**
 * The interface languages and how a reader's language is chosen: a language pinned for the channel
 * or subscription first, then the platform's hint (Discord's interaction locale, Telegram's
 * language_code), then English.
 */
import { LOCALES, type Locale } from '../vocabulary/words.js';

export { LOCALES, type Locale };

export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', ru: 'Русский', az: 'Azərbaycanca', fa: 'فارسی' };

/** Right-to-left interface languages. */
export const RTL: ReadonlySet<Locale> = new Set<Locale>(['fa']);

export function isLocale(x: string): x is Locale {
	return (LOCALES as readonly string[]).includes(x);
}

/** Maps a platform hint such as "ru", "en-US", "az-Latn-AZ" or "fa_IR" to a supported locale. */
export function toLocale(hint: string | undefined | null): Locale | undefined {
	if (!hint) return undefined;
	const base = hint.toLowerCase().split(/[-_]/u)[0] ?? '';
	return isLocale(base) ? base : undefined;
}

/** The first supported locale among the candidates, in order of precedence; English otherwise. */
export function chooseLocale(...candidates: (string | undefined | null)[]): Locale {
	for (const c of candidates) {
		const l = toLocale(c);
		if (l) return l;
	}
	return 'en';
}
