/**
 * The loader's id → number maps, off the JS heap. A load keeps one entry for every event, claim,
 * actor and source id of the dataset until it ends (to find repeated ids and check references); as
 * JS Maps with their id strings they were most of a million-event build's memory, with the
 * collector's headroom on top (figures in bench/README.md, "Peak memory, round four").
 *
 * Here an id is kept once, as its characters in a byte arena (one byte a character for ASCII, which
 * every valid id is; two for anything else), and found through an open-addressing hash table of
 * entry numbers in a typed array, every candidate compared with the id itself: no hash collision can
 * make two ids one. Entries are numbered in the order they are added; each carries a number (the
 * record number, for the loader), stored only when it differs from the entry's own number.
 */
import { Int32List } from './int-list.js';

/** Bytes of an arena chunk; an id never straddles two. */
const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
/** Chunks addressable by a 32-bit place (the last place, -1, marks an id kept as a string). */
const MAX_CHUNKS = 4095;
/**
 * Ids longer than this (only a broken dataset has them: a valid id is a slug of at most 80
 * characters) are kept as strings instead, so that an arena entry's length fits in two bytes.
 */
const MAX_ARENA_CHARS = 1024;
const AS_STRING = -1;

/** What a sink may ask of the loader's ids (see LoadIds in record-sink.ts). */
export interface IdLookup {
	/** How many distinct ids. */
	readonly size: number;
	/** The number given with `id`, or undefined when it was never added. */
	get(id: string): number | undefined;
	has(id: string): boolean;
	/** The `entry`th id added (0 ≤ entry < size). */
	idAt(entry: number): string;
}

export class IdIndex implements IdLookup {
	readonly #chunks: Uint8Array[] = [];
	/** The chunk being filled, and how much of it is. */
	#chunk = new Uint8Array(0);
	#used = 0;
	/** Per entry: where its id is (chunk × CHUNK + offset, as uint32), or AS_STRING. */
	readonly #place = new Int32List();
	readonly #strings = new Map<number, string>();
	/** Per entry, its number, once one differed from the entry's own (a broken dataset's). */
	#values: Int32List | undefined;
	/** Slots: entry + 1, or 0 when free; a power of two long, at most 60% full. */
	#table = new Int32Array(64);
	#size = 0;

	get size(): number {
		return this.#size;
	}

	get(id: string): number | undefined {
		const e = this.#table[this.#slot(id, hashOf(id))]!;
		return e === 0 ? undefined : this.#valueAt(e - 1);
	}

	has(id: string): boolean {
		return this.#table[this.#slot(id, hashOf(id))] !== 0;
	}

	/** Adds `id` with `value` and returns undefined; or, when `id` is already there, returns its number. */
	getOrAdd(id: string, value: number): number | undefined {
		const slot = this.#slot(id, hashOf(id));
		const e = this.#table[slot]!;
		if (e !== 0) return this.#valueAt(e - 1);
		const entry = this.#size++;
		this.#table[slot] = entry + 1;
		this.#place.push(this.#store(id, entry));
		if (this.#values === undefined && value !== entry) {
			this.#values = new Int32List();
			for (let i = 0; i < entry; i++) this.#values.push(i);
		}
		this.#values?.push(value);
		if (this.#size * 5 > this.#table.length * 3) this.#grow();
		return undefined;
	}

	idAt(entry: number): string {
		const place = this.#place.at(entry);
		if (place === AS_STRING) return this.#strings.get(entry)!;
		const { chunk, at, length, wide } = this.#locate(place);
		const codes = wide ? new Uint16Array(length) : chunk.subarray(at, at + length);
		if (wide) for (let i = 0; i < length; i++) codes[i] = chunk[at + 2 * i]! | (chunk[at + 2 * i + 1]! << 8);
		return String.fromCharCode(...codes);
	}

	/** Every id with its number, in the order added. */
	*entries(): IterableIterator<[string, number]> {
		for (let e = 0; e < this.#size; e++) yield [this.idAt(e), this.#valueAt(e)];
	}

	#valueAt(entry: number): number {
		return this.#values ? this.#values.at(entry) : entry;
	}

	/** The slot holding `id`, or the free slot where it would go. */
	#slot(id: string, hash: number): number {
		const table = this.#table;
		const mask = table.length - 1;
		for (let s = hash & mask; ; s = (s + 1) & mask) {
			const e = table[s]!;
			if (e === 0 || this.#equals(e - 1, id)) return s;
		}
	}

	#equals(entry: number, id: string): boolean {
		const place = this.#place.at(entry);
		if (place === AS_STRING) return this.#strings.get(entry) === id;
		const { chunk, at, length, wide } = this.#locate(place);
		if (length !== id.length) return false;
		// From the end: ids of one kind share their start ("event-", "claim-") and differ at the end.
		if (wide) {
			for (let i = length - 1; i >= 0; i--)
				if ((chunk[at + 2 * i]! | (chunk[at + 2 * i + 1]! << 8)) !== id.charCodeAt(i)) return false;
		} else {
			for (let i = length - 1; i >= 0; i--) if (chunk[at + i] !== id.charCodeAt(i)) return false;
		}
		return true;
	}

