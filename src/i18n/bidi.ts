/**
 * Right-to-left layout helpers. Persian text carries Latin and Cyrillic names, ids and commands; the
 * Unicode bidirectional algorithm lays a mixed line out correctly only when each embedded
 * left-to-right run is isolated (FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE) and when a line that
 * begins with such a run is marked right-to-left (RIGHT-TO-LEFT MARK) so that the client does not take
 * the first Latin letter as the paragraph's direction. These characters are output only: the input
 * cleaning in src/core/parse-line.ts removes them from what users type, on purpose.
 */

export const FSI = '\u2068';
export const PDI = '\u2069';
export const RLM = '\u200f';

/**
 * Strong right-to-left characters: letters of the Arabic, Hebrew, Syriac, Thaana and N'Ko scripts.
 * Their digits and commas are weak or neutral ("۲۵" is EN, "،" is CS) and do not set a direction.
 */
const RTL_LETTER = /(?=\p{L})[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const STRONG_LTR = /\p{L}/u;

/** `text` as an isolated run; empty text stays empty. */
export function isolate(text: string): string {
	return text === '' ? '' : `${FSI}${text}${PDI}`;
}

/** Whether `text` contains any right-to-left letter. */
export function hasRtl(text: string): boolean {
	return RTL_LETTER.test(text);
}

/**
 * The direction of the first strong character outside isolates, as the bidi algorithm's rule P2
 * finds it; undefined when there is none. With `insideIsolates`, isolated text counts too (what a
 * client that ignores isolates would see).
 */
export function firstStrong(text: string, insideIsolates = false): 'ltr' | 'rtl' | undefined {
	let depth = 0;
	for (const ch of text) {
		if (ch === FSI || ch === '\u2066' || ch === '\u2067') depth++;
		else if (ch === PDI) depth = Math.max(0, depth - 1);
		else if (depth > 0 && !insideIsolates) continue;
		else if (ch === RLM) return 'rtl';
		else if (ch === '\u200e') return 'ltr';
		else if (RTL_LETTER.test(ch)) return 'rtl';
		else if (STRONG_LTR.test(ch)) return 'ltr';
	}
	return undefined;
}

/**
 * Prefixes RLM to each line that holds right-to-left text but begins with a left-to-right token,
 * isolated or not (a client that ignores isolates when it picks a paragraph's direction still gets
 * it right), or with no strong character at all. A line with no right-to-left letter (an English
 * fallback, a URL) keeps its own direction.
 * `visible` maps a line to what a reader sees (markup removed) for the test; the mark is added to the
 * line as given, before any markup.
 */
export function markRtlLines(text: string, visible: (line: string) => string = (l) => l): string {
	return text
		.split('\n')
		.map((line) => {
			const seen = visible(line);
			return hasRtl(seen) && (firstStrong(seen) !== 'rtl' || firstStrong(seen, true) !== 'rtl') ? `${RLM}${line}` : line;
		})
		.join('\n');
}

/** Removes the direction marks and isolates added here (for plain text where they are not wanted). */
export function stripBidiMarks(text: string): string {
	return text.replace(/[\u2066-\u2069\u200e\u200f]/gu, '');
}

/** Explicit bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). */
const EXPLICIT_BIDI = /[\u202a-\u202e\u2066-\u2069]/u;

/** Whether `text` holds an explicit bidi control that could reorder what follows it. */
export function hasBidiControl(text: string): boolean {
	return EXPLICIT_BIDI.test(text);
}

/**
 * Dataset text holding an explicit bidi control, isolated: the closing PDI ends every embedding
 * and override opened inside (UAX #9), so a stray U+202E in a title cannot reverse the rest of the
 * line it is shown on. Text without one is returned unchanged.
 */
export function containBidi(text: string): string {
	return needsContaining(text) ? isolate(text) : text;
}

/**
 * Whether text can disturb the line it is shown on: an embedding or override (U+202A–U+202E), or
 * isolates that do not close (U+2066–U+2069 out of balance). Balanced isolates — the ones the
 * catalog puts around every value in a right-to-left language — end inside the text and need nothing.
 */
export function needsContaining(text: string): boolean {
	return openIsolatesAfter(text, 0) !== 0;
}

/** Any explicit bidi control: an embedding or override (U+202A–U+202E) or an isolate (U+2066–U+2069). */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;

/**
 * {@link needsContaining} over several texts read as one, a text at a time (a reply block's strings,
 * without joining them): `open` is the isolates the texts before left open. The isolates open after
 * `text`, or -1 when the run needs containing whatever follows (an embedding or override, or a PDI
 * with nothing open).
 */
export function openIsolatesAfter(text: string, open: number): number {
	if (open < 0 || !BIDI_CONTROL.test(text)) return open;
	if (/[\u202a-\u202e]/u.test(text)) return -1;
	for (const ch of text) {
		if (ch === '\u2066' || ch === '\u2067' || ch === '\u2068') open++;
		else if (ch === '\u2069' && --open < 0) return -1;
	}
	return open;
}
