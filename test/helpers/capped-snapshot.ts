/**
 * A snapshot whose search and timeline pages come back capped, as the SQLite engine's do when it
 * stops counting: `total` raised to at least `cap` (a lower bound), `pages` from it, `capped: true`.
 * The records are the real ones underneath, so every answer is still drawn from the demo story.
 */
import type { DatasetSnapshot, SearchPage, TimelineFilter, TimelinePage } from '../../src/dataset/snapshot.js';

export function cappedSnapshot(dataset: DatasetSnapshot, cap = 1000): DatasetSnapshot {
	const timelinePage = (filter: TimelineFilter, page: number, perPage: number): TimelinePage => {
		const real = dataset.timelinePage(filter, page, perPage);
		if (real.total === 0) return real;
		const total = Math.max(cap, real.total);
		const pages = Math.ceil(total / perPage);
		// The page asked for, within the counted pages (the events are the real page's: past the real end, its last).
		return { ...real, total, pages, page: Math.min(page, pages), capped: true };
	};
	const searchPage = (query: string, limit: number): SearchPage => {
		const real = dataset.searchPage(query, limit);
		return real.total === 0 ? real : { ...real, total: Math.max(cap, real.total), capped: true };
	};
	return new Proxy(dataset, {
		get(target, key) {
			if (key === 'timelinePage') return timelinePage;
			if (key === 'searchPage') return searchPage;
			const value: unknown = Reflect.get(target, key, target);
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		},
	});
}
