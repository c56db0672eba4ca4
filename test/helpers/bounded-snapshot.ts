/**
 * A snapshot that refuses whole-array reads: code meant to ask bounded queries (autocomplete, the
 * picture path, the feed) is run against it, and any read of `events`, `actors`, `sources` or
 * `claims`, any broad `timeline()` list, or any stream read past `maxStreamed` records fails the test.
 * The engine that keeps a million events off the heap has no such arrays to give.
 */
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';

const WHOLE = new Set(['events', 'actors', 'sources', 'claims', 'timeline', 'timelinePositions']);
const STREAMS = new Set(['eachEvent', 'eachActor', 'eachSource', 'eachClaim']);

export interface Bounded {
	readonly dataset: DatasetSnapshot;
	/** Records read from the streams so far. */
	streamed(): number;
}

/** `dataset` behind a guard; `maxStreamed` records may be read from its streams in all (default none). */
export function boundedSnapshot(dataset: DatasetSnapshot, maxStreamed = 0): Bounded {
	let streamed = 0;
	const proxy = new Proxy(dataset, {
		get(target, key, receiver) {
			if (typeof key === 'string' && WHOLE.has(key)) throw new Error(`bounded code read the whole ${key}`);
			const value: unknown = Reflect.get(target, key, target);
			if (typeof key === 'string' && STREAMS.has(key)) {
				return function* (): Generator<unknown> {
					for (const x of (value as () => Iterable<unknown>).call(target)) {
						if (++streamed > maxStreamed) throw new Error(`bounded code read more than ${maxStreamed} records of ${key}`);
						yield x;
					}
				};
			}
			// Methods run on the real snapshot, so its own reads of its arrays are not counted.
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value === target ? receiver : value;
		},
	});
	return { dataset: proxy, streamed: () => streamed };
}
