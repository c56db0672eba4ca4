/**
 * The dataset snapshot over a built file (format.ts): the query surface of the in-heap
 * DatasetSnapshot (snapshot.ts), answered by SQL through one read-only connection. Only what a query
 * touches is read and made into records, so a million events cost the heap what a command shows.
 *
 * A snapshot holds every event the editors wrote; {@link SqlSnapshot.at} is the view readers see at
 * an instant (no drafts, no embargoes still ahead, no links to either): every query of a view adds
 * `hide_at <= now`, and the full snapshot is the view at "never" (everything passes).
 */
import Database from 'better-sqlite3';
import type { Actor, ActorName, Claim, Label, Outlet, Source, Story, StoryEvent, Vocabulary } from '../model.js';
import type { ActorMatch, DatasetCounts, EventFilter, SearchPage, SearchResult, TimelineFilter, TimelinePage } from '../queries.js';
import { APPLICATION_ID, FORMAT_VERSION, HIDDEN_ALWAYS } from './format.js';
import { databaseFromRecords } from './from-records.js';
import { deepFreeze } from './records.js';
import { claimsByPage, coActors, resolveActor } from './sql-actors.js';
import { eventsWithIdPrefix, fileDigests, outletCitations, recordsOfFile, type OutletCitations } from './sql-lookups.js';
import { SqlRecords } from './sql-records.js';
import { searchPage } from './sql-search.js';
import { Shared, type Gate } from './sql-shared.js';
import * as timeline from './sql-timeline.js';

export { COUNT_CAP } from './sql-search.js';

/**
 * An index a layer above the dataset derives from a snapshot (the actors in the news, a picture
 * cache key): made on first use and kept by the snapshot for as long as it lives, since a snapshot
 * never changes. The object is its own key, so declare it once, at module level.
 */
export interface DerivedIndex<T> {
	/** A code-like name for it (the function that asks for it), for a debugger. */
	readonly name: string;
	make(snapshot: SqlSnapshot): T;
}

/** How a snapshot reads. */
export interface SqlSnapshotOptions {
	/**
	 * Rows of the driving table (an actor's or tag's events, a text's matches, the events) that a
	 * timeline count reads at most before it calls its total a lower bound; default {@link SCAN_BUDGET}.
	 */
	readonly scanBudget?: number;
	/** Told once when the connection is closed (load-dataset.ts releases the build cache's in-use mark). */
	readonly onClose?: () => void;
}

/** See {@link SqlSnapshotOptions.scanBudget}: about a millisecond or two of rows to walk. */
export const SCAN_BUDGET = 2000;
/**
 * The read connection's page cache, KiB (better-sqlite3's default is 16 MB a connection, held for the
 * life of the snapshot). The file is read through the OS page cache, so a page SQLite dropped costs a
 * read() call, not a disk read; bench/README.md "Steady memory, round three" has the p99s with it.
 */
const READ_CACHE_KB = 4096;

/** Rows per read when streaming a table (each* methods): a page is read, then yielded. */
const PAGE_ROWS = 512;
/** The instant of the full snapshot's view: every row passes `hide_at <= now`, drafts included. */
const EVERYTHING = HIDDEN_ALWAYS;

/** The views of each open file, by how many embargoes have passed (see {@link SqlSnapshot.at}). */
const viewsOf = new WeakMap<Shared, Map<number, SqlSnapshot>>();

/** How many event fingerprints {@link SqlSnapshot.eventFingerprintPages} reads at a time by default. */
export const FINGERPRINT_PAGE = 5000;

export class SqlSnapshot {
	readonly #s: Shared;
	/** The view's instant: rows with `hide_at` past it are hidden. */
	readonly #now: number;
	/** The view's records, and what the query modules read through (sql-reader.ts). */
	readonly #r: SqlRecords;
	/** What the timeline's totals are read from (sql-timeline.ts). */
	readonly #totals: timeline.Totals;
	#tags?: { tag: string; count: number }[];
	#tagMap?: Map<string, number>;
	#counts?: DatasetCounts;
	/** The indexes the layers above derived from this snapshot (see {@link derived}). */
	readonly #derived = new Map<DerivedIndex<unknown>, unknown>();
	/** Content hash of the files the snapshot was built from (and, for a view, how many embargoes have passed). */
	readonly version: string;

