/**
 * Holds the live snapshot. A swap replaces the reference in one assignment: a request reads the
 * holder once and keeps that snapshot to the end, so it never sees a mix of two versions.
 *
 * What it hands out is the visible view (visible-view.ts) of the loaded snapshot at the clock's
 * instant: drafts never, embargoed events from their instant on. The view is re-derived when a read
 * finds the next embargo has passed, so every reader sees an embargo lift at its time without a
 * reload, and listeners (alerts) hear of it.
 */
import type { DatasetSnapshot } from './snapshot.js';
import { visibleView } from './visible-view.js';

/** Told when an embargo lifts: the view before and after. Called after the read that noticed it. */
export type ReleaseListener = (next: DatasetSnapshot, previous: DatasetSnapshot) => void;

export class DatasetHolder {
	#loaded: DatasetSnapshot;
	#current: DatasetSnapshot;
	#nextRelease: number | null;
	readonly #clock: () => Date;
	readonly #listeners: ReleaseListener[] = [];

	/** `initial` is a loaded snapshot (drafts and embargoes included); `clock` decides what is visible. */
	constructor(initial: DatasetSnapshot, clock: () => Date = () => new Date()) {
		this.#clock = clock;
		this.#loaded = initial;
		const v = visibleView(initial, clock().getTime());
		this.#current = v.view;
		this.#nextRelease = v.nextRelease;
	}

	/** The visible view now. */
	current(): DatasetSnapshot {
		if (this.#nextRelease !== null && this.#clock().getTime() >= this.#nextRelease) this.#release();
		return this.#current;
	}

	/** The snapshot as loaded, drafts and embargoed events included: for editors' tools only (dry runs, previews). */
	loaded(): DatasetSnapshot {
		return this.#loaded;
	}

	/** When the next embargo lifts (ms since the epoch), or null. */
	nextRelease(): number | null {
		return this.#nextRelease;
	}

	/** Installs the loaded snapshot `next` and returns the view it replaced. */
	swap(next: DatasetSnapshot): DatasetSnapshot {
		const previous = this.#current;
		this.#loaded = next;
		const v = visibleView(next, this.#clock().getTime());
		this.#current = v.view;
		this.#nextRelease = v.nextRelease;
		return previous;
	}

	/** Calls `listener` each time an embargo lifts. Returns a function that stops it. */
	onRelease(listener: ReleaseListener): () => void {
		this.#listeners.push(listener);
		return () => {
			const i = this.#listeners.indexOf(listener);
			if (i >= 0) this.#listeners.splice(i, 1);
		};
	}

	#release(): void {
		const previous = this.#current;
		const v = visibleView(this.#loaded, this.#clock().getTime());
		this.#current = v.view;
		this.#nextRelease = v.nextRelease;
		if (v.view === previous) return;
		// After the read that noticed it: a listener's work never runs inside a command's read.
		for (const l of [...this.#listeners]) queueMicrotask(() => l(v.view, previous));
	}
}
