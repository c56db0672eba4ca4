/**
 * What a snapshot derives from its records — date order, lookups by id, per-actor and per-tag
 * lists, flat per-position arrays for the timeline filters, the search index — and the builder
 * that makes it record by record (see SnapshotTables).
 */
import type { Actor, Claim, Source, StoryEvent } from '../../../src/dataset/model.js';
import { eventStatuses } from '../../../src/dataset/schema.js';
import { SearchFeed, type BuildStep, type SearchSink } from './search-feed.js';
import { SearchIndexBuilder } from './search-index-builder.js';
import { actorKey, type SearchIndex } from './search-index.js';
import { mergeSortSteps, runToEnd } from '../../../src/dataset/slices.js';
import { fold, soundKey } from '../../../src/dataset/text.js';

/** A lookup by id. */
export type IdLookup<T> = (id: string) => T | undefined;

/** Id → position, per kind of record. */
export interface SharedIds {
	readonly actors: Map<string, number>;
	readonly sources: Map<string, number>;
	readonly events: Map<string, number>;
	readonly claims: Map<string, number>;
}

/**
 * Everything the constructor derives from the records: the date order, the lookup tables and
 * optionally the search index. {@link SnapshotTables} makes it; the loader feeds it each record as it
 * makes it, and finishes it in slices between other work, so that a reload at 100k events does not
 * hold the event loop for the second this takes.
 */
export interface SnapshotIndexes {
	/** Events in date order, frozen. */
	readonly events: readonly StoryEvent[];
	readonly eventById: IdLookup<StoryEvent>;
	readonly eventPosition: IdLookup<number>;
	readonly actorById: IdLookup<Actor>;
	readonly sourceById: IdLookup<Source>;
	readonly claimById: IdLookup<Claim>;
	readonly eventsByActor: ReadonlyMap<string, readonly StoryEvent[]>;
	readonly eventsByTag: ReadonlyMap<string, readonly StoryEvent[]>;
	readonly claimsByActor: ReadonlyMap<string, readonly Claim[]>;
	/** Folded name, alias or word of one → the actor id, or ids when several share it. */
	readonly nameKeys: ReadonlyMap<string, ActorIds>;
	/** The same keys by sound (see text.ts soundKey). */
	readonly soundKeys: ReadonlyMap<string, ActorIds>;
	readonly maxSpan: number;
	readonly positions: EventPositions;
	/** Built here or, when absent, on the first search. */
	readonly search?: SearchIndex;
}

/**
 * What the timeline filters test, by event position in date order, in flat arrays: a filter over
 * 100k events reads a few hundred kilobytes in order instead of visiting 100k event objects spread
 * over the heap.
 */
export interface EventPositions {
	readonly firstDay: Int32Array;
	readonly lastDay: Int32Array;
	/** Index in eventStatuses; 255 for anything else. */
	readonly status: Uint8Array;
	/** Actor id → positions of its events, ascending (each event once). */
	readonly actors: ReadonlyMap<string, readonly number[]>;
	/** Tag → positions of the events carrying it, ascending. */
	readonly tags: ReadonlyMap<string, readonly number[]>;
	/** Claim index → position of its event (-1 when there is none). */
	readonly claimEvent: Int32Array;
}

/**
 * One actor id, or the ids of the actors that share a key. Most keys belong to one actor: a string
 * there instead of a Set saves some 200 bytes a key (tens of MB for the 70,000 keys of 10k actors).
 */
export type ActorIds = string | readonly string[];

/** The ids of an {@link ActorIds}, as a list. */
export function actorIdList(ids: ActorIds): readonly string[] {
	return typeof ids === 'string' ? [ids] : ids;
}

export const STATUS_CODE: ReadonlyMap<string, number> = new Map(eventStatuses.map((s, i) => [s, i]));

/**
 * Builds {@link SnapshotIndexes} record by record. Most of the work is done as each record is added
 * — while the loader still has it in the CPU cache — and keyed by the order records were added;
 * {@link finish} then sorts events by date (on numbers held in flat arrays, not by chasing every
 * event object again) and puts the per-actor and per-tag lists in that order.
 */
export class SnapshotTables {
	private readonly events: StoryEvent[] = [];
	private readonly actors: Actor[] = [];
	private readonly sources: Source[] = [];
	private readonly claims: Claim[] = [];
	private readonly firstDay: number[] = [];
	private readonly lastDay: number[] = [];
	private readonly statusCode: number[] = [];
	private readonly claimEventIds: string[] = [];
	private readonly actorEvents = new Map<string, number[]>();
	private readonly tagEvents = new Map<string, number[]>();
	private readonly claimsByActor = new Map<string, Claim[]>();
	private readonly ids: SharedIds;
	private readonly ownIds: boolean;
	private readonly nameKeys = new Map<string, ActorIds>();
	private readonly soundKeys = new Map<string, ActorIds>();
	private maxSpan = 0;
	private readonly search?: SearchSink;
	private readonly eventDocs: number[] = [];
	private readonly claimDocs: number[] = [];
	private readonly actorDocs: number[] = [];