	private constructor(
		shared: Shared,
		now: number,
		version: string,
		readonly loadedAt: string,
	) {
		this.#s = shared;
		this.#now = now;
		this.version = version;
		this.#r = new SqlRecords(shared, now);
		const counts = (): DatasetCounts => this.counts;
		this.#totals = {
			get events() {
				return counts().events;
			},
			statuses: shared.statuses,
			scanBudget: shared.scanBudget,
			tagCount: (tag) => this.#tagCount(tag),
		};
	}

	/**
	 * Opens a built file read-only. Throws when it is not a complete built dataset of this format (the
	 * caller rebuilds it). `loadedAt`: when the dataset was loaded (ISO instant).
	 */
	static open(path: string, loadedAt: string, options: SqlSnapshotOptions = {}): SqlSnapshot {
		const db = new Database(path, { readonly: true, fileMustExist: true });
		try {
			db.pragma(`cache_size = ${-READ_CACHE_KB}`);
			if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) throw new Error(`${path} is not a built dataset`);
			if (db.pragma('user_version', { simple: true }) !== FORMAT_VERSION)
				throw new Error(`${path} is a built dataset of another format`);
			return SqlSnapshot.over(db, loadedAt, options);
		} catch (err) {
			db.close();
			throw err;
		}
	}

	/** The snapshot over an open connection to a built dataset (the snapshot owns it from now on). */
	static over(db: Database.Database, loadedAt: string, options: SqlSnapshotOptions = {}): SqlSnapshot {
		const shared = new Shared(db, options.scanBudget ?? SCAN_BUDGET);
		if (options.onClose) shared.onClose = options.onClose;
		return new SqlSnapshot(shared, EVERYTHING, shared.version, loadedAt);
	}

	/**
	 * A snapshot of records, built into an in-memory database (as DatasetSnapshot's constructor takes
	 * them): for tests and small tools (see from-records.ts).
	 */
	static fromRecords(
		story: Story,
		actors: readonly Actor[],
		sources: readonly Source[],
		events: readonly StoryEvent[],
		claims: readonly Claim[],
		version: string,
		loadedAt: string,
		vocabulary: Vocabulary = { outlets: new Map(), topics: new Map(), tags: new Map(), roles: new Map() },
		options: SqlSnapshotOptions = {},
	): SqlSnapshot {
		return SqlSnapshot.over(databaseFromRecords(story, actors, sources, events, claims, version, vocabulary), loadedAt, options);
	}

	/** Closes the connection (of the snapshot and all its views). */
	close(): void {
		if (!this.#s.db.open) return;
		this.#s.db.close();
		this.#s.onClose?.();
	}

	get story(): Story {
		return this.#s.story;
	}
	get vocabulary(): Vocabulary {
		return this.#s.vocabulary;
	}

	/** Whether this is a view that hides something (not the full snapshot). */
	get isView(): boolean {
		return this.#now !== EVERYTHING;
	}

	// ——— the editorial gate ———

	/** Drafts and embargoes of the file (computed once, from the partial index of hidden events). */
	gate(): Gate {
		return this.#s.gate();
	}

	/**
	 * What readers see at `nowMs` (see visible-view.ts): this snapshot when nothing is hidden, else a
	 * view whose version is the loaded version plus how many embargoes have passed. Views are kept by
	 * that number, so every instant between two releases gets the same view.
	 */
	at(nowMs: number): { view: SqlSnapshot; nextRelease: number | null } {
		const gate = this.gate();
		let released = 0;
		while (released < gate.embargoes.length && gate.embargoes[released]!.at <= nowMs) released++;
		const nextRelease = released < gate.embargoes.length ? gate.embargoes[released]!.at : null;
		if (gate.drafts === 0 && nextRelease === null) return { view: this, nextRelease };
		let views = viewsOf.get(this.#s);
		if (!views) viewsOf.set(this.#s, (views = new Map()));
		let view = views.get(released);
		if (!view) {
			// The instant of the last release passed: the same rows are hidden until the next one.
			const now = released > 0 ? gate.embargoes[released - 1]!.at : 0;
			view = new SqlSnapshot(this.#s, now, nextRelease === null ? this.#s.version : `${this.#s.version}+${released}`, this.loadedAt);
			views.set(released, view);
		}
		return { view, nextRelease };
	}

	/** How many events are drafts and how many are under an embargo at `nowMs`. */
	hiddenCounts(nowMs: number): { drafts: number; embargoed: number } {
		const gate = this.gate();
		return { drafts: gate.drafts, embargoed: gate.embargoes.filter((x) => x.at > nowMs).length };
	}

	/** Nothing to make ahead: the indexes are in the file. (DatasetSnapshot.warmSteps' place.) */
	*warmSteps(): Generator<void, void> {}

	get counts(): DatasetCounts {
		if (this.#counts) return this.#counts;
		const s = this.#s;
		if (!this.isView) return (this.#counts = s.counts);
		const events = s.stmt('SELECT count(*) FROM events WHERE hide_at <> 0 AND hide_at > ?').pluck().get(this.#now) as number;
		const claims = s
			.stmt('SELECT count(*) FROM events e JOIN claims c ON c.event_ord = e.ord WHERE e.hide_at <> 0 AND e.hide_at > ?')
			.pluck()
			.get(this.#now) as number;
		return (this.#counts = Object.freeze({ ...s.counts, events: s.counts.events - events, claims: s.counts.claims - claims }));
	}

	// ——— records ———

	event(id: string): StoryEvent | undefined {
		return this.#r.event(id);
	}
	actor(id: string): Actor | undefined {
		return this.#r.actor(id);
	}
	/** The actors of `ids`, in their order (undefined for an unknown id), read together. */
	actorsById(ids: readonly string[]): (Actor | undefined)[] {
		return this.#r.actors(ids);
	}
	/**
	 * What lines show of the actors of `ids` (name, names), in their order (undefined for an unknown
	 * id), read together from a table much smaller than the actors' records.
	 */
	actorNames(ids: readonly string[]): (ActorName | undefined)[] {
		return this.#r.actorNames(ids);
	}
	source(id: string): Source | undefined {
		return this.#r.source(id);
	}
	/** The sources of `ids`, in their order (undefined for an unknown id), read together. */
	sourcesById(ids: readonly string[]): (Source | undefined)[] {
		return this.#r.sources(ids);
	}
	/** An outlet by id (outlets.yaml). */
	outlet(id: string): Outlet | undefined {
		return this.#s.vocabulary.outlets.get(id);
	}
	/** The label an editor gave a topic, tag or role slug, if any. */
	label(kind: 'topic' | 'tag' | 'role', id: string): Label | undefined {
		return this.#s.vocabulary[`${kind}s`].get(id);
	}
	claim(id: string): Claim | undefined {
		return this.#r.claim(id);
	}

	/** Events in date order, read a page at a time (never the whole list at once). */
	*eachEvent(): IterableIterator<StoryEvent> {
		const page = this.#s.stmt('SELECT ord FROM events WHERE ord > ? AND hide_at <= ? ORDER BY ord LIMIT ?').pluck();
		for (let after = -1; ;) {
			const ords = page.all(after, this.#now, PAGE_ROWS) as number[];
			if (ords.length === 0) return;
			after = ords[ords.length - 1]!;
			for (const o of ords) yield this.#r.eventAt(o);
		}
	}

	/** Actors in load order. */
	*eachActor(): IterableIterator<Actor> {
		const page = this.#s.stmt('SELECT n, doc FROM actors WHERE n > ? ORDER BY n LIMIT ?');
		for (let after = -1; ;) {
			const rows = page.all(after, PAGE_ROWS) as { n: number; doc: string }[];
			if (rows.length === 0) return;
			after = rows[rows.length - 1]!.n;
			for (const r of rows) yield this.#r.actorAt(r.n, r.doc);
		}
	}

	/** Sources in load order. */
	*eachSource(): IterableIterator<Source> {
		const page = this.#s.stmt('SELECT n, doc FROM sources WHERE n > ? ORDER BY n LIMIT ?');
		for (let after = -1; ;) {
			const rows = page.all(after, PAGE_ROWS) as { n: number; doc: string }[];
			if (rows.length === 0) return;
			after = rows[rows.length - 1]!.n;
			for (const r of rows) yield deepFreeze(JSON.parse(r.doc) as Source);
		}
	}

	/** Claims in load order (a view leaves out the claims of hidden events). */
	*eachClaim(): IterableIterator<Claim> {
		const page = this.#s.stmt(
			'SELECT c.n, c.doc FROM claims c JOIN events e ON e.ord = c.event_ord WHERE c.n > ? AND e.hide_at <= ? ORDER BY c.n LIMIT ?',
		);
		for (let after = -1; ;) {
			const rows = page.all(after, this.#now, PAGE_ROWS) as { n: number; doc: string }[];
			if (rows.length === 0) return;
			after = rows[rows.length - 1]!.n;
			for (const r of rows) yield this.#r.claimAt(r.n, r.doc);
		}
	}

	/** Events whose `related` list names `eventId`, in date order, each once. */
	eventsRelatedTo(eventId: string): StoryEvent[] {
		const s = this.#s;
		if (this.isView) {
			const at = s.stmt('SELECT hide_at FROM events WHERE id = ?').pluck().get(eventId) as number | undefined;
			if (at !== undefined && at > this.#now) return [];
		}
		const ords = s
			.stmt('SELECT l.ord FROM event_links l JOIN events e ON e.ord = l.ord WHERE l.target = ? AND e.hide_at <= ? ORDER BY l.ord')
			.pluck()
			.all(eventId, this.#now) as number[];
		return this.#r.eventsAt(ords);
	}

	/** What cites an outlet (see sql-lookups.ts). */
	outletCitations(outletId: string, limit: number): OutletCitations {
		return outletCitations(this.#r, outletId, limit);
	}

	/** Up to `limit` visible events whose id begins with `prefix`, by id (see sql-lookups.ts). */
	eventsWithIdPrefix(prefix: string, limit: number): StoryEvent[] {
		return eventsWithIdPrefix(this.#r, prefix, limit);
	}

	/** Actors that list `actorId` among their affiliations, in dataset order, each once. */
	membersOf(actorId: string): Actor[] {
		const ns = this.#s.stmt('SELECT n FROM actor_links WHERE target = ? ORDER BY n').pluck().all(actorId) as number[];
		return ns.map((n) => this.#r.actorAt(n));
	}

	/** The dataset files and the SHA-256 of each (see sql-lookups.ts); undefined when made from records. */
	fileDigests(): ReadonlyMap<string, string> | undefined {
		return fileDigests(this.#r);
	}

	/** The records read from one dataset file (none for a file not in the snapshot); events made as iterated. */
	recordsOfFile(name: string): { events: Iterable<StoryEvent>; actors: Actor[]; sources: Source[] } {
		return recordsOfFile(this.#r, name);
	}

	/**
	 * Event id → the fingerprint of its version (to-input.ts eventFingerprint: the event with its
	 * claims), for the visible events; made by the build, read here. The whole map, made on every call
	 * and not kept: at a million events it is tens of megabytes, so the layers above read a page at a
	 * time ({@link eventFingerprintPages}) or one event's ({@link eventFingerprint}).
	 */
	eventFingerprints(): ReadonlyMap<string, string> {
		const out = new Map<string, string>();
		for (const page of this.eventFingerprintPages()) for (const [id, fp] of page) out.set(id, fp);
		return out;
	}

	/** The fingerprint of the visible event `id`'s version (see {@link eventFingerprints}); undefined for no such event. */
	eventFingerprint(id: string): string | undefined {
		return this.#s.stmt('SELECT fp FROM events WHERE id = ? AND hide_at <= ?').pluck().get(id, this.#now) as string | undefined;
	}

	/**
	 * The visible events' [id, fingerprint] pairs in id order, `size` per page: each page is read
	 * when asked for, so a caller that yields between pages holds one page at a time. By id rather
	 * than by date because the version store's key begins with the id: a page then lands on
	 * neighbouring rows of its table, where pages in date order would touch rows all over it.
	 */
	*eventFingerprintPages(size = FINGERPRINT_PAGE): Generator<[string, string][]> {
		const first = this.#s.stmt('SELECT id, fp FROM events WHERE hide_at <= ? ORDER BY id LIMIT ?');
		const next = this.#s.stmt('SELECT id, fp FROM events WHERE id > ? AND hide_at <= ? ORDER BY id LIMIT ?');
		let after: string | undefined;
		for (;;) {
			const rows = (after === undefined ? first.all(this.#now, size) : next.all(after, this.#now, size)) as {
				id: string;
				fp: string;
			}[];
			if (!rows.length) return;
			after = rows[rows.length - 1]!.id;
			yield rows.map((r) => [r.id, r.fp]);
			if (rows.length < size) return;
		}
	}

	/** The snapshot's `index`: made on first use, then kept (one place for every derived index). */
	derived<T>(index: DerivedIndex<T>): T {
		if (this.#derived.has(index)) return this.#derived.get(index) as T;
		const value = index.make(this);
		this.#derived.set(index, value);
		return value;
	}

	/** All tags in use, with how many events carry each, most used first. */
	tags(): { tag: string; count: number }[] {
		if (!this.#tags) {
			let list = this.#s.tagCounts.map((t) => ({ ...t }));
			if (this.isView) {
				const hidden = new Map<string, number>();
				for (const r of this.#s
					.stmt(
						'SELECT g.tag AS tag, count(*) AS count FROM events e JOIN event_tags g ON g.ord = e.ord WHERE e.hide_at <> 0 AND e.hide_at > ? GROUP BY g.tag',
					)
					.all(this.#now) as { tag: string; count: number }[]) {
					hidden.set(r.tag, r.count);
				}
				list = list.map((t) => ({ tag: t.tag, count: t.count - (hidden.get(t.tag) ?? 0) })).filter((t) => t.count > 0);
			}
			this.#tags = list.sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
		}
		return this.#tags.map((t) => ({ ...t }));
	}

	/** How many events carry a tag (in this view). */
	#tagCount(tag: string): number {
		this.#tagMap ??= new Map(this.tags().map((t) => [t.tag, t.count]));
		return this.#tagMap.get(tag) ?? 0;
	}

	hasTag(tag: string): boolean {
		return (
			this.#s
				.stmt('SELECT 1 FROM event_tags g JOIN events e ON e.ord = g.ord WHERE g.tag = ? AND e.hide_at <= ? LIMIT 1')
				.pluck()
				.get(tag, this.#now) !== undefined
		);
	}

	/** The claims of an event, in its order (one statement, on the claims' event index). */
	claimsOf(event: StoryEvent): Claim[] {
		return this.#r.claimsOf(event);
	}

	/** The claims of each of `events`, each in its order (as {@link claimsOf}), read in one statement. */
	claimsOfEach(events: readonly StoryEvent[]): Claim[][] {
		return this.#r.claimsOfEach(events);
	}

	/** Every claim `actorId` makes, in dataset order (see {@link claimsByPage} for the first few and a count). */
	claimsBy(actorId: string): readonly Claim[] {
		const rows = this.#s
			.stmt(
				'SELECT c.n AS n, c.doc AS doc FROM claims c JOIN events e ON e.ord = c.event_ord WHERE c.by_actor = ? AND e.hide_at <= ? ORDER BY c.n',
			)
			.all(actorId, this.#now) as { n: number; doc: string }[];
		return rows.map((r) => this.#r.claimAt(r.n, r.doc));
	}

	/** The first `limit` of {@link claimsBy} and how many there are in all, read no further than shown. */
	claimsByPage(actorId: string, limit: number): { claims: Claim[]; total: number } {
		return claimsByPage(this.#r, actorId, limit);
	}

	eventsOf(actorId: string): readonly StoryEvent[] {
		const ords = this.#s
			.stmt('SELECT a.ord FROM event_actors a JOIN events e ON e.ord = a.ord WHERE a.actor = ? AND e.hide_at <= ? ORDER BY a.ord')
			.pluck()
			.all(actorId, this.#now) as number[];
		return this.#r.eventsAt(ords);
	}

	/** Position of a visible event in date order: its ord (ascending with date order, not an array index). */
	positionOf(eventId: string): number | undefined {
		return this.#r.positionOf(eventId);
	}

	// ——— the timeline (sql-timeline.ts) ———

	/** Events in date order that pass every filter. */
	timeline(filter: TimelineFilter = {}): StoryEvent[] {
		return timeline.timeline(this.#r, this.#totals, filter);
	}

	/**
	 * The last `count` events of {@link timeline}, in date order: the newest that pass, found by
	 * walking back from the end (a text filter stops early too), whatever the count of all of them.
	 */
	latest(filter: TimelineFilter, count: number): StoryEvent[] {
		return timeline.latest(this.#r, this.#totals, filter, count);
	}

	/**
	 * One page of {@link timeline} (1-based; the last page when `page` is past the end), with how many
	 * events pass and the first and the last of them. The total is exact where the file answers it at
	 * once (no filter, one tag, one status, one actor); otherwise counting stops past COUNT_CAP and the
	 * page is `capped` (its total a lower bound, its last page that of the counted events).
	 */
	timelinePage(filter: TimelineFilter, page: number, perPage: number): TimelinePage {
		return timeline.timelinePage(this.#r, this.#totals, filter, page, perPage);
	}

	/** Events that begin (by their earliest day) in [fromDay, toDay], in date order, that pass the filters. */
	startingBetween(fromDay: number, toDay: number, filter: EventFilter = {}, limit = Infinity): StoryEvent[] {
		return timeline.startingBetween(this.#r, fromDay, toDay, filter, limit);
	}

	/** How many events {@link startingBetween} gives, counted on the indexes (no record is read). */
	countStartingBetween(fromDay: number, toDay: number, filter: EventFilter = {}): number {
		return timeline.countStartingBetween(this.#r, fromDay, toDay, filter);
	}

	/**
	 * The claims of the first `eventLimit` events of {@link startingBetween}, in date order (each
	 * event's in its order), read without those events: the briefing's key claims of a crowded day.
	 */
	claimsStartingBetween(fromDay: number, toDay: number, filter: EventFilter = {}, eventLimit = Infinity): Claim[] {
		return timeline.claimsStartingBetween(this.#r, fromDay, toDay, filter, eventLimit);
	}

	/**
	 * The briefing's key claims of a window: of {@link claimsStartingBetween}, the claims of the first
	 * `claimants` claimants (in the order they first appear), at most `perClaimant` each, in that
	 * order; only those claims are read.
	 */
	keyClaimsStartingBetween(
		fromDay: number,
		toDay: number,
		filter: EventFilter,
		eventLimit: number,
		claimants: number,
		perClaimant: number,
	): Claim[] {
		return timeline.keyClaimsStartingBetween(this.#r, fromDay, toDay, filter, eventLimit, claimants, perClaimant);
	}

	/** The last `count` events, in date order, that begin on or before `day` and pass the filters. */
	lastStartingBy(day: number, count: number, filter: EventFilter = {}): StoryEvent[] {
		return timeline.lastStartingBy(this.#r, day, count, filter);
	}

	/**
	 * Events dated to exactly `month`-`day` (day precision, not a range) of a year before
	 * `beforeYear`, in date order: "on this day in earlier years".
	 */
	onThisDay(month: number, day: number, beforeYear: number, limit = Infinity): StoryEvent[] {
		return timeline.onThisDay(this.#r, month, day, beforeYear, limit);
	}

	// ——— actors (sql-actors.ts) ———

	/** Actors who share the most events with `actorId`, with the count of shared events (most first, then id). */
	coActors(actorId: string, limit = 5): { actor: Actor; shared: number }[] {
		return coActors(this.#r, actorId, limit);
	}

	/**
	 * Resolves what a reader typed to an actor: an id, a name, an alias or transliteration in any
	 * script, or a near-miss spelling (see sql-actors.ts). Returns suggestions when nothing is close enough.
	 */
	resolveActor(query: string): ActorMatch {
		return resolveActor(this.#r, query);
	}

	/** See sql-search.ts: ranked by where the words are and by recency; totals capped. */
	searchPage(query: string, limit: number): SearchPage {
		return searchPage(this.#r, query, limit);
	}

	/** Every result of {@link searchPage}, in its order. */
	search(query: string, limit = Infinity): SearchResult[] {
		return this.searchPage(query, limit).results;
	}
}
