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
import type { Actor, Claim, Label, Outlet, Source, Story, StoryEvent, Vocabulary } from '../model.js';
import type { ActorMatch, DatasetCounts, EventFilter, SearchPage, SearchResult, TimelineFilter, TimelinePage } from '../queries.js';
import { APPLICATION_ID, FORMAT_VERSION, HIDDEN_ALWAYS, ordOf } from './format.js';
import { deepFreeze, RecordCache } from './records.js';
import { eventsWithIdPrefix, fileDigests, outletCitations, recordsOfFile, type OutletCitations } from './sql-lookups.js';
import { resolveActor } from './sql-actors.js';
import { eventFilter, timelineQuery } from './sql-filters.js';
import { ORD_END, STATUS, type Reader } from './sql-reader.js';
import { COUNT_CAP, searchPage } from './sql-search.js';
import { EngineWriter } from './writer.js';

export { COUNT_CAP } from './sql-search.js';

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

/** Records of each kind kept parsed per snapshot (see records.ts). */
const CACHE_RECORDS = 2048;
/** Rows per read when streaming a table (each* methods): a page is read, then yielded. */
const PAGE_ROWS = 512;
/** The instant of the full snapshot's view: every row passes `hide_at <= now`, drafts included. */
const EVERYTHING = HIDDEN_ALWAYS;

/** What the editors hide in a file: drafts and the embargo instants, ascending. */
interface Gate {
	readonly drafts: number;
	readonly embargoes: readonly { readonly at: number; readonly id: string }[];
}

/** What a snapshot and its views share: the connection, its statements, the file's meta. */
class Shared {
	readonly #stmts = new Map<string, Database.Statement>();
	readonly story: Story;
	readonly vocabulary: Vocabulary;
	readonly version: string;
	readonly counts: DatasetCounts;
	readonly maxSpan: number;
	readonly tagCounts: readonly { tag: string; count: number }[];
	/** Events per status code (index in eventStatuses), drafts included. */
	readonly statuses: readonly number[];
	gate?: Gate;
	readonly views = new Map<number, SqlSnapshot>();
	/** Told once when the connection is closed (the build cache's in-use mark is released). */
	onClose?: () => void;

	constructor(
		readonly db: Database.Database,
		/** Rows of the driving table a capped count reads at most (see SqlSnapshotOptions). */
		readonly scanBudget: number,
	) {
		const meta = new Map(
			(db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]),
		);
		const need = (k: string): string => {
			const v = meta.get(k);
			if (v === undefined) throw new Error(`built dataset: no ${k} in meta`);
			return v;
		};
		if (meta.get('complete') !== '1') throw new Error('built dataset: the build did not complete');
		this.story = deepFreeze(JSON.parse(need('story')) as Story);
		const v = JSON.parse(need('vocabulary')) as { outlets: Outlet[]; topics: Label[]; tags: Label[]; roles: Label[] };
		const map = <T extends { id: string }>(list: T[]): ReadonlyMap<string, T> => new Map(list.map((x) => [x.id, deepFreeze(x)]));
		this.vocabulary = Object.freeze({ outlets: map(v.outlets), topics: map(v.topics), tags: map(v.tags), roles: map(v.roles) });
		this.version = need('version');
		this.counts = Object.freeze(JSON.parse(need('counts')) as DatasetCounts);
		this.maxSpan = Number(need('max_span'));
		// Tag counts over the whole file, made once (a GROUP BY over a million events' tags is no
		// per-command work); views subtract their hidden events' tags.
		this.statuses = Object.freeze(JSON.parse(need('statuses')) as number[]);
		this.tagCounts = (JSON.parse(need('tags')) as { tag: string; count: number }[]).map((r) => Object.freeze(r));
	}

	/** A prepared statement, made once per connection. */
	stmt(sql: string): Database.Statement {
		let s = this.#stmts.get(sql);
		if (!s) this.#stmts.set(sql, (s = this.db.prepare(sql)));
		return s;
	}
}

