/**
 * Holds the live snapshot. A swap replaces the reference in one assignment: a request reads the
 * holder once and keeps that snapshot to the end, so it never sees a mix of two versions.
 */
import type { DatasetSnapshot } from './snapshot.js';

export class DatasetHolder {
	#current: DatasetSnapshot;

	constructor(initial: DatasetSnapshot) {
		this.#current = initial;
	}

	current(): DatasetSnapshot {
		return this.#current;
	}

	/** Installs `next` and returns the snapshot it replaced. */
	swap(next: DatasetSnapshot): DatasetSnapshot {
		const previous = this.#current;
		this.#current = next;
		return previous;
	}
}
