/**
 * Building a {@link SearchIndex}: a tokenizer that indexes ASCII text without allocating, a token
 * table keyed by hashes computed while scanning, and the token stream laid out as CSR postings at
 * the end. The loader feeds it record by record (snapshot-tables.ts) or through a worker
 * (search-feed.ts, search-worker.mjs).
 */
import { searchIndexFromParts, type IndexedDoc, type SearchIndex, type SearchIndexParts } from './search-index.js';
import { codeUnitOrder, mergeSortSteps, runToEnd } from '../../../src/dataset/slices.js';
import { STOP_WORDS, tokenize } from '../../../src/dataset/text.js';

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

	/**
	 * Adds `key` to the current document as one token, untokenized and not counted in the document's
	 * length: the actor keys (see search-index.ts actorKey) by which a name in any script finds the actor's
	 * records. A key never equals a word: words are letters and digits only.
	 */
	addKey(key: string, weight: number): void {
		this.fieldWeight = weight;
		this.fieldOpen = false;
		this.token(this.table.findString(key), false);
	}

	/**
	 * {@link addField}, or {@link addKey} for an entry that {@link encodeKeyWeight} marked as a key:
	 * how the search feed and its worker pass both through one list of texts and weights.
	 */
	addEntry(text: string, weight: number): void {
		if (weight < 0) this.addKey(text, -1 - weight);
		else this.addField(text, weight);
	}

	add(doc: IndexedDoc): void {
		this.beginDoc();
		for (const f of doc.fields) this.addField(f.text, f.weight);
	}

	private token(id: number, counted = true): void {
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
		if (counted) this.lengths[this.doc]!++;
	}

	build(order?: ArrayLike<number>): SearchIndex {
		return runToEnd(this.buildSteps(order));
	}

	/**
	 * {@link build}, stopping every 64k tokens so a caller can yield between steps. `order` lists the
	 * documents in the order they are numbered in the index (document order by default).
	 */
	*buildSteps(order?: ArrayLike<number>): Generator<void, SearchIndex> {
		const parts = yield* this.partsSteps(order);
		return yield* searchIndexFromParts(parts);
	}

	/**
	 * The index as flat parts (what {@link SearchIndexParts} lists), stopping every 64k tokens. The
	 * parts cross a thread boundary cheaply: typed arrays and two lists of strings.
	 */
	*partsSteps(order?: ArrayLike<number>): Generator<void, SearchIndexParts> {
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
		const lengths = new Int32Array(nDocs);
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
		yield;
		const sorted = yield* mergeSortSteps(tokens, codeUnitOrder);
		return { tokens, sorted, offsets, docs, tf, lengths };
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

/** The weight under which an entry of a search feed is a key (see SearchIndexBuilder.addEntry): below zero. */
export function encodeKeyWeight(weight: number): number {
	return -1 - weight;
}

/** Indexes `docs` in one go; {@link SearchIndexBuilder} does the same a document at a time. */
export function indexDocs(docs: readonly IndexedDoc[]): SearchIndex {
	const b = new SearchIndexBuilder();
	for (const d of docs) b.add(d);
	return b.build();
}

/** A copy of `s` that shares no storage with a longer string. */
function flat(s: string): string {
	return s.length < 13 ? s : ` ${s}`.slice(1);
}
