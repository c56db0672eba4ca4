/**
 * A small inverted index with BM25 ranking over folded tokens, and prefix matching so that
 * "detain" finds "detained". Built once per snapshot; queries cost a few postings lookups.
 *
 * Layout (why): at 100k events the index holds some 6 million postings. As one JS array of numbers
 * per token they took about 100 MB and a second of GC; here they sit in two typed arrays, grouped
 * by token (CSR: token → offsets[t]..offsets[t+1]), docs ascending within a token — 6 bytes a
 * posting. Queries score into dense scratch arrays reused between queries instead of a Map and a
 * Set per matching document.
 */
import { codeUnitOrder, mergeSortSteps, runToEnd } from './slices.js';
import { indexTokens, STOP_WORDS, tokenize } from './text.js';

export interface IndexedDoc {
	/** Fields with their weights; a title counts more than a summary. */
	readonly fields: readonly { readonly text: string; readonly weight: number }[];
}

export interface SearchHit {
	readonly doc: number;
	readonly score: number;
	/** Index tokens of the document that matched a query term. */
	readonly matched: readonly string[];
}

/** Token stream blocks: fixed size, so the stream grows without copying what it holds. */
const BLOCK_BITS = 20;
const BLOCK = 1 << BLOCK_BITS;
const EMPTY = new Int32Array(0);
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// eslint-disable-next-line no-control-regex -- any character past ASCII
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Token → number, as an open-addressing table keyed by an FNV hash computed while scanning: a word
 * of ASCII text is looked up without cutting it out of its text or lowercasing it, so indexing
 * allocates only for words it has not seen. The stop words come first, so "is it a stop word" is
 * "is its number below {@link stops}".
 */
class TokenTable {
	readonly keys: string[] = [];
	private readonly hashes: number[] = [];
	private slots = new Int32Array(1 << 12).fill(-1);
	readonly stops: number;

	constructor(stopWords: Iterable<string>) {
		for (const w of stopWords) this.findString(w);
		this.stops = this.keys.length;
	}

	/** The number of the word text[start, start + len), lowercased (ASCII only), with hash `h`. */
	findAscii(text: string, start: number, len: number, h: number): number {
		const mask = this.slots.length - 1;
		for (let at = h & mask; ; at = (at + 1) & mask) {
			const id = this.slots[at]!;
			if (id < 0) return this.insert(flat(text.slice(start, start + len).toLowerCase()), h, at);
			if (this.hashes[id] !== h) continue;
			const key = this.keys[id]!;
			if (key.length !== len) continue;
			let k = 0;
			while (k < len && key.charCodeAt(k) === lowerAscii(text.charCodeAt(start + k))) k++;
			if (k === len) return id;
		}
	}

	/** The number of an already folded word. */
	findString(word: string): number {
		const h = hashOf(word);
		const mask = this.slots.length - 1;
		for (let at = h & mask; ; at = (at + 1) & mask) {
			const id = this.slots[at]!;
			if (id < 0) return this.insert(flat(word), h, at);
			if (this.hashes[id] === h && this.keys[id] === word) return id;
		}
	}

	private insert(key: string, h: number, at: number): number {
		const id = this.keys.length;
		this.keys.push(key);
		this.hashes.push(h);
		this.slots[at] = id;
		if (this.keys.length * 2 > this.slots.length) {
			const slots = new Int32Array(this.slots.length * 2).fill(-1);
			const mask = slots.length - 1;
			for (let i = 0; i < this.keys.length; i++) {
				let p = this.hashes[i]! & mask;
				while (slots[p]! >= 0) p = (p + 1) & mask;
				slots[p] = i;
			}
			this.slots = slots;
		}
		return id;
	}
}

