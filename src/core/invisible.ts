/**
 * Characters that change what a value means without being seen: zero-width spaces and joiners, the
 * word joiner, the byte-order mark, the soft hyphen and the bidi controls. `/event
 * yekaterinburg-raids` followed by U+200B must ask for yekaterinburg-raids, not for something
 * else.
 */

/** Invisible formatting characters other than the two joiners (U+200C, U+200D). */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;
/** ZWNJ and ZWJ: part of correct Persian spelling inside words, and of emoji. */
const JOINERS = /[\u200c\u200d]/gu;

/** A letter outside ASCII: the joiners belong between two of these (Persian, Arabic, Indic…). */
const isScriptLetter = (ch: string | undefined): boolean => ch !== undefined && ch > '\u007f' && /\p{L}/u.test(ch);

/**
 * Removes every invisible formatting character: for a whole command line. A joiner between two
 * non-ASCII letters is spelling and stays; anywhere else (inside a command name or an id) it goes.
 */
export function stripInvisible(text: string): string {
	return text
		.replace(INVISIBLE, '')
		.replace(JOINERS, (j: string, at: number, s: string) => (isScriptLetter(s[at - 1]) && isScriptLetter(s[at + 1]) ? j : ''));
}

/**
 * An option value as the core reads it: every invisible character removed from ids, dates, numbers
 * and choices; in free text the joiners become spaces, which is how the search already splits a
 * Persian word at a ZWNJ, so what is found does not change.
 */
export function cleanValue(value: string, freeText: boolean): string {
	const stripped = stripInvisible(value);
	return freeText ? stripped.replace(JOINERS, ' ') : stripped.replace(JOINERS, '');
}
