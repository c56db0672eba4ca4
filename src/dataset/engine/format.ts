/**
 * The built dataset's file format: one SQLite database per dataset version. The writer
 * (writer.ts) makes it; the snapshot (snapshot.ts) reads it through a read-only connection. A file
 * is trusted only when its application id, format number and `complete` mark are all right (a build
 * that crashed never writes the mark; a file of another program or format has another id).
 *
 * Why SQLite: the records and their indexes live in the page cache, not on the JS heap, so a
 * million events cost the process only what its queries touch; several processes on one machine
 * share one file; and FTS5 answers text queries in rowid (date) order with an early stop.
 */

/** `PRAGMA application_id` of a built dataset: "SITR". */
export const APPLICATION_ID = 0x53495452;
/** `PRAGMA user_version`: raised whenever the tables below change, so older files are rebuilt. */
export const FORMAT_VERSION = 7;

/** `events.hide_at` of a draft: never visible. Embargoed events hold the embargo instant (ms). */
export const HIDDEN_ALWAYS = Number.MAX_SAFE_INTEGER;

/**
 * Events per first day that rowids leave room for: `ord = first_day × ORD_DAY + rank`, rank being
 * the event's place among the events of its first day in date order (then id). So rowid order is
 * date order, and a timeline page is a walk along the rowid.
 */
export const ORD_DAY = 2 ** 20;

/**
 * Day numbers are days since 1970-01-01 and can be negative (BCE dates); ords are shifted so they
 * stay positive: `ord = (first_day + DAY_SHIFT) × ORD_DAY + rank`.
 */
export const DAY_SHIFT = 4_000_000;

/** The ord of rank `rank` among the events whose first day is `day`. */
export function ordOf(day: number, rank: number): number {
	return (day + DAY_SHIFT) * ORD_DAY + rank;
}

/** The first day of the event at `ord`. */
export function dayOfOrd(ord: number): number {
	return Math.floor(ord / ORD_DAY) - DAY_SHIFT;
}

/**
 * The tokenizer of the text tables. Text is folded (text.ts `fold`, stop words out) before it is
 * indexed and before it is queried, so the tokenizer only splits on spaces and keeps actor keys
 * (`a_<id>`, see {@link textKey}) whole.
 */
export const TOKENIZE = `unicode61 remove_diacritics 0 tokenchars '-_'`;

/**
 * The token that stands for an actor in the text tables: put in the documents of the actor's events
 * and claims and of its own entry, and searched for a query word that names the actor in any script.
 * Indexed words never hold `_` (they are runs of letters and digits), so a key is never a word.
 */
export function textKey(actorId: string): string {
	return `a_${actorId}`;
}

/**
 * The tables. Statements are run in order on an empty database. Unique and secondary indexes are
 * in {@link INDEXES}, made once the rows are in: sorting once costs far less than keeping an index
 * in order through a million inserts in random key order.
 */