function lowerAscii(c: number): number {
	return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

function hashOf(word: string): number {
	let h = FNV_OFFSET;
	for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
	return h;
}

/**
 * Builds a {@link SearchIndex} one document at a time, so a caller can index records as it makes
 * them (while they are still in the CPU cache) and yield to the event loop in between. Documents
 * are numbered in the order they are begun; {@link buildSteps} can renumber them.
 */
export class SearchIndexBuilder {
	private readonly table = new TokenTable(STOP_WORDS);
	/** Documents containing each token (its postings count). */
	private df = new Int32Array(1024);
	/** Last document each token was seen in, to count it once per document. */
	private lastDoc = new Int32Array(1024).fill(-1);
	/** Every token number as met, with `-1 - w` before a field of weight slot w, document after document. */
	private readonly blocks: Int32Array[] = [];
	private size = 0;
	private readonly weights: number[] = [];
	private readonly lengths: number[] = [];
	/** Where each document's tokens start in the stream. */
	private readonly starts: number[] = [];
	private doc = -1;
	private postings = 0;
	private fieldWeight = 0;
	private fieldOpen = false;

	/** Starts the next document; returns its number. */
	beginDoc(): number {
		this.lengths.push(0);
		this.starts.push(this.size);
		return ++this.doc;
	}

	/**
	 * Adds one field of the current document. The tokens are those of indexTokens(text): folded
	 * words of letters and digits, without stop words and one-letter words. ASCII text (most of it)
	 * is scanned here, where folding is lowercasing and a word is [A-Za-z0-9]+; other text goes
	 * through indexTokens' own folding.
	 */
	addField(text: string, weight: number): void {
		this.fieldWeight = weight;
		this.fieldOpen = false;
		if (NON_ASCII.test(text)) {
			for (const t of tokenize(text)) if (t.length > 1) this.token(this.table.findString(t));
			return;
		}
		let len = 0;
		let start = 0;
		let h = FNV_OFFSET;
		for (let i = 0, n = text.length; i <= n; i++) {
			const c = i < n ? lowerAscii(text.charCodeAt(i)) : 0x20;
			if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) {
				if (len === 0) {
					start = i;
					h = FNV_OFFSET;
				}
				h = Math.imul(h ^ c, FNV_PRIME);
				len++;
			} else if (len > 0) {
				if (len > 1) this.token(this.table.findAscii(text, start, len, h));
				len = 0;
			}
		}
	}

	add(doc: IndexedDoc): void {
		this.beginDoc();
		for (const f of doc.fields) this.addField(f.text, f.weight);
	}

	private token(id: number): void {
		if (id < this.table.stops) return;
		if (!this.fieldOpen) {
			// A field's weight goes into the stream once, before its first token.
			let w = this.weights.indexOf(this.fieldWeight);
			if (w < 0) w = this.weights.push(this.fieldWeight) - 1;
			this.emit(-1 - w);
			this.fieldOpen = true;
		}
		if (id >= this.df.length) this.grow();
		if (this.lastDoc[id] !== this.doc) {
			this.lastDoc[id] = this.doc;
			this.df[id]!++;
			this.postings++;
		}
		this.emit(id);
		this.lengths[this.doc]!++;
	}

	build(order?: ArrayLike<number>): SearchIndex {
		return runToEnd(this.buildSteps(order));
	}

	/**
	 * {@link build}, stopping every 64k tokens so a caller can yield between steps. `order` lists the
	 * documents in the order they are numbered in the index (document order by default).
	 */
	*buildSteps(order?: ArrayLike<number>): Generator<void, SearchIndex> {
		const stops = this.table.stops;
		const nTokens = this.table.keys.length - stops;
		const nDocs = this.lengths.length;
		const offsets = new Uint32Array(nTokens + 1);
		for (let t = 0; t < nTokens; t++) offsets[t + 1] = offsets[t]! + this.df[t + stops]!;
		const docs = new Int32Array(this.postings);
		// A term's weight in a document is a sum of field weights: whole numbers in practice, which fit
		// 16 bits whenever (longest document × largest weight) does. Otherwise keep full doubles.
		const maxLen = this.lengths.reduce((a, b) => Math.max(a, b), 0);
		const maxW = this.weights.reduce((a, b) => Math.max(a, b), 0);
		const small = this.weights.every((w) => Number.isInteger(w) && w >= 0) && maxLen * maxW <= 0xffff;
		const tf: Uint16Array | Float64Array = small ? new Uint16Array(this.postings) : new Float64Array(this.postings);
		const fill = offsets.slice(0, nTokens);
		const slot = new Int32Array(nTokens);
		const seen = new Int32Array(nTokens).fill(-1);
		const lengths: number[] = new Array<number>(nDocs);
		let weight = 0;
		let work = 0;
		for (let doc = 0; doc < nDocs; doc++) {
			const from = order ? order[doc]! : doc;
			lengths[doc] = this.lengths[from]!;
			const end = from + 1 < nDocs ? this.starts[from + 1]! : this.size;
			for (let p = this.starts[from]!; p < end; p++) {
				const v = this.blocks[p >>> BLOCK_BITS]![p & (BLOCK - 1)]!;
				if (v < 0) {
					weight = this.weights[-1 - v]!;
					continue;
				}
				const t = v - stops;
				if (seen[t] === doc) tf[slot[t]!]! += weight;
				else {
					seen[t] = doc;
					const at = fill[t]!++;
					slot[t] = at;
					docs[at] = doc;
					tf[at] = weight;
				}
			}
			work += end - this.starts[from]!;
			if (work > 0xffff) {
				work = 0;
				yield;
			}
		}
		this.blocks.fill(EMPTY);
		const tokens = this.table.keys.slice(stops);
		const ids = new Map<string, number>();
		for (let t = 0; t < nTokens; t++) ids.set(tokens[t]!, t);
		yield;
		const sorted = yield* mergeSortSteps(tokens, codeUnitOrder);
		return new SearchIndex(ids, tokens, sorted, offsets, docs, tf, lengths);
	}

	private emit(v: number): void {
		const b = this.size >>> BLOCK_BITS;
		if (b === this.blocks.length) this.blocks.push(new Int32Array(BLOCK));
		this.blocks[b]![this.size & (BLOCK - 1)] = v;
		this.size++;
	}

	private grow(): void {
		const df = new Int32Array(this.df.length * 2);
		df.set(this.df);
		this.df = df;
		const last = new Int32Array(this.lastDoc.length * 2).fill(-1);
		last.set(this.lastDoc);
		this.lastDoc = last;
	}
}

