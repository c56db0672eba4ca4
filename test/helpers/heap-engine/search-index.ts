/**
 * A small inverted index with BM25 ranking over folded tokens, and prefix matching so that
 * "detain" finds "detained". Built once per snapshot; queries cost a few postings lookups.
 *
 * Layout (why): a big dataset's index holds millions of postings. As one JS array of numbers per
 * token they cost much memory and long GC pauses (bench/README.md); here they sit in two typed arrays, grouped
 * by token (CSR: token → offsets[t]..offsets[t+1]), docs ascending within a token — 6 bytes a
 * posting. Queries score into dense scratch arrays reused between queries instead of a Map and a
 * Set per matching document.
 */
import {
	andInto,
	bestOf,
	bestOfBits,
	bitsOf,
	byScoreDescending,
	compact,
	MatchedLists,
	orInto,
	popcount,
	scoreDense,
	scoreTerm,
	seek,
	seeks,
	type DenseSet,
} from './search-kernels.js';
import { indexTokens } from '../../../src/dataset/text.js';

export interface IndexedDoc {
	/** Fields with their weights; a title counts more than a summary. */
	readonly fields: readonly { readonly text: string; readonly weight: number }[];
}

/**
 * The search key of an actor: added to the documents of the actor's events, claims and own entry, and
 * looked up for a query word that names the actor in any script. `@` keeps it apart from every word.
 */
export function actorKey(actorId: string): string {
	return `@${actorId}`;
}

/** Whether an index token is a key (see {@link actorKey}) rather than a word. */
export function isKey(token: string): boolean {
	return token.charCodeAt(0) === 0x40;
}

/**
 * Index tokens that a query term stands for besides itself and the words it begins: keys (see
 * {@link actorKey}) and words of actors it names in another script. They match and
 * rank like the term's prefix expansions.
 */
export type TermKeys = (term: string) => readonly string[];

export interface SearchHit {
	readonly doc: number;
	readonly score: number;
	/** Index tokens of the document that matched a query term. */
	readonly matched: readonly string[];
}

/**
 * A built index as plain parts: tokens (in token-number order and sorted), the CSR postings and the
 * document lengths. SearchIndexBuilder.partsSteps (search-index-builder.ts) makes them; {@link searchIndexFromParts}
 * turns them into a {@link SearchIndex} — on the same thread or after a worker sent them over.
 */
export interface SearchIndexParts {
	readonly tokens: string[];
	readonly sorted: string[];
	readonly offsets: Uint32Array;
	readonly docs: Int32Array;
	readonly tf: Uint16Array | Float64Array;
	readonly lengths: Int32Array;
}

/** A {@link SearchIndex} from its parts, stopping every 16k tokens while it builds the token table. */
export function* searchIndexFromParts(parts: SearchIndexParts): Generator<void, SearchIndex> {
	const { tokens, lengths } = parts;
	const ids = new Map<string, number>();
	for (let t = 0; t < tokens.length; t++) {
		ids.set(tokens[t]!, t);
		if ((t & 0x3fff) === 0x3fff) yield;
	}
	return new SearchIndex(ids, tokens, parts.sorted, parts.offsets, parts.docs, parts.tf, lengths);
}

export class SearchIndex {
	private readonly avgLength: number;
	/** Query scratch, sized to the document count on first use and reused (queries are synchronous). */
	private scratch?: Scratch;
	/** Bit sets of frequent tokens, by token number, most recently used last. */
	private dense?: Map<number, DenseSet>;
	/** Per document, the length part of BM25's denominator: 1.2 × (0.25 + 0.75 × length ÷ average). Made on first use. */
	private norms?: Float64Array;

