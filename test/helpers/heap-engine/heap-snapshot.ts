/**
 * The in-heap engine the SQLite one replaced, kept only as a reference for tests (engine guard
 * tests compare the two). An immutable, indexed dataset. Commands read only from a snapshot, so a reload that swaps in a
 * new one never changes what a command in flight sees.
 */
import { bucketOf, dayBuckets, dayBucketSteps, type DayBuckets } from './day-index.js';
import type { Actor, Claim, Label, Outlet, Source, Story, StoryEvent, Vocabulary } from '../../../src/dataset/model.js';
import { inAll, lowerBound, statusPositions, statusPositionSteps } from './position-lists.js';
import { actorKey, type SearchIndex, type TermKeys } from './search-index.js';
import { eventsRelatedTo, membersOf } from './reverse-links.js';
import { runToEnd } from '../../../src/dataset/slices.js';
import {
	actorIdList,
	searchIndexSteps,
	SnapshotTables,
	STATUS_CODE,
	type ActorIds,
	type EventPositions,
	type IdLookup,
	type SnapshotIndexes,
} from './snapshot-tables.js';
import { closest, editDistance, fold, indexTokens, soundKey } from '../../../src/dataset/text.js';

import type {
	ActorMatch,
	DatasetCounts,
	EventFilter,
	SearchPage,
	SearchResult,
	TimelineFilter,
	TimelinePage,
} from '../../../src/dataset/queries.js';

export type { EventPositions, IdLookup, SharedIds, SnapshotIndexes } from './snapshot-tables.js';
export { SnapshotTables } from './snapshot-tables.js';