export class SearchIndex {
	private readonly avgLength: number;
	/** Query scratch, sized to the document count on first use and reused (queries are synchronous). */
	private scratch?: { total: Float64Array; term: Float64Array; stage: Int32Array; slot: Int32Array; stamp: number };

	/** Indexes `docs` in one go; {@link SearchIndexBuilder} does the same a document at a time. */
	static of(docs: readonly IndexedDoc[]): SearchIndex {
		const b = new SearchIndexBuilder();
		for (const d of docs) b.add(d);
		return b.build();
	}

	constructor(
		private readonly ids: ReadonlyMap<string, number>,
		private readonly tokens: readonly string[],
		/** The tokens in code-unit order, for prefix expansion. */
		private readonly sortedTokens: readonly string[],
		private readonly offsets: Uint32Array,
		private readonly docs: Int32Array,
		private readonly tf: Uint16Array | Float64Array,
		private readonly lengths: readonly number[],
	) {
		let total = 0;
		for (const l of lengths) total += l;
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
	search(query: string, limit = Infinity): SearchHit[] {
		const r = this.rank(query, limit);
		return r.docs.map((doc, i) => ({ doc, score: r.scores[i]!, matched: r.matched[i]! }));
	}

	/** {@link search} as parallel lists, for callers that make their own result objects. */
	rank(query: string, limit = Infinity): { docs: number[]; scores: number[]; matched: (readonly string[])[] } {
		const found = this.run(query, true);
		if (!found) return { docs: [], scores: [], matched: [] };
		const { order, total, matched, slot } = found;
		const docs = limit < order.length ? order.slice(0, limit) : order;
		return { docs, scores: docs.map((d) => total[d]!), matched: docs.map((d) => matched[slot[d]!]!) };
	}

	/** The documents {@link search} would return, unranked and in document order: for filters that only ask which. */
	matchingDocs(query: string): number[] {
		return this.run(query, false)?.order ?? [];
	}

	/**
	 * The query, with the same arithmetic as the original Map-based version so that scores (and so
	 * the order of equal-looking results) are bit-for-bit the same: per term, the sum over its
	 * expansions in order; the total, the sum of the terms in query order.
	 */
	private run(query: string, rank: boolean): { order: number[]; total: Float64Array; matched: readonly (readonly string[])[]; slot: Int32Array } | undefined {
		const terms = [...new Set(indexTokens(query))];
		if (terms.length === 0) return undefined;
		const n = this.lengths.length;
		const s = this.scratchFor(n, terms.length);
		const base = s.stamp;
		s.stamp += terms.length + 1;
		const expansions = terms.map((t) => this.expand(t).map((tok) => this.ids.get(tok)!));
		// Pass 1: which documents match every term. stage[doc] = base + k once it matched k terms.
		const { stage } = s;
		const { docs, offsets } = this;
		const alive: number[] = [];
		for (let k = 0; k < terms.length; k++) {
			const last = k === terms.length - 1;
			let advanced = 0;
			for (const tok of expansions[k]!) {
				for (let p = offsets[tok]!, end = offsets[tok + 1]!; p < end; p++) {
					const doc = docs[p]!;
					const st = stage[doc]!;
					if (k === 0 ? st < base : st === base + k) {
						stage[doc] = base + k + 1;
						advanced++;
						if (last) alive.push(doc);
					}
				}
			}
			if (advanced === 0) return undefined;
		}
		if (alive.length > 1 && expansions[terms.length - 1]!.length > 1) alive.sort((a, b) => a - b);
		const { total, term: acc, slot } = s;
		if (!rank) return { order: alive, total, matched: [], slot };

		// Pass 2: scores and matched tokens of the survivors. A document's matched tokens are a path in a
		// small trie (token by token, in the order they are met), so documents that matched the same
		// tokens share one frozen list: the 50,000 matches of two common words hold a handful of lists.
		const done = base + terms.length;
		const lists = new MatchedLists(this.tokens.length);
		const at = new Int32Array(alive.length);
		for (let i = 0; i < alive.length; i++) slot[alive[i]!] = i;
		const tf = this.tf;
		const lengths = this.lengths;
		const avg = this.avgLength;
		for (let k = 0; k < terms.length; k++) {
			const term = terms[k]!;
			for (const tok of expansions[k]!) {
				const start = offsets[tok]!;
				const end = offsets[tok + 1]!;
				const df = end - start;
				const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
				const name = this.tokens[tok]!;
				const exact = name === term ? 1 : 0.6;
				for (let p = start; p < end; p++) {
					const doc = docs[p]!;
					if (stage[doc] !== done) continue;
					const f = tf[p]!;
					const len = lengths[doc]!;
					acc[doc]! += (exact * idf * (f * 2.2)) / (f + 1.2 * (0.25 + 0.75 * (len / avg)));
					const i = slot[doc]!;
					at[i] = lists.add(at[i]!, tok, name);
				}
			}
			for (const doc of alive) {
				total[doc] = k === 0 ? acc[doc]! : total[doc]! + acc[doc]!;
				acc[doc] = 0;
			}
		}
		// Best first, ties in document order (the survivors are in document order, and both sorts are stable).
		const order = alive.length > 256 ? byScoreDescending(alive, total) : alive.sort((a, b) => total[b]! - total[a]!);
		return { order, total, matched: Array.from(at, (node) => lists.list(node)), slot };
	}

	private scratchFor(n: number, terms: number): NonNullable<SearchIndex['scratch']> {
		let s = this.scratch;
		if (!s) s = this.scratch = { total: new Float64Array(n), term: new Float64Array(n), stage: new Int32Array(n), slot: new Int32Array(n), stamp: 1 };
		if (s.stamp + terms + 1 >= 0x7fffffff) {
			s.stage.fill(0);
			s.stamp = 1;
		}
		return s;
	}
}

/**
 * Lists of matched tokens as the nodes of a trie: node 0 is the empty list, and adding a token to a
 * node's list gives the node for the longer list — or the same node when the list has it already.
 */
class MatchedLists {
	private readonly lists: (readonly string[])[] = [Object.freeze([])];
	private readonly next = new Map<number, number>();

