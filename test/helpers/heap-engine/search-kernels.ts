/**
 * The inner loops of SearchIndex queries, on typed arrays: bit sets of documents, galloping searches
 * in postings, BM25 parts, and the bounded heap and radix sort that put the best results first. Kept
 * apart from the index's logic so that each loop is a small function the JIT compiles on its own.
 */

/** A token's documents as bits (document d is bit d & 31 of word d >> 5), and the set bits before each word. */
export interface DenseSet {
	readonly bits: Uint32Array;
	readonly rank: Uint32Array;
	/** Where the token's postings start. */
	readonly start: number;
}

/** words &= bits. */
export function andInto(words: Uint32Array, bits: Uint32Array): void {
	for (let w = 0; w < words.length; w++) words[w]! &= bits[w]!;
}

/** words |= bits. */
export function orInto(words: Uint32Array, bits: Uint32Array): void {
	for (let w = 0; w < words.length; w++) words[w]! |= bits[w]!;
}

/** The documents whose bits are set, ascending, into `out`; returns how many. */
export function bitsOf(words: Uint32Array, out: Int32Array): number {
	let count = 0;
	for (let w = 0; w < words.length; w++) {
		let x = words[w]!;
		while (x !== 0) {
			const bit = x & -x;
			x ^= bit;
			out[count++] = (w << 5) + 31 - Math.clz32(bit);
		}
	}
	return count;
}

/** {@link scoreTerm} for a token kept as a bit set: a document's postings place is its rank among the set's bits. */
export function scoreDense(
	c: number,
	tf: Uint16Array | Float64Array,
	set: DenseSet,
	docs: Int32Array,
	count: number,
	norm: Float64Array,
	total: Float64Array,
	first: boolean,
): void {
	const { bits, rank, start } = set;
	for (let i = 0; i < count; i++) {
		const doc = docs[i]!;
		const w = doc >>> 5;
		const f = tf[start + rank[w]! + popcount(bits[w]! & ((1 << (doc & 31)) - 1))]!;
		const x = (c * (f * 2.2)) / (f + norm[doc]!);
		total[i] = first ? x : total[i]! + x;
	}
}

/**
 * Adds one term's BM25 part (a term of one token, whose postings place for each match is known) to
 * `total`, by place among the matches; `first` sets it instead.
 */
export function scoreTerm(
	c: number,
	tf: Uint16Array | Float64Array,
	pos: Int32Array,
	docs: Int32Array,
	count: number,
	norm: Float64Array,
	total: Float64Array,
	first: boolean,
): void {
	for (let i = 0; i < count; i++) {
		const f = tf[pos[i]!]!;
		const x = (c * (f * 2.2)) / (f + norm[docs[i]!]!);
		total[i] = first ? x : total[i]! + x;
	}
}