	/**
	 * `withSearch`: index the records for search as well — `true` for a {@link SearchFeed} with its
	 * defaults, or the sink to use. `ids`: id → position of each record in the order it is added, kept
	 * by the caller (the loader has these maps anyway, to find repeated ids); without them the tables
	 * keep their own.
	 */
	constructor(withSearch: boolean | SearchSink, ids?: SharedIds) {
		if (withSearch) this.search = withSearch === true ? new SearchFeed() : withSearch;
		this.ownIds = !ids;
		this.ids = ids ?? { actors: new Map(), sources: new Map(), events: new Map(), claims: new Map() };
	}

	/** What the constructor builds when it is not handed {@link SnapshotIndexes}. */
	static of(
		actors: readonly Actor[],
		sources: readonly Source[],
		events: readonly StoryEvent[],
		claims: readonly Claim[],
	): SnapshotIndexes {
		const t = new SnapshotTables(false);
		for (const a of actors) t.addActor(a);
		for (const x of sources) t.addSource(x);
		for (const e of events) t.addEvent(e);
		for (const c of claims) t.addClaim(c);
		return runToEnd(t.finish());
	}

	addActor(a: Actor): void {
		if (this.ownIds) this.ids.actors.set(a.id, this.actors.length);
		this.actors.push(a);
		for (const n of [a.id, a.name, ...a.aliases, ...Object.values(a.names)]) {
			const key = fold(n)
				.replace(/[^\p{L}\p{N}]+/gu, ' ')
				.trim();
			addKey(this.nameKeys, key, a.id);
			addKey(this.soundKeys, soundKey(key), a.id);
			// Surnames and single words of a name resolve too ("aliyev", "pezeshkian").
			for (const w of key.split(' ')) if (w.length >= 4) addKey(this.nameKeys, w, a.id);
		}
		if (this.search) this.actorDocs.push(indexActor(this.search, a));
	}

	addSource(x: Source): void {
		if (this.ownIds) this.ids.sources.set(x.id, this.sources.length);
		this.sources.push(x);
	}

	/** Events in any order; claims in the order {@link DatasetSnapshot.claims} lists them. */
	addEvent(e: StoryEvent): void {
		const i = this.events.push(e) - 1;
		if (this.ownIds) this.ids.events.set(e.id, i);
		this.firstDay.push(e.date.earliestDay);
		this.lastDay.push(e.date.latestDay);
		this.statusCode.push(STATUS_CODE.get(e.status) ?? 255);
		this.maxSpan = Math.max(this.maxSpan, e.date.latestDay - e.date.earliestDay);
		const as = e.actors;
		for (let k = 0; k < as.length; k++) {
			const a = as[k]!.actorId;
			// Once per actor and event (an actor may appear in two roles).
			let again = false;
			for (let j = 0; j < k; j++) if (as[j]!.actorId === a) again = true;
			if (!again) push(this.actorEvents, a, i);
		}
		for (const t of e.tags) push(this.tagEvents, t, i);
		if (this.search) this.eventDocs.push(indexEvent(this.search, e));
	}

	addClaim(c: Claim): void {
		if (this.ownIds) this.ids.claims.set(c.id, this.claims.length);
		this.claims.push(c);
		this.claimEventIds.push(c.eventId);
		push(this.claimsByActor, c.by, c);
		if (this.search) this.claimDocs.push(indexClaim(this.search, c));
	}

	/** The tables, stopping every few hundred items (and once, with a promise, to wait for an off-thread search index). */
	*finish(): Generator<BuildStep, SnapshotIndexes> {
		const { events, firstDay, lastDay } = this;
		// Date order, ties by id, stable: the order of compareDates(a.date, b.date) || a.id.localeCompare(b.id).
		const order = yield* mergeSortSteps(
			events.map((_, i) => i),
			(a, b) => firstDay[a]! - firstDay[b]! || lastDay[a]! - lastDay[b]! || events[a]!.id.localeCompare(events[b]!.id),
		);
		const position = new Int32Array(events.length);
		const sorted: StoryEvent[] = new Array<StoryEvent>(events.length);
		for (let k = 0; k < order.length; k++) {
			position[order[k]!] = k;
			sorted[k] = events[order[k]!]!;
		}
		yield;
		const inDateOrder = function* (
			lists: Map<string, number[]>,
		): Generator<void, { events: Map<string, StoryEvent[]>; positions: Map<string, number[]> }> {
			const out = { events: new Map<string, StoryEvent[]>(), positions: new Map<string, number[]>() };
			let work = 0;
			for (const [key, list] of lists) {
				const ps = list.map((i) => position[i]!).sort((a, b) => a - b);
				out.positions.set(key, ps);
				out.events.set(
					key,
					ps.map((p) => sorted[p]!),
				);
				work += list.length;
				if (work > STEP * 8) {
					work = 0;
					yield;
				}
			}
			return out;
		};
		const byActor = yield* inDateOrder(this.actorEvents);
		const byTag = yield* inDateOrder(this.tagEvents);
		const n = events.length;
		const positions = {
			firstDay: new Int32Array(n),
			lastDay: new Int32Array(n),
			status: new Uint8Array(n),
			actors: byActor.positions,
			tags: byTag.positions,
			claimEvent: new Int32Array(this.claims.length),
		};
		for (let k = 0; k < n; k++) {
			const i = order[k]!;
			positions.firstDay[k] = firstDay[i]!;
			positions.lastDay[k] = lastDay[i]!;
			positions.status[k] = this.statusCode[i]!;
		}
		for (let c = 0; c < this.claims.length; c++) {
			const i = this.ids.events.get(this.claimEventIds[c]!);
			positions.claimEvent[c] = i === undefined ? -1 : position[i]!;
			if ((c & 4095) === 4095) yield;
		}
		const { ids, actors, sources, claims } = this;
		let search: SearchIndex | undefined;
		if (this.search) {
			const docs = [...order.map((i) => this.eventDocs[i]!), ...this.claimDocs, ...this.actorDocs];
			search = yield* this.search.buildSteps(docs);
		}
		return {
			events: Object.freeze(sorted),
			eventById: lookup(ids.events, events),
			eventPosition: lookup(ids.events, position as unknown as readonly number[]),
			actorById: lookup(ids.actors, actors),
			sourceById: lookup(ids.sources, sources),
			claimById: lookup(ids.claims, claims),
			eventsByActor: byActor.events,
			eventsByTag: byTag.events,
			positions,
			claimsByActor: this.claimsByActor,
			nameKeys: this.nameKeys,
			soundKeys: this.soundKeys,
			maxSpan: this.maxSpan,
			...(search ? { search } : {}),
		};
	}
}

