/**
 * Message formatting: `{name}` placeholders and ICU-style plurals,
 * `{count, plural, one {# event} few {# события} many {# событий} other {# events}}`, with the
 * plural category chosen by Intl.PluralRules for the locale and `#` written as the locale's number.
 */

export type Params = Readonly<Record<string, string | number>>;

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function rulesFor(locale: string): Intl.PluralRules {
	let r = pluralRules.get(locale);
	if (!r) pluralRules.set(locale, (r = new Intl.PluralRules(locale)));
	return r;
}

/**
 * A number in the locale's digits and grouping. Four-digit numbers are not grouped ("4096", not
 * "4,096" or "4 096"), as Russian and Persian typography prefer and as English text has always shown
 * limits and years here.
 */
export function formatNumber(locale: string, n: number): string {
	let f = numberFormats.get(locale);
	if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale, { useGrouping: 'min2' } as Intl.NumberFormatOptions)));
	return f.format(n);
}

const digitTables = new Map<string, readonly string[]>();

/**
 * `text` with its ASCII digits written in the locale's digits ("2025-07-01 09:00" → "۲۰۲۵-۰۷-۰۱ ۰۹:۰۰"
 * in Persian), for timestamps and other digit strings that are not one number.
 */
export function localDigits(locale: string, text: string): string {
	let table = digitTables.get(locale);
	if (!table) {
		const f = new Intl.NumberFormat(locale, { useGrouping: false });
		digitTables.set(locale, (table = Array.from({ length: 10 }, (_, d) => f.format(d))));
	}
	const digits = table;
	return digits[0] === '0' ? text : text.replace(/[0-9]/gu, (d) => digits[Number(d)]!);
}

/** Finds the matching close brace of the group opening at `open`, honouring nesting. */
function matchBrace(s: string, open: number): number {
	let depth = 0;
	for (let i = open; i < s.length; i++) {
		if (s[i] === '{') depth++;
		else if (s[i] === '}' && --depth === 0) return i;
	}
	return -1;
}

function pluralBranch(body: string, locale: string, n: number): string {
	// body: "one {…} few {…} other {…}" (also "=0 {…}")
	const branches = new Map<string, string>();
	let i = 0;
	while (i < body.length) {
		const m = /^\s*(=\d+|zero|one|two|few|many|other)\s*\{/u.exec(body.slice(i));
		if (!m) break;
		const open = i + m[0].length - 1;
		const close = matchBrace(body, open);
		if (close < 0) break;
		branches.set(m[1]!, body.slice(open + 1, close));
		i = close + 1;
	}
	const chosen = branches.get(`=${n}`) ?? branches.get(rulesFor(locale).select(n)) ?? branches.get('other') ?? '';
	return chosen.replace(/#/gu, formatNumber(locale, n));
}

/** Fills a template. Unknown placeholders are left visible rather than silently dropped. */
export function formatMessage(template: string, params: Params, locale: string): string {
	let out = '';
	let i = 0;
	while (i < template.length) {
		const open = template.indexOf('{', i);
		if (open < 0) {
			out += template.slice(i);
			break;
		}
		out += template.slice(i, open);
		const close = matchBrace(template, open);
		if (close < 0) {
			out += template.slice(open);
			break;
		}
		const inner = template.slice(open + 1, close);
		const plural = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/u.exec(inner);
		if (plural) {
			const v = params[plural[1]!];
			out += typeof v === 'number' ? formatMessage(pluralBranch(plural[2]!, locale, v), params, locale) : `{${inner}}`;
		} else {
			const v = params[inner.trim()];
			out += v === undefined ? `{${inner}}` : typeof v === 'number' ? formatNumber(locale, v) : v;
		}
		i = close + 1;
	}
	return out;
}

/** Placeholder names a template uses, for catalog consistency tests. */
export function placeholders(template: string): string[] {
	const names = new Set<string>();
	for (const m of template.matchAll(/\{\s*(\w+)\s*(?:,\s*plural\s*,|\})/gu)) names.add(m[1]!);
	return [...names].sort();
}
