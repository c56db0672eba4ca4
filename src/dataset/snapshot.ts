/**
 * An immutable, indexed dataset. Commands read only from a snapshot, so a reload that swaps in a
 * new one never changes what a command in flight sees.
 */
import type { Actor, Claim, EventStatus, Source, Story, StoryEvent } from './model.js';
import type { SearchIndex } from './search-index.js';
import { runToEnd } from './slices.js';
import { searchIndexSteps, SnapshotTables, STATUS_CODE, type EventPositions, type IdLookup, type SnapshotIndexes } from './snapshot-tables.js';
import { closest, editDistance, fold, soundKey } from './text.js';

/** Filters for {@link DatasetSnapshot.timeline}; all optional, combined with AND. */
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

export interface DatasetCounts {
	readonly events: number;
	readonly actors: number;
	readonly sources: number;
	readonly claims: number;
}

export type { EventPositions, IdLookup, SharedIds, SnapshotIndexes } from './snapshot-tables.js';
export { SnapshotTables } from './snapshot-tables.js';

const NONE: readonly number[] = Object.freeze([]);

export class DatasetSnapshot {
	/** Events in date order. */
	readonly events: readonly StoryEvent[];
	private readonly eventById: IdLookup<StoryEvent>;
	private readonly actorById: IdLookup<Actor>;
	private readonly sourceById: IdLookup<Source>;
	private readonly claimById: IdLookup<Claim>;
	private readonly eventsByActor: ReadonlyMap<string, readonly StoryEvent[]>;
	private readonly eventsByTag: ReadonlyMap<string, readonly StoryEvent[]>;
	private readonly claimsByActor: ReadonlyMap<string, readonly Claim[]>;
	private readonly nameKeys: ReadonlyMap<string, ReadonlySet<string>>;
	private readonly soundKeys: ReadonlyMap<string, ReadonlySet<string>>;
	private readonly eventPosition: IdLookup<number>;
	private readonly maxSpan: number;
	private readonly positions: EventPositions;

	constructor(
		readonly story: Story,
		readonly actors: readonly Actor[],
		readonly sources: readonly Source[],
		events: readonly StoryEvent[],
		readonly claims: readonly Claim[],
		/** Content hash of the files the snapshot was built from. */
		readonly version: string,
		/** When it was loaded (ISO instant). */
		readonly loadedAt: string,
		/** Made ahead by {@link SnapshotTables} from these same records (the loader does). */
		prepared?: SnapshotIndexes,
	) {
		const ix = prepared ?? SnapshotTables.of(actors, sources, events, claims);
		this.events = ix.events;
		this.eventById = ix.eventById;
		this.actorById = ix.actorById;
		this.sourceById = ix.sourceById;
		this.claimById = ix.claimById;
		this.eventsByActor = ix.eventsByActor;
		this.eventsByTag = ix.eventsByTag;
		this.claimsByActor = ix.claimsByActor;
		this.nameKeys = ix.nameKeys;
		this.soundKeys = ix.soundKeys;
		this.eventPosition = ix.eventPosition;
		this.maxSpan = ix.maxSpan;
		this.positions = ix.positions;
		if (ix.search) lazyIndexes.set(this, ix.search);
		Object.freeze(this);
	}

	get counts(): DatasetCounts {
		return { events: this.events.length, actors: this.actors.length, sources: this.sources.length, claims: this.claims.length };
	}

	event(id: string): StoryEvent | undefined {
		return this.eventById(id);
	}
	actor(id: string): Actor | undefined {
		return this.actorById(id);
	}
	source(id: string): Source | undefined {
		return this.sourceById(id);
	}
	claim(id: string): Claim | undefined {
		return this.claimById(id);
	}

