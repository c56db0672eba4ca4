/**
 * Writes a built dataset (format.ts) record by record, in any order, then sorts and indexes it in
 * {@link EngineWriter.finish}. The loader feeds it each record as it validates, so a build never
 * holds the dataset on the JS heap: records go to staging tables on disk, and SQLite sorts them.
 */
import type Database from 'better-sqlite3';
import type { Actor, Claim, Source, Story, StoryEvent, Vocabulary } from '../model.js';
import { eventStatuses } from '../../vocabulary/words.js';
import { sha256Hex } from '../sha256.js';
import type { IdLookup } from '../id-index.js';
import { Int32List } from '../int-list.js';
import { fold, indexTokens, soundKey } from '../text.js';
import { writeActorNames, writeDayCounts } from './summaries.js';
import { DateCheck } from './event-doc.js';
import { BatchInsert } from './batch-insert.js';
import { eventOrds } from './event-ords.js';
import { prepareEvent, type PreparedEvent } from './prepared.js';
import { APPLICATION_ID, FORMAT_VERSION, INDEXES, SCHEMA, textKey } from './format.js';

/** What {@link EngineWriter.finish} records besides the records. */
export interface BuildMeta {
	readonly story: Story;
	readonly vocabulary: Vocabulary;
	/** Content hash of the dataset files (the snapshot's version). */
	readonly version: string;
}

/** Which table a stage_keys row is for (the events' own keys are staged in stage_links). */
const K = { actorKey: 3, termKey: 4, actorLink: 5 } as const;

/**
 * The text tables (FTS5), and their buffer of pending terms while a build writes them: each of the
 * three holds this much before it writes a segment. A smaller buffer makes more segments for
 * 'optimize' to merge at the end; this size cost no measurable CPU against twice as much and holds
 * the build's peak memory lower during a reload (bench/README.md, "Peak memory, round five").
 */
const FTS_TABLES = ['event_text', 'claim_text', 'actor_text'] as const;
const FTS_HASH_BYTES = 4 * 1024 * 1024;

/**
 * Days of first dates per staging bucket. Events are staged in one table per bucket (in arrival order
 * within it), so that finish sorts one bucket at a time: a bucket of a few MB sorts in SQLite's
 * sorter memory and writes no sort runs to a temporary file, where one sort of every event wrote
 * all their documents and text a second time. A story dense enough to put more than the sorter's
 * memory in one bucket still builds right: that bucket's sort spills as before.
 */
const BUCKET_DAYS = 16;

/**
 * At most this many bucket tables (22 years of 16 days): dataset files are untrusted, and a table
 * per bucket for dates spread over thousands of years would grow the schema and the prepared
 * statements without bound. A story past it is staged in one table and sorted in one go (its sort
 * spills to temporary files, as every build's did before the buckets).
 */
const MAX_BUCKETS = 512;

/** The columns of a staged event (a bucket table), in the order its insert binds them. */
const BUCKET_COLUMNS = `n INTEGER PRIMARY KEY, first_day INTEGER NOT NULL, last_day INTEGER NOT NULL, id TEXT NOT NULL,
	status INTEGER NOT NULL, hide_at INTEGER NOT NULL, priority INTEGER NOT NULL, md INTEGER, year INTEGER NOT NULL, file INTEGER NOT NULL,
	hash TEXT NOT NULL, fp TEXT NOT NULL, doc TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL, claims TEXT NOT NULL, keys TEXT NOT NULL`;

const STAGING: readonly string[] = [
	// Claims with their event's staging number; into claims, with the event's ord, at the end.
	`CREATE TEMP TABLE stage_claims (n INTEGER PRIMARY KEY, id TEXT NOT NULL, event_n INTEGER NOT NULL, by_actor TEXT NOT NULL, source TEXT NOT NULL, doc TEXT NOT NULL, hash TEXT NOT NULL)`,
	// An event's actors, tags, related events ([id, type]) and sources, as JSON lists: one row per event
	// (not one per key: a statement run each was a large part of a build), spread into event_actors,
	// event_tags, event_links and event_sources by json_each at the end, in key order.
	`CREATE TEMP TABLE stage_links (n INTEGER PRIMARY KEY, actors TEXT NOT NULL, tags TEXT NOT NULL, links TEXT NOT NULL, sources TEXT NOT NULL)`,
	// Rows of the actors' WITHOUT ROWID tables, written in key order at the end (kind: which table).
	`CREATE TEMP TABLE stage_keys (kind INTEGER NOT NULL, a TEXT NOT NULL, b, c)`,
];