/**
 * A lookup by id through an id → position map. Made at module level on purpose: a closure made
 * inside {@link SnapshotTables.finish} would keep the generator's context, and with it the builder
 * and every scratch array it holds, alive as long as the snapshot (tens of MB at 100k events).
 */
function lookup<T>(map: ReadonlyMap<string, number>, list: readonly T[]): IdLookup<T> {
	return (id) => {
		const i = map.get(id);
		return i === undefined ? undefined : list[i];
	};
}

/** Work between two stops of the generators here: small enough to keep a slice to a few ms. */
const STEP = 512;

/**
 * The search index over events (in date order), claims and actors, for a snapshot made without one.
 * Fields are added one by one rather than joined into one string: the tokens are the same (a space
 * separates tokens either way), and no joined copy of every text is made.
 */
export function* searchIndexSteps(
	events: readonly StoryEvent[],
	claims: readonly Claim[],
	actors: readonly Actor[],
): Generator<void, SearchIndex> {
	const b = new SearchIndexBuilder();
	for (const e of events) indexEvent(b, e);
	for (const c of claims) indexClaim(b, c);
	for (const a of actors) indexActor(b, a);
	return yield* b.buildSteps();
}

type DocSink = Pick<SearchSink, 'beginDoc' | 'addField' | 'addKey'>;

/**
 * An event's search document: title ×3, summary, tags ×2, place, translated titles ×2, and the key
 * of each of its actors ×2 (so that a name in another script finds it: see DatasetSnapshot.search).
 */
function indexEvent(b: DocSink, e: StoryEvent): number {
	const doc = b.beginDoc();
	b.addField(e.title, 3);
	b.addField(e.summary, 1);
	for (const t of e.tags) b.addField(t, 2);
	if (e.location) b.addField(e.location.name, 1);
	for (const k in e.titles) b.addField(e.titles[k]!, 2);
	const as = e.actors;
	for (let k = 0; k < as.length; k++) {
		const id = as[k]!.actorId;
		// Once per actor (an actor may appear in two roles).
		let again = false;
		for (let j = 0; j < k; j++) if (as[j]!.actorId === id) again = true;
		if (!again) b.addKey(actorKey(id), 2);
	}
	return doc;
}

/** A claim's search document: its text and quote, and the key of who made it. */
function indexClaim(b: DocSink, c: Claim): number {
	const doc = b.beginDoc();
	b.addField(c.text, 1);
	if (c.quote) b.addField(c.quote.text, 1);
	b.addKey(actorKey(c.by), 1);
	return doc;
}

/** An actor's search document: names ×3, description, and its own key ×3. */
function indexActor(b: DocSink, a: Actor): number {
	const doc = b.beginDoc();
	b.addField(a.name, 3);
	for (const alias of a.aliases) b.addField(alias, 3);
	b.addField(a.description, 1);
	b.addKey(actorKey(a.id), 3);
	return doc;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
	const list = map.get(key);
	if (list) list.push(value);
	else map.set(key, [value]);
}

function addKey(map: Map<string, ActorIds>, key: string, id: string): void {
	if (!key) return;
	const ids = map.get(key);
	if (ids === undefined) map.set(key, id);
	else if (typeof ids === 'string') {
		if (ids !== id) map.set(key, [ids, id]);
	}
	// Actors are added one at a time, each with all its keys: an id already in the list is its last.
	// (A search of the whole list would be quadratic in a word thousands of names share.)
	else if (ids[ids.length - 1] !== id) (ids as string[]).push(id);
}
