/**
 * Events by day of the year, for "on this day in earlier years". Built from the snapshot's flat
 * per-position day numbers (see EventPositions) without visiting the events: the events that span a
 * single day, bucketed by month and day in date order. A query then checks only its bucket's events
 * (day precision, not a range, an earlier year) — a few hundred at 100k events.
 */
import { civilFromDay } from '../../../src/dataset/partial-date.js';
import { runToEnd } from '../../../src/dataset/slices.js';

/** Positions of single-day events, grouped by month × 32 + day: `positions[starts[key]..starts[key + 1])`, ascending. */
export interface DayBuckets {
	readonly starts: Int32Array;
	readonly positions: Int32Array;
}

const KEYS = 13 * 32;

/** The buckets of events whose first and last day are the same day. */
export function dayBuckets(firstDay: Int32Array, lastDay: Int32Array): DayBuckets {
	return runToEnd(dayBucketSteps(firstDay, lastDay));
}

/** {@link dayBuckets}, stopping every 16,384 events (see slices.ts). */
export function* dayBucketSteps(firstDay: Int32Array, lastDay: Int32Array): Generator<void, DayBuckets> {
	const n = firstDay.length;
	const keys = new Int16Array(n).fill(-1);
	const starts = new Int32Array(KEYS + 1);
	// The day of the year changes only where the first day does: civilFromDay once per distinct day.
	let day = NaN;
	let key = -1;
	for (let p = 0; p < n; p++) {
		if ((p & 16383) === 16383) yield;
		if (firstDay[p] !== lastDay[p]) continue;
		if (firstDay[p] !== day) {
			day = firstDay[p]!;
			const c = civilFromDay(day);
			key = c.month * 32 + c.day;
		}
		keys[p] = key;
		starts[key + 1]!++;
	}
	for (let k = 0; k < KEYS; k++) starts[k + 1]! += starts[k]!;
	const fill = starts.slice(0, KEYS);
	const positions = new Int32Array(starts[KEYS]!);
	for (let p = 0; p < n; p++) if (keys[p]! >= 0) positions[fill[keys[p]!]!++] = p;
	return { starts, positions };
}

/** The positions in the bucket of `month`-`day`, ascending. */
export function bucketOf(buckets: DayBuckets, month: number, day: number): Int32Array {
	const key = month * 32 + day;
	if (key < 0 || key >= KEYS) return new Int32Array(0);
	return buckets.positions.subarray(buckets.starts[key]!, buckets.starts[key + 1]!);
}
