/**
 * Sorted lists of event positions (date order, see EventPositions): binary searches over them, and
 * the events of each status as such a list, made on first use per snapshot.
 */
import { runToEnd } from '../../../src/dataset/slices.js';

/** The first index of `list` (sorted so that `pred` is false, then true) where `pred` holds; the length if nowhere. */
export function lowerBound(list: ArrayLike<number>, pred: (x: number) => boolean): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (pred(list[mid]!)) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/** Whether the ascending `list` holds `x`. */
export function includesSorted(list: ArrayLike<number>, x: number): boolean {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		const v = list[mid]!;
		if (v === x) return true;
		if (v < x) lo = mid + 1;
		else hi = mid;
	}
	return false;
}

/** Whether every one of the ascending `lists` holds `x` (a loop, not a closure per call: it runs per candidate). */
export function inAll(lists: readonly ArrayLike<number>[], x: number): boolean {
	for (let i = 0; i < lists.length; i++) if (!includesSorted(lists[i]!, x)) return false;
	return true;
}

const byStatus = new WeakMap<Uint8Array, readonly Int32Array[]>();

/**
 * Positions of the events of each status code, ascending, from the snapshot's per-position status
 * codes (EventPositions.status). Made on the first call for those codes — one pass over a byte per
 * event — and kept as long as they are.
 */
export function statusPositions(status: Uint8Array): readonly Int32Array[] {
	return byStatus.get(status) ?? runToEnd(statusPositionSteps(status));
}

/** {@link statusPositions}, stopping every 32,768 events (see slices.ts); nothing to do when they are made. */
export function* statusPositionSteps(status: Uint8Array): Generator<void, readonly Int32Array[]> {
	const known = byStatus.get(status);
	if (known) return known;
	// Codes are bytes: a counter each, in a typed array (an array with holes up to 255 is slow).
	const counts = new Int32Array(256);
	for (let p = 0; p < status.length; p++) counts[status[p]!]!++;
	let codes = 0;
	for (let c = 0; c < 256; c++) if (counts[c]! > 0) codes = c + 1;
	yield;
	const lists = Array.from({ length: codes }, (_, c) => new Int32Array(counts[c]!));
	const fill = new Int32Array(codes);
	for (let p = 0; p < status.length; p++) {
		if ((p & 32767) === 32767) yield;
		const code = status[p]!;
		lists[code]![fill[code]!++] = p;
	}
	byStatus.set(status, lists);
	return lists;
}