function digest(doc: string): string {
	return sha256Hex(doc).slice(0, 16);
}

/** The folded name key of a name (as the in-heap engine made it): letters and digits, one space apart. */
export function nameKey(name: string): string {
	return fold(name)
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

export class EngineWriter {
	readonly #db: Database.Database;
	readonly #stmt: ReturnType<typeof prepare>;
	#events = 0;
	#claims = 0;
	#actors = 0;
	#sources = 0;
	#maxSpan = 0;
	/** Each staged event's first and last day and id, by staging number: what its ord is made of. */
	#firstDay = new Int32List();
	#lastDay = new Int32List();
	/** Each event's id by staging number: the loader's (useEventIds), or else kept here. */
	#eventIds: IdLookup | undefined;
	#ids: string[] = [];
	/** The staging bucket tables (see BUCKET_DAYS) by bucket number: name and insert. */
	readonly #buckets = new Map<number, { name: string; insert: Database.Statement }>();
	/** Every staged event in one table, once there were more than the bucket limit. */
	#all: { name: string; insert: Database.Statement } | undefined;
	readonly #maxBuckets: number;
	/** Leave the staging tables to the connection's close (see the constructor's `closesAfterFinish`). */
	readonly #keepStaging: boolean;
	/** The event added last, staged once its claims are in (addClaim follows its addEvent). */
	#open: { e: StoryEvent; file: number; claims: Claim[] } | undefined;
	/** The events' ords come with finish (see the constructor): no ids kept here. */
	readonly #ordsGiven: boolean;

	/** Which dates' texts parse back to them (event-doc.ts). */
	readonly #dates = new DateCheck();

	/** Space-joined folded index tokens of texts: what the text tables hold. */
	#folded(...texts: readonly (string | undefined)[]): string {
		let out = '';
		for (const t of texts) {
			if (!t) continue;
			const words = indexTokens(t);
			if (words.length === 0) continue;
			out += (out ? ' ' : '') + words.join(' ');
		}
		return out;
	}

	/**
	 * `db`: an empty database, opened for writing; the writer owns it until {@link finish}.
	 * `closesAfterFinish`: the caller closes `db` right after finish (a build into a file), so the
	 * staging tables are left for the close to delete with the temporary database: dropping a table
	 * reads every page of it back to free it, which for the staged events (as large as the file's
	 * documents and text) was a noticeable part of finish. Otherwise (a database that serves on after
	 * the build) they are dropped as they are used up.
	 * `ordsGiven`: {@link finish} is handed the events' ords (a build whose loader runs on another
	 * thread works them out there, from the loader's ids), so no id is kept here.
	 */
	constructor(
		db: Database.Database,
		options: { readonly maxBuckets?: number; readonly closesAfterFinish?: boolean; readonly ordsGiven?: boolean } = {},
	) {
		this.#db = db;
		this.#ordsGiven = options.ordsGiven ?? false;
		this.#maxBuckets = options.maxBuckets ?? MAX_BUCKETS;
		this.#keepStaging = options.closesAfterFinish ?? false;
		// Nothing survives a crash of a build anyway: the file is only used once `complete` is written.
		db.pragma('journal_mode = OFF');
		db.pragma('synchronous = OFF');
		db.pragma('temp_store = FILE');
		db.pragma(`application_id = ${APPLICATION_ID}`);
		db.pragma(`user_version = ${FORMAT_VERSION}`);
		for (const sql of [...SCHEMA, ...STAGING]) db.exec(sql);
		// The text tables are merged into one b-tree each by 'optimize' at the end: merging their
		// segments along the way too (automerge) did the work twice, and a larger buffer of pending
		// terms makes fewer, larger segments to merge.
		for (const t of FTS_TABLES) {
			db.exec(`INSERT INTO ${t} (${t}, rank) VALUES ('automerge', 0)`);
			db.exec(`INSERT INTO ${t} (${t}, rank) VALUES ('hashsize', ${FTS_HASH_BYTES})`);
		}
		this.#stmt = prepare(db);
		db.exec('BEGIN');
	}

	/**
	 * The loader's event ids (LoadIds.events), whose entry `n` is the id of the `n`th event added
	 * when the load succeeds (every record valid, no id repeated; finish is only called then): the
	 * writer reads an event's id there instead of keeping a string per event until finish. Before
	 * the first event.
	 */
	useEventIds(ids: IdLookup): void {
		if (this.#events > 0) throw new Error('useEventIds after the first event');
		this.#eventIds = ids;
	}

	/** A dataset file, in load order; returns its number for the records read from it. */
	addFile(name: string, fileDigest: string): number {
		return Number(this.#stmt.file.run(name, fileDigest).lastInsertRowid);
	}

	addActor(a: Actor, file: number): void {
		const doc = JSON.stringify(a);
		const n = this.#actors++;
		this.#stmt.actor.run(n, a.id, doc, file, digest(doc));
		this.#stmt.actorText.run(
			n,
			this.#folded(a.name, ...a.aliases, ...Object.values(a.names)),
			this.#folded(a.description),
			textKey(a.id),
		);
		for (const name of [a.id, a.name, ...a.aliases, ...Object.values(a.names)]) {
			const key = nameKey(name);
			if (!key) continue;
			this.#stmt.stageKey.run(K.actorKey, key, a.id, 0);
			this.#stmt.stageKey.run(K.actorKey, soundKey(key), a.id, 1);
			// Surnames and single words of a name resolve too ("aliyev", "pezeshkian").
			for (const w of key.split(' ')) if (w.length >= 4) this.#stmt.stageKey.run(K.actorKey, w, a.id, 0);
		}
		for (const target of new Set(a.affiliations)) this.#stmt.stageKey.run(K.actorLink, target, n, null);
		this.#termKeys(a);
	}

	addSource(x: Source, file: number): void {
		const doc = JSON.stringify(x);
		this.#stmt.source.run(this.#sources++, x.id, x.outlet ?? null, doc, file, digest(doc));
	}

	/** An event; its claims follow with {@link addClaim}. */
	addEvent(e: StoryEvent, file: number): void {
		this.#closeEvent();
		this.#open = { e, file, claims: [] };
	}

	/** A claim of the event added last. */
	addClaim(c: Claim): void {
		const open = this.#open;
		if (!open || c.eventId !== open.e.id) throw new Error(`claim ${c.id} does not follow its event ${c.eventId}`);
		open.claims.push(c);
	}

	/** Stages the event added last, now that its claims are known (its fingerprint covers them). */
	#closeEvent(): void {
		const open = this.#open;
		if (!open) return;
		this.#open = undefined;
		this.addPrepared(prepareEvent(open.e, open.claims, open.file, this.#dates));
	}

	/**
	 * An event and its claims as prepared.ts makes them (on this thread or the loader's): staged, its
	 * claims numbered after the claims before them. Not between an {@link addEvent} and the next.
	 */
	addPrepared(e: PreparedEvent): void {
		if (this.#open) throw new Error(`event ${e.id} added while event ${this.#open.e.id} is open`);
		const n = this.#events++;
		this.#maxSpan = Math.max(this.#maxSpan, e.lastDay - e.firstDay);
		// The event's own document holds its claims' words too (each claim folded once, here).
		let claimText = '';
		for (const c of e.claims) {
			const cn = this.#claims++;
			this.#stmt.stageClaim.run(cn, c.id, n, c.by, c.source, c.doc, digest(c.doc));
			// Claims arrive in load order, which is their rowid order: fed to FTS5 in order.
			const text = this.#folded(c.text, c.quote ?? undefined);
			this.#stmt.claimText.run(cn, text, textKey(c.by));
			if (text) claimText += (claimText ? ' ' : '') + text;
		}
		this.#stmt.stageLinks.run(n, e.actors, e.tags, e.links, e.sources);
		// Claimants' keys go with the claims' words: keys holds the event's own actors only, so that
		// {title summary keys} is exactly the event's own search document.
		for (const k of e.claimants) claimText += (claimText ? ' ' : '') + k;
		this.#bucket(e.firstDay).run(
			n,
			e.firstDay,
			e.lastDay,
			e.id,
			e.status,
			e.hideAt,
			e.priority,
			e.md,
			e.year,
			e.file,
			digest(e.doc),
			e.fp,
			e.doc,
			this.#folded(...e.title),
			this.#folded(...e.summary),
			claimText,
			e.keys,
		);
		// What the date order needs, kept here (a few bytes an event) so that finish sorts no rows to find
		// it; unless the ords come with finish (worked out where the events were read).
		if (this.#ordsGiven) return;
		this.#firstDay.push(e.firstDay);
		this.#lastDay.push(e.lastDay);
		if (!this.#eventIds) this.#ids.push(e.id);
	}

	/** The insert of the staging bucket of events whose first day is `day`, its table made on first use. */
	#bucket(day: number): Database.Statement {
		if (this.#all) return this.#all.insert;
		const b = Math.floor(day / BUCKET_DAYS);
		let bucket = this.#buckets.get(b);
		if (!bucket) {
			if (this.#buckets.size >= this.#maxBuckets) return this.#stageInOne();
			bucket = this.#stagingTable(`stage_b${this.#buckets.size}`);
			this.#buckets.set(b, bucket);
		}
		return bucket.insert;
	}

	#stagingTable(name: string): { name: string; insert: Database.Statement } {
		this.#db.exec(`CREATE TEMP TABLE ${name} (${BUCKET_COLUMNS})`);
		const insert = this.#db.prepare(
			`INSERT INTO temp.${name} VALUES (${BUCKET_COLUMNS.split(',')
				.map(() => '?')
				.join(', ')})`,
		);
		return { name, insert };
	}

	/** Past the bucket limit: every bucket's rows moved into one table, where every later event goes too. */
	#stageInOne(): Database.Statement {
		const all = this.#stagingTable('stage_all');
		for (const { name } of this.#buckets.values()) {
			this.#db.exec(`INSERT INTO temp.stage_all SELECT * FROM temp.${name}`);
			this.#db.exec(`DROP TABLE temp.${name}`);
		}
		this.#buckets.clear();
		this.#all = all;
		return all.insert;
	}

	/** Every event's ord (format.ts) by staging number, from the days and ids kept here. */
	#ords(): Float64Array {
		const known = this.#eventIds;
		const count = this.#firstDay.length;
		if (known && known.size !== count) throw new Error(`${known.size} event ids for ${count} events`);
		if (this.#ordsGiven) throw new Error("the events' ords must be given to finish (ordsGiven)");
		return eventOrds(this.#firstDay.view(), this.#lastDay.view(), known ? (n) => known.idAt(n) : (n) => this.#ids[n]!);
	}

	/**
	 * Sorts the events into date order (rowids, see format.ts), writes the events, their links and
	 * text in that order, then the meta rows and last the `complete` mark; commits. `step` is called
	 * every few thousand events (a build on the main thread can yield there). `ords`: the events' ords
	 * by staging number (event-ords.ts), where the writer was made with `ordsGiven`; else worked out here.
	 */
	finish(meta: BuildMeta, step: () => void = () => {}, given?: Float64Array): void {
		this.#closeEvent();
		for (const b of this.#batches()) b.flush();
		const db = this.#db;
		const s = this.#stmt;
		if (given && given.length !== this.#events) throw new Error(`${given.length} ords for ${this.#events} events`);
		let ords: Float64Array | undefined = given ?? this.#ords();
		this.#firstDay = new Int32List();
		this.#lastDay = new Int32List();
		this.#ids = [];
		// A staged row's ord, by its staging number. Each copy below scans its staging table in arrival
		// order and lets SQLite sort the rows by ord (a sort of runs read and written in sequence); a join
		// in ord order instead read the staged rows in random order, page by page.
		db.function('temp_ord', { deterministic: true }, (n) => ords?.[n as number] ?? null);
		const ord = (n: string): string => `CAST(temp_ord(${n}) AS INTEGER)`;
		step();
		// Bucket by bucket in date order: each bucket's ords follow the last one's, so every table
		// below is appended to at its end, and FTS5 is fed in rowid order (its segments stay sorted).
		const tables = this.#all
			? [this.#all.name]
			: [...this.#buckets.keys()].sort((x, y) => x - y).map((b) => this.#buckets.get(b)!.name);
		for (const name of tables) {
			db.exec(
				`INSERT INTO events (ord, id, first_day, last_day, status, hide_at, priority, md, year, file, hash, fp) SELECT ${ord('n')} AS o, id, first_day, last_day, status, hide_at, priority, md, year, file, hash, fp FROM temp.${name} ORDER BY o`,
			);
			db.exec(`INSERT INTO event_docs (ord, doc) SELECT ${ord('n')} AS o, doc FROM temp.${name} ORDER BY o`);
			db.exec(
				`INSERT INTO event_text (rowid, title, summary, claims, keys) SELECT ${ord('n')} AS o, title, summary, claims, keys FROM temp.${name} ORDER BY o`,
			);
			if (!this.#keepStaging) db.exec(`DROP TABLE temp.${name}`);
			step();
		}
		this.#buckets.clear();
		this.#all = undefined;
		db.exec(
			`INSERT INTO claims (n, id, event_ord, by_actor, source, doc, hash) SELECT n, id, ${ord('event_n')}, by_actor, source, doc, hash FROM temp.stage_claims ORDER BY n`,
		);
		// Each event's keys spread from its JSON lists; in key order, then date order (j.key: as listed).
		const ofEvents = (column: string): string => `FROM temp.stage_links l, json_each(l.${column}) j ORDER BY 1, 2, j.key`;
		db.exec(`INSERT OR IGNORE INTO event_actors (actor, ord) SELECT j.value, ${ord('l.n')} ${ofEvents('actors')}`);
		db.exec(`INSERT OR IGNORE INTO event_tags (tag, ord) SELECT j.value, ${ord('l.n')} ${ofEvents('tags')}`);
		db.exec(
			`INSERT OR IGNORE INTO event_links (target, ord, type) SELECT json_extract(j.value, '$[0]'), ${ord('l.n')}, json_extract(j.value, '$[1]') ${ofEvents('links')}`,
		);
		db.exec(`INSERT OR IGNORE INTO event_sources (source, ord) SELECT j.value, ${ord('l.n')} ${ofEvents('sources')}`);
		// The connection keeps the function (a database opened without a file serves on after the build): not the ords.
		ords = undefined;
		db.exec(
			`INSERT OR IGNORE INTO actor_keys (kind, key, actor) SELECT c, a, b FROM temp.stage_keys WHERE kind = ${K.actorKey} ORDER BY c, a, b`,
		);
		db.exec(`INSERT OR IGNORE INTO actor_links (target, n) SELECT a, b FROM temp.stage_keys WHERE kind = ${K.actorLink} ORDER BY a, b`);
		db.exec(`INSERT OR IGNORE INTO term_keys (term, key) SELECT a, b FROM temp.stage_keys WHERE kind = ${K.termKey} ORDER BY a, b`);
		step();
		for (const sql of INDEXES) db.exec(sql);
		writeDayCounts(db);
		writeActorNames(db);
		step();
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
			// Tags with how many events carry each: /tags answers without a GROUP BY over every event.
			['tags', JSON.stringify(db.prepare('SELECT tag, count(*) AS count FROM event_tags GROUP BY tag').all())],
			['statuses', JSON.stringify(this.#statusCounts())],
		] as const) {
			s.meta.run(k, v);
		}
		if (!this.#keepStaging) for (const t of ['stage_claims', 'stage_links', 'stage_keys']) db.exec(`DROP TABLE temp.${t}`);
		// FTS5 merges its segments into one b-tree: fewer pages to read per query.
		for (const t of FTS_TABLES) {
			db.exec(`INSERT INTO ${t} (${t}) VALUES ('optimize')`);
			// Back to FTS5's defaults: the file is read-only from now on, but it should not say otherwise.
			db.exec(`INSERT INTO ${t} (${t}, rank) VALUES ('automerge', 4)`);
			db.exec(`INSERT INTO ${t} (${t}, rank) VALUES ('hashsize', ${1024 * 1024})`);
		}
		this.#writeWords();
		s.meta.run('complete', '1');
		db.exec('COMMIT');
		// The main file only: the temporary database may still hold the staging tables (closesAfterFinish).
		db.exec('ANALYZE main');
	}

	/**
	 * The words table: every term of the text tables but the actor keys (the only terms with `_`), read
	 * from FTS5's own vocabulary once the text is in rather than gathered in a set on the heap as each
	 * text is folded: the same words (each folded token is one term of the tokenizer), at no cost per
	 * token, and no memory that grows with the dataset's vocabulary.
	 */
	#writeWords(): void {
		const db = this.#db;
		for (const t of FTS_TABLES) db.exec(`CREATE VIRTUAL TABLE temp.vocab_${t} USING fts5vocab(main, ${t}, row)`);
		db.exec(
			`INSERT INTO words (word) ${FTS_TABLES.map((t) => `SELECT term FROM temp.vocab_${t} WHERE instr(term, '_') = 0`).join(' UNION ')} ORDER BY 1`,
		);
		for (const t of FTS_TABLES) db.exec(`DROP TABLE temp.vocab_${t}`);
	}

	/** Events per status code (index in eventStatuses). */
	#statusCounts(): number[] {
		const out = eventStatuses.map(() => 0);
		for (const r of this.#db.prepare('SELECT status, count(*) AS n FROM events GROUP BY status').all() as {
			status: number;
			n: number;
		}[])
			if (r.status < out.length) out[r.status] = r.n;
		return out;
	}

	/** Aborts: nothing is committed. */
	abort(): void {
		for (const b of this.#batches()) b.discard();
		if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
	}

	#batches(): BatchInsert[] {
		const s = this.#stmt;
		return [s.stageClaim, s.stageKey, s.stageLinks, s.claimText];
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
			if (words.length === 1) this.#stmt.stageKey.run(K.termKey, words[0]!, textKey(a.id), null);
			else if (person) for (const w of words) if (w.length >= 4) this.#stmt.stageKey.run(K.termKey, w, textKey(a.id), null);
			if (words.length === own.length && (person || words.length === 1)) {
				words.forEach((w, i) => {
					if (w !== own[i]! && (words.length === 1 || w.length >= 4)) this.#stmt.stageKey.run(K.termKey, w, own[i]!, null);
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
		source: db.prepare('INSERT INTO sources (n, id, outlet, doc, file, hash) VALUES (?, ?, ?, ?, ?, ?)'),
		// The rows staged by the hundred thousand, and the claims' text rows (fed in rowid order all the
		// same), in batches: flushed at the start of finish, before anything reads them.
		stageClaim: new BatchInsert(db, 'INSERT INTO temp.stage_claims (n, id, event_n, by_actor, source, doc, hash)', 7),
		stageKey: new BatchInsert(db, 'INSERT INTO temp.stage_keys (kind, a, b, c)', 4),
		stageLinks: new BatchInsert(db, 'INSERT INTO temp.stage_links (n, actors, tags, links, sources)', 5),
		claimText: new BatchInsert(db, 'INSERT INTO claim_text (rowid, text, keys)', 3),
		meta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
	};
}
