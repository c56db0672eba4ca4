/**
 * Helpers that build Reply blocks. The model itself is vocabulary (src/vocabulary/reply.ts), re-exported
 * here so that commands keep one import.
 */
import { containBidi, openIsolatesAfter } from '../i18n/bidi.js';
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
 * The isolates open after the strings of `value` (keys and values, in JSON.stringify's order) read as
 * one text, or -1 when they need containing: what needsContaining(JSON.stringify(value)) decides,
 * without making the JSON text of every block of every answer.
 */
function openIsolatesIn(value: unknown, open: number): number {
	if (open < 0) return open;
	if (typeof value === 'string') return openIsolatesAfter(value, open);
	if (Array.isArray(value)) {
		for (const v of value) open = openIsolatesIn(v, open);
		return open;
	}
	if (value && typeof value === 'object')
		for (const k in value) {
			const v = (value as Record<string, unknown>)[k];
			if (v !== undefined) open = openIsolatesIn(v, openIsolatesAfter(k, open));
		}
	return open;
}

/**
 * The reply with every text that holds an explicit bidi control (a U+202E in a dataset title)
 * isolated, for every platform's renderer alike. A reply without one is returned as is.
 */
export function containBidiControls(reply: Reply): Reply {
	if (!reply.blocks.some((b) => openIsolatesIn(b, 0) !== 0)) return reply;
	return { ...reply, blocks: reply.blocks.map((b) => containIn(b) as Block) };
}
