/**
 * Writes a built dataset (format.ts) record by record, in any order, then sorts and indexes it in
 * {@link EngineWriter.finish}. The loader feeds it each record as it validates, so a build never
 * holds the dataset on the JS heap: records go to staging tables on disk, and SQLite sorts them.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Actor, Claim, Source, Story, StoryEvent, Vocabulary } from '../model.js';
import { eventStatuses } from '../../vocabulary/words.js';
import { embargoMs } from '../schema.js';
import { fold, indexTokens, soundKey } from '../text.js';
import { APPLICATION_ID, FORMAT_VERSION, HIDDEN_ALWAYS, ordOf, SCHEMA, textKey } from './format.js';

/** What {@link EngineWriter.finish} records besides the records. */
export interface BuildMeta {
	readonly story: Story;
	readonly vocabulary: Vocabulary;
	/** Content hash of the dataset files (the snapshot's version). */
	readonly version: string;
}

/** Secondary indexes of SCHEMA, made after the rows are written (see the constructor). */
const LATE_INDEX = /^CREATE INDEX /u;

const STATUS = new Map<string, number>(eventStatuses.map((s, i) => [s, i]));

// Events are staged with every column they will have (worked out while the record is at hand), so
// that finish writes the tables in date order with a few INSERT … SELECT statements, not per-row JS.
const STAGING: readonly string[] = [
	`CREATE TEMP TABLE stage_events (n INTEGER PRIMARY KEY, first_day INTEGER NOT NULL, last_day INTEGER NOT NULL, id TEXT NOT NULL, status INTEGER NOT NULL, hide_at INTEGER NOT NULL, priority INTEGER NOT NULL, md INTEGER, year INTEGER NOT NULL, file INTEGER NOT NULL, hash TEXT NOT NULL, doc TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL, claims TEXT NOT NULL, keys TEXT NOT NULL)`,
	`CREATE TEMP TABLE stage_actors (actor TEXT NOT NULL, n INTEGER NOT NULL)`,
	`CREATE TEMP TABLE stage_tags (tag TEXT NOT NULL, n INTEGER NOT NULL)`,
	`CREATE TEMP TABLE stage_links (target TEXT NOT NULL, n INTEGER NOT NULL, type TEXT NOT NULL)`,
	`CREATE TEMP TABLE stage_ord (n INTEGER PRIMARY KEY, ord INTEGER NOT NULL)`,
];

/** The event whose claims are still coming: staged when the next event (or finish) comes. */
interface PendingEvent {
	readonly n: number;
	readonly e: StoryEvent;
	readonly file: number;
	readonly title: string;
	readonly summary: string;
	/** Text keys of its actors, then of its claimants, each once. */
	readonly keys: Set<string>;
	readonly claims: string[];
}

/** Space-joined folded index tokens of texts (what the text tables hold). */
function folded(...texts: readonly (string | undefined)[]): string {
	let out = '';
	for (const t of texts) {
		if (!t) continue;
		const words = indexTokens(t);
		if (words.length) out += (out ? ' ' : '') + words.join(' ');
	}
	return out;
}

function digest(doc: string): string {
	return createHash('sha256').update(doc).digest('hex').slice(0, 16);
}