/** Set bits of a 32-bit word. */
export function popcount(x: number): number {
	x -= (x >>> 1) & 0x55555555;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * After a filter kept `kept` of `count` matches (keep[r] is where the r-th came from; keep[r] ≥ r),
 * moves each term's postings places along with them. Returns `kept`.
 */
export function compact(at: readonly (Int32Array | undefined)[], keep: Int32Array, count: number, kept: number): number {
	if (kept === count) return kept;
	for (const pos of at) if (pos) for (let r = 0; r < kept; r++) pos[r] = pos[keep[r]!]!;
	return kept;
}

/**
 * Whether looking `count` ascending documents up in a postings list of `length` (galloping from the
 * last place found) is cheaper than one pass over the list.
 */
export function seeks(count: number, length: number): boolean {
	return count * (2 * Math.log2(1 + length / count) + 2) < length;
}

/** The first index in docs[from, end) whose document is at least `doc` (end if none): a galloping search. */
export function seek(docs: Int32Array, from: number, end: number, doc: number): number {
	let lo = from;
	let hi = from;
	let step = 1;
	while (hi < end && docs[hi]! < doc) {
		lo = hi + 1;
		hi += step;
		step <<= 1;
	}
	if (hi > end) hi = end;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (docs[mid]! < doc) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * The places 0..count-1 of the best `k` scores, best first, ties by place: what a stable sort by
 * score would put first, with a heap of `k` instead of a sort of all. The heap's root is the worst
 * kept: the lowest score, and of equal scores the latest place.
 */
export function bestOf(count: number, score: Float64Array, k: number): number[] {
	if (k === 0) return [];
	const heap: number[] = [];
	// Whether place a ranks below place b.
	const worse = (a: number, b: number): boolean => score[a]! < score[b]! || (score[a] === score[b] && a > b);
	for (let i = 0; i < count; i++) {
		if (heap.length < k) {
			let at = heap.push(i) - 1;
			while (at > 0) {
				const parent = (at - 1) >> 1;
				if (!worse(heap[at]!, heap[parent]!)) break;
				[heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
				at = parent;
			}
			continue;
		}
		// A later place with the same score as the worst kept ranks below it too.
		if (score[i]! <= score[heap[0]!]!) continue;
		heap[0] = i;
		let at = 0;
		for (;;) {
			const l = 2 * at + 1;
			const r = l + 1;
			let w = at;
			if (l < heap.length && worse(heap[l]!, heap[w]!)) w = l;
			if (r < heap.length && worse(heap[r]!, heap[w]!)) w = r;
			if (w === at) break;
			[heap[at], heap[w]] = [heap[w]!, heap[at]!];
			at = w;
		}
	}
	return heap.sort((a, b) => score[b]! - score[a]! || a - b);
}

/**
 * {@link bestOf} for a query of frequent one-token terms, straight from the AND of their bit sets:
 * each match's score is made (with {@link scoreDense}'s arithmetic, term by term in query order) as
 * its bit is met, and kept if it beats the worst of the best `k` so far. One and two terms (most
 * queries) have loops of their own: a loop over the terms inside the loop over the matches costs
 * twice as much.
 */
export function bestOfBits(
	words: Uint32Array,
	sets: readonly DenseSet[],
	c: Float64Array,
	tf: Uint16Array | Float64Array,
	norm: Float64Array,
	k: number,
): { docs: number[]; scores: number[] } {
	const top = new TopK(k);
	if (k > 0) {
		if (sets.length === 1) scanOne(words, sets[0]!, c[0]!, tf, norm, top);
		else if (sets.length === 2) scanTwo(words, sets[0]!, sets[1]!, c[0]!, c[1]!, tf, norm, top);
		else scanMany(words, sets, c, tf, norm, top);
	}
	return top.sorted();
}

function scanOne(words: Uint32Array, a: DenseSet, ca: number, tf: Uint16Array | Float64Array, norm: Float64Array, top: TopK): void {
	const { bits, rank, start } = a;
	for (let w = 0; w < words.length; w++) {
		let x = words[w]!;
		if (x === 0) continue;
		const base = start + rank[w]!;
		const word = bits[w]!;
		while (x !== 0) {
			const bit = x & -x;
			x ^= bit;
			const doc = (w << 5) + 31 - Math.clz32(bit);
			const f = tf[base + popcount(word & (bit - 1))]!;
			const total = (ca * (f * 2.2)) / (f + norm[doc]!);
			if (top.full && total <= top.min) continue;
			top.offer(total, doc);
		}
	}
}

function scanTwo(
	words: Uint32Array,
	a: DenseSet,
	b: DenseSet,
	ca: number,
	cb: number,
	tf: Uint16Array | Float64Array,
	norm: Float64Array,
	top: TopK,
): void {
	for (let w = 0; w < words.length; w++) {
		let x = words[w]!;
		if (x === 0) continue;
		const baseA = a.start + a.rank[w]!;
		const wordA = a.bits[w]!;
		const baseB = b.start + b.rank[w]!;
		const wordB = b.bits[w]!;
		while (x !== 0) {
			const bit = x & -x;
			x ^= bit;
			const doc = (w << 5) + 31 - Math.clz32(bit);
			const below = bit - 1;
			const len = norm[doc]!;
			const fa = tf[baseA + popcount(wordA & below)]!;
			const fb = tf[baseB + popcount(wordB & below)]!;
			const total = (ca * (fa * 2.2)) / (fa + len) + (cb * (fb * 2.2)) / (fb + len);
			if (top.full && total <= top.min) continue;
			top.offer(total, doc);
		}
	}
}

function scanMany(
	words: Uint32Array,
	sets: readonly DenseSet[],
	c: Float64Array,
	tf: Uint16Array | Float64Array,
	norm: Float64Array,
	top: TopK,
): void {
	const terms = sets.length;
	const base = new Int32Array(terms);
	const word = new Int32Array(terms);
	for (let w = 0; w < words.length; w++) {
		let x = words[w]!;
		if (x === 0) continue;
		for (let t = 0; t < terms; t++) {
			const set = sets[t]!;
			base[t] = set.start + set.rank[w]!;
			word[t] = set.bits[w]!;
		}
		while (x !== 0) {
			const bit = x & -x;
			x ^= bit;
			const doc = (w << 5) + 31 - Math.clz32(bit);
			const below = bit - 1;
			const len = norm[doc]!;
			let total = 0;
			for (let t = 0; t < terms; t++) {
				const f = tf[base[t]! + popcount(word[t]! & below)]!;
				const v = (c[t]! * (f * 2.2)) / (f + len);
				total = t === 0 ? v : total + v;
			}
			if (top.full && total <= top.min) continue;
			top.offer(total, doc);
		}
	}
}

/**
 * The best `k` (score, document) pairs offered in document order: a heap whose root is the worst
 * kept — the lowest score, and of equal scores the latest document, since a stable sort by score
 * puts the earlier one first. Once full, a pair whose score is not above `min` ranks below all kept.
 */
class TopK {
	private readonly scores: Float64Array;
	private readonly docs: Int32Array;
	private size = 0;
	full = false;
	min = -Infinity;

	constructor(private readonly k: number) {
		this.scores = new Float64Array(k);
		this.docs = new Int32Array(k);
	}

	offer(score: number, doc: number): void {
		const { scores: hs, docs: hd } = this;
		if (this.size < this.k) {
			let at = this.size++;
			hs[at] = score;
			hd[at] = doc;
			while (at > 0) {
				const parent = (at - 1) >> 1;
				if (!this.worse(at, parent)) break;
				this.swap(at, parent);
				at = parent;
			}
			this.full = this.size === this.k;
		} else {
			hs[0] = score;
			hd[0] = doc;
			for (let at = 0; ;) {
				const l = 2 * at + 1;
				const r = l + 1;
				let m = at;
				if (l < this.size && this.worse(l, m)) m = l;
				if (r < this.size && this.worse(r, m)) m = r;
				if (m === at) break;
				this.swap(at, m);
				at = m;
			}
		}
		if (this.full) this.min = hs[0]!;
	}

	/** Best first; ties by document. */
	sorted(): { docs: number[]; scores: number[] } {
		const { scores: hs, docs: hd } = this;
		const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => hs[b]! - hs[a]! || hd[a]! - hd[b]!);
		return { docs: order.map((i) => hd[i]!), scores: order.map((i) => hs[i]!) };
	}

	private worse(a: number, b: number): boolean {
		const { scores: hs, docs: hd } = this;
		return hs[a]! < hs[b]! || (hs[a] === hs[b] && hd[a]! > hd[b]!);
	}

	private swap(a: number, b: number): void {
		const { scores: hs, docs: hd } = this;
		const s = hs[a]!;
		hs[a] = hs[b]!;
		hs[b] = s;
		const d = hd[a]!;
		hd[a] = hd[b]!;
		hd[b] = d;
	}
}

/**
 * Lists of matched tokens as the nodes of a trie: node 0 is the empty list, and adding a token to a
 * node's list gives the node for the longer list — or the same node when the list has it already.
 */
export class MatchedLists {
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
 * The places 0..count-1 sorted by score, highest first, stably, the first `k` of them: an LSD radix
 * sort on the bits of the scores, which for positive doubles order as the numbers do (small counts
 * use a comparison sort). For the 40,000 matches of two common words at 100k events this takes a
 * few milliseconds where a comparison sort takes tens.
 */
export function byScoreDescending(count: number, score: Float64Array, k: number): number[] {
	if (count <= 256) {
		const places = Array.from({ length: count }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
		places.length = k;
		return places;
	}
	const n = count;
	const f = new Float64Array(1);
	const bits = new Uint32Array(f.buffer);
	// Complemented, so that ascending order of the key is descending order of the score.
	const hi = new Uint32Array(n);
	const lo = new Uint32Array(n);
	for (let i = 0; i < n; i++) {
		f[0] = score[i]!;
		lo[i] = ~bits[0]! >>> 0;
		hi[i] = ~bits[1]! >>> 0;
	}
	let idx = new Int32Array(n);
	for (let i = 0; i < n; i++) idx[i] = i;
	let tmp = new Int32Array(n);
	const counts = new Int32Array(1 << 16);
	for (const [key, shift] of [
		[lo, 0],
		[lo, 16],
		[hi, 0],
		[hi, 16],
	] as const) {
		counts.fill(0);
		for (let i = 0; i < n; i++) counts[(key[i]! >>> shift) & 0xffff]!++;
		let sum = 0;
		for (let d = 0; d < counts.length; d++) {
			const c = counts[d]!;
			counts[d] = sum;
			sum += c;
		}
		for (let i = 0; i < n; i++) {
			const j = idx[i]!;
			tmp[counts[(key[j]! >>> shift) & 0xffff]!++] = j;
		}
		[idx, tmp] = [tmp, idx];
	}
	return Array.from(idx.subarray(0, k));
}
