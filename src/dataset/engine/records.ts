/**
 * Records made from a built file's JSON documents: parsed once, deep-frozen, and kept in a small
 * bounded cache so that a hot record (today's event, a well-known actor) is not parsed per command.
 * The cache is bounded by entries, not by the dataset: memory never grows with a million events.
 */

/** Freezes a parsed JSON value and everything in it (JSON has no cycles). */
export function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
		// Indexes and for…in rather than Object.values: no array is made for each object of a record.
		if (Array.isArray(value)) for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
		else for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
		Object.freeze(value);
	}
	return value;
}

/**
 * A bounded cache that keeps what is asked for again, in the manner of the 2Q algorithm (Johnson and
 * Shasha, VLDB 1994): a record read for the first time goes into a small first-in-first-out `recent`
 * list; when it falls out of that, only its key is remembered (`ghosts`), and a record read again
 * while its key is remembered goes into the main list, least recently used first out.
 *
 * Why not one LRU list: a million events and a hundred thousand actors are mostly met once (a month's
 * timeline, a day's briefing), and an LRU list keeps every record it is given alive for thousands of
 * insertions. Each of those records then outlives V8's next young-generation collection, which copies
 * it (the pause grows with what survives) and promotes it to the old generation, where it dies later
 * and costs a full collection. Records met once now die within a few commands, while they are young;
 * what is asked for again (today's events, the actors in the news) still costs no statement.
 * A hit in `recent` serves the lines of the same answer that read a record again (a prefetched actor).
 */
export class RecordCache<K, V> {
	/** Records read again after their first stay: least recently used first. */
	readonly #main = new Map<K, V>();
	/** Records read once lately: oldest first. */
	readonly #recent = new Map<K, V>();
	/** Keys of records that fell out of `recent` lately (keys only: numbers or short ids). */
	readonly #ghosts = new Set<K>();
	/** How many records `recent` holds (the lines of two or three answers). */
	readonly recentCapacity: number;

	constructor(
		/** How many records the main list holds, and how many keys are remembered. */
		readonly capacity: number,
		recentCapacity = Math.max(1, capacity >> 4),
	) {
		this.recentCapacity = recentCapacity;
	}

	get(key: K): V | undefined {
		const v = this.#main.get(key);
		if (v !== undefined) {
			// A Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
			this.#main.delete(key);
			this.#main.set(key, v);
			return v;
		}
		return this.#recent.get(key);
	}

	set(key: K, value: V): void {
		if (this.#main.has(key) || this.#ghosts.delete(key)) {
			this.#main.delete(key);
			this.#main.set(key, value);
			if (this.#main.size > this.capacity) this.#main.delete(this.#main.keys().next().value as K);
			return;
		}
		this.#recent.delete(key);
		this.#recent.set(key, value);
		if (this.#recent.size > this.recentCapacity) {
			const old = this.#recent.keys().next().value as K;
			this.#recent.delete(old);
			this.#ghosts.add(old);
			if (this.#ghosts.size > this.capacity) this.#ghosts.delete(this.#ghosts.values().next().value as K);
		}
	}

	/** Records held (both lists). */
	get size(): number {
		return this.#main.size + this.#recent.size;
	}
}
