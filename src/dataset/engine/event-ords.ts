/**
 * The events' ords (format.ts): rowids in date order. Worked out once every event is known, from
 * each event's first and last day and its id, by arrival number.
 */
import { ordOf } from './format.js';

/** The order of `a.localeCompare(b)` (the same default collator), made once rather than per comparison. */
const ID_ORDER = new Intl.Collator();

/**
 * Every event's ord by arrival number `n`: rank within its first day by last day, then id as the
 * in-heap engine compared them. `idOf(n)`: the id of event `n`, read only for events that tie on
 * both days.
 */
export function eventOrds(first: Int32Array, last: Int32Array, idOf: (n: number) => string): Float64Array {
	if (last.length !== first.length) throw new Error(`${first.length} first days for ${last.length} last days`);
	const order = Uint32Array.from({ length: first.length }, (_, i) => i);
	order.sort((a, b) => first[a]! - first[b]! || last[a]! - last[b]!);
	orderTiesById(order, first, last, idOf);
	const ords = new Float64Array(first.length);
	let rank = 0;
	for (let i = 0; i < order.length; i++) {
		const n = order[i]!;
		rank = i > 0 && first[order[i - 1]!] === first[n] ? rank + 1 : 0;
		ords[n] = ordOf(first[n]!, rank);
	}
	return ords;
}

/**
 * Sorts each run of events with the same first and last day (both sorts are stable: the same order
 * as one sort by days, then id) by id, each id read once.
 */
function orderTiesById(order: Uint32Array, first: Int32Array, last: Int32Array, idOf: (n: number) => string): void {
	for (let i = 0; i < order.length;) {
		const a = order[i]!;
		let j = i + 1;
		while (j < order.length && first[order[j]!] === first[a] && last[order[j]!] === last[a]) j++;
		if (j - i > 1) {
			const run = [...order.subarray(i, j)].map((n) => ({ n, id: idOf(n) }));
			run.sort((x, y) => ID_ORDER.compare(x.id, y.id));
			run.forEach((x, k) => (order[i + k] = x.n));
		}
		i = j;
	}
}
