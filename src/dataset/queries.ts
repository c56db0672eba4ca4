/**
 * The dataset's query vocabulary: what a snapshot's queries take and give (engine/sql-snapshot.ts
 * answers them; snapshot.ts names that class DatasetSnapshot for every reader).
 */
import type { Actor, Claim, EventStatus, StoryEvent } from './model.js';

/** Filters for DatasetSnapshot.timeline; all optional, combined with AND. */
export interface TimelineFilter {
	/** Inclusive day numbers (see partial-date.ts). An event matches when its span overlaps. */
	readonly fromDay?: number;
	readonly toDay?: number;
	readonly actorId?: string;
	readonly tag?: string;
	readonly status?: EventStatus;
	readonly text?: string;
}

export type ActorMatch =
	| { readonly kind: 'found'; readonly actor: Actor; readonly via: 'id' | 'name' | 'alias' | 'spelling' }
	| { readonly kind: 'ambiguous'; readonly candidates: readonly Actor[] }
	| { readonly kind: 'none'; readonly suggestions: readonly Actor[] };

export type SearchResult =
	| { readonly kind: 'event'; readonly event: StoryEvent; readonly score: number; readonly matched: readonly string[] }
	| { readonly kind: 'claim'; readonly claim: Claim; readonly score: number; readonly matched: readonly string[] }
	| { readonly kind: 'actor'; readonly actor: Actor; readonly score: number; readonly matched: readonly string[] };

/** The first results of a search, and how many there are in all. */
export interface SearchPage {
	readonly results: SearchResult[];
	/** How many results there are in all; a lower bound when {@link capped}. */
	readonly total: number;
	/**
	 * Set when the engine stopped counting at its cap: `total` is then "at least", and is shown as
	 * "1,000+" (never set by the in-heap engine, which always counts to the end).
	 */
	readonly capped?: true;
}

/** A page of the timeline (see DatasetSnapshot.timelinePage). */
export interface TimelinePage {
	/** How many events pass the filter; a lower bound when {@link capped}. */
	readonly total: number;
	/** Pages of `perPage`; a lower bound too when {@link capped}. */
	readonly pages: number;
	/**
	 * Set when the engine stopped counting at its cap: `total` and `pages` are then "at least", shown
	 * as "1,000+" and "page 3 of 10+" (never set by the in-heap engine, which always counts to the end).
	 */
	readonly capped?: true;
	/** The page given: the one asked for, or the last when that is past the end. */
	readonly page: number;
	readonly events: StoryEvent[];
	/** The first and the last event that pass, in date order (when any does). */
	readonly first?: StoryEvent;
	readonly last?: StoryEvent;
}

/** The filters a briefing applies (see DatasetSnapshot.startingBetween). */
export interface EventFilter {
	readonly actorId?: string;
	readonly tag?: string;
	readonly status?: EventStatus;
}

export interface DatasetCounts {
	readonly events: number;
	readonly actors: number;
	readonly sources: number;
	readonly claims: number;
}