	constructor(
		private readonly ids: ReadonlyMap<string, number>,
		private readonly tokens: readonly string[],
		/** The tokens in code-unit order, for prefix expansion. */
		private readonly sortedTokens: readonly string[],
		private readonly offsets: Uint32Array,
		private readonly docs: Int32Array,
		private readonly tf: Uint16Array | Float64Array,
		/** Tokens per document (a list or a typed array). */
		private readonly lengths: ArrayLike<number>,
	) {
		let total = 0;
		for (let d = 0; d < lengths.length; d++) total += lengths[d]!;
		this.avgLength = lengths.length ? total / lengths.length : 1;
	}

	/** Index tokens that a query term stands for: itself, and longer words it begins (for terms of 4+ letters). */
	expand(term: string): string[] {
		const out: string[] = [];
		if (this.ids.has(term)) out.push(term);
		if (term.length < 4) return out;
		let lo = 0;
		let hi = this.sortedTokens.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.sortedTokens[mid]! < term) lo = mid + 1;
			else hi = mid;
		}
		for (let i = lo; i < this.sortedTokens.length && out.length < 50; i++) {
			const t = this.sortedTokens[i]!;
			if (!t.startsWith(term)) break;
			if (t !== term) out.push(t);
		}
		return out;
	}

	/**
	 * Documents matching every query term (AND), ranked by BM25. A term with no match at all makes the
	 * result empty, so that "sputnik raid" does not return every raid.
	 */
	search(query: string, limit = Infinity, keys?: TermKeys): SearchHit[] {
		const r = this.top(query, limit, keys);
		return r.docs.map((doc, i) => ({ doc, score: r.scores[i]!, matched: r.matched[i]! }));
	}

	/**
	 * The first `limit` results of {@link search} as parallel lists, and how many there are in all. Every match is scored,
	 * but only the best `limit` are sorted (a bounded heap) and only they get matched-token lists: for
	 * the 40,000 matches of two common words at 100k events, scoring is what it costs.
	 */
	top(query: string, limit = Infinity, keys?: TermKeys): RankedHits {
		let m = this.match(query, true, keys);
		if (!m) return NO_HITS;
		if (m.bits) {
			// Every term is frequent: count the AND's bits; when each is one token and few of the matches
			// are wanted, score them straight from the bits into a heap, without listing them first.
			let total = 0;
			for (let w = 0; w < m.bits.length; w++) total += popcount(m.bits[w]!);
			if (total === 0) return NO_HITS;
			const wanted = Math.max(0, Math.floor(limit));
			if (wanted * HEAP_FRACTION < total && m.sets.every((set) => set !== undefined)) {
				const n = this.lengths.length;
				const sets = m.sets as readonly DenseSet[];
				const c = new Float64Array(sets.length);
				m.terms.forEach((term, k) => {
					const tok = m!.expansions[k]![0]!;
					const df = this.offsets[tok + 1]! - this.offsets[tok]!;
					c[k] = (this.tokens[tok]! === term ? 1 : 0.6) * Math.log(1 + (n - df + 0.5) / (df + 0.5));
				});
				const best = bestOfBits(m.bits, sets, c, this.tf, this.normsOf(), wanted);
				return { docs: best.docs, scores: best.scores, matched: this.matchedOf(m, best.docs), total };
			}
			m = { ...m, count: bitsOf(m.bits, m.alive) };
		}
		const { alive, count } = m;
		const score = this.score(m);
		const wanted = Math.min(count, Math.max(0, Math.floor(limit)));
		// Positions in `alive` (document order), best first; ties in document order (both sorts are stable).
		const best = wanted * HEAP_FRACTION < count ? bestOf(count, score, wanted) : byScoreDescending(count, score, wanted);
		const docs = best.map((i) => alive[i]!);
		return { docs, scores: best.map((i) => score[i]!), matched: this.matchedOf(m, docs), total: count };
	}

	/** The documents {@link search} would return, unranked and in document order: for filters that only ask which. */
	matchingDocs(query: string, keys?: TermKeys): number[] {
		const m = this.match(query, false, keys);
		return m ? Array.from(m.alive.subarray(0, m.count)) : [];
	}

	/** {@link matchingDocs} as a typed array (the caller's to keep). */
	matchingDocList(query: string, keys?: TermKeys): Int32Array {
		const m = this.match(query, false, keys);
		return m ? m.alive.slice(0, m.count) : new Int32Array(0);
	}

	/**
	 * {@link matchingDocs} as a bit set: document d is bit d & 31 of word d >>> 5 (the caller's to keep
	 * and change), in `out` when given (of {@link bitWords} words). For two common words at 100k events
	 * it is a few thousand words ANDed, where the list holds tens of thousands of documents.
	 */
	matchingBits(query: string, out: Uint32Array = new Uint32Array(this.bitWords), keys?: TermKeys): Uint32Array {
		out.fill(0);
		const m = this.match(query, true, keys);
		if (m?.bits) out.set(m.bits);
		else if (m) {
			for (let i = 0; i < m.count; i++) {
				const doc = m.alive[i]!;
				out[doc >>> 5]! |= 1 << (doc & 31);
			}
		}
		return out;
	}

	/** The length of {@link matchingBits}' bit set: a bit per document. */
	get bitWords(): number {
		return (this.lengths.length >>> 5) + 1;
	}

	/** How many documents {@link search} would return. */
	count(query: string, keys?: TermKeys): number {
		return this.match(query, false, keys)?.count ?? 0;
	}

	/**
	 * Which documents match every term, in document order. A term with more postings than a bit set of
	 * the documents has words is matched as that bit set (kept for the token, see {@link denseSet}),
	 * and those are ANDed; the rarest other term gives the candidates, which the bit sets and then the
	 * other terms filter — by a merge with their postings (docs ascend within a token), or by looking
	 * each candidate up (a galloping search) when the candidates are few. Where each match sits in the
	 * postings of a rare one-token term is kept too, for scoring. `asBits`: when every term is a bit
	 * set, stop at their AND (`bits`, with `count` -1) instead of listing its documents. `keys`: what
	 * else each term stands for, after its words (see {@link TermKeys}).
	 */
	private match(query: string, asBits = false, keys?: TermKeys): Match | undefined {
		const terms = [...new Set(indexTokens(query))];
		if (terms.length === 0) return undefined;
		const expansions = terms.map((t) => {
			const toks = this.expand(t).map((tok) => this.ids.get(tok)!);
			if (keys) {
				for (const key of keys(t)) {
					const id = this.ids.get(key);
					if (id !== undefined && !toks.includes(id)) toks.push(id);
				}
			}
			return toks;
		});
		if (expansions.some((e) => e.length === 0)) return undefined;
		const { offsets, docs } = this;
		const cost = expansions.map((e) => e.reduce((sum, tok) => sum + offsets[tok + 1]! - offsets[tok]!, 0));
		const s = this.scratchFor(terms.length);
		const { stage, words } = s;
		const nWords = words.length;
		const alive = s.buffers[0]!;
		const keep = s.buffers[1]!;
		const at: (Int32Array | undefined)[] = terms.map(() => undefined);
		let nextBuffer = 2;

		// Terms with more postings than the bit sets have words are matched as bit sets, ANDed together.
		const sparse: number[] = [];
		const sets: (DenseSet | undefined)[] = terms.map(() => undefined);
		let anded = false;
		for (let k = 0; k < terms.length; k++) {
			if (cost[k]! <= nWords) {
				sparse.push(k);
				continue;
			}
			const toks = expansions[k]!;
			let bits: Uint32Array;
			if (toks.length === 1) {
				const set = (sets[k] = this.denseSet(toks[0]!));
				bits = set.bits;
			} else {
				// Several tokens: their union, for this query only. A frequent token's bits come from its
				// kept bit set: a few thousand words to OR instead of walking tens of thousands of postings,
				// which made a query for two frequent words slow (bench/README.md).
				bits = s.union;
				bits.fill(0);
				for (const tok of toks) {
					if (offsets[tok + 1]! - offsets[tok]! > nWords) {
						orInto(bits, this.denseSet(tok).bits);
						continue;
					}
					for (let p = offsets[tok]!, end = offsets[tok + 1]!; p < end; p++) {
						const doc = docs[p]!;
						bits[doc >>> 5]! |= 1 << (doc & 31);
					}
				}
			}
			if (!anded) words.set(bits);
			else andInto(words, bits);
			anded = true;
		}

		let count = 0;
		if (sparse.length === 0) {
			// Every term is a bit set: the matches are the bits of the AND.
			if (asBits) return { terms, expansions, alive, count: -1, at, sets, bits: words };
			count = bitsOf(words, alive);
			if (count === 0) return undefined;
			return { terms, expansions, alive, count, at, sets };
		}

		// Candidates: the postings of the sparse term with the fewest, in document order.
		sparse.sort((a, b) => cost[a]! - cost[b]!);
		const k0 = sparse[0]!;
		const first = expansions[k0]!;
		if (first.length === 1) {
			const start = offsets[first[0]!]!;
			const end = offsets[first[0]! + 1]!;
			alive.set(docs.subarray(start, end));
			count = end - start;
			const pos = (at[k0] = s.buffers[nextBuffer++]!);
			for (let i = 0; i < count; i++) pos[i] = start + i;
		} else {
			const mark = s.stamp++;
			for (const tok of first) {
				for (let p = offsets[tok]!, end = offsets[tok + 1]!; p < end; p++) {
					const doc = docs[p]!;
					if (stage[doc] !== mark) {
						stage[doc] = mark;
						alive[count++] = doc;
					}
				}
			}
			alive.subarray(0, count).sort();
		}
		if (anded) {
			let kept = 0;
			for (let i = 0; i < count; i++) {
				const doc = alive[i]!;
				if (words[doc >>> 5]! & (1 << (doc & 31))) {
					alive[kept] = doc;
					keep[kept++] = i;
				}
			}
			count = compact(at, keep, count, kept);
		}

		for (let j = 1; j < sparse.length && count > 0; j++) {
			const k = sparse[j]!;
			const toks = expansions[k]!;
			let kept = 0;
			if (toks.length === 1) {
				const pos = (at[k] = s.buffers[nextBuffer++]!);
				let p = offsets[toks[0]!]!;
				const end = offsets[toks[0]! + 1]!;
				if (seeks(count, end - p)) {
					for (let i = 0; i < count && p < end; i++) {
						const doc = alive[i]!;
						p = seek(docs, p, end, doc);
						if (p < end && docs[p] === doc) {
							alive[kept] = doc;
							keep[kept] = i;
							pos[kept++] = p++;
						}
					}
				} else {
					let i = 0;
					let a = alive[0]!;
					let b = docs[p]!;
					for (;;) {
						if (a < b) {
							if (++i === count) break;
							a = alive[i]!;
						} else if (a > b) {
							if (++p === end) break;
							b = docs[p]!;
						} else {
							alive[kept] = a;
							keep[kept] = i;
							pos[kept++] = p;
							if (++i === count || ++p === end) break;
							a = alive[i]!;
							b = docs[p]!;
						}
					}
				}
				// This term's places are already those of the kept documents.
				at[k] = undefined;
				count = compact(at, keep, count, kept);
				at[k] = pos;
			} else {
				const from = toks.map((tok) => offsets[tok]!);
				for (let i = 0; i < count; i++) {
					const doc = alive[i]!;
					for (let x = 0; x < toks.length; x++) {
						const end = offsets[toks[x]! + 1]!;
						const p = seek(docs, from[x]!, end, doc);
						from[x] = p;
						if (p < end && docs[p] === doc) {
							alive[kept] = doc;
							keep[kept++] = i;
							break;
						}
					}
				}
				count = compact(at, keep, count, kept);
			}
		}
		if (count === 0) return undefined;
		return { terms, expansions, alive, count, at, sets };
	}

	/** The bit set of a token's documents, with ranks, made on first use and kept for the most recent tokens. */
	private denseSet(tok: number): DenseSet {
		const cache = (this.dense ??= new Map());
		const hit = cache.get(tok);
		if (hit) {
			// Most recently used last.
			cache.delete(tok);
			cache.set(tok, hit);
			return hit;
		}
		const nWords = (this.lengths.length >>> 5) + 1;
		const bits = new Uint32Array(nWords);
		const start = this.offsets[tok]!;
		const end = this.offsets[tok + 1]!;
		for (let p = start; p < end; p++) {
			const doc = this.docs[p]!;
			bits[doc >>> 5]! |= 1 << (doc & 31);
		}
		const rank = new Uint32Array(nWords);
		let sum = 0;
		for (let w = 0; w < nWords; w++) {
			rank[w] = sum;
			sum += popcount(bits[w]!);
		}
		const set = { bits, rank, start };
		if (cache.size >= DENSE_SETS) cache.delete(cache.keys().next().value!);
		cache.set(tok, set);
		return set;
	}

	/**
	 * BM25 scores of the matches, by their place in `alive`, with the same arithmetic as the original
	 * Map-based version so that scores (and so the order of equal-looking results) are bit-for-bit the
	 * same: per term, the sum over its expansions in order; the total, the sum of the terms in query
	 * order. Returns the scratch array that holds them.
	 */
	private score(m: Match): Float64Array {
		const { terms, expansions, alive, count, at, sets } = m;
		const n = this.lengths.length;
		const s = this.scratchFor(0);
		const { total, term: acc, stage } = s;
		const { docs, offsets, tf } = this;
		const norm = this.normsOf();
		let mark = -1;
		for (let k = 0; k < terms.length; k++) {
			const term = terms[k]!;
			const pos = at[k];
			const set = sets[k];
			if (pos || set) {
				// One token: its postings place for each match is known, or its rank among the token's bits.
				const tok = expansions[k]![0]!;
				const df = offsets[tok + 1]! - offsets[tok]!;
				const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
				const c = (this.tokens[tok]! === term ? 1 : 0.6) * idf;
				if (pos) scoreTerm(c, tf, pos, alive, count, norm, total, k === 0);
				else scoreDense(c, tf, set!, alive, count, norm, total, k === 0);
				continue;
			}
			for (const tok of expansions[k]!) {
				const start = offsets[tok]!;
				const end = offsets[tok + 1]!;
				const df = end - start;
				const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
				const c = (this.tokens[tok]! === term ? 1 : 0.6) * idf;
				if (seeks(count, df)) {
					let p = start;
					for (let i = 0; i < count; i++) {
						const doc = alive[i]!;
						p = seek(docs, p, end, doc);
						if (p === end) break;
						if (docs[p] !== doc) continue;
						const f = tf[p]!;
						acc[doc]! += (c * (f * 2.2)) / (f + norm[doc]!);
					}
				} else {
					if (mark < 0) {
						mark = s.stamp++;
						for (let i = 0; i < count; i++) stage[alive[i]!] = mark;
					}
					for (let p = start; p < end; p++) {
						const doc = docs[p]!;
						if (stage[doc] !== mark) continue;
						const f = tf[p]!;
						acc[doc]! += (c * (f * 2.2)) / (f + norm[doc]!);
					}
				}
			}
			for (let i = 0; i < count; i++) {
				const doc = alive[i]!;
				total[i] = k === 0 ? acc[doc]! : total[i]! + acc[doc]!;
				acc[doc] = 0;
			}
		}
		return total;
	}

	/** {@link norms}, made on first use. */
	private normsOf(): Float64Array {
		if (this.norms) return this.norms;
		const { lengths, avgLength: avg } = this;
		const norms = new Float64Array(lengths.length);
		for (let d = 0; d < lengths.length; d++) norms[d] = 1.2 * (0.25 + 0.75 * (lengths[d]! / avg));
		return (this.norms = norms);
	}

	/**
	 * The index tokens each of `docs` matched, in the order the terms and their expansions list them.
	 * A document's list is a path in a small trie, so documents that matched the same tokens share one
	 * frozen list. A term of one token is matched by every match; other tokens are looked up.
	 */
	private matchedOf(m: Match, out: readonly number[]): (readonly string[])[] {
		const lists = new MatchedLists(this.tokens.length);
		const { offsets, docs } = this;
		return out.map((doc) => {
			let node = 0;
			for (const toks of m.expansions) {
				for (const tok of toks) {
					if (toks.length > 1) {
						const end = offsets[tok + 1]!;
						const p = seek(docs, offsets[tok]!, end, doc);
						if (p === end || docs[p] !== doc) continue;
					}
					// A key is no word of the text: nothing to show as matched.
					const token = this.tokens[tok]!;
					if (!isKey(token)) node = lists.add(node, tok, token);
				}
			}
			return lists.list(node);
		});
	}

	/** The scratch arrays, with buffers for `terms` terms and room for a query's stage marks. */
	private scratchFor(terms: number): Scratch {
		const n = this.lengths.length;
		let s = this.scratch;
		if (!s) {
			const nWords = (n >>> 5) + 1;
			s = this.scratch = {
				total: new Float64Array(n),
				term: new Float64Array(n),
				stage: new Int32Array(n),
				stamp: 1,
				buffers: [],
				words: new Uint32Array(nWords),
				union: new Uint32Array(nWords),
			};
		}
		while (s.buffers.length < terms + 2) s.buffers.push(new Int32Array(n));
		if (s.stamp + 2 * terms + 4 >= 0x7fffffff) {
			s.stage.fill(0);
			s.stamp = 1;
		}
		return s;
	}
}