/** The folded name key of a name (as the in-heap engine made it): letters and digits, one space apart. */
export function nameKey(name: string): string {
	return fold(name).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export class EngineWriter {
	readonly #db: Database.Database;
	readonly #stmt: ReturnType<typeof prepare>;
	#events = 0;
	#claims = 0;
	#actors = 0;
	#sources = 0;
	#maxSpan = 0;
	/** The event whose claims come next (addClaim follows its addEvent). */
	#pending: PendingEvent | undefined;

	/** `db`: an empty database, opened for writing; the writer owns it until {@link finish}. */
	constructor(db: Database.Database) {
		this.#db = db;
		// Nothing survives a crash of a build anyway: the file is only used once `complete` is written.
		db.pragma('journal_mode = OFF');
		db.pragma('synchronous = OFF');
		db.pragma('temp_store = FILE');
		db.pragma(`application_id = ${APPLICATION_ID}`);
		db.pragma(`user_version = ${FORMAT_VERSION}`);
		// Indexes are made in finish, once their tables are full: one sort each, not a b-tree insert per row.
		for (const sql of [...SCHEMA.filter((q) => !LATE_INDEX.test(q)), ...STAGING]) db.exec(sql);
		this.#stmt = prepare(db);
		db.exec('BEGIN');
	}

	/** A dataset file, in load order; returns its number for the records read from it. */
	addFile(name: string, fileDigest: string): number {
		return Number(this.#stmt.file.run(name, fileDigest).lastInsertRowid);
	}

	addActor(a: Actor, file: number): void {
		const doc = JSON.stringify(a);
		const n = this.#actors++;
		this.#stmt.actor.run(n, a.id, doc, file, digest(doc));
		this.#stmt.actorText.run(n, folded(a.name, ...a.aliases, ...Object.values(a.names)), folded(a.description), textKey(a.id));
		for (const name of [a.id, a.name, ...a.aliases, ...Object.values(a.names)]) {
			const key = nameKey(name);
			if (!key) continue;
			this.#stmt.actorKey.run(0, key, a.id);
			this.#stmt.actorKey.run(1, soundKey(key), a.id);
			// Surnames and single words of a name resolve too ("aliyev", "pezeshkian").
			for (const w of key.split(' ')) if (w.length >= 4) this.#stmt.actorKey.run(0, w, a.id);
		}
		this.#termKeys(a);
	}

	addSource(x: Source, file: number): void {
		const doc = JSON.stringify(x);
		this.#stmt.source.run(this.#sources++, x.id, doc, file, digest(doc));
	}

	/** An event; its claims follow with {@link addClaim}. */
	addEvent(e: StoryEvent, file: number): void {
		this.#stageEvent();
		const n = this.#events++;
		this.#maxSpan = Math.max(this.#maxSpan, e.date.latestDay - e.date.earliestDay);
		const keys = new Set(e.actors.map((a) => textKey(a.actorId)));
		this.#pending = { n, e, file, title: folded(e.title, ...Object.values(e.titles)), summary: folded(e.summary, ...e.tags, e.location?.name), keys, claims: [] };
	}

	/** A claim of the event added last. */
	addClaim(c: Claim): void {
		const p = this.#pending;
		if (!p || c.eventId !== p.e.id) throw new Error(`claim ${c.id} does not follow its event ${c.eventId}`);
		const n = this.#claims++;
		const doc = JSON.stringify(c);
		this.#stmt.claim.run(n, c.id, p.n, c.by, doc, digest(doc));
		const text = folded(c.text, c.quote?.text);
		if (text) p.claims.push(text);
		p.keys.add(textKey(c.by));
	}

	/** Stages the pending event: its row with every column, its actors, tags and links. */
	#stageEvent(): void {
		const p = this.#pending;
		if (!p) return;
		this.#pending = undefined;
		const { e, n } = p;
		const doc = JSON.stringify(e);
		const start = e.date.start;
		const single = start.precision === 'day' && !e.date.end;
		const hideAt = e.draft ? HIDDEN_ALWAYS : e.embargo !== undefined ? embargoMs(e.embargo) : 0;
		const s = this.#stmt;
		s.stageEvent.run(n, e.date.earliestDay, e.date.latestDay, e.id, STATUS.get(e.status) ?? 255, hideAt, e.priority === 'breaking' ? 1 : 0, single ? start.month! * 100 + start.day! : null, start.year, p.file, digest(doc), doc, p.title, p.summary, p.claims.join(' '), [...p.keys].join(' '));
		for (const id of new Set(e.actors.map((a) => a.actorId))) s.stageActor.run(id, n);
		for (const t of new Set(e.tags)) s.stageTag.run(t, n);
		for (const r of e.related) s.stageLink.run(r.eventId, n, r.type);
	}

	/**
	 * Sorts the events into date order (rowids, see format.ts), writes the events, their links and
	 * text in that order, then the meta rows and last the `complete` mark; commits. `step` is called
	 * every few thousand events (a build on the main thread can yield there).
	 */
	finish(meta: BuildMeta, step: () => void = () => {}): void {
		this.#stageEvent();
		const db = this.#db;
		const s = this.#stmt;
		// Ranks within a first day: by last day, then id as the in-heap engine compared them.
		let day = NaN;
		let group: { n: number; last: number; id: string }[] = [];
		const flush = (): void => {
			group.sort((a, b) => a.last - b.last || a.id.localeCompare(b.id));
			group.forEach((x, rank) => s.stageOrd.run(x.n, ordOf(day, rank)));
			group = [];
		};
		// better-sqlite3 cannot write while a statement iterates: read in pages (keyset), write between.
		db.exec('CREATE INDEX temp.stage_events_day ON stage_events (first_day, n, last_day, id)');
		const byDay = db.prepare('SELECT n, first_day, last_day, id FROM temp.stage_events WHERE (first_day, n) > (?, ?) ORDER BY first_day, n LIMIT 4096');
		let after: [number, number] = [-Infinity, -1];
		for (;;) {
			const rows = byDay.all(...after) as { n: number; first_day: number; last_day: number; id: string }[];
			if (rows.length === 0) break;
			for (const row of rows) {
				if (row.first_day !== day) {
					if (group.length) flush();
					day = row.first_day;
				}
				group.push({ n: row.n, last: row.last_day, id: row.id });
			}
			const end = rows[rows.length - 1]!;
			after = [end.first_day, end.n];
			step();
		}
		if (group.length) flush();
		// Each table in the order of its key: rowid tables append, the others fill their b-trees in order.
		db.exec('CREATE INDEX temp.stage_ord_ord ON stage_ord (ord, n)');
		const inOrd = 'FROM temp.stage_ord o JOIN temp.stage_events s ON s.n = o.n ORDER BY o.ord';
		for (const sql of [
			`INSERT INTO events (ord, id, first_day, last_day, status, hide_at, priority, md, year, file, hash) SELECT o.ord, s.id, s.first_day, s.last_day, s.status, s.hide_at, s.priority, s.md, s.year, s.file, s.hash ${inOrd}`,
			`INSERT INTO event_docs (ord, doc) SELECT o.ord, s.doc ${inOrd}`,
			`INSERT INTO event_text (rowid, title, summary, claims, keys) SELECT o.ord, s.title, s.summary, s.claims, s.keys ${inOrd}`,
			'INSERT OR IGNORE INTO event_actors (actor, ord) SELECT a.actor, o.ord FROM temp.stage_actors a JOIN temp.stage_ord o ON o.n = a.n ORDER BY a.actor, o.ord',
			'INSERT OR IGNORE INTO event_tags (tag, ord) SELECT t.tag, o.ord FROM temp.stage_tags t JOIN temp.stage_ord o ON o.n = t.n ORDER BY t.tag, o.ord',
			// A target named twice by one event keeps its first type, as the event lists it.
			'INSERT OR IGNORE INTO event_links (target, ord, type) SELECT l.target, o.ord, l.type FROM temp.stage_links l JOIN temp.stage_ord o ON o.n = l.n ORDER BY l.target, o.ord, l.rowid',
		]) {
			db.exec(sql);
			step();
		}
		db.exec('UPDATE claims SET event_ord = (SELECT ord FROM temp.stage_ord WHERE stage_ord.n = claims.event_ord)');
		const counts = { events: this.#events, actors: this.#actors, sources: this.#sources, claims: this.#claims };
		const vocabulary = {
			outlets: [...meta.vocabulary.outlets.values()],
			topics: [...meta.vocabulary.topics.values()],
			tags: [...meta.vocabulary.tags.values()],
			roles: [...meta.vocabulary.roles.values()],
		};
		for (const [k, v] of [
			['version', meta.version],
			['story', JSON.stringify(meta.story)],
			['vocabulary', JSON.stringify(vocabulary)],
			['counts', JSON.stringify(counts)],
			['max_span', String(this.#maxSpan)],
		] as const) {
			s.meta.run(k, v);
		}
		for (const t of ['stage_actors', 'stage_tags', 'stage_links', 'stage_ord', 'stage_events']) db.exec(`DROP TABLE temp.${t}`);
		for (const sql of SCHEMA) if (LATE_INDEX.test(sql)) db.exec(sql);
		// FTS5 merges its segments into one b-tree: fewer pages to read per query.
		db.exec(`INSERT INTO event_text (event_text) VALUES ('optimize')`);
		db.exec(`INSERT INTO actor_text (actor_text) VALUES ('optimize')`);
		s.meta.run('complete', '1');
		db.exec('COMMIT');
		db.exec('ANALYZE');
	}

	/** Aborts: nothing is committed. */
	abort(): void {
		if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
	}

	/**
	 * What query words stand for this actor (see term_keys in format.ts): one of its names, aliases or
	 * transliterations that is one word, or, for people, a word of four letters or more of one; and
	 * the word of the actor's own name in the same place, where a transliteration has as many words.
	 */
	#termKeys(a: Actor): void {
		const own = indexTokens(a.name);
		const person = a.type === 'person';
		for (const n of [a.name, ...a.aliases, ...Object.values(a.names)]) {
			const words = indexTokens(n);
			if (words.length === 1) this.#stmt.termKey.run(words[0]!, textKey(a.id));
			else if (person) for (const w of words) if (w.length >= 4) this.#stmt.termKey.run(w, textKey(a.id));
			if (words.length === own.length && (person || words.length === 1)) {
				words.forEach((w, i) => {
					if (w !== own[i]! && (words.length === 1 || w.length >= 4)) this.#stmt.termKey.run(w, own[i]!);
				});
			}
		}
	}
}

function prepare(db: Database.Database) {
	return {
		file: db.prepare('INSERT INTO files (name, digest) VALUES (?, ?)'),
		actor: db.prepare('INSERT INTO actors (n, id, doc, file, hash) VALUES (?, ?, ?, ?, ?)'),
		actorText: db.prepare('INSERT INTO actor_text (rowid, names, description, keys) VALUES (?, ?, ?, ?)'),
		actorKey: db.prepare('INSERT OR IGNORE INTO actor_keys (kind, key, actor) VALUES (?, ?, ?)'),
		termKey: db.prepare('INSERT OR IGNORE INTO term_keys (term, key) VALUES (?, ?)'),
		source: db.prepare('INSERT INTO sources (n, id, doc, file, hash) VALUES (?, ?, ?, ?, ?)'),
		stageEvent: db.prepare('INSERT INTO temp.stage_events (n, first_day, last_day, id, status, hide_at, priority, md, year, file, hash, doc, title, summary, claims, keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
		stageActor: db.prepare('INSERT INTO temp.stage_actors (actor, n) VALUES (?, ?)'),
		stageTag: db.prepare('INSERT INTO temp.stage_tags (tag, n) VALUES (?, ?)'),
		stageLink: db.prepare('INSERT INTO temp.stage_links (target, n, type) VALUES (?, ?, ?)'),
		claim: db.prepare('INSERT OR IGNORE INTO claims (n, id, event_ord, by_actor, doc, hash) VALUES (?, ?, ?, ?, ?, ?)'),
		stageOrd: db.prepare('INSERT INTO temp.stage_ord (n, ord) VALUES (?, ?)'),
		meta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
	};
}
