/**
 * Text folding for matching names and words across scripts and spellings: Səfərov, Safarov and
 * Сафаров fold to the same key; "Pezeshkiyan" is within a small edit distance of "pezeshkian".
 */

const CYRILLIC: Record<string, string> = {
	а: 'a',
	б: 'b',
	в: 'v',
	г: 'g',
	д: 'd',
	е: 'e',
	ё: 'e',
	ж: 'zh',
	з: 'z',
	и: 'i',
	й: 'y',
	к: 'k',
	л: 'l',
	м: 'm',
	н: 'n',
	о: 'o',
	п: 'p',
	р: 'r',
	с: 's',
	т: 't',
	у: 'u',
	ф: 'f',
	х: 'kh',
	ц: 'ts',
	ч: 'ch',
	ш: 'sh',
	щ: 'shch',
	ъ: '',
	ы: 'y',
	ь: '',
	э: 'e',
	ю: 'yu',
	я: 'ya',
	і: 'i',
	ї: 'yi',
	є: 'ye',
	ґ: 'g',
	ә: 'e',
	ғ: 'g',
	қ: 'k',
	ң: 'n',
	ө: 'o',
	ү: 'u',
	ұ: 'u',
	һ: 'h',
};

const LATIN_EXTRA: Record<string, string> = { ə: 'e', ı: 'i', ß: 'ss', æ: 'ae', ø: 'o', đ: 'd', ł: 'l', œ: 'oe', þ: 'th' };

/**
 * Arabic-script letters that Persian and Arabic keyboards (and writers) use for one another, folded
 * to the Persian form: Arabic yeh and alef maksura to Persian yeh, Arabic kaf to keheh, teh marbuta
 * and heh variants to heh, hamza seats to their bare letter (the hamza itself is a mark NFKD splits
 * off); Arabic-Indic and Persian digits to ASCII ones. Tatweel (a stretching stroke), zero-width
 * joiners/non-joiners and direction marks are dropped, so "می‌شود" and "میشود" are one word.
 */
const ARABIC_SCRIPT: Record<string, string> = {
	'\u064a': '\u06cc', // ي → ی
	'\u0649': '\u06cc', // ى → ی
	'\u06d2': '\u06cc', // ے → ی
	'\u0643': '\u06a9', // ك → ک
	'\u0629': '\u0647', // ة → ه
	'\u06c1': '\u0647', // ہ → ه
	'\u06d5': '\u0647', // ە (what NFKD leaves of ۀ) → ه
	'\u0671': '\u0627', // ٱ → ا
	'\u0640': '', // tatweel
	'\u200c': '', // zero-width non-joiner
	'\u200d': '', // zero-width joiner
	'\u200e': '', // left-to-right mark
	'\u200f': '', // right-to-left mark
};
for (let d = 0; d < 10; d++) {
	ARABIC_SCRIPT[String.fromCharCode(0x660 + d)] = String(d);
	ARABIC_SCRIPT[String.fromCharCode(0x6f0 + d)] = String(d);
}

/** Printable ASCII only: what {@link fold} leaves as it is, but for the case. */
const ASCII = /^[\u0020-\u007e]*$/u;

/**
 * Lowercase, strip diacritics and vowel marks (harakat), fold Azerbaijani and Turkish letters (ə, ı,
 * İ), transliterate Cyrillic (ё with е), and fold Arabic-script letter variants (see
 * {@link ARABIC_SCRIPT}). Indexed text and queries both go through it, so each fold holds both ways.
 */
export function fold(input: string): string {
	// Most text is ASCII: nothing to strip or transliterate.
	if (ASCII.test(input)) return input.toLowerCase();
	// NFKD splits accents, hamzas and madda off their letters and maps presentation forms to letters.
	const lower = input
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase();
	let out = '';
	for (const ch of lower) out += CYRILLIC[ch] ?? LATIN_EXTRA[ch] ?? ARABIC_SCRIPT[ch] ?? ch;
	return out;
}

/**
 * Spelling variants that transliterations of the same name produce (Guseyn/Huseyn, Mamedali/Mammadali,
 * Aliev/Aliyev). Applied after {@link fold} to build a looser "sound" key.
 */
export function soundKey(folded: string): string {
	return folded
		.replace(/[^\p{L}\p{N}]+/gu, '')
		.replace(/kh/gu, 'h')
		.replace(/g(?=u)/gu, 'h')
		.replace(/iy/gu, 'i')
		.replace(/yi/gu, 'i')
		.replace(/ey/gu, 'e')
		.replace(/ay/gu, 'a')
		.replace(/([a-z])\1+/gu, '$1')
		.replace(/sch/gu, 'sh')
		.replace(/[aeiouy]/gu, '');
}

/** Words of a text, folded, for indexing and matching. Keeps letters and digits of every script. */
export function tokenize(input: string): string[] {
	// ASCII text (most of it): its letters and digits are [a-z0-9] once lowercased, and the plain
	// pattern is cheaper than the Unicode property one; the words are the same.
	const words = ASCII.test(input) ? input.toLowerCase().match(/[a-z0-9]+/g) : fold(input).match(/[\p{L}\p{N}]+/gu);
	return words ? words : [];
}

const STOP = new Set([
	'the',
	'a',
	'an',
	'of',
	'in',
	'on',
	'and',
	'or',
	'to',
	'for',
	'by',
	'at',
	'with',
	'is',
	'was',
	'as',
	'from',
	'its',
	'it',
	'be',
	'that',
	'this',
	'are',
	'his',
	'her',
]);

/** ASCII words of two characters or more: a one-character run never matches, a longer run matches whole. */
const ASCII_WORDS = /[a-z0-9]{2,}/g;

/** Tokens worth indexing: no stop words, no one-letter noise. */
export function indexTokens(input: string): string[] {
	if (!ASCII.test(input)) return tokenize(input).filter((t) => t.length > 1 && !STOP.has(t));
	// The build tokenises every text of the dataset, most of it ASCII: the runs too short to keep are
	// left out by the pattern, and the stop words are dropped in place, not copied by a filter.
	const words = input.toLowerCase().match(ASCII_WORDS);
	if (!words) return [];
	let kept = 0;
	for (const w of words) if (!STOP.has(w)) words[kept++] = w;
	words.length = kept;
	return words;
}

/** The words {@link indexTokens} leaves out. */
export const STOP_WORDS: ReadonlySet<string> = STOP;

/** Levenshtein distance with an early exit once `max` is exceeded. */
export function editDistance(a: string, b: string, max = Infinity): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const cur = [i];
		let best = i;
		for (let j = 1; j <= b.length; j++) {
			const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
			cur.push(v);
			if (v < best) best = v;
		}
		if (best > max) return max + 1;
		prev = cur;
	}
	return prev[b.length]!;
}

/** Closest candidates to `input` by edit distance on folded text, best first. */
export function closest(input: string, candidates: Iterable<string>, limit = 3): string[] {
	const f = fold(input);
	const max = Math.max(2, Math.floor(f.length / 3));
	const scored: [string, number][] = [];
	for (const c of candidates) {
		const d = editDistance(f, fold(c), max);
		if (d <= max) scored.push([c, d]);
	}
	return scored
		.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
		.slice(0, limit)
		.map(([c]) => c);
}
