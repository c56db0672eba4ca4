/**
 * A growing list of 32-bit integers in a typed array. The loader keeps a few numbers for every
 * record and reference of a dataset (where it is, which record it belongs to) until the load ends;
 * at a million events those lists are millions long, and a JS number[] takes 8 bytes an item in the
 * heap (more while it grows), where this takes 4 outside it.
 */
export class Int32List {
	#items = new Int32Array(256);
	#length = 0;

	get length(): number {
		return this.#length;
	}

	push(value: number): void {
		if (this.#length === this.#items.length) {
			const grown = new Int32Array(this.#items.length * 2);
			grown.set(this.#items);
			this.#items = grown;
		}
		this.#items[this.#length++] = value;
	}

	/** The item at `i` (0 ≤ i < length). */
	at(i: number): number {
		return this.#items[i]!;
	}

	/** The items, as a view (not a copy): valid until the next push. */
	view(): Int32Array {
		return this.#items.subarray(0, this.#length);
	}
}
