/**
 * Outlets as readers ask for them (`/source TASS`, `/source ТАСС`, `/source report-az`), and what in
 * the dataset cites each: its sources, the events that list them and the claims reported through them.
 */
import type { Outlet } from './model.js';
import type { DatasetSnapshot } from './snapshot.js';
import { closest, editDistance, fold } from './text.js';

export type OutletMatch =
	{ readonly kind: 'found'; readonly outlet: Outlet } | { readonly kind: 'none'; readonly suggestions: readonly Outlet[] };

/** What cites an outlet, in dataset order (events by date). */

function key(text: string): string {
	return fold(text)
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

/** Every way an outlet is written: its id, its name in each language, and its site's host ("tass com"). */
function keysOf(o: Outlet): string[] {
	const keys = [o.id, o.name, ...Object.values(o.names)];
	if (o.url) keys.push(new URL(o.url).hostname.replace(/^www\./u, ''));
	return keys.map(key).filter(Boolean);
}

/**
 * Resolves what a reader typed to an outlet: an id, a name in any language or script, its site, a
 * source id (its outlet), or a near-miss spelling; suggestions when nothing is close enough.
 */
export function resolveOutlet(dataset: DatasetSnapshot, query: string): OutletMatch {
	const raw = query.trim().slice(0, 200);
	const outlets = [...dataset.vocabulary.outlets.values()];
	const byId = dataset.outlet(raw.toLowerCase());
	if (byId) return { kind: 'found', outlet: byId };
	const viaSource = dataset.source(raw.toLowerCase());
	if (viaSource?.outlet !== undefined) {
		const o = dataset.outlet(viaSource.outlet);
		if (o) return { kind: 'found', outlet: o };
	}
	const k = key(raw);
	if (!k) return { kind: 'none', suggestions: [] };
	const exact = outlets.filter((o) => keysOf(o).includes(k));
	if (exact.length >= 1) return { kind: 'found', outlet: exact[0]! };
	// A near miss: the closest spelling within a quarter of the query's length.
	const max = Math.max(1, Math.floor(k.length / 4));
	let best: Outlet | undefined;
	let bestD = max + 1;
	for (const o of outlets) {
		for (const w of keysOf(o)) {
			const d = editDistance(k, w, bestD);
			if (d < bestD) {
				bestD = d;
				best = o;
			}
		}
	}
	if (best) return { kind: 'found', outlet: best };
	const names = new Map<string, Outlet>();
	for (const o of outlets) for (const n of [o.name, ...Object.values(o.names)]) names.set(n, o);
	const suggestions = [...new Set(closest(raw, names.keys(), 6).map((n) => names.get(n)!))].slice(0, 3);
	return { kind: 'none', suggestions };
}