	/** An arena entry: a one- or two-byte header (length × 2 + wide), then the characters. */
	#locate(place: number): { chunk: Uint8Array; at: number; length: number; wide: boolean } {
		const chunk = this.#chunks[place >>> CHUNK_BITS]!;
		let at = place & (CHUNK - 1);
		let head = chunk[at++]!;
		if (head & 0x80) head = (head & 0x7f) | (chunk[at++]! << 7);
		return { chunk, at, length: head >>> 1, wide: (head & 1) === 1 };
	}

	/** Writes `id` into the arena; its place, or AS_STRING when it is kept as a string. */
	#store(id: string, entry: number): number {
		const length = id.length;
		let wide = false;
		for (let i = 0; i < length && !wide; i++) wide = id.charCodeAt(i) > 0x7f;
		const bytes = 2 + (wide ? 2 * length : length);
		if (length > MAX_ARENA_CHARS || !this.#room(bytes)) {
			this.#strings.set(entry, id);
			return AS_STRING;
		}
		const chunk = this.#chunk;
		const place = (this.#chunks.length - 1) * CHUNK + this.#used;
		let at = this.#used;
		const head = length * 2 + (wide ? 1 : 0);
		if (head < 0x80) chunk[at++] = head;
		else {
			chunk[at++] = (head & 0x7f) | 0x80;
			chunk[at++] = head >>> 7;
		}
		for (let i = 0; i < length; i++) {
			const c = id.charCodeAt(i);
			if (wide) {
				chunk[at++] = c & 0xff;
				chunk[at++] = c >>> 8;
			} else chunk[at++] = c;
		}
		this.#used = at;
		return place | 0;
	}

	/** Makes room for `bytes` in the chunk being filled: the first grows up to a chunk (small sets stay small), then new ones. */
	#room(bytes: number): boolean {
		if (this.#used + bytes <= this.#chunk.length) return true;
		if (this.#chunks.length === 1 && this.#chunk.length < CHUNK) {
			const grown = new Uint8Array(Math.min(CHUNK, Math.max(this.#chunk.length * 4, 4096)));
			grown.set(this.#chunk.subarray(0, this.#used));
			this.#chunk = this.#chunks[0] = grown;
			return this.#used + bytes <= grown.length;
		}
		if (this.#chunks.length >= MAX_CHUNKS) return false;
		this.#chunk = new Uint8Array(this.#chunks.length === 0 ? 4096 : CHUNK);
		this.#chunks.push(this.#chunk);
		this.#used = 0;
		return true;
	}

	/** Doubles the table; every entry's hash is worked out again from its id in the arena. */
	#grow(): void {
		const table = new Int32Array(this.#table.length * 2);
		const mask = table.length - 1;
		for (let e = 0; e < this.#size; e++) {
			let s = this.#hashAt(e) & mask;
			while (table[s] !== 0) s = (s + 1) & mask;
			table[s] = e + 1;
		}
		this.#table = table;
	}

	#hashAt(entry: number): number {
		const place = this.#place.at(entry);
		if (place === AS_STRING) return hashOf(this.#strings.get(entry)!);
		const { chunk, at, length, wide } = this.#locate(place);
		let h = FNV_OFFSET;
		for (let i = 0; i < length; i++)
			h = Math.imul(h ^ (wide ? chunk[at + 2 * i]! | (chunk[at + 2 * i + 1]! << 8) : chunk[at + i]!), FNV_PRIME);
		return mix(h);
	}
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units, then MurmurHash3's finaliser (linear probing wants every bit mixed). */
function hashOf(id: string): number {
	let h = FNV_OFFSET;
	for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), FNV_PRIME);
	return mix(h);
}

function mix(h: number): number {
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}
