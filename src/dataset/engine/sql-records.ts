/**
 * The records of one view of a built file (sql-snapshot.ts): events, claims, actors and sources read
 * by key, parsed once and kept in small bounded caches (records.ts), so that what a command shows
 * again — today's events, a well-known actor, the claimant of several claims — costs no statement.
 */
import type { Actor, ActorName, Claim, Source, StoryEvent } from '../model.js';
import { eventOfDoc } from './event-doc.js';
import { HIDDEN_ALWAYS } from './format.js';
import { deepFreeze, RecordCache } from './records.js';
import type { Reader } from './sql-reader.js';
import type { Shared } from './sql-shared.js';

/** A claim's row as read with its id (claim ids are unique in a file). */
interface ClaimRow {
	readonly n: number;
	readonly id: string;
	readonly doc: string;
}

/** A row of actor_names. */
interface NameRow {
	readonly id: string;
	readonly name: string;
	/** JSON: language tag → name. */
	readonly names: string;
}

/** The names of an actor with none in other languages (most of them): one object for all. */
const NO_NAMES: Readonly<Record<string, string>> = Object.freeze({});

/** Records of each kind kept parsed per view (see records.ts). */
const CACHE_RECORDS = 2048;
/** Event ids kept with their ords: a few bytes each, and every event line of an answer looks one up. */
const CACHE_POSITIONS = 8192;

/** The records of one view: what the query modules read through (the {@link Reader} of sql-reader.ts). */
export class SqlRecords implements Reader {
	readonly #s: Shared;
	readonly #events = new RecordCache<number, StoryEvent>(CACHE_RECORDS);
	readonly #claims = new RecordCache<number, Claim>(CACHE_RECORDS);
	readonly #actors = new RecordCache<number, Actor>(CACHE_RECORDS);
	/** Actor id → its number (actors.n). */
	readonly #actorNs = new RecordCache<string, number>(CACHE_RECORDS);
	readonly #sources = new RecordCache<string, Source>(CACHE_RECORDS);
	/** Actor id → what a line shows of it (actor_names), for actors whose record is not cached. */
	readonly #names = new RecordCache<string, ActorName>(CACHE_RECORDS);
	/** Event id → ord, of visible events only. */
	readonly #ords = new RecordCache<string, number>(CACHE_POSITIONS);

	constructor(
		shared: Shared,
		/** The view's instant: rows with `hide_at` past it are hidden. */
		readonly now: number,
	) {
		this.#s = shared;
	}

	get maxSpan(): number {
		return this.#s.maxSpan;
	}

	/** Whether this view hides something (every row passes in the full snapshot). */
	get isView(): boolean {
		return this.now !== HIDDEN_ALWAYS;
	}

	stmt(sql: string) {
		return this.#s.stmt(sql);
	}

	/**
	 * The event at `ord` (which must exist), from the cache or parsed (from `doc` when the caller read
	 * it already); a view drops links to hidden events.
	 */
	eventAt(ord: number, doc?: string): StoryEvent {
		const hit = this.#events.get(ord);
		if (hit) return hit;
		let e = eventOfDoc(doc ?? (this.stmt('SELECT doc FROM event_docs WHERE ord = ?').pluck().get(ord) as string));
		if (this.isView && e.related.length) {
			// A link to a hidden event would show its id, and a reader could look it up: drop the link.
			const visible = e.related.filter((r) => {
				const at = this.stmt('SELECT hide_at FROM events WHERE id = ?').pluck().get(r.eventId) as number | undefined;
				return at === undefined || at <= this.now;
			});
			if (visible.length !== e.related.length) e = { ...e, related: visible };
		}
		deepFreeze(e);
		this.#events.set(ord, e);
		// Every event of the full snapshot is visible, so its id's ord is known now: the event lines
		// and pictures that look it up again by id need no statement.
		if (!this.isView) this.#ords.set(e.id, ord);
		return e;
	}

	/** The events at `ords` (which must exist), in their order: those not cached read in one statement. */
	eventsAt(ords: readonly number[]): StoryEvent[] {
		return this.#recordsAt(ords, this.#events, 'event_docs', 'ord', (ord, doc) => this.eventAt(ord, doc));
	}