/** Query scratch: by document (`term`, `stage`), by place among the matches (`total`), and Int32 buffers of the document count. */
interface Scratch {
	readonly total: Float64Array;
	readonly term: Float64Array;
	readonly stage: Int32Array;
	stamp: number;
	/** The matches, where each came from among the candidates, and per term of one token where its postings have it. */
	readonly buffers: Int32Array[];
	/** Bit sets of the documents: the AND of the frequent terms, and a union of tokens. */
	readonly words: Uint32Array;
	readonly union: Uint32Array;
}

/**
 * How many frequent tokens keep their bit sets: two words per 32 documents each (46 KB at 100k
 * events), so at most some 12 MB there.
 */
const DENSE_SETS = 256;

/** The documents a query matches (`alive`, `count` of them, in document order) and what ranking them needs. */
interface Match {
	readonly terms: readonly string[];
	/** Token numbers each term stands for, in the order {@link SearchIndex.expand} lists them. */
	readonly expansions: readonly (readonly number[])[];
	readonly alive: Int32Array;
	readonly count: number;
	/** Per term of one rare token, where each match sits in its postings. */
	readonly at: readonly (Int32Array | undefined)[];
	/** Per term of one frequent token, its bit set. */
	readonly sets: readonly (DenseSet | undefined)[];
	/** The matches as a bit set, instead of `alive` (see `asBits`). */
	readonly bits?: Uint32Array;
}

/** What {@link SearchIndex.top} returns: the best `limit` documents and how many matched in all. */
export interface RankedHits {
	/** Documents best first (ties in document order). */
	readonly docs: number[];
	readonly scores: number[];
	readonly matched: (readonly string[])[];
	/** Every document that matched, including those past `limit`. */
	readonly total: number;
}

const NO_HITS: RankedHits = Object.freeze({ docs: [], scores: [], matched: [], total: 0 });

/** Past this share of the matches wanted, a full sort beats a bounded heap. */
const HEAP_FRACTION = 8;
