/**
 * Helpers that build Reply blocks. The model itself is vocabulary (src/vocabulary/reply.ts), re-exported
 * here so that commands keep one import.
 */
import { containBidi, needsContaining } from '../i18n/bidi.js';
import type { Block, Reply, Span } from '../vocabulary/reply.js';

export type { Block, ImageAttachment, Paging, Reply, Span } from '../vocabulary/reply.js';

export const heading = (text: string): Block => ({ kind: 'heading', text });
export const para = (...spans: (Span | string)[]): Block => ({
	kind: 'paragraph',
	spans: spans.map((s) => (typeof s === 'string' ? { text: s } : s)),
});
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

/** Keys of a block that are markup, not text. */
const MARKUP_KEYS = new Set(['kind', 'mark', 'href']);

function containIn(value: unknown): unknown {
	if (typeof value === 'string') return containBidi(value);
	if (Array.isArray(value)) return value.map(containIn);
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, MARKUP_KEYS.has(k) ? v : containIn(v)]));
	return value;
}

/**
 * The reply with every text that holds an explicit bidi control (a U+202E in a dataset title)
 * isolated, for every platform's renderer alike. A reply without one is returned as is.
 */
export function containBidiControls(reply: Reply): Reply {
	if (!reply.blocks.some((b) => needsContaining(JSON.stringify(b)))) return reply;
	return { ...reply, blocks: reply.blocks.map((b) => containIn(b) as Block) };
}