	/**
	 * The claim of number `n`, from the cache or parsed (from `doc` when the caller read it already);
	 * `keep: false` leaves a parsed claim out of the cache, for a list most of which is not shown.
	 */
	claimAt(n: number, doc?: string, keep = true): Claim {
		const hit = this.#claims.get(n);
		if (hit) return hit;
		const c = deepFreeze(JSON.parse(doc ?? (this.stmt('SELECT doc FROM claims WHERE n = ?').pluck().get(n) as string)) as Claim);
		if (keep) this.#claims.set(n, c);
		return c;
	}

	claimsAt(ns: readonly number[]): Claim[] {
		return this.#recordsAt(ns, this.#claims, 'claims', 'n', (n, doc) => this.claimAt(n, doc));
	}

	/**
	 * The records at `keys`, in their order, each made by `at` from the cache or from its document:
	 * those not cached read in one statement. Loops, not filter and map with closures: every list a
	 * command shows comes through here.
	 */
	#recordsAt<T>(
		keys: readonly number[],
		cache: RecordCache<number, T>,
		table: 'claims' | 'event_docs',
		key: 'n' | 'ord',
		at: (k: number, doc: string | undefined) => T,
	): T[] {
		let missing: number[] | undefined;
		for (let i = 0; i < keys.length; i++) if (cache.get(keys[i]!) === undefined) (missing ??= []).push(keys[i]!);
		const docs = missing && this.#docs(table, key, missing);
		const out = new Array<T>(keys.length);
		for (let i = 0; i < keys.length; i++) out[i] = at(keys[i]!, docs?.get(keys[i]!));
		return out;
	}

	/**
	 * The documents of `keys` in `table` (by its column `key`), read in one statement when more than
	 * one; undefined for one (its reader reads it by key).
	 */
	#docs<K>(table: 'claims' | 'sources' | 'event_docs', key: 'n' | 'id' | 'ord', keys: readonly K[]): Map<K, string> | undefined {
		if (keys.length < 2) return undefined;
		const docs = new Map<K, string>();
		const rows = this.stmt(`SELECT ${key} AS k, doc FROM ${table} WHERE ${key} IN (SELECT value FROM json_each(?))`).all(
			JSON.stringify(keys),
		) as { k: K; doc: string }[];
		for (let i = 0; i < rows.length; i++) docs.set(rows[i]!.k, rows[i]!.doc);
		return docs;
	}

	actorAt(n: number, doc?: string): Actor {
		const hit = this.#actors.get(n);
		if (hit) return hit;
		const a = deepFreeze(JSON.parse(doc ?? (this.stmt('SELECT doc FROM actors WHERE n = ?').pluck().get(n) as string)) as Actor);
		this.#actors.set(n, a);
		this.#actorNs.set(a.id, n);
		return a;
	}

	actor(id: string): Actor | undefined {
		const n = this.#actorNs.get(id);
		if (n !== undefined) return this.actorAt(n);
		// One statement for the number and the record (an actor not met lately is usually not cached).
		const row = this.stmt('SELECT n, doc FROM actors WHERE id = ?').get(id) as { n: number; doc: string } | undefined;
		return row && this.actorAt(row.n, row.doc);
	}

	/**
	 * The actors of `ids`, in their order (undefined for an unknown id): those not cached read in one
	 * statement, in index order (an event line names up to four).
	 */
	actors(ids: readonly string[]): (Actor | undefined)[] {
		const missing = ids.filter((id) => this.#actorNs.get(id) === undefined);
		if (missing.length > 1) {
			const rows = this.stmt('SELECT n, doc FROM actors WHERE id IN (SELECT value FROM json_each(?))').all(
				JSON.stringify(missing),
			) as {
				n: number;
				doc: string;
			}[];
			for (const r of rows) this.actorAt(r.n, r.doc);
		}
		return ids.map((id) => this.actor(id));
	}

	/**
	 * What lines show of the actors of `ids`, in their order (undefined for an unknown id): the cached
	 * record when there is one, else the row of `actor_names`, those not cached read in one statement.
	 */
	actorNames(ids: readonly string[]): (ActorName | undefined)[] {
		// Loops rather than map/filter with closures: every event line of an answer comes here, and the
		// names are nearly always cached (the lines' actors were read together just before).
		const out: (ActorName | undefined)[] = new Array<ActorName | undefined>(ids.length);
		let missing: string[] | undefined;
		for (let i = 0; i < ids.length; i++) {
			const id = ids[i]!;
			const n = this.#actorNs.get(id);
			const hit = (n === undefined ? undefined : this.#actors.get(n)) ?? this.#names.get(id);
			out[i] = hit;
			if (hit === undefined) (missing ??= []).push(id);
		}
		if (missing === undefined) return out;
		const rows = (
			missing.length === 1
				? this.stmt('SELECT id, name, names FROM actor_names WHERE id = ?').all(missing[0])
				: this.stmt('SELECT id, name, names FROM actor_names WHERE id IN (SELECT value FROM json_each(?))').all(
						JSON.stringify(missing),
					)
		) as NameRow[];
		// Answered from the rows read, not the cache: a long list may push its own first names out of it.
		const read = new Map<string, ActorName>();
		for (const r of rows) {
			const name: ActorName = Object.freeze({
				id: r.id,
				name: r.name,
				names: r.names === '{}' ? NO_NAMES : deepFreeze(JSON.parse(r.names) as Record<string, string>),
			});
			read.set(r.id, name);
			this.#names.set(r.id, name);
		}
		for (let i = 0; i < ids.length; i++) out[i] ??= read.get(ids[i]!);
		return out;
	}

	/** The sources of `ids`, in their order (undefined for an unknown id): those not cached read in one statement. */
	sources(ids: readonly string[]): (Source | undefined)[] {
		const docs = this.#docs('sources', 'id', [...new Set(ids.filter((id) => this.#sources.get(id) === undefined))]);
		return ids.map((id) => this.source(id, docs?.get(id)));
	}

	source(id: string, known?: string): Source | undefined {
		const hit = this.#sources.get(id);
		if (hit) return hit;
		const doc = known ?? (this.stmt('SELECT doc FROM sources WHERE id = ?').pluck().get(id) as string | undefined);
		if (doc === undefined) return undefined;
		const x = deepFreeze(JSON.parse(doc) as Source);
		this.#sources.set(id, x);
		return x;
	}

	/** The ord of a visible event. */
	positionOf(id: string): number | undefined {
		const hit = this.#ords.get(id);
		if (hit !== undefined) return hit;
		const ord = this.stmt('SELECT ord FROM events WHERE id = ? AND hide_at <= ?').pluck().get(id, this.now) as number | undefined;
		if (ord !== undefined) this.#ords.set(id, ord);
		return ord;
	}

	event(id: string): StoryEvent | undefined {
		const ord = this.positionOf(id);
		return ord === undefined ? undefined : this.eventAt(ord);
	}

	/** A claim of a visible event. */
	claim(id: string): Claim | undefined {
		const row = this.stmt(
			'SELECT c.n AS n, c.doc AS doc FROM claims c JOIN events e ON e.ord = c.event_ord WHERE c.id = ? AND e.hide_at <= ?',
		).get(id, this.now) as { n: number; doc: string } | undefined;
		return row && this.claimAt(row.n, row.doc);
	}

	/** The claims of a visible event, in its order (`claimIds`): one statement on the claims' event index. */
	claimsOf(e: StoryEvent): Claim[] {
		return this.claimsOfEach([e])[0]!;
	}

	/** The claims of each visible event of `events`, each in its order: one statement for all of them. */
	claimsOfEach(events: readonly StoryEvent[]): Claim[][] {
		const ords = new Array<number | undefined>(events.length);
		const asked: number[] = [];
		for (let i = 0; i < events.length; i++) {
			const e = events[i]!;
			const ord = e.claimIds.length ? this.positionOf(e.id) : undefined;
			ords[i] = ord;
			if (ord !== undefined) asked.push(ord);
		}
		const rows = !asked.length
			? []
			: asked.length === 1
				? (this.stmt('SELECT n, id, doc FROM claims WHERE event_ord = ?').all(asked[0]) as ClaimRow[])
				: (this.stmt('SELECT n, id, doc FROM claims WHERE event_ord IN (SELECT value FROM json_each(?))').all(
						JSON.stringify(asked),
					) as ClaimRow[]);
		const byId = new Map<string, ClaimRow>();
		for (let i = 0; i < rows.length; i++) byId.set(rows[i]!.id, rows[i]!);
		const out = new Array<Claim[]>(events.length);
		for (let i = 0; i < events.length; i++) {
			const list: Claim[] = [];
			if (ords[i] !== undefined)
				for (const id of events[i]!.claimIds) {
					const r = byId.get(id);
					if (r) list.push(this.claimAt(r.n, r.doc));
				}
			out[i] = list;
		}
		return out;
	}
}
