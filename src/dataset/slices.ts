/**
 * Long work in short slices. Loading 100k events takes seconds of CPU; a reload does it while the
 * bot keeps answering, so the loader gives the event loop a turn every few milliseconds instead of
 * holding it for the whole load. Work that would be one long synchronous call (sorting, building
 * tables and the search index) is written as generators that stop every few hundred items; a
 * {@link Slicer} runs them with yields, {@link runToEnd} without.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Yields to the event loop (a macrotask turn, so timers and I/O run) once `sliceMs` have passed. */
export class Slicer {
	private last = performance.now();

	constructor(private readonly sliceMs = 5) {}

	/** Cheap when the slice has time left: one clock read. */
	async maybeYield(): Promise<void> {
		if (performance.now() - this.last < this.sliceMs) return;
		await nextTurn();
		this.last = performance.now();
	}

	/**
	 * Runs a stepwise generator to its end, yielding between steps when the slice is used up. A step
	 * may hand over a promise (work done elsewhere, e.g. in a worker): it is awaited before the next.
	 */
	async run<T>(gen: Generator<void | Promise<unknown>, T>): Promise<T> {
		for (;;) {
			const r = gen.next();
			if (r.done) return r.value;
			if (r.value) {
				await r.value;
				this.last = performance.now();
			} else if (performance.now() - this.last >= this.sliceMs) await this.maybeYield();
		}
	}
}

/** Runs a stepwise generator to its end, without stopping. It must not hand over promises (see Slicer.run). */
export function runToEnd<T>(gen: Generator<void | Promise<unknown>, T>): T {
	for (;;) {
		const r = gen.next();
		if (r.done) return r.value;
		if (r.value) throw new Error('a step handed over a promise: run this generator with Slicer.run');
	}
}

/**
 * A stable merge sort that stops between runs and every few thousand merged items. Array sort is
 * stable and so is the merge, so the result is exactly `[...items].sort(cmp)`.
 */
export function* mergeSortSteps<T>(items: readonly T[], cmp: (a: T, b: T) => number): Generator<void, T[]> {
	const RUN = 1024;
	let a: T[] = [];
	for (let i = 0; i < items.length; i += RUN) {
		for (const x of items.slice(i, i + RUN).sort(cmp)) a.push(x);
		yield;
	}
	let b: T[] = new Array<T>(a.length);
	for (let width = RUN; width < a.length; width *= 2) {
		for (let lo = 0; lo < a.length; lo += 2 * width) {
			const mid = Math.min(lo + width, a.length);
			const hi = Math.min(lo + 2 * width, a.length);
			let i = lo;
			let j = mid;
			let k = lo;
			while (i < mid && j < hi) {
				b[k++] = cmp(a[i]!, a[j]!) <= 0 ? a[i++]! : a[j++]!;
				if ((k & 4095) === 0) yield;
			}
			while (i < mid) b[k++] = a[i++]!;
			while (j < hi) b[k++] = a[j++]!;
		}
		[a, b] = [b, a];
		yield;
	}
	return a;
}

/** The order of the default Array.prototype.sort for strings (UTF-16 code units). */
export function codeUnitOrder(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
