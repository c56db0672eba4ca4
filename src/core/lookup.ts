/**
 * Bounded lookups for what a reader half-typed or mistyped: autocomplete, "did you mean" and the
 * ends of the timeline. Each asks the snapshot a few queries with a limit (an id, a search, the
 * timeline's tail) and never walks every event or actor, so a keystroke costs the same at a million
 * events as at a hundred; the price is that a hint may miss a record no bounded query reaches (the
 * command still re-validates whatever value arrives).
 */
import type { Actor, StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot, DerivedIndex } from '../dataset/snapshot.js';
import { closest } from '../dataset/text.js';

/**
 * A day after any event's first day: "the end of the timeline" for {@link DatasetSnapshot.lastStartingBy}.
 * Day numbers of the dataset's dates (years up to 9999) stay below three million.
 */
export const AFTER_EVERY_DAY = 9_999_999;

/** Results asked of one search for hints. */
const SEARCH_LIMIT = 40;
/** Words of what was typed searched one by one (a mistyped word makes a search of all of them find nothing). */
const MAX_WORDS = 4;
/** Recent events whose actors stand for "who is in the news" when nothing is typed yet. */
const RECENT_EVENTS = 200;

/** The first and the last event in date order, when there is any: two single-record queries. */
export function timelineEnds(dataset: DatasetSnapshot): { first: StoryEvent; last: StoryEvent } | undefined {
	const first = dataset.eachEvent().next();
	if (first.done) return undefined;
	const last = dataset.lastStartingBy(AFTER_EVERY_DAY, 1)[0] ?? first.value;
	return { first: first.value, last };
}

/** The latest `count` events, latest first. */
export function latestEvents(dataset: DatasetSnapshot, count: number): StoryEvent[] {
	return dataset.lastStartingBy(AFTER_EVERY_DAY, count).reverse();
}

/** Words of `typed` worth a search of their own: letters and digits, three or more, each once. */
function wordsOf(typed: string): string[] {
	const words = typed
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter((w) => [...w].length >= 3);
	return [...new Set(words)].slice(0, MAX_WORDS);
}

/**
 * Events a reader may mean by `typed` (an id, part of one, or words of a title): the event of that
 * id, then the events found by searching the whole text and each of its words; those whose id
 * begins with the text first, then those whose id holds it, then the rest in search order. At most
 * `1 + SEARCH_LIMIT × (1 + MAX_WORDS)` events, each once.
 */
export function eventCandidates(dataset: DatasetSnapshot, typed: string): StoryEvent[] {
	const q = typed.trim().toLowerCase();
	if (!q) return [];
	const found = new Map<string, StoryEvent>();
	const exact = dataset.event(q);
	if (exact) found.set(exact.id, exact);
	// Ids that begin with what was typed, in id order, from the id index (a search knows no ids).
	for (const e of dataset.eventsWithIdPrefix(q, SEARCH_LIMIT)) if (!found.has(e.id)) found.set(e.id, e);
	const words = wordsOf(q);
	for (const text of [q, ...(words.length > 1 || words[0] !== q ? words : [])]) {
		for (const r of dataset.searchPage(text, SEARCH_LIMIT).results) {
			const e = r.kind === 'event' ? r.event : r.kind === 'claim' ? dataset.event(r.claim.eventId) : undefined;
			if (e && !found.has(e.id)) found.set(e.id, e);
		}
	}
	const rankOf = (e: StoryEvent): number => (e === exact ? 0 : e.id.startsWith(q) ? 1 : e.id.includes(q) ? 2 : 3);
	// Array.prototype.sort is stable: within a rank, search order stays.
	return [...found.values()].sort((a, b) => rankOf(a) - rankOf(b));
}

/**
 * Actors a reader may mean by `typed`, best first: what the resolver makes of it (the actor, or the
 * actors it could be: the first `resolved` of the list), the actors a search finds by their names
 * in any script, and, when the resolver found nothing, its near-miss suggestions. Each once.
 */
export function actorCandidates(dataset: DatasetSnapshot, typed: string): { readonly actors: Actor[]; readonly resolved: number } {
	const found = new Map<string, Actor>();
	const add = (a: Actor): void => {
		if (!found.has(a.id)) found.set(a.id, a);
	};
	const resolved = dataset.resolveActor(typed);
	if (resolved.kind === 'found') add(resolved.actor);
	if (resolved.kind === 'ambiguous') resolved.candidates.forEach(add);
	const named = found.size;
	for (const r of dataset.searchPage(typed, SEARCH_LIMIT).results) if (r.kind === 'actor') add(r.actor);
	if (resolved.kind === 'none') resolved.suggestions.forEach(add);
	return { actors: [...found.values()], resolved: named };
}

/** The actors of a snapshot's latest events, most often named first: kept by the snapshot. */
const ACTORS_IN_THE_NEWS: DerivedIndex<readonly Actor[]> = {
	name: 'actorsInTheNews',
	make(dataset) {
		const counts = new Map<string, number>();
		for (const e of latestEvents(dataset, RECENT_EVENTS))
			for (const id of new Set(e.actors.map((a) => a.actorId))) counts.set(id, (counts.get(id) ?? 0) + 1);
		return [...counts]
			.flatMap(([id, n]) => {
				const actor = dataset.actor(id);
				return actor ? [{ actor, n }] : [];
			})
			.sort((a, b) => b.n - a.n || a.actor.name.localeCompare(b.actor.name))
			.map((x) => x.actor);
	},
};

/**
 * The actors of the latest events, most often named first (then by name): who is in the news, as
 * the suggestions before anything is typed. Made once per snapshot from its last few hundred events.
 */
export function actorsInTheNews(dataset: DatasetSnapshot): readonly Actor[] {
	return dataset.derived(ACTORS_IN_THE_NEWS);
}

/**
 * Event ids close to a mistyped `value`, for "did you mean": the closest (by `closest`) among the
 * events a bounded search finds from its words.
 */
export function nearEventIds(dataset: DatasetSnapshot, value: string): string[] {
	return closest(
		value,
		eventCandidates(dataset, value).map((e) => e.id),
		3,
	);
}
