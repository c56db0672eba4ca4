/**
 * SearchIndex ranking against a plain reference: every document's tokens counted from its fields,
 * BM25 with the same arithmetic, a stable sort of every match. The index matches frequent tokens as
 * bit sets, rare ones by merging or looking up postings, and ranks only the best `limit` with a heap;
 * the results (documents, scores to the bit, matched tokens, order of ties) must be the reference's.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../bench/generate.js';
import { indexDocs } from '../../src/dataset/search-index-builder.js';
import type { IndexedDoc, SearchHit, SearchIndex } from '../../src/dataset/search-index.js';
import { indexTokens } from '../../src/dataset/text.js';

interface Counted {
	readonly tfs: readonly { readonly tf: ReadonlyMap<string, number>; readonly length: number }[];
	readonly df: ReadonlyMap<string, number>;
	readonly avg: number;
}

/** Each document's token weights and length, and each token's document count. */
function count(docs: readonly IndexedDoc[]): Counted {
	const tfs = docs.map((d) => {
		const tf = new Map<string, number>();
		let length = 0;
		for (const f of d.fields) {
			for (const t of indexTokens(f.text)) {
				tf.set(t, (tf.get(t) ?? 0) + f.weight);
				length++;
			}
		}
		return { tf, length };
	});
	const avg = tfs.reduce((s, d) => s + d.length, 0) / tfs.length;
	const df = new Map<string, number>();
	for (const { tf } of tfs) for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
	return { tfs, df, avg };
}

/** The ranking as first written: a Map of terms per document, every match scored and sorted. */
function reference({ tfs, df, avg }: Counted, index: SearchIndex, query: string): SearchHit[] {
	const terms = [...new Set(indexTokens(query))];
	if (terms.length === 0) return [];
	const expansions = terms.map((t) => index.expand(t));
	const hits: SearchHit[] = [];
	tfs.forEach(({ tf, length }, doc) => {
		if (!expansions.every((toks) => toks.some((tok) => tf.has(tok)))) return;
		let total = 0;
		const matched: string[] = [];
		terms.forEach((term, k) => {
			let sum = 0;
			for (const tok of expansions[k]!) {
				const f = tf.get(tok);
				if (f === undefined) continue;
				const n = df.get(tok)!;
				const idf = Math.log(1 + (tfs.length - n + 0.5) / (n + 0.5));
				const exact = tok === term ? 1 : 0.6;
				sum += (exact * idf * (f * 2.2)) / (f + 1.2 * (0.25 + 0.75 * (length / avg)));
				if (!matched.includes(tok)) matched.push(tok);
			}
			total = k === 0 ? sum : total + sum;
		});
		hits.push({ doc, score: total, matched });
	});
	return hits.sort((a, b) => b.score - a.score);
}

/** Documents over a skewed vocabulary: some words in most documents, some in a few, families of prefixes. */
function corpus(n: number, seed: number): IndexedDoc[] {
	const r = rng(seed);
	const common = ['ministry', 'police', 'raid', 'court', 'appeal', 'border', 'talks'];
	const family = ['detain', 'detained', 'detainee', 'detainees', 'detention', 'office', 'officials', 'officer'];
	const rare = Array.from({ length: 300 }, (_, i) => `w${i}x`);
	const word = (): string => {
		const p = r();
		if (p < 0.45) return common[Math.floor(r() * common.length)]!;
		if (p < 0.6) return family[Math.floor(r() * family.length)]!;
		return rare[Math.floor(r() * r() * rare.length)]!;
	};
	const text = (len: number): string => Array.from({ length: len }, word).join(' ');
	return Array.from({ length: n }, (_, i) => ({
		fields: [
			{ text: text(2 + Math.floor(r() * 6)), weight: 3 },
			{ text: text(3 + Math.floor(r() * (i % 7 === 0 ? 60 : 15))), weight: 1 },
			...(r() < 0.3 ? [{ text: text(2), weight: 2 }] : []),
		],
	}));
}

const QUERIES = [
	'ministry police',
	'ministry',
	'police raid court',
	'detain',
	'detained',
	'detain ministry',
	'offic police',
	'offic detain',
	'w0x',
	'w1x ministry',
	'w2x police raid',
	'w3x w4x',
	'w5x detain',
	'w250x',
	'w299x ministry',
	'court w7x appeal',
	'zzz',
	'ministry zzz',
	'the of',
	'',
	'MINISTRY, Police!',
];

describe('SearchIndex ranking', () => {
	for (const [n, seed] of [
		[40, 1],
		[700, 2],
		[5000, 3],
	] as const) {
		it(`equals the reference on ${n} documents, in full and as its first k, with the total`, () => {
			const docs = corpus(n, seed);
			const index = indexDocs(docs);
			const counted = count(docs);
			let matches = 0;
			for (const q of QUERIES) {
				const expected = reference(counted, index, q);
				matches += expected.length;
				expect(index.search(q)).toEqual(expected);
				for (const k of [0, 1, 3, 8, 25, 200]) {
					expect(index.search(q, k)).toEqual(expected.slice(0, k));
					expect(index.top(q, k).total).toBe(expected.length);
				}
				expect(index.count(q)).toBe(expected.length);
				const inOrder = expected.map((h) => h.doc).sort((a, b) => a - b);
				expect(index.matchingDocs(q)).toEqual(inOrder);
				expect(Array.from(index.matchingDocList(q))).toEqual(inOrder);
			}
			expect(matches).toBeGreaterThan(n);
		});
	}

	it('gives the same answers asked again, in any order (the query scratch is reused)', () => {
		const docs = corpus(3000, 4);
		const index = indexDocs(docs);
		const first = QUERIES.map((q) => index.search(q, 10));
		const again = [...QUERIES].reverse().map((q) => index.search(q, 10)).reverse();
		expect(again).toEqual(first);
	});
});