const NONE: readonly number[] = Object.freeze([]);
const EMPTY_VOCABULARY: Vocabulary = Object.freeze({ outlets: new Map(), topics: new Map(), tags: new Map(), roles: new Map() });

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
	private readonly nameKeys: ReadonlyMap<string, ActorIds>;
	private readonly soundKeys: ReadonlyMap<string, ActorIds>;
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
		/** Outlets and the labels of topics, tags and roles; none when not given. */
		readonly vocabulary: Vocabulary = EMPTY_VOCABULARY,
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

	/**
	 * Makes the on-first-use indexes of the timeline and the briefing (day-of-year buckets, per-status
	 * position lists) now, stopping every few thousand events; see warm-indexes.ts.
	 */
	*warmSteps(): Generator<void, void> {
		if (!dayIndexes.has(this)) dayIndexes.set(this, yield* dayBucketSteps(this.positions.firstDay, this.positions.lastDay));
		yield* statusPositionSteps(this.positions.status);
	}

	get counts(): DatasetCounts {
		return { events: this.events.length, actors: this.actors.length, sources: this.sources.length, claims: this.claims.length };
	}

	/**
	 * The events in date order, one at a time. Code outside the dataset reads the records through
	 * these streams rather than the arrays, so that an engine that keeps them off the heap never has
	 * to make a million-element array.
	 */
	*eachEvent(): IterableIterator<StoryEvent> {
		yield* this.events;
	}
	/** The actors in load order, one at a time (see {@link eachEvent}). */
	*eachActor(): IterableIterator<Actor> {
		yield* this.actors;
	}
	/** The sources in load order, one at a time (see {@link eachEvent}). */
	*eachSource(): IterableIterator<Source> {
		yield* this.sources;
	}
	/** The claims in load order, one at a time (see {@link eachEvent}). */
	*eachClaim(): IterableIterator<Claim> {
		yield* this.claims;
	}

	/** Events whose `related` list names `eventId`, in date order, each once (none for an unknown id). */
	eventsRelatedTo(eventId: string): StoryEvent[] {
		return [...eventsRelatedTo(this, eventId)];
	}

	/** Actors that list `actorId` among their affiliations, in load order, each once (none for an unknown id). */
	membersOf(actorId: string): Actor[] {
		return [...membersOf(this, actorId)];
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
	/** An outlet by id (outlets.yaml). */
	outlet(id: string): Outlet | undefined {
		return this.vocabulary.outlets.get(id);
	}
	/** The label an editor gave a topic, tag or role slug, if any. */
	label(kind: 'topic' | 'tag' | 'role', id: string): Label | undefined {
		return this.vocabulary[`${kind}s`].get(id);
	}
	claim(id: string): Claim | undefined {
		return this.claimById(id);
	}

	/** All tags in use, with how many events carry each, most used first. */
	tags(): { tag: string; count: number }[] {
		return [...this.eventsByTag]
			.map(([tag, list]) => ({ tag, count: list.length }))
			.sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
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
	 * Events in date order that pass every filter: the events at {@link timelinePositions}.
	 */
	timeline(filter: TimelineFilter = {}): StoryEvent[] {
		const n = this.collect(filter);
		const { found } = scratchOf(this);
		const out: StoryEvent[] = new Array<StoryEvent>(n);
		for (let i = 0; i < n; i++) out[i] = this.events[found[i]!]!;
		return out;
	}

	/** {@link timeline} as event positions (see {@link positionOf}), ascending. */
	timelinePositions(filter: TimelineFilter = {}): Int32Array {
		return scratchOf(this).found.slice(0, this.collect(filter));
	}

	/**
	 * One page of {@link timeline} — `perPage` events of page `page` (1-based; the last page when it is
	 * past the end) — with how many events there are in all and the first and last of them: a long
	 * result is counted and paged without making the list of its events.
	 */
	timelinePage(filter: TimelineFilter, page: number, perPage: number): TimelinePage {
		const total = this.collect(filter);
		const { found } = scratchOf(this);
		const pages = Math.ceil(total / perPage);
		const shown = Math.min(page, pages);
		const events: StoryEvent[] = [];
		for (let i = Math.max(0, (shown - 1) * perPage); i < Math.min(total, shown * perPage); i++) events.push(this.events[found[i]!]!);
		return {
			total,
			pages,
			page: shown,
			events,
			...(total ? { first: this.events[found[0]!]!, last: this.events[found[total - 1]!]! } : {}),
		};
	}

	/**
	 * The positions of the events that pass the filter, ascending, into the snapshot's `found` work
	 * array; returns how many. The shortest of the actor's, the tag's, the status's and the text's
	 * position lists, else the date range found by binary search, is walked in order, and every other
	 * filter is an array lookup.
	 */
	private collect(filter: TimelineFilter): number {
		const P = this.positions;
		const { fromDay, toDay } = filter;
		const { marks, found } = scratchOf(this);
		const status = filter.status === undefined ? -1 : (STATUS_CODE.get(filter.status) ?? 254);
		const lists: ArrayLike<number>[] = [];
		if (filter.actorId !== undefined) lists.push(P.actors.get(filter.actorId) ?? NONE);
		if (filter.tag !== undefined) lists.push(P.tags.get(filter.tag) ?? NONE);
		// Only which events match matters for the text, not their rank: no scoring, no sorting.
		if (filter.text !== undefined) lists.push(this.textPositions(filter.text));
		// The status is checked by position; its list is only a place to start from.
		const byStatus = status < 0 ? undefined : (statusPositions(P.status)[status] ?? NONE);
		if (byStatus) lists.push(byStatus);
		lists.sort((a, b) => a.length - b.length);
		// One list and nothing else to check: the list is the answer.
		if (lists.length === 1 && fromDay === undefined && toDay === undefined) {
			found.set(lists[0]!);
			return lists[0]!.length;
		}
		// Events whose span may overlap [from, to]: binary search on the first days.
		const lowKey = fromDay === undefined ? -Infinity : fromDay - this.maxSpan;
		const lo = fromDay === undefined ? 0 : lowerBound(P.firstDay, (d) => d >= lowKey);
		const hi = toDay === undefined ? this.events.length : lowerBound(P.firstDay, (d) => d > toDay);
		// Walk the shortest list, or the date range when that is shorter; look the others up.
		const source = lists.length && lists[0]!.length < hi - lo ? lists.shift()! : undefined;
		if (byStatus && byStatus !== source) lists.splice(lists.indexOf(byStatus), 1);
		// Against a long source, the other lists are marked (a bit each); against a short one, searched.
		const marked = source && source.length * 16 < this.events.length ? [] : lists;
		const searched = marked === lists ? [] : lists;
		marked.forEach((list, c) => {
			for (let i = 0; i < list.length; i++) marks[list[i]!]! |= 1 << c;
		});
		const all = (1 << marked.length) - 1;
		const pass = (p: number): boolean =>
			(fromDay === undefined || P.lastDay[p]! >= fromDay) &&
			(toDay === undefined || P.firstDay[p]! <= toDay) &&
			(status < 0 || P.status[p] === status) &&
			(all === 0 || marks[p] === all) &&
			inAll(searched, p);
		let n = 0;
		if (source) {
			for (let i = 0; i < source.length; i++) {
				const p = source[i]!;
				if (pass(p)) found[n++] = p;
			}
		} else for (let p = lo; p < hi; p++) if (pass(p)) found[n++] = p;
		for (const list of marked) for (let i = 0; i < list.length; i++) marks[list[i]!] = 0;
		return n;
	}

	/**
	 * Positions of the events whose search document, or one of whose claims', matches `text`,
	 * ascending: a view of the snapshot's `text` work array.
	 */
	private textPositions(text: string): Int32Array {
		const index = this.ensureIndex();
		const work = scratchOf(this);
		work.bits ??= new Uint32Array(index.bitWords);
		// Documents: events in date order, then claims, then actors. As bits, an event's bit is at its position.
		const bits = index.matchingBits(text, work.bits, this.termKeys());
		const nEvents = this.events.length;
		const end = nEvents + this.claims.length;
		// A matching claim sets its event's bit (below nEvents, so never one still to be read here).
		for (let w = nEvents >>> 5; w << 5 < end; w++) {
			let x = bits[w]!;
			if (w << 5 < nEvents) x &= ~((1 << (nEvents & 31)) - 1);
			while (x !== 0) {
				const bit = x & -x;
				x ^= bit;
				const doc = (w << 5) + 31 - Math.clz32(bit);
				if (doc >= end) break;
				const p = this.positions.claimEvent[doc - nEvents]!;
				if (p >= 0) bits[p >>> 5]! |= 1 << (p & 31);
			}
		}
		if ((nEvents & 31) !== 0) bits[nEvents >>> 5]! &= (1 << (nEvents & 31)) - 1;
		const out = work.text;
		let n = 0;
		for (let w = 0; w << 5 < nEvents; w++) {
			let x = bits[w]!;
			while (x !== 0) {
				const bit = x & -x;
				x ^= bit;
				out[n++] = (w << 5) + 31 - Math.clz32(bit);
			}
		}
		return out.subarray(0, n);
	}

	/**
	 * Events that begin (by their earliest day) in [fromDay, toDay], in date order, that pass the
	 * filters: what {@link timeline} up to `toDay` keeps of them, without walking the events before.
	 */
	startingBetween(fromDay: number, toDay: number, filter: EventFilter = {}): StoryEvent[] {
		const P = this.positions;
		const lo = lowerBound(P.firstDay, (d) => d >= fromDay);
		const hi = lowerBound(P.firstDay, (d) => d > toDay);
		const out: StoryEvent[] = [];
		if (lo >= hi) return out;
		const { source, others } = this.filterLists(filter);
		if (!source) {
			for (let p = lo; p < hi; p++) if (inAll(others, p)) out.push(this.events[p]!);
			return out;
		}
		for (let i = lowerBound(source, (p) => p >= lo); i < source.length && source[i]! < hi; i++) {
			const p = source[i]!;
			if (inAll(others, p)) out.push(this.events[p]!);
		}
		return out;
	}

	/**
	 * The last `count` events, in date order, that begin on or before `day` and pass the filters: the
	 * tail of {@link timeline} up to `day`, found by walking back from its end.
	 */
	lastStartingBy(day: number, count: number, filter: EventFilter = {}): StoryEvent[] {
		const hi = lowerBound(this.positions.firstDay, (d) => d > day);
		const { source, others } = this.filterLists(filter);
		const found: StoryEvent[] = [];
		const take = (p: number): boolean => {
			if (inAll(others, p)) found.push(this.events[p]!);
			return found.length >= count;
		};
		if (count > 0) {
			if (!source) {
				for (let p = hi - 1; p >= 0; p--) if (take(p)) break;
			} else for (let i = lowerBound(source, (p) => p >= hi) - 1; i >= 0; i--) if (take(source[i]!)) break;
		}
		return found.reverse();
	}

	/**
	 * Events dated to exactly `month`-`day` (day precision, not a range) of a year before
	 * `beforeYear`, in date order: "on this day in earlier years". The events are bucketed by day of
	 * the year on first use (from the day numbers, without visiting them).
	 */
	onThisDay(month: number, day: number, beforeYear: number): StoryEvent[] {
		let buckets = dayIndexes.get(this);
		if (!buckets) dayIndexes.set(this, (buckets = dayBuckets(this.positions.firstDay, this.positions.lastDay)));
		const out: StoryEvent[] = [];
		for (const p of bucketOf(buckets, month, day)) {
			const e = this.events[p]!;
			const s = e.date.start;
			if (s.precision === 'day' && !e.date.end && s.month === month && s.day === day && s.year < beforeYear) out.push(e);
		}
		return out;
	}

	/** The positions lists of a filter's parts: the shortest to walk, the others to look positions up in. */
	private filterLists(filter: EventFilter): { source?: ArrayLike<number>; others: ArrayLike<number>[] } {
		const P = this.positions;
		const lists: ArrayLike<number>[] = [];
		if (filter.actorId !== undefined) lists.push(P.actors.get(filter.actorId) ?? NONE);
		if (filter.tag !== undefined) lists.push(P.tags.get(filter.tag) ?? NONE);
		if (filter.status !== undefined) {
			const code = STATUS_CODE.get(filter.status);
			lists.push(code === undefined ? NONE : (statusPositions(P.status)[code] ?? NONE));
		}
		if (lists.length === 0) return { others: [] };
		lists.sort((a, b) => a.length - b.length);
		return { source: lists[0]!, others: lists.slice(1) };
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
		const key = fold(raw)
			.replace(/[^\p{L}\p{N}]+/gu, ' ')
			.trim();
		if (!key) return { kind: 'none', suggestions: [] };
		const exact = this.nameKeys.get(key);
		if (exact) return this.pick(actorIdList(exact), key, 'alias');
		const sound = this.soundKeys.get(soundKey(key));
		if (sound) return this.pick(actorIdList(sound), key, 'spelling');
		// Near-miss spellings: edit distance on folded names.
		const max = Math.max(1, Math.floor(key.length / 4));
		let best = Infinity;
		let ids = new Set<string>();
		for (const [name, owners] of this.nameKeys) {
			const d = editDistance(key, name, Math.min(max, best));
			if (d < best) {
				best = d;
				ids = new Set(actorIdList(owners));
			} else if (d === best) for (const o of actorIdList(owners)) ids.add(o);
		}
		if (best <= max) return this.pick(ids, key, 'spelling');
		const names = new Map<string, string>();
		for (const a of this.actors) for (const n of [a.name, ...a.aliases]) names.set(n, a.id);
		const suggestions = [...new Set(closest(raw, names.keys(), 10).map((n) => names.get(n)!))].slice(0, 3);
		return { kind: 'none', suggestions: suggestions.map((id) => this.actorById(id)!) };
	}

	private pick(ids: Iterable<string>, key: string, via: 'alias' | 'spelling'): ActorMatch {
		const actors = [...ids].map((id) => this.actorById(id)!);
		if (actors.length === 1) {
			const a = actors[0]!;
			return { kind: 'found', actor: a, via: fold(a.name) === key ? 'name' : via };
		}
		// Prefer an actor whose full name is the query (e.g. "Kremlin" over people affiliated with it).
		const full = actors.filter(
			(a) =>
				fold(a.name)
					.replace(/[^\p{L}\p{N}]+/gu, ' ')
					.trim() === key,
		);
		if (full.length === 1) return { kind: 'found', actor: full[0]!, via: 'name' };
		return { kind: 'ambiguous', candidates: actors.sort((a, b) => a.name.localeCompare(b.name)) };
	}

	/**
	 * Ranked full-text search over events, claims and actors. The index is built on first use, or by
	 * the loader. Document numbers: events in date order, then claims, then actors. A query word that
	 * names an actor in any script (see {@link termKeys}) also matches the actor's events, claims and
	 * entry, ranked like a longer word the query word begins.
	 */
	search(query: string, limit = Infinity): SearchResult[] {
		return this.searchPage(query, limit).results;
	}

	/**
	 * The first `limit` results of {@link search} and how many there are in all: only those first ones
	 * are ranked in order and made into results.
	 */
	searchPage(query: string, limit: number): SearchPage {
		const nEvents = this.events.length;
		const nClaims = this.claims.length;
		const { docs, scores, matched, total } = this.ensureIndex().top(query, limit, this.termKeys());
		const out: SearchResult[] = new Array<SearchResult>(docs.length);
		for (let i = 0; i < docs.length; i++) {
			const doc = docs[i]!;
			const score = scores[i]!;
			if (doc < nEvents) out[i] = { kind: 'event', event: this.events[doc]!, score, matched: matched[i]! };
			else if (doc < nEvents + nClaims) out[i] = { kind: 'claim', claim: this.claims[doc - nEvents]!, score, matched: matched[i]! };
			else out[i] = { kind: 'actor', actor: this.actors[doc - nEvents - nClaims]!, score, matched: matched[i]! };
		}
		return { results: out, total };
	}

	/**
	 * What a query word stands for besides itself: the keys of the actors one of whose names, aliases
	 * or transliterations is that one word ("Pezeshkiyan", "پزشکیان", "MID"), or, for people, holds it
	 * as a word of four letters or more ("Сафаров", "Səfərov"); and the word of the actor's own name
	 * in the same place, where a transliteration has as many words ("Səfərov" → "safarov", "ایران" →
	 * "iran"). So a name in Cyrillic, Azerbaijani Latin or Persian finds records that spell it only in
	 * English. A word more than {@link MAX_TERM_ACTORS} actors share is no name to search by (and
	 * would make a query's work grow with the actors). Made on first use.
	 */
	private termKeys(): TermKeys {
		let fn = termKeyFns.get(this);
		if (fn) return fn;
		const byTerm = new Map<string, { actors: Set<string>; words: Set<string> }>();
		const entry = (term: string): { actors: Set<string>; words: Set<string> } => {
			let e = byTerm.get(term);
			if (!e) byTerm.set(term, (e = { actors: new Set(), words: new Set() }));
			return e;
		};
		for (const a of this.actors) {
			const own = indexTokens(a.name);
			for (const n of [a.name, ...a.aliases, ...Object.values(a.names)]) {
				const words = indexTokens(n);
				const person = a.type === 'person';
				if (words.length === 1) entry(words[0]!).actors.add(a.id);
				else if (person) for (const w of words) if (w.length >= 4) entry(w).actors.add(a.id);
				// Word for word, where the order of the words is not in doubt: a person's names, or one word.
				if (words.length === own.length && (person || words.length === 1)) {
					words.forEach((w, i) => {
						if (w !== own[i]! && (words.length === 1 || w.length >= 4)) entry(w).words.add(own[i]!);
					});
				}
			}
		}
		const keys = new Map<string, readonly string[]>();
		for (const [term, { actors, words }] of byTerm) {
			if (actors.size > MAX_TERM_ACTORS) continue;
			keys.set(term, [...words, ...[...actors].map(actorKey)]);
		}
		const none: readonly string[] = [];
		fn = (term) => keys.get(term) ?? none;
		termKeyFns.set(this, fn);
		return fn;
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
const termKeyFns = new WeakMap<DatasetSnapshot, TermKeys>();
/** Actors past which a shared word no longer stands for them in a search (see DatasetSnapshot.termKeys). */
const MAX_TERM_ACTORS = 12;
const dayIndexes = new WeakMap<DatasetSnapshot, DayBuckets>();

/**
 * Per-snapshot work arrays of the timeline, made on first use and reused (the timeline is
 * synchronous): a byte of marks and two positions per event, and a bit per search document.
 */
interface Work {
	readonly marks: Uint8Array;
	readonly found: Int32Array;
	readonly text: Int32Array;
	bits?: Uint32Array;
}

const work = new WeakMap<DatasetSnapshot, Work>();

function scratchOf(s: DatasetSnapshot): Work {
	let x = work.get(s);
	const n = s.events.length;
	if (!x) work.set(s, (x = { marks: new Uint8Array(n), found: new Int32Array(n), text: new Int32Array(n) }));
	return x;
}
