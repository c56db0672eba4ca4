/**
 * Records made from a built file's JSON documents: parsed once, deep-frozen, and kept in a small
 * bounded cache so that a hot record (today's event, a well-known actor) is not parsed per command.
 * The cache is bounded by entries, not by the dataset: memory never grows with a million events.
 */

/** Freezes a parsed JSON value and everything in it (JSON has no cycles). */
export function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
		for (const v of Object.values(value)) deepFreeze(v);
		Object.freeze(value);
	}
	return value;
}

/**
 * A least-recently-used cache. A Map keeps insertion order, so re-inserting on a hit makes the
 * first key the least recently used one.
 */
export class RecordCache<K, V> {
	readonly #map = new Map<K, V>();

	constructor(readonly capacity: number) {}

	get(key: K): V | undefined {
		const v = this.#map.get(key);
		if (v !== undefined) {
			this.#map.delete(key);
			this.#map.set(key, v);
		}
		return v;
	}

	set(key: K, value: V): void {
		this.#map.delete(key);
		this.#map.set(key, value);
		if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value as K);
	}

	get size(): number {
		return this.#map.size;
	}
}
