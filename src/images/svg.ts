/**
 * SVG building blocks shared by the timeline and relations images: XML escaping of untrusted text,
 * text measurement with the shipped DejaVu Sans metrics, truncation with an ellipsis, and number
 * formatting that keeps the output byte-identical across runs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The only font the images use; render-png.ts loads the same files into resvg. */
export const FONT_FAMILY = 'DejaVu Sans';

export type FontWeight = 'normal' | 'bold';

/** Absolute paths of the shipped font files, resolved from this module (not the working directory). */
export const FONT_FILES: Readonly<Record<FontWeight, string>> = {
	normal: fileURLToPath(new URL('../../assets/fonts/DejaVuSans.ttf', import.meta.url)),
	bold: fileURLToPath(new URL('../../assets/fonts/DejaVuSans-Bold.ttf', import.meta.url)),
};

/**
 * DejaVu Sans cut down to Arabic script (src/images/fonts/README.md), under its own family name. resvg
 * reads a font file afresh for every glyph it lays out, so right-to-left text, which resvg must
 * shape, is set in this 60 kB font rather than the 740 kB one; it falls back to DejaVu Sans for
 * anything the subset lacks. Same outlines, same pixels.
 */
export const ARABIC_FAMILY = 'DejaVu Sans Persian';
export const ARABIC_FONT_FILES: Readonly<Record<FontWeight, string>> = {
	normal: fileURLToPath(new URL('./fonts/DejaVuSansPersian.ttf', import.meta.url)),
	bold: fileURLToPath(new URL('./fonts/DejaVuSansPersian-Bold.ttf', import.meta.url)),
};

// XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; resvg rejects a document that has them.
const XML_INVALID =
	// eslint-disable-next-line no-control-regex
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Escapes text for XML character data and attribute values (& < > " '), dropping characters that
 * XML 1.0 cannot carry at all. Every piece of dataset text goes through this.
 */
export function escapeXml(text: string): string {
	return text.replace(XML_INVALID, '').replace(/[&<>"']/gu, (c) => XML_ESCAPES[c]!);
}

/** One line of display text: whitespace runs (including newlines and tabs) become one space. */
export function oneLine(text: string): string {
	return text
		.replace(XML_INVALID, '')
		.replace(/[\s\u0085\u2028\u2029]+/gu, ' ')
		.trim();
}

/** A number for an SVG attribute: at most two decimals, no "-0", so output is stable. */
export function num(n: number): string {
	const r = Math.round(n * 100) / 100;
	return Object.is(r, -0) ? '0' : String(r);
}

/** An element with escaped attribute values; `inner` is trusted markup (already escaped). */
export function el(tag: string, attrs: Readonly<Record<string, string | number | undefined>>, inner?: string): string {
	let out = `<${tag}`;
	for (const [k, v] of Object.entries(attrs)) {
		if (v === undefined) continue;
		out += ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`;
	}
	return inner === undefined ? `${out}/>` : `${out}>${inner}</${tag}>`;
}

export interface FontMetrics {
	/** The whole font file and where its tables start and how long they are, for glyphs.ts. */
	readonly data: Buffer;
	readonly tables: ReadonlyMap<string, { readonly offset: number; readonly length: number }>;
	readonly unitsPerEm: number;
	readonly ascent: number;
	readonly descent: number;
	/** cmap format 12 groups: [startChar, endChar, startGlyph] flattened. */
	readonly groups: Uint32Array;
	readonly advances: Uint16Array;
	readonly cache: Map<number, number>;
}

const metricsCache = new Map<FontWeight, FontMetrics>();

/** Reads the cmap (format 12) and hmtx tables of a TrueType file: enough to measure unshaped text. */
function parseFont(file: string): FontMetrics {
	const b = readFileSync(file);
	const tables = new Map<string, { offset: number; length: number }>();
	const numTables = b.readUInt16BE(4);
	for (let i = 0; i < numTables; i++) {
		const o = 12 + i * 16;
		tables.set(b.toString('latin1', o, o + 4), { offset: b.readUInt32BE(o + 8), length: b.readUInt32BE(o + 12) });
	}
	const head = tables.get('head')?.offset;
	const hhea = tables.get('hhea')?.offset;
	const hmtx = tables.get('hmtx')?.offset;
	const cmap = tables.get('cmap')?.offset;
	if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined)
		throw new Error(`${file}: not a TrueType font`);
	let sub = -1;
	for (let i = 0; i < b.readUInt16BE(cmap + 2); i++) {
		const rec = cmap + 4 + i * 8;
		const offset = cmap + b.readUInt32BE(rec + 4);
		if (b.readUInt16BE(offset) === 12) sub = offset;
	}
	if (sub < 0) throw new Error(`${file}: no format 12 cmap`);
	const nGroups = b.readUInt32BE(sub + 12);
	const groups = new Uint32Array(nGroups * 3);
	for (let i = 0; i < nGroups * 3; i++) groups[i] = b.readUInt32BE(sub + 16 + i * 4);
	const nMetrics = b.readUInt16BE(hhea + 34);
	const advances = new Uint16Array(nMetrics);
	for (let i = 0; i < nMetrics; i++) advances[i] = b.readUInt16BE(hmtx + i * 4);
	return {
		data: b,
		tables,
		unitsPerEm: b.readUInt16BE(head + 18),
		ascent: b.readInt16BE(hhea + 4),
		descent: b.readInt16BE(hhea + 6),
		groups,
		advances,
		cache: new Map(),
	};
}

/** The parsed shipped font of a weight (cached). */
export function metrics(weight: FontWeight): FontMetrics {
	let m = metricsCache.get(weight);
	if (!m) {
		m = parseFont(FONT_FILES[weight]);
		metricsCache.set(weight, m);
	}
	return m;
}

/** Glyph id of a code point, or 0 (.notdef) when the font lacks it. */
export function glyphOf(m: FontMetrics, cp: number): number {
	let lo = 0;
	let hi = m.groups.length / 3 - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const start = m.groups[mid * 3]!;
		if (cp < start) hi = mid - 1;
		else if (cp > m.groups[mid * 3 + 1]!) lo = mid + 1;
		else return m.groups[mid * 3 + 2]! + (cp - start);
	}
	return 0;
}

/** Advance of one code point in em units (1 = font size). Characters the font lacks count as a full em. */
function advanceEm(m: FontMetrics, cp: number): number {
	let a = m.cache.get(cp);
	if (a === undefined) {
		const g = glyphOf(m, cp);
		a = g === 0 ? 1 : m.advances[Math.min(g, m.advances.length - 1)]! / m.unitsPerEm;
		m.cache.set(cp, a);
	}
	return a;
}

/** True when the shipped font has a glyph for every character of `text`. */
export function fontCovers(text: string, weight: FontWeight = 'normal'): boolean {
	const m = metrics(weight);
	for (const ch of text) if (glyphOf(m, ch.codePointAt(0)!) === 0) return false;
	return true;
}

/**
 * Width of a single line of text in px, from the font's advance widths. Kerning is ignored; DejaVu's
 * kerning only tightens, so the estimate errs wide, which is the safe side for overlap checks.
 */
export function textWidth(text: string, fontSize: number, weight: FontWeight = 'normal'): number {
	const m = metrics(weight);
	let em = 0;
	for (const ch of text) em += advanceEm(m, ch.codePointAt(0)!);
	return em * fontSize;
}

/** Ascent and descent (positive, px) of the font at `fontSize`, for text boxes. */
export function fontExtents(fontSize: number, weight: FontWeight = 'normal'): { ascent: number; descent: number } {
	const m = metrics(weight);
	return { ascent: (m.ascent / m.unitsPerEm) * fontSize, descent: (-m.descent / m.unitsPerEm) * fontSize };
}

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
// Characters that join with a neighbour into one grapheme; without them every code point is one, and
// the much faster code point walk gives the same cuts.
const JOINING =
	/\p{M}|\u200C|\u200D|\p{Variation_Selector}|\p{Regional_Indicator}|\p{Emoji_Modifier}|[\u1100-\u11FF]|[\u{E0020}-\u{E007F}]/u;

function* clusters(text: string): Generator<{ segment: string; index: number }> {
	if (JOINING.test(text)) {
		yield* graphemes.segment(text);
		return;
	}
	let index = 0;
	for (const segment of text) {
		yield { segment, index };
		index += segment.length;
	}
}

/**
 * Shortens one line of text to fit `maxWidth` px, ending in an ellipsis. Cuts between grapheme
 * clusters (never inside a surrogate pair or before a combining mark), and at a word boundary when
 * that keeps most of the text.
 */
export function truncateToWidth(text: string, maxWidth: number, fontSize: number, weight: FontWeight = 'normal'): string {
	return truncateLine(oneLine(text), maxWidth, fontSize, weight);
}

function truncateLine(line: string, maxWidth: number, fontSize: number, weight: FontWeight): string {
	if (textWidth(line, fontSize, weight) <= maxWidth) return line;
	const budget = maxWidth - textWidth(ELLIPSIS, fontSize, weight);
	if (budget <= 0) return '';
	let width = 0;
	let cut = 0;
	for (const { segment, index } of clusters(line)) {
		const w = textWidth(segment, fontSize, weight);
		if (width + w > budget) break;
		width += w;
		cut = index + segment.length;
	}
	let head = line.slice(0, cut);
	const space = head.lastIndexOf(' ');
	if (space >= head.length * 0.6) head = head.slice(0, space);
	head = head.replace(/[\s,;:.\-–—(]+$/u, '');
	return head.length > 0 ? head + ELLIPSIS : '';
}

/**
 * A labeller for one event title: its first clause (the whole title when that clause is very
 * short), truncated to whatever width is asked for. Cleans the title once for all the widths tried.
 */
export function shortLabeller(title: string, fontSize: number, weight: FontWeight = 'normal'): (maxWidth: number) => string {
	const line = oneLine(title);
	const first = line.split(/;\s|\s[—–]\s/u)[0]!.trim();
	const clause = first.length >= 12 ? first : line;
	const memo = new Map<number, string>();
	return (maxWidth) => {
		let label = memo.get(maxWidth);
		if (label === undefined) {
			label = truncateLine(clause, maxWidth, fontSize, weight);
			memo.set(maxWidth, label);
		}
		return label;
	};
}

/** A short label for an event title: its first clause, truncated to fit. */
export function shortLabel(title: string, maxWidth: number, fontSize: number, weight: FontWeight = 'normal'): string {
	return shortLabeller(title, fontSize, weight)(maxWidth);
}

/**
 * Greedy word wrap into at most `maxLines` lines of `maxWidth` px; the last line is truncated with an
 * ellipsis when the text does not fit.
 */
export function wrapText(text: string, maxWidth: number, fontSize: number, maxLines: number, weight: FontWeight = 'normal'): string[] {
	const words = oneLine(text)
		.split(' ')
		.filter((w) => w.length > 0);
	const lines: string[] = [];
	let current = '';
	for (let i = 0; i < words.length; i++) {
		const candidate = current ? `${current} ${words[i]!}` : words[i]!;
		if (textWidth(candidate, fontSize, weight) <= maxWidth || !current) {
			current = candidate;
			continue;
		}
		if (lines.length === maxLines - 1) {
			current = [current, ...words.slice(i)].join(' ');
			break;
		}
		lines.push(current);
		current = words[i]!;
	}
	if (current) lines.push(current);
	const last = lines.length - 1;
	if (last >= 0) lines[last] = truncateToWidth(lines[last]!, maxWidth, fontSize, weight);
	for (let i = 0; i < last; i++) lines[i] = truncateToWidth(lines[i]!, maxWidth, fontSize, weight);
	return lines.filter((l) => l.length > 0);
}