	constructor(private readonly tokens: number) {}

	add(node: number, token: number, name: string): number {
		const key = node * this.tokens + token;
		let child = this.next.get(key);
		if (child === undefined) {
			const list = this.lists[node]!;
			child = list.includes(name) ? node : this.lists.push(Object.freeze([...list, name])) - 1;
			this.next.set(key, child);
		}
		return child;
	}

	list(node: number): readonly string[] {
		return this.lists[node]!;
	}
}

/**
 * `docs` (in document order) sorted by score, highest first, stably: an LSD radix sort on the bits
 * of the scores, which for positive doubles order as the numbers do. For the 50,000 matches of two
 * common words at 100k events this takes a few milliseconds where a comparison sort takes tens.
 */
function byScoreDescending(docs: readonly number[], total: Float64Array): number[] {
	const n = docs.length;
	const f = new Float64Array(1);
	const bits = new Uint32Array(f.buffer);
	// Complemented, so that ascending order of the key is descending order of the score.
	const hi = new Uint32Array(n);
	const lo = new Uint32Array(n);
	for (let i = 0; i < n; i++) {
		f[0] = total[docs[i]!]!;
		lo[i] = ~bits[0]! >>> 0;
		hi[i] = ~bits[1]! >>> 0;
	}
	let idx = new Int32Array(n);
	for (let i = 0; i < n; i++) idx[i] = i;
	let tmp = new Int32Array(n);
	const count = new Int32Array(1 << 16);
	for (const [key, shift] of [[lo, 0], [lo, 16], [hi, 0], [hi, 16]] as const) {
		count.fill(0);
		for (let i = 0; i < n; i++) count[(key[i]! >>> shift) & 0xffff]!++;
		let sum = 0;
		for (let d = 0; d < count.length; d++) {
			const c = count[d]!;
			count[d] = sum;
			sum += c;
		}
		for (let i = 0; i < n; i++) {
			const j = idx[i]!;
			tmp[count[(key[j]! >>> shift) & 0xffff]!++] = j;
		}
		[idx, tmp] = [tmp, idx];
	}
	const out: number[] = new Array<number>(n);
	for (let i = 0; i < n; i++) out[i] = docs[idx[i]!]!;
	return out;
}

/** A copy of `s` that shares no storage with a longer string. */
function flat(s: string): string {
	return s.length < 13 ? s : (` ${s}`).slice(1);
}
