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

const STATUS = new Map<string, number>(eventStatuses.map((s, i) => [s, i]));

const STAGING: readonly string[] = [
	`CREATE TEMP TABLE stage_events (n INTEGER PRIMARY KEY, first_day INTEGER NOT NULL, last_day INTEGER NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL, keys TEXT NOT NULL, doc TEXT NOT NULL, file INTEGER NOT NULL)`,
	`CREATE TEMP TABLE stage_claims (n INTEGER PRIMARY KEY, event_n INTEGER NOT NULL, text TEXT NOT NULL, key TEXT NOT NULL)`,
	`CREATE TEMP TABLE stage_ord (n INTEGER PRIMARY KEY, ord INTEGER NOT NULL)`,
];

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
	/** Staging number of the event whose claims come next (addClaim follows its addEvent). */
	#eventN = -1;
	#eventId = '';

	/** `db`: an empty database, opened for writing; the writer owns it until {@link finish}. */
	constructor(db: Database.Database) {
		this.#db = db;
		// Nothing survives a crash of a build anyway: the file is only used once `complete` is written.
		db.pragma('journal_mode = OFF');
		db.pragma('synchronous = OFF');
		db.pragma('temp_store = FILE');
		db.pragma(`application_id = ${APPLICATION_ID}`);
		db.pragma(`user_version = ${FORMAT_VERSION}`);
		for (const sql of [...SCHEMA, ...STAGING]) db.exec(sql);
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
		const n = this.#events++;
		this.#eventN = n;
		this.#eventId = e.id;
		this.#maxSpan = Math.max(this.#maxSpan, e.date.latestDay - e.date.earliestDay);
		const keys = [...new Set(e.actors.map((a) => textKey(a.actorId)))].join(' ');
		this.#stmt.stageEvent.run(n, e.date.earliestDay, e.date.latestDay, e.id, folded(e.title, ...Object.values(e.titles)), folded(e.summary, ...e.tags, e.location?.name), keys, JSON.stringify(e), file);
	}

	/** A claim of the event added last. */
	addClaim(c: Claim): void {
		if (c.eventId !== this.#eventId) throw new Error(`claim ${c.id} does not follow its event ${c.eventId}`);
		const n = this.#claims++;
		const doc = JSON.stringify(c);
		this.#stmt.claim.run(n, c.id, this.#eventN, c.by, doc, digest(doc));
		this.#stmt.stageClaim.run(n, this.#eventN, folded(c.text, c.quote?.text), textKey(c.by));
	}

	/**
	 * Sorts the events into date order (rowids, see format.ts), writes the events, their links and
	 * text in that order, then the meta rows and last the `complete` mark; commits. `step` is called
	 * every few thousand events (a build on the main thread can yield there).
	 */
	finish(meta: BuildMeta, step: () => void = () => {}): void {
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
		db.exec('CREATE INDEX temp.stage_events_day ON stage_events (first_day, n)');
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
		db.exec('CREATE INDEX temp.stage_claims_event ON stage_claims (event_n)');
		// Without it every page below scans stage_ord and reads every later event's staged record
		// before sorting: quadratic in the events (a 1M build read hundreds of GB through syscalls).
		db.exec('CREATE INDEX temp.stage_ord_ord ON stage_ord (ord)');
		const inOrder = db.prepare('SELECT o.ord, s.n, s.doc, s.file, s.title, s.summary, s.keys FROM temp.stage_ord o JOIN temp.stage_events s ON s.n = o.n WHERE o.ord > ? ORDER BY o.ord LIMIT 2048');
		let lastOrd = -1;
		for (;;) {
			const rows = inOrder.all(lastOrd) as { ord: number; n: number; doc: string; file: number; title: string; summary: string; keys: string }[];
			if (rows.length === 0) break;
			lastOrd = rows[rows.length - 1]!.ord;
			for (const row of rows) this.#writeEvent(row);
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
		for (const t of ['stage_claims', 'stage_ord', 'stage_events']) db.exec(`DROP TABLE temp.${t}`);
		// FTS5 merges its segments into one b-tree: fewer pages to read per query.
		db.exec(`INSERT INTO event_text (event_text) VALUES ('optimize')`);
		db.exec(`INSERT INTO actor_text (actor_text) VALUES ('optimize')`);
		s.meta.run('complete', '1');
		db.exec('COMMIT');
		db.exec('ANALYZE');
	}

	/** One event in date order: its row, record, actors, tags, links and text. */
	#writeEvent(row: { ord: number; n: number; doc: string; file: number; title: string; summary: string; keys: string }): void {
		const e = JSON.parse(row.doc) as StoryEvent;
		const start = e.date.start;
		const single = start.precision === 'day' && !e.date.end;
		const hideAt = e.draft ? HIDDEN_ALWAYS : e.embargo !== undefined ? embargoMs(e.embargo) : 0;
		this.#stmt.event.run(row.ord, e.id, e.date.earliestDay, e.date.latestDay, STATUS.get(e.status) ?? 255, hideAt, e.priority === 'breaking' ? 1 : 0, single ? start.month! * 100 + start.day! : null, start.year, row.file, digest(row.doc));
		this.#stmt.eventDoc.run(row.ord, row.doc);
		for (const id of new Set(e.actors.map((a) => a.actorId))) this.#stmt.eventActor.run(id, row.ord);
		for (const t of new Set(e.tags)) this.#stmt.eventTag.run(t, row.ord);
		for (const r of e.related) this.#stmt.eventLink.run(r.eventId, row.ord, r.type);
		const claims = this.#stmt.claimTexts.all(row.n) as { text: string; key: string }[];
		const keys = new Set(row.keys ? row.keys.split(' ') : []);
		for (const c of claims) keys.add(c.key);
		this.#stmt.eventText.run(row.ord, row.title, row.summary, claims.map((c) => c.text).filter(Boolean).join(' '), [...keys].join(' '));
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
		stageEvent: db.prepare('INSERT INTO temp.stage_events (n, first_day, last_day, id, title, summary, keys, doc, file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
		stageClaim: db.prepare('INSERT INTO temp.stage_claims (n, event_n, text, key) VALUES (?, ?, ?, ?)'),
		claim: db.prepare('INSERT OR IGNORE INTO claims (n, id, event_ord, by_actor, doc, hash) VALUES (?, ?, ?, ?, ?, ?)'),
		stageOrd: db.prepare('INSERT INTO temp.stage_ord (n, ord) VALUES (?, ?)'),
		claimTexts: db.prepare('SELECT text, key FROM temp.stage_claims WHERE event_n = ? ORDER BY n'),
		event: db.prepare('INSERT INTO events (ord, id, first_day, last_day, status, hide_at, priority, md, year, file, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
		eventDoc: db.prepare('INSERT INTO event_docs (ord, doc) VALUES (?, ?)'),
		eventActor: db.prepare('INSERT OR IGNORE INTO event_actors (actor, ord) VALUES (?, ?)'),
		eventTag: db.prepare('INSERT OR IGNORE INTO event_tags (tag, ord) VALUES (?, ?)'),
		eventLink: db.prepare('INSERT OR IGNORE INTO event_links (target, ord, type) VALUES (?, ?, ?)'),
		eventText: db.prepare('INSERT INTO event_text (rowid, title, summary, claims, keys) VALUES (?, ?, ?, ?, ?)'),
		meta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
	};
}