	/** All tags in use, with how many events carry each, most used first. */
	tags(): { tag: string; count: number }[] {
		return [...this.eventsByTag].map(([tag, list]) => ({ tag, count: list.length })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
	}

	hasTag(tag: string): boolean {
		return this.eventsByTag.has(tag);
	}

	claimsOf(event: StoryEvent): Claim[] {
		return event.claimIds.map((id) => this.claimById(id)!);
	}

	claimsBy(actorId: string): readonly Claim[] {
		return this.claimsByActor.get(actorId) ?? [];
	}

	eventsOf(actorId: string): readonly StoryEvent[] {
		return this.eventsByActor.get(actorId) ?? [];
	}

	/**
	 * Events in date order that pass every filter. Works on event positions (see EventPositions):
	 * the smallest of the actor's and the tag's lists, else the date range found by binary search,
	 * is walked in order and every other filter is an array lookup.
	 */
	timeline(filter: TimelineFilter = {}): StoryEvent[] {
		const P = this.positions;
		const { fromDay, toDay } = filter;
		let source: readonly number[] | undefined;
		let actorMarks: Uint8Array | undefined;
		let tagMarks: Uint8Array | undefined;
		if (filter.actorId !== undefined) source = P.actors.get(filter.actorId) ?? NONE;
		if (filter.tag !== undefined) {
			const byTag = P.tags.get(filter.tag) ?? NONE;
			if (source === undefined || byTag.length < source.length) {
				if (source) actorMarks = this.marks(source);
				source = byTag;
			} else tagMarks = this.marks(byTag);
		}
		let textMarks: Uint8Array | undefined;
		if (filter.text !== undefined) {
			// Only which events match matters here, not their rank: no scoring, no sorting.
			textMarks = new Uint8Array(this.events.length);
			const nEvents = this.events.length;
			const nClaims = this.claims.length;
			for (const doc of this.ensureIndex().matchingDocs(filter.text)) {
				if (doc < nEvents) textMarks[doc] = 1;
				else if (doc < nEvents + nClaims) {
					const p = P.claimEvent[doc - nEvents]!;
					if (p >= 0) textMarks[p] = 1;
				}
			}
		}
		const status = filter.status === undefined ? -1 : (STATUS_CODE.get(filter.status) ?? 254);
		const pass = (p: number): boolean =>
			(fromDay === undefined || P.lastDay[p]! >= fromDay) &&
			(toDay === undefined || P.firstDay[p]! <= toDay) &&
			(status < 0 || P.status[p] === status) &&
			(actorMarks === undefined || actorMarks[p] === 1) &&
			(tagMarks === undefined || tagMarks[p] === 1) &&
			(textMarks === undefined || textMarks[p] === 1);
		const out: StoryEvent[] = [];
		if (source) {
			for (const p of source) if (pass(p)) out.push(this.events[p]!);
			return out;
		}
		// Events whose span may overlap [from, to]: binary search on the first days.
		const lowKey = fromDay === undefined ? -Infinity : fromDay - this.maxSpan;
		const lo = fromDay === undefined ? 0 : lowerBound(P.firstDay, (d) => d >= lowKey);
		const hi = toDay === undefined ? this.events.length : lowerBound(P.firstDay, (d) => d > toDay);
		for (let p = lo; p < hi; p++) if (pass(p)) out.push(this.events[p]!);
		return out;
	}

	private marks(positions: readonly number[]): Uint8Array {
		const m = new Uint8Array(this.events.length);
		for (const p of positions) m[p] = 1;
		return m;
	}

	/** Position of an event in date order, for "related" and paging. */
	positionOf(eventId: string): number | undefined {
		return this.eventPosition(eventId);
	}

	/** Actors who share the most events with `actorId`, with the count of shared events. */
	coActors(actorId: string, limit = 5): { actor: Actor; shared: number }[] {
		const counts = new Map<string, number>();
		for (const e of this.eventsOf(actorId)) {
			for (const id of new Set(e.actors.map((a) => a.actorId))) if (id !== actorId) counts.set(id, (counts.get(id) ?? 0) + 1);
		}
		return [...counts]
			.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
			.slice(0, limit)
			.map(([id, shared]) => ({ actor: this.actorById(id)!, shared }));
	}

	/**
	 * Resolves what a reader typed to an actor: an id, a name, an alias or transliteration in any
	 * script, or a near-miss spelling. Returns suggestions when nothing is close enough.
	 */
	resolveActor(query: string): ActorMatch {
		const raw = query.trim();
		const byId = this.actorById(raw.toLowerCase());
		if (byId) return { kind: 'found', actor: byId, via: 'id' };
		const key = fold(raw).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
		if (!key) return { kind: 'none', suggestions: [] };
		const exact = this.nameKeys.get(key);
		if (exact) return this.pick(exact, key, 'alias');
		const sound = this.soundKeys.get(soundKey(key));
		if (sound) return this.pick(sound, key, 'spelling');
		// Near-miss spellings: edit distance on folded names.
		const max = Math.max(1, Math.floor(key.length / 4));
		let best = Infinity;
		let ids = new Set<string>();
		for (const [name, owners] of this.nameKeys) {
			const d = editDistance(key, name, Math.min(max, best));
			if (d < best) {
				best = d;
				ids = new Set(owners);
			} else if (d === best) for (const o of owners) ids.add(o);
		}
		if (best <= max) return this.pick(ids, key, 'spelling');
		const names = new Map<string, string>();
		for (const a of this.actors) for (const n of [a.name, ...a.aliases]) names.set(n, a.id);
		const suggestions = [...new Set(closest(raw, names.keys(), 10).map((n) => names.get(n)!))].slice(0, 3);
		return { kind: 'none', suggestions: suggestions.map((id) => this.actorById(id)!) };
	}

	private pick(ids: ReadonlySet<string>, key: string, via: 'alias' | 'spelling'): ActorMatch {
		const actors = [...ids].map((id) => this.actorById(id)!);
		if (actors.length === 1) {
			const a = actors[0]!;
			return { kind: 'found', actor: a, via: fold(a.name) === key ? 'name' : via };
		}
		// Prefer an actor whose full name is the query (e.g. "Kremlin" over people affiliated with it).
		const full = actors.filter((a) => fold(a.name).replace(/[^\p{L}\p{N}]+/gu, ' ').trim() === key);
		if (full.length === 1) return { kind: 'found', actor: full[0]!, via: 'name' };
		return { kind: 'ambiguous', candidates: actors.sort((a, b) => a.name.localeCompare(b.name)) };
	}

	/**
	 * Ranked full-text search over events, claims and actors. The index is built on first use, or by
	 * the loader. Document numbers: events in date order, then claims, then actors.
	 */
	search(query: string, limit = Infinity): SearchResult[] {
		const nEvents = this.events.length;
		const nClaims = this.claims.length;
		const { docs, scores, matched } = this.ensureIndex().rank(query, limit);
		const out: SearchResult[] = new Array<SearchResult>(docs.length);
		for (let i = 0; i < docs.length; i++) {
			const doc = docs[i]!;
			const score = scores[i]!;
			if (doc < nEvents) out[i] = { kind: 'event', event: this.events[doc]!, score, matched: matched[i]! };
			else if (doc < nEvents + nClaims) out[i] = { kind: 'claim', claim: this.claims[doc - nEvents]!, score, matched: matched[i]! };
			else out[i] = { kind: 'actor', actor: this.actors[doc - nEvents - nClaims]!, score, matched: matched[i]! };
		}
		return out;
	}

	private ensureIndex(): SearchIndex {
		const existing = lazyIndexes.get(this);
		if (existing) return existing;
		const built = runToEnd(searchIndexSteps(this.events, this.claims, this.actors));
		// The snapshot is frozen; the lazily built index lives in a side table keyed by the instance.
		lazyIndexes.set(this, built);
		return built;
	}
}

const lazyIndexes = new WeakMap<DatasetSnapshot, SearchIndex>();

function lowerBound(list: ArrayLike<number>, pred: (x: number) => boolean): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (pred(list[mid]!)) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}
