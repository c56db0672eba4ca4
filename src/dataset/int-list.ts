/**
 * A growing list of 32-bit integers in typed arrays. The loader keeps a few numbers for every
 * record and reference of a dataset (where it is, which record it belongs to) until the load ends;
 * at a million events those lists are millions long, and a JS number[] takes 8 bytes an item in the
 * heap (more while it grows), where this takes 4 outside it.
 *
 * The items are kept in chunks of a fixed size: a list that grows never copies what it holds, so
 * it never needs its old and its new storage at once (a list that doubles does, at its largest),
 * and it holds at most one chunk more than its items.
 */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

export class Int32List {
	readonly #chunks: Int32Array[] = [];
	/** The last chunk, which takes the next items: small while the list is (many lists stay short). */
	#tail = new Int32Array(64);
	#length = 0;

	get length(): number {
		return this.#length;
	}

	push(value: number): void {
		const i = this.#length & MASK;
		if (i === this.#tail.length) {
			// The first chunk grows up to full size (i < CHUNK here); later chunks start full.
			const grown = new Int32Array(Math.min(CHUNK, i * 4));
			grown.set(this.#tail);
			this.#tail = grown;
			this.#chunks[this.#chunks.length - 1] = grown;
		} else if (i === 0) {
			this.#tail = this.#length === 0 ? this.#tail : new Int32Array(CHUNK);
			this.#chunks.push(this.#tail);
		}
		this.#tail[i] = value;
		this.#length++;
	}

	/** The item at `i` (0 ≤ i < length). */
	at(i: number): number {
		return this.#chunks[i >>> CHUNK_BITS]![i & MASK]!;
	}

	/**
	 * The items in one array: a view when they fit in one chunk, else a copy. Valid until the next
	 * push either way.
	 */
	view(): Int32Array {
		if (this.#chunks.length <= 1) return this.#tail.subarray(0, this.#length);
		const out = new Int32Array(this.#length);
		this.#chunks.forEach((c, k) =>
			out.set(k === this.#chunks.length - 1 ? c.subarray(0, ((this.#length - 1) & MASK) + 1) : c, k * CHUNK),
		);
		return out;
	}
}

/**
 * A growing list of bytes in chunks, written at its end and read from any place: a stream of
 * variable-length numbers ({@link ByteList.pushNumber}), for lists whose items are mostly small.
 */
export class ByteList {
	readonly #chunks: Uint8Array[] = [];
	#tail = new Uint8Array(0);
	#length = 0;

	get length(): number {
		return this.#length;
	}

	push(byte: number): void {
		const i = this.#length & MASK;
		if (i === 0 && (this.#length > 0 || this.#chunks.length === 0)) {
			this.#tail = new Uint8Array(this.#length === 0 ? 256 : CHUNK);
			this.#chunks.push(this.#tail);
		} else if (i === this.#tail.length) {
			// The first chunk grows up to full size; later chunks start full.
			const grown = new Uint8Array(Math.min(CHUNK, i * 4));
			grown.set(this.#tail);
			this.#tail = this.#chunks[0] = grown;
		}
		this.#tail[i] = byte;
		this.#length++;
	}

	at(i: number): number {
		return this.#chunks[i >>> CHUNK_BITS]![i & MASK]!;
	}

	/** A non-negative integer (up to 2⁵³) in 7-bit groups, low first: one byte below 128. */
	pushNumber(value: number): void {
		while (value >= 0x80) {
			this.push((value % 0x80) | 0x80);
			value = Math.floor(value / 0x80);
		}
		this.push(value);
	}

	/** The number written at `place` by pushNumber, and the place after it. */
	numberAt(place: number): { value: number; next: number } {
		let value = 0;
		let scale = 1;
		for (;;) {
			const b = this.at(place++);
			value += (b & 0x7f) * scale;
			if (b < 0x80) return { value, next: place };
			scale *= 0x80;
		}
	}
}
