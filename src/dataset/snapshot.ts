/**
 * An immutable, indexed dataset. Commands read only from a snapshot, so a reload that swaps in a
 * new one never changes what a command in flight sees.
 */
import type { Actor, Claim, EventStatus, Source, Story, StoryEvent } from './model.js';
import { compareDates } from './partial-date.js';
import { SearchIndex } from './search-index.js';
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

type Doc = { kind: 'event'; id: string } | { kind: 'claim'; id: string } | { kind: 'actor'; id: string };

export class DatasetSnapshot {
	/** Events in date order. */
	readonly events: readonly StoryEvent[];
	private readonly eventById: ReadonlyMap<string, StoryEvent>;
	private readonly actorById: ReadonlyMap<string, Actor>;
	private readonly sourceById: ReadonlyMap<string, Source>;
	private readonly claimById: ReadonlyMap<string, Claim>;
	private readonly eventsByActor = new Map<string, StoryEvent[]>();
	private readonly eventsByTag = new Map<string, StoryEvent[]>();
	private readonly claimsByActor = new Map<string, Claim[]>();
	private readonly nameKeys = new Map<string, Set<string>>();
	private readonly soundKeys = new Map<string, Set<string>>();
	private readonly eventPosition = new Map<string, number>();
	private readonly maxSpan: number;

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
	) {
		this.events = Object.freeze([...events].sort((a, b) => compareDates(a.date, b.date) || a.id.localeCompare(b.id)));
		this.eventById = new Map(this.events.map((e) => [e.id, e]));
		this.actorById = new Map(actors.map((a) => [a.id, a]));
		this.sourceById = new Map(sources.map((s) => [s.id, s]));
		this.claimById = new Map(claims.map((c) => [c.id, c]));
		let maxSpan = 0;
		this.events.forEach((e, i) => {
			this.eventPosition.set(e.id, i);
			maxSpan = Math.max(maxSpan, e.date.latestDay - e.date.earliestDay);
			for (const a of new Set(e.actors.map((x) => x.actorId))) push(this.eventsByActor, a, e);
			for (const t of e.tags) push(this.eventsByTag, t, e);
		});
		this.maxSpan = maxSpan;
		for (const c of claims) push(this.claimsByActor, c.by, c);
		for (const a of actors) {
			for (const n of [a.id, a.name, ...a.aliases, ...Object.values(a.names)]) {
				const key = fold(n).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
				addKey(this.nameKeys, key, a.id);
				addKey(this.soundKeys, soundKey(key), a.id);
				// Surnames and single words of a name resolve too ("aliyev", "pezeshkian").
				for (const w of key.split(' ')) if (w.length >= 4) addKey(this.nameKeys, w, a.id);
			}
		}
		Object.freeze(this);
	}

	get counts(): DatasetCounts {
		return { events: this.events.length, actors: this.actors.length, sources: this.sources.length, claims: this.claims.length };
	}

	event(id: string): StoryEvent | undefined {
		return this.eventById.get(id);
	}
	actor(id: string): Actor | undefined {
		return this.actorById.get(id);
	}
	source(id: string): Source | undefined {
		return this.sourceById.get(id);
	}
	claim(id: string): Claim | undefined {
		return this.claimById.get(id);
	}

	/** All tags in use, with how many events carry each, most used first. */
	tags(): { tag: string; count: number }[] {
		return [...this.eventsByTag].map(([tag, list]) => ({ tag, count: list.length })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
	}

	hasTag(tag: string): boolean {
		return this.eventsByTag.has(tag);
	}

	claimsOf(event: StoryEvent): Claim[] {
		return event.claimIds.map((id) => this.claimById.get(id)!);
	}

	claimsBy(actorId: string): readonly Claim[] {
		return this.claimsByActor.get(actorId) ?? [];
	}

	eventsOf(actorId: string): readonly StoryEvent[] {
		return this.eventsByActor.get(actorId) ?? [];
	}

	/** Events in date order that pass every filter. */
	timeline(filter: TimelineFilter = {}): StoryEvent[] {
		let candidates: readonly StoryEvent[] = this.events;
		if (filter.actorId !== undefined) candidates = this.eventsByActor.get(filter.actorId) ?? [];
		if (filter.tag !== undefined) {
			const byTag = this.eventsByTag.get(filter.tag) ?? [];
			if (byTag.length < candidates.length) candidates = byTag;
		}
		if (candidates === this.events && (filter.fromDay !== undefined || filter.toDay !== undefined)) {
			candidates = this.slice(filter.fromDay, filter.toDay);
		}
		let textIds: Set<string> | undefined;
		if (filter.text !== undefined) {
			textIds = new Set(
				this.search(filter.text)
					.map((r) => (r.kind === 'event' ? r.event.id : r.kind === 'claim' ? r.claim.eventId : undefined))
					.filter((x): x is string => x !== undefined),
			);
		}
		return candidates.filter(
			(e) =>
				(filter.fromDay === undefined || e.date.latestDay >= filter.fromDay) &&
				(filter.toDay === undefined || e.date.earliestDay <= filter.toDay) &&
				(filter.actorId === undefined || e.actors.some((a) => a.actorId === filter.actorId)) &&
				(filter.tag === undefined || e.tags.includes(filter.tag)) &&
				(filter.status === undefined || e.status === filter.status) &&
				(textIds === undefined || textIds.has(e.id)),
		);
	}

	/** Events whose span may overlap [from, to], found by binary search on the sorted list. */
	private slice(fromDay?: number, toDay?: number): readonly StoryEvent[] {
		const lowKey = fromDay === undefined ? -Infinity : fromDay - this.maxSpan;
		const lo = lowerBound(this.events, (e) => e.date.earliestDay >= lowKey);
		const hi = toDay === undefined ? this.events.length : lowerBound(this.events, (e) => e.date.earliestDay > toDay);
		return this.events.slice(lo, hi);
	}

	/** Position of an event in date order, for "related" and paging. */
	positionOf(eventId: string): number | undefined {
		return this.eventPosition.get(eventId);
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
			.map(([id, shared]) => ({ actor: this.actorById.get(id)!, shared }));
	}

	/**
	 * Resolves what a reader typed to an actor: an id, a name, an alias or transliteration in any
	 * script, or a near-miss spelling. Returns suggestions when nothing is close enough.
	 */
	resolveActor(query: string): ActorMatch {
		const raw = query.trim();
		const byId = this.actorById.get(raw.toLowerCase());
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
		return { kind: 'none', suggestions: suggestions.map((id) => this.actorById.get(id)!) };
	}

	private pick(ids: Set<string>, key: string, via: 'alias' | 'spelling'): ActorMatch {
		const actors = [...ids].map((id) => this.actorById.get(id)!);
		if (actors.length === 1) {
			const a = actors[0]!;
			return { kind: 'found', actor: a, via: fold(a.name) === key ? 'name' : via };
		}
		// Prefer an actor whose full name is the query (e.g. "Kremlin" over people affiliated with it).
		const full = actors.filter((a) => fold(a.name).replace(/[^\p{L}\p{N}]+/gu, ' ').trim() === key);
		if (full.length === 1) return { kind: 'found', actor: full[0]!, via: 'name' };
		return { kind: 'ambiguous', candidates: actors.sort((a, b) => a.name.localeCompare(b.name)) };
	}

	/** Ranked full-text search over events, claims and actors. The index is built on first use. */
	search(query: string, limit = Infinity): SearchResult[] {
		const { index, docs } = this.ensureIndex();
		return index.search(query, limit).map((h) => {
			const d = docs[h.doc]!;
			if (d.kind === 'event') return { kind: 'event', event: this.eventById.get(d.id)!, score: h.score, matched: h.matched };
			if (d.kind === 'claim') return { kind: 'claim', claim: this.claimById.get(d.id)!, score: h.score, matched: h.matched };
			return { kind: 'actor', actor: this.actorById.get(d.id)!, score: h.score, matched: h.matched };
		});
	}

	private ensureIndex(): { index: SearchIndex; docs: Doc[] } {
		const existing = lazyIndexes.get(this);
		if (existing) return existing;
		const docs: Doc[] = [];
		const inputs: { fields: { text: string; weight: number }[] }[] = [];
		for (const e of this.events) {
			docs.push({ kind: 'event', id: e.id });
			inputs.push({
				fields: [
					{ text: e.title, weight: 3 },
					{ text: e.summary, weight: 1 },
					{ text: e.tags.join(' '), weight: 2 },
					{ text: e.location?.name ?? '', weight: 1 },
					{ text: Object.values(e.titles).join(' '), weight: 2 },
				],
			});
		}
		for (const c of this.claims) {
			docs.push({ kind: 'claim', id: c.id });
			inputs.push({ fields: [{ text: c.text, weight: 1 }, { text: c.quote?.text ?? '', weight: 1 }] });
		}
		for (const a of this.actors) {
			docs.push({ kind: 'actor', id: a.id });
			inputs.push({ fields: [{ text: [a.name, ...a.aliases].join(' '), weight: 3 }, { text: a.description, weight: 1 }] });
		}
		// The snapshot is frozen; the lazily built index lives in a side table keyed by the instance.
		const built = { index: new SearchIndex(inputs), docs };
		lazyIndexes.set(this, built);
		return built;
	}
}

const lazyIndexes = new WeakMap<DatasetSnapshot, { index: SearchIndex; docs: Doc[] }>();

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
	const list = map.get(key);
	if (list) list.push(value);
	else map.set(key, [value]);
}

function addKey(map: Map<string, Set<string>>, key: string, id: string): void {
	if (!key) return;
	const set = map.get(key);
	if (set) set.add(id);
	else map.set(key, new Set([id]));
}

function lowerBound<T>(list: readonly T[], pred: (x: T) => boolean): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (pred(list[mid]!)) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}