export class SqlSnapshot {
	readonly #s: Shared;
	/** The view's instant: rows with `hide_at` past it are hidden. */
	readonly #now: number;
	readonly #events = new RecordCache<number, StoryEvent>(CACHE_RECORDS);
	readonly #claims = new RecordCache<number, Claim>(CACHE_RECORDS);
	readonly #actors = new RecordCache<number, Actor>(CACHE_RECORDS);
	#tags?: { tag: string; count: number }[];
	#tagMap?: Map<string, number>;
	#counts?: DatasetCounts;
	/** What the query modules read through (sql-reader.ts). */
	readonly #reader: Reader;
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
		this.#reader = {
			stmt: (sql) => shared.stmt(sql),
			now,
			maxSpan: shared.maxSpan,
			eventAt: (ord) => this.#eventAt(ord),
			claimAt: (n, doc) => this.#claimAt(n, doc),
			actorAt: (n, doc) => this.#actorAt(n, doc),
			actor: (id) => this.actor(id),
		};
	}

	/**
	 * Opens a built file read-only. Throws when it is not a complete built dataset of this format (the
	 * caller rebuilds it). `loadedAt`: when the dataset was loaded (ISO instant).
	 */
	static open(path: string, loadedAt: string, options: SqlSnapshotOptions = {}): SqlSnapshot {
		const db = new Database(path, { readonly: true, fileMustExist: true });
		try {
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
	 * them): for tests and small tools. Claims follow their events whatever order they come in.
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
		const db = new Database(':memory:');
		const w = new EngineWriter(db);
		const file = w.addFile('records', '-');
		for (const a of actors) w.addActor(a, file);
		for (const x of sources) w.addSource(x, file);
		const byEvent = new Map<string, Claim[]>();
		for (const c of claims) {
			const list = byEvent.get(c.eventId);
			if (list) list.push(c);
			else byEvent.set(c.eventId, [c]);
		}
		// Claims are numbered as they come: events go in the order their claims are listed (then the
		// rest), so that claims keep the order given.
		const byId = new Map(events.map((e) => [e.id, e]));
		const added = new Set<string>();
		for (const e of [...[...byEvent.keys()].flatMap((id) => byId.get(id) ?? []), ...events]) {
			if (added.has(e.id)) continue;
			added.add(e.id);
			w.addEvent(e, file);
			for (const c of byEvent.get(e.id) ?? []) w.addClaim(c);
		}
		w.finish({ story, vocabulary, version });
		return SqlSnapshot.over(db, loadedAt, options);
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
		const s = this.#s;
		if (s.gate) return s.gate;
		const drafts = s.stmt('SELECT count(*) FROM events WHERE hide_at <> 0 AND hide_at = ?').pluck().get(HIDDEN_ALWAYS) as number;
		const embargoes = (
			s.stmt('SELECT hide_at AS at, id FROM events WHERE hide_at <> 0 AND hide_at < ? ORDER BY hide_at').all(HIDDEN_ALWAYS) as {
				at: number;
				id: string;
			}[]
		)
			.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
			.map((x) => Object.freeze(x));
		return (s.gate = Object.freeze({ drafts, embargoes: Object.freeze(embargoes) }));
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
		let view = this.#s.views.get(released);
		if (!view) {
			// The instant of the last release passed: the same rows are hidden until the next one.
			const now = released > 0 ? gate.embargoes[released - 1]!.at : 0;
			view = new SqlSnapshot(this.#s, now, nextRelease === null ? this.#s.version : `${this.#s.version}+${released}`, this.loadedAt);
			this.#s.views.set(released, view);
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

	/** The event at `ord` (which must exist), from the cache or parsed; a view drops links to hidden events. */
	#eventAt(ord: number): StoryEvent {
		const hit = this.#events.get(ord);
		if (hit) return hit;
		let e = JSON.parse(this.#s.stmt('SELECT doc FROM event_docs WHERE ord = ?').pluck().get(ord) as string) as StoryEvent;
		if (this.isView && e.related.length) {
			// A link to a hidden event would show its id, and a reader could look it up: drop the link.
			const visible = e.related.filter((r) => {
				const at = this.#s.stmt('SELECT hide_at FROM events WHERE id = ?').pluck().get(r.eventId) as number | undefined;
				return at === undefined || at <= this.#now;
			});
			if (visible.length !== e.related.length) e = { ...e, related: visible };
		}
		deepFreeze(e);
		this.#events.set(ord, e);
		return e;
	}

	#eventsAt(ords: readonly number[]): StoryEvent[] {
		return ords.map((o) => this.#eventAt(o));
	}

	#claimAt(n: number, doc?: string): Claim {
		const hit = this.#claims.get(n);
		if (hit) return hit;
		const c = deepFreeze(JSON.parse(doc ?? (this.#s.stmt('SELECT doc FROM claims WHERE n = ?').pluck().get(n) as string)) as Claim);
		this.#claims.set(n, c);
		return c;
	}

	#actorAt(n: number, doc?: string): Actor {
		const hit = this.#actors.get(n);
		if (hit) return hit;
		const a = deepFreeze(JSON.parse(doc ?? (this.#s.stmt('SELECT doc FROM actors WHERE n = ?').pluck().get(n) as string)) as Actor);
		this.#actors.set(n, a);
		return a;
	}

	event(id: string): StoryEvent | undefined {
		const ord = this.positionOf(id);
		return ord === undefined ? undefined : this.#eventAt(ord);
	}
	actor(id: string): Actor | undefined {
		const n = this.#s.stmt('SELECT n FROM actors WHERE id = ?').pluck().get(id) as number | undefined;
		return n === undefined ? undefined : this.#actorAt(n);
	}
	source(id: string): Source | undefined {
		const doc = this.#s.stmt('SELECT doc FROM sources WHERE id = ?').pluck().get(id) as string | undefined;
		return doc === undefined ? undefined : deepFreeze(JSON.parse(doc) as Source);
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
		const n = this.#s
			.stmt('SELECT c.n FROM claims c JOIN events e ON e.ord = c.event_ord WHERE c.id = ? AND e.hide_at <= ?')
			.pluck()
			.get(id, this.#now) as number | undefined;
		return n === undefined ? undefined : this.#claimAt(n);
	}

	/** Events in date order, read a page at a time (never the whole list at once). */
	*eachEvent(): IterableIterator<StoryEvent> {
		const page = this.#s.stmt('SELECT ord FROM events WHERE ord > ? AND hide_at <= ? ORDER BY ord LIMIT ?').pluck();
		for (let after = -1; ;) {
			const ords = page.all(after, this.#now, PAGE_ROWS) as number[];
			if (ords.length === 0) return;
			after = ords[ords.length - 1]!;
			for (const o of ords) yield this.#eventAt(o);
		}
	}

	/** Actors in load order. */
	*eachActor(): IterableIterator<Actor> {
		const page = this.#s.stmt('SELECT n, doc FROM actors WHERE n > ? ORDER BY n LIMIT ?');
		for (let after = -1; ;) {
			const rows = page.all(after, PAGE_ROWS) as { n: number; doc: string }[];
			if (rows.length === 0) return;
			after = rows[rows.length - 1]!.n;
			for (const r of rows) yield this.#actorAt(r.n, r.doc);
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
			for (const r of rows) yield this.#claimAt(r.n, r.doc);
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
		return this.#eventsAt(ords);
	}

	/** What cites an outlet (see sql-lookups.ts). */
	outletCitations(outletId: string, limit: number): OutletCitations {
		return outletCitations(this.#reader, outletId, limit);
	}

	/** Up to `limit` visible events whose id begins with `prefix`, by id (see sql-lookups.ts). */
	eventsWithIdPrefix(prefix: string, limit: number): StoryEvent[] {
		return eventsWithIdPrefix(this.#reader, prefix, limit);
	}

	/** Actors that list `actorId` among their affiliations, in dataset order, each once. */
	membersOf(actorId: string): Actor[] {
		const ns = this.#s.stmt('SELECT n FROM actor_links WHERE target = ? ORDER BY n').pluck().all(actorId) as number[];
		return ns.map((n) => this.#actorAt(n));
	}

	/** The dataset files and the SHA-256 of each (see sql-lookups.ts); undefined when made from records. */
	fileDigests(): ReadonlyMap<string, string> | undefined {
		return fileDigests(this.#reader);
	}

	/** The records read from one dataset file (none for a file not in the snapshot); events made as iterated. */
	recordsOfFile(name: string): { events: Iterable<StoryEvent>; actors: Actor[]; sources: Source[] } {
		return recordsOfFile(this.#reader, name);
	}

	/**
	 * Event id → the fingerprint of its version (to-input.ts eventFingerprint: the event with its
	 * claims), for the visible events; made by the build, read here.
	 */
	eventFingerprints(): ReadonlyMap<string, string> {
		const rows = this.#s.stmt('SELECT id, fp FROM events WHERE hide_at <= ? ORDER BY ord').all(this.#now) as {
			id: string;
			fp: string;
		}[];
		return new Map(rows.map((r) => [r.id, r.fp]));
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

	hasTag(tag: string): boolean {
		return (
			this.#s
				.stmt('SELECT 1 FROM event_tags g JOIN events e ON e.ord = g.ord WHERE g.tag = ? AND e.hide_at <= ? LIMIT 1')
				.pluck()
				.get(tag, this.#now) !== undefined
		);
	}

	claimsOf(event: StoryEvent): Claim[] {
		return event.claimIds.map((id) => this.claim(id)!);
	}

	claimsBy(actorId: string): readonly Claim[] {
		const rows = this.#s
			.stmt(
				'SELECT c.n AS n, c.doc AS doc FROM claims c JOIN events e ON e.ord = c.event_ord WHERE c.by_actor = ? AND e.hide_at <= ? ORDER BY c.n',
			)
			.all(actorId, this.#now) as { n: number; doc: string }[];
		return rows.map((r) => this.#claimAt(r.n, r.doc));
	}

	eventsOf(actorId: string): readonly StoryEvent[] {
		return this.#eventsAt(
			this.#s
				.stmt('SELECT a.ord FROM event_actors a JOIN events e ON e.ord = a.ord WHERE a.actor = ? AND e.hide_at <= ? ORDER BY a.ord')
				.pluck()
				.all(actorId, this.#now) as number[],
		);
	}

	/** Position of a visible event in date order: its ord (ascending with date order, not an array index). */
	positionOf(eventId: string): number | undefined {
		return this.#s.stmt('SELECT ord FROM events WHERE id = ? AND hide_at <= ?').pluck().get(eventId, this.#now) as number | undefined;
	}

	// ——— the timeline ———

	/** Events in date order that pass every filter. */
	timeline(filter: TimelineFilter = {}): StoryEvent[] {
		const q = timelineQuery(this.#reader, filter, (t) => this.#tagCount(t));
		if (!q) return [];
		return this.#eventsAt(this.#s.stmt(`${q.sql} ORDER BY ${q.ord}`).pluck().all(q.params) as number[]);
	}

	/**
	 * The last `count` events of {@link timeline}, in date order: the newest that pass, found by
	 * walking back from the end (a text filter stops early too), whatever the count of all of them.
	 */
	latest(filter: TimelineFilter, count: number): StoryEvent[] {
		const q = timelineQuery(this.#reader, filter, (t) => this.#tagCount(t));
		if (!q || count <= 0) return [];
		const ords = this.#s
			.stmt(`${q.sql} ORDER BY ${q.ord} DESC LIMIT ?`)
			.pluck()
			.all(...q.params, Math.floor(count)) as number[];
		return this.#eventsAt(ords.reverse());
	}

	/**
	 * One page of {@link timeline} (1-based; the last page when `page` is past the end), with how many
	 * events pass and the first and the last of them. The total is exact where the file answers it at
	 * once (no filter, one tag, one status, one actor); otherwise counting stops past
	 * {@link COUNT_CAP} and the page is `capped` (its total a lower bound, its last page that of the
	 * counted events). A page past the middle is read from the end.
	 */
	timelinePage(filter: TimelineFilter, page: number, perPage: number): TimelinePage {
		const q = timelineQuery(this.#reader, filter, (t) => this.#tagCount(t));
		if (!q) return { total: 0, pages: 0, page: 0, events: [] };
		const s = this.#s;
		let total = this.#exactTotal(filter);
		let capped = false;
		if (total === undefined) {
			// Counted among the first rows of the driving table only: with filters that few of its rows
			// pass, counting to the cap could walk all of them.
			const c = q.countWithin(s.scanBudget, COUNT_CAP);
			total = s.stmt(c.sql).pluck().get(c.params) as number;
			if (total > COUNT_CAP) {
				total = COUNT_CAP;
				capped = true;
			} else if ((s.stmt(c.driven.sql).pluck().get(c.driven.params) as number) > s.scanBudget) capped = true;
		}
		const pages = Math.ceil(total / perPage);
		const shown = Math.min(page, pages);
		const from = Math.max(0, (shown - 1) * perPage);
		const count = Math.max(0, Math.min(total, shown * perPage) - from);
		let ords: number[] = [];
		if (count && !capped && from > total / 2) {
			ords = (
				s
					.stmt(`${q.sql} ORDER BY ${q.ord} DESC LIMIT ? OFFSET ?`)
					.pluck()
					.all(...q.params, count, total - from - count) as number[]
			).reverse();
		} else if (count)
			ords = s
				.stmt(`${q.sql} ORDER BY ${q.ord} LIMIT ? OFFSET ?`)
				.pluck()
				.all(...q.params, count, from) as number[];
		const first = total ? (s.stmt(`${q.sql} ORDER BY ${q.ord} LIMIT 1`).pluck().get(q.params) as number) : undefined;
		const last = total ? (s.stmt(`${q.sql} ORDER BY ${q.ord} DESC LIMIT 1`).pluck().get(q.params) as number) : undefined;
		return {
			total,
			pages,
			page: shown,
			events: this.#eventsAt(ords),
			...(first !== undefined && last !== undefined ? { first: this.#eventAt(first), last: this.#eventAt(last) } : {}),
			...(capped ? { capped: true as const } : {}),
		};
	}

	/** How many events carry a tag (in this view). */
	#tagCount(tag: string): number {
		this.#tagMap ??= new Map(this.tags().map((t) => [t.tag, t.count]));
		return this.#tagMap.get(tag) ?? 0;
	}

	/** The timeline's total where the file answers it without counting rows: no filter, one tag, one status, one actor. */
	#exactTotal(filter: TimelineFilter): number | undefined {
		const set = (['fromDay', 'toDay', 'actorId', 'tag', 'status', 'text'] as const).filter((k) => filter[k] !== undefined);
		if (set.length === 0) return this.counts.events;
		if (set.length > 1) return undefined;
		const s = this.#s;
		const hidden = (join: string, param: unknown): number =>
			this.isView
				? (s
						.stmt(`SELECT count(*) FROM events e ${join} WHERE e.hide_at <> 0 AND e.hide_at > ?`)
						.pluck()
						.get(param, this.#now) as number)
				: 0;
		if (filter.tag !== undefined) return this.#tagCount(filter.tag);
		if (filter.status !== undefined) {
			const code = STATUS.get(filter.status);
			return code === undefined ? 0 : (s.statuses[code] ?? 0) - hidden('JOIN (SELECT ? AS code) x ON e.status = x.code', code);
		}
		if (filter.actorId !== undefined) {
			const all = s.stmt('SELECT count(*) FROM event_actors WHERE actor = ?').pluck().get(filter.actorId) as number;
			return all - hidden('JOIN event_actors a ON a.actor = ? AND a.ord = e.ord', filter.actorId);
		}
		return undefined;
	}

	/** Events that begin (by their earliest day) in [fromDay, toDay], in date order, that pass the filters. */
	startingBetween(fromDay: number, toDay: number, filter: EventFilter = {}, limit = Infinity): StoryEvent[] {
		if (fromDay > toDay || limit <= 0) return [];
		const q = eventFilter(this.#reader, filter, ordOf(fromDay, 0), Math.min(ORD_END, ordOf(toDay + 1, 0)));
		if (!q) return [];
		const cap = Number.isFinite(limit) ? Math.floor(limit) : -1;
		return this.#eventsAt(
			this.#s
				.stmt(`${q.sql} ORDER BY e.ord LIMIT ?`)
				.pluck()
				.all(...q.params, cap) as number[],
		);
	}

	/** How many events {@link startingBetween} gives, counted on the indexes (no record is read). */
	countStartingBetween(fromDay: number, toDay: number, filter: EventFilter = {}): number {
		if (fromDay > toDay) return 0;
		const q = eventFilter(this.#reader, filter, ordOf(fromDay, 0), Math.min(ORD_END, ordOf(toDay + 1, 0)));
		return q ? (this.#s.stmt(`SELECT count(*) FROM (${q.sql})`).pluck().get(q.params) as number) : 0;
	}

	/** The last `count` events, in date order, that begin on or before `day` and pass the filters. */
	lastStartingBy(day: number, count: number, filter: EventFilter = {}): StoryEvent[] {
		if (count <= 0) return [];
		const q = eventFilter(this.#reader, filter, -1, Math.min(ORD_END, ordOf(day + 1, 0)));
		if (!q) return [];
		const ords = this.#s
			.stmt(`${q.sql} ORDER BY e.ord DESC LIMIT ?`)
			.pluck()
			.all(...q.params, Math.floor(count)) as number[];
		return this.#eventsAt(ords.reverse());
	}

	/**
	 * Events dated to exactly `month`-`day` (day precision, not a range) of a year before
	 * `beforeYear`, in date order: "on this day in earlier years".
	 */
	onThisDay(month: number, day: number, beforeYear: number, limit = Infinity): StoryEvent[] {
		const cap = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1;
		const ords = this.#s
			.stmt('SELECT ord FROM events WHERE md = ? AND year < ? AND hide_at <= ? ORDER BY ord LIMIT ?')
			.pluck()
			.all(month * 100 + day, beforeYear, this.#now, cap) as number[];
		return this.#eventsAt(ords);
	}

	/**
	 * Actors who share the most events with `actorId`, with the count of shared events: counted over
	 * the actor's events (event_actors has no index by event to join on).
	 */
	coActors(actorId: string, limit = 5): { actor: Actor; shared: number }[] {
		const counts = new Map<string, number>();
		for (const e of this.eventsOf(actorId)) {
			for (const id of new Set(e.actors.map((a) => a.actorId))) if (id !== actorId) counts.set(id, (counts.get(id) ?? 0) + 1);
		}
		return [...counts]
			.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
			.slice(0, limit)
			.map(([id, shared]) => ({ actor: this.actor(id)!, shared }));
	}

	/**
	 * Resolves what a reader typed to an actor: an id, a name, an alias or transliteration in any
	 * script, or a near-miss spelling (see sql-actors.ts). Returns suggestions when nothing is close enough.
	 */
	resolveActor(query: string): ActorMatch {
		return resolveActor(this.#reader, query);
	}

	/** See sql-search.ts: ranked by where the words are and by recency; totals capped. */
	searchPage(query: string, limit: number): SearchPage {
		return searchPage(this.#reader, query, limit);
	}

	/** Every result of {@link searchPage}, in its order. */
	search(query: string, limit = Infinity): SearchResult[] {
		return this.searchPage(query, limit).results;
	}
}