export const SCHEMA: readonly string[] = [
	// version: content hash of the dataset files; story, vocabulary: JSON; counts: JSON
	// { events, actors, sources, claims }; max_span: longest event span in days; tags: JSON
	// [{ tag, count }] of every event (drafts included); statuses: JSON [count per status code];
	// complete: '1'
	// once every table is written (written last).
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
	// Dataset files in load order: name relative to the data directory, SHA-256 of the bytes.
	`CREATE TABLE files (n INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, digest TEXT NOT NULL)`,
	// Narrow, so that counting and filtering a range reads few pages; the record is in event_docs.
	// status: index in eventStatuses (vocabulary/words.ts). md: month × 100 + day for an event on one
	// exact day (precision day, no end), else NULL — for "on this day". hash: SHA-256 (16 hex) of doc.
	`CREATE TABLE events (
		ord INTEGER PRIMARY KEY,
		id TEXT NOT NULL,
		first_day INTEGER NOT NULL,
		last_day INTEGER NOT NULL,
		status INTEGER NOT NULL,
		hide_at INTEGER NOT NULL,
		priority INTEGER NOT NULL,
		md INTEGER,
		year INTEGER NOT NULL,
		file INTEGER NOT NULL,
		hash TEXT NOT NULL,
		fp TEXT NOT NULL
	)`,
	// The StoryEvent as JSON (model.ts), keyed like events, less what is made again on read: the date
	// as its text, empty lists and maps left out (event-doc.ts).
	`CREATE TABLE event_docs (ord INTEGER PRIMARY KEY, doc TEXT NOT NULL)`,
	// Once per actor and event (an actor may appear in two roles).
	`CREATE TABLE event_actors (actor TEXT NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (actor, ord)) WITHOUT ROWID`,
	`CREATE TABLE event_tags (tag TEXT NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (tag, ord)) WITHOUT ROWID`,
	// The sources each event cites (its sourceIds): which events an outlet's sources are cited by.
	`CREATE TABLE event_sources (source TEXT NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (source, ord)) WITHOUT ROWID`,
	// Reverse links: the events whose related list names target.
	`CREATE TABLE event_links (target TEXT NOT NULL, ord INTEGER NOT NULL, type TEXT NOT NULL, PRIMARY KEY (target, ord)) WITHOUT ROWID`,
	// Affiliations read backwards: the actors (actors.n) that list target among their affiliations.
	`CREATE TABLE actor_links (target TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (target, n)) WITHOUT ROWID`,
	// Records in load (file) order; doc is the model.ts record as JSON.
	`CREATE TABLE actors (n INTEGER PRIMARY KEY, id TEXT NOT NULL, doc TEXT NOT NULL, file INTEGER NOT NULL, hash TEXT NOT NULL)`,
	// What a line needs of an actor (its name, and names per language as JSON): by id, about a sixth of
	// the actors table's size, so that the names an answer shows (event lines, claimants, affiliations)
	// read a few pages that stay cached instead of one page of `actors` each. Written by summaries.ts
	// writeActorNames once the actors are in.
	`CREATE TABLE actor_names (id TEXT PRIMARY KEY, name TEXT NOT NULL, names TEXT NOT NULL) WITHOUT ROWID`,
	// outlet: the outlet the source names (outlets.yaml), if any.
	`CREATE TABLE sources (n INTEGER PRIMARY KEY, id TEXT NOT NULL, outlet TEXT, doc TEXT NOT NULL, file INTEGER NOT NULL, hash TEXT NOT NULL)`,
	// Claims in load order (events in file order, each event's claims in its order).
	`CREATE TABLE claims (n INTEGER PRIMARY KEY, id TEXT NOT NULL, event_ord INTEGER NOT NULL, by_actor TEXT NOT NULL, source TEXT NOT NULL, doc TEXT NOT NULL, hash TEXT NOT NULL)`,
	// How a reader may name an actor. kind 0: folded name, alias, transliteration or id, and each word
	// of four letters or more of one; kind 1: the sound key (text.ts soundKey) of a folded name.
	`CREATE TABLE actor_keys (kind INTEGER NOT NULL, key TEXT NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (kind, key, actor)) WITHOUT ROWID`,
	// What a query word stands for besides itself (DatasetSnapshot.termKeys in the in-heap engine):
	// actor text keys and the actor's own name word, per folded term.
	`CREATE TABLE term_keys (term TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (term, key)) WITHOUT ROWID`,
	// Folded text (text.ts indexTokens joined by spaces), rowid = events.ord. title: the title and
	// its translations; summary: summary, tags, place; claims: each claim's text and quote and the
	// textKey of its claimant; keys: textKey of the event's actors. (Claimants are not in keys, so
	// that {title summary keys} is exactly the event's own search document, as in the in-heap engine.)
	`CREATE VIRTUAL TABLE event_text USING fts5 (title, summary, claims, keys, content='', columnsize=0, detail=column, tokenize="${TOKENIZE}")`,
	// Every word of the text tables, for prefix queries: a query word of four letters or more also
	// matches the words it begins, and those are looked up here and searched as whole words (an
	// FTS5 prefix query reads every matching posting list in full, with no early stop).
	`CREATE TABLE words (word TEXT PRIMARY KEY) WITHOUT ROWID`,
	// One row per claim, rowid = claims.n: its text and quote (folded), and its claimant's textKey —
	// so a claim matches on its own words, not on words spread over the claims of its event.
	`CREATE VIRTUAL TABLE claim_text USING fts5 (text, keys, content='', columnsize=0, detail=column, tokenize="${TOKENIZE}")`,
	// rowid = actors.n. names: name, aliases, names in other scripts; keys: the actor's textKey.
	`CREATE VIRTUAL TABLE actor_text USING fts5 (names, description, keys, content='', columnsize=0, detail=column, tokenize="${TOKENIZE}")`,
	// Per first day with events: how many events (drafts included) begin on it or before (summaries.ts).
	// A date range's count is two lookups here instead of a walk over its events.
	`CREATE TABLE day_counts (day INTEGER PRIMARY KEY, upto INTEGER NOT NULL)`,
];

/** Indexes made after the rows are written (see {@link SCHEMA}). */
export const INDEXES: readonly string[] = [
	`CREATE UNIQUE INDEX events_id ON events (id)`,
	`CREATE INDEX events_md ON events (md, ord) WHERE md IS NOT NULL`,
	`CREATE INDEX events_status ON events (status, ord)`,
	`CREATE INDEX events_file ON events (file)`,
	`CREATE INDEX events_hidden ON events (hide_at) WHERE hide_at <> 0`,
	`CREATE UNIQUE INDEX actors_id ON actors (id)`,
	`CREATE INDEX actors_file ON actors (file)`,
	`CREATE UNIQUE INDEX sources_id ON sources (id)`,
	`CREATE INDEX sources_file ON sources (file)`,
	`CREATE INDEX sources_outlet ON sources (outlet, n) WHERE outlet IS NOT NULL`,
	`CREATE INDEX claims_source ON claims (source, n)`,
	`CREATE UNIQUE INDEX claims_id ON claims (id)`,
	`CREATE INDEX claims_by ON claims (by_actor, n)`,
	// by_actor: who makes each claim of a window comes from the index; only the claims shown are read.
	`CREATE INDEX claims_event ON claims (event_ord, n, by_actor)`,
	// The events that last more than a day, with what a timeline filters them by: the events that
	// begin before a range and still overlap it are found here, without walking every event of the
	// longest span's days before it.
	// The actors of each event from the index alone: who shares an actor's events (sql-actors.ts coActors).
	`CREATE INDEX event_actors_ord ON event_actors (ord, actor)`,
	`CREATE INDEX events_spanning ON events (ord, last_day, status, hide_at) WHERE last_day > first_day`,
];
