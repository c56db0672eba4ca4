import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EngineWriter } from '../../../src/dataset/engine/writer.js';
import { APPLICATION_ID, dayOfOrd, FORMAT_VERSION } from '../../../src/dataset/engine/format.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../../src/dataset/snapshot.js';
import type { StoryEvent } from '../../../src/dataset/model.js';

async function demo(): Promise<DatasetSnapshot> {
	const r = await loadDataset('data');
	if (!r.ok) throw new Error('the demo data does not load');
	return r.snapshot;
}

/** The demo records written by the writer (claims right after their event), events in `order`. */
function write(
	s: DatasetSnapshot,
	order: (events: StoryEvent[]) => StoryEvent[] = (events) => events.reverse(),
	options: { maxBuckets?: number; closesAfterFinish?: boolean } = {},
): Database.Database {
	const db = new Database(':memory:');
	const w = new EngineWriter(db, options);
	const file = w.addFile('all.yaml', 'digest');
	for (const a of [...s.eachActor()]) w.addActor(a, file);
	for (const x of [...s.eachSource()]) w.addSource(x, file);
	// Arrival order on purpose unlike date order by default: the writer sorts.
	for (const e of order([...s.eachEvent()])) {
		w.addEvent(e, file);
		for (const c of s.claimsOf(e)) w.addClaim(c);
	}
	w.finish({ story: s.story, vocabulary: s.vocabulary, version: s.version });
	return db;
}

describe('EngineWriter', () => {
	it('writes the events in the in-heap engine order, rowids in date order, with the same version fingerprints', async () => {
		const s = await demo();
		const db = write(s);
		const rows = db.prepare('SELECT ord, id, first_day, fp FROM events ORDER BY ord').all() as {
			ord: number;
			id: string;
			first_day: number;
			fp: string;
		}[];
		expect(rows.map((r) => r.id)).toEqual([...s.eachEvent()].map((e) => e.id));
		for (const r of rows) expect(dayOfOrd(r.ord)).toBe(r.first_day);
		const fps = s.eventFingerprints();
		for (const r of rows) expect(r.fp).toBe(fps.get(r.id));
		expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
		expect(db.pragma('user_version', { simple: true })).toBe(FORMAT_VERSION);
		expect(db.prepare(`SELECT value FROM meta WHERE key = 'complete'`).pluck().get()).toBe('1');
		expect(JSON.parse(db.prepare(`SELECT value FROM meta WHERE key = 'counts'`).pluck().get() as string)).toEqual(s.counts);
	});

	it("gives every claim its event's ord and every actor and tag row its events", async () => {
		const s = await demo();
		const db = write(s);
		const ordOf = new Map((db.prepare('SELECT id, ord FROM events').all() as { id: string; ord: number }[]).map((r) => [r.id, r.ord]));
		for (const c of [...s.eachClaim()])
			expect(db.prepare('SELECT event_ord FROM claims WHERE id = ?').pluck().get(c.id)).toBe(ordOf.get(c.eventId));
		const actor = [...s.eachActor()][0]!.id;
		const ords = db.prepare('SELECT ord FROM event_actors WHERE actor = ? ORDER BY ord').pluck().all(actor);
		expect(ords).toEqual(s.eventsOf(actor).map((e) => ordOf.get(e.id)));
	});

	it('indexes folded text, so a query folded the same way finds names across scripts', async () => {
		const s = await demo();
		const db = write(s);
		const find = (q: string): string[] =>
			db
				.prepare('SELECT e.id FROM event_text t JOIN events e ON e.ord = t.rowid WHERE event_text MATCH ? ORDER BY t.rowid')
				.pluck()
				.all(q) as string[];
		// The Safarov brothers are "Səfərov" in Azerbaijani and "Сафаров" in Russian; all fold to safarov.
		const safarov = find('safarov');
		expect(safarov.length).toBeGreaterThan(0);
		// Actor keys: every event of an actor carries its key.
		const actor = s.eventsOf([...s.eachActor()][0]!.id);
		expect(find(`"a_${[...s.eachActor()][0]!.id}"`)).toEqual(expect.arrayContaining(actor.map((e) => e.id)));
	});

	it('writes the same rows whatever order the events arrive in (they are staged by date bucket and sorted per bucket)', async () => {
		const s = await demo();
		// Claims are numbered in arrival order (claims.n): compared by id, without their number.
		const rows = (db: Database.Database): unknown[] => [
			...['events', 'event_docs', 'event_actors', 'event_tags', 'event_sources', 'day_counts'].map((t) =>
				db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).raw().all(),
			),
			db.prepare('SELECT id, event_ord, by_actor, source, doc, hash FROM claims ORDER BY id').raw().all(),
		];
		const words = (db: Database.Database): unknown =>
			db.prepare(`SELECT t.rowid FROM event_text t WHERE event_text MATCH 'a* OR s* OR t*' ORDER BY t.rowid`).pluck().all();
		// A fixed shuffle (no randomness in a test): every third event first, then the rest backwards.
		const shuffled = (events: StoryEvent[]): StoryEvent[] => [
			...events.filter((_, i) => i % 3 === 0),
			...events.filter((_, i) => i % 3 !== 0).reverse(),
		];
		const inOrder = write(s, (events) => events);
		const buckets = new Set((inOrder.prepare('SELECT first_day FROM events').pluck().all() as number[]).map((d) => Math.floor(d / 16)));
		// The demo story's first days fall in several buckets, so the order across buckets is tested too.
		expect(buckets.size).toBeGreaterThan(3);
		// The tables are appended to in date order whatever the arrival order: pages as full as when
		// the events arrive in date order (inserts in the middle of a b-tree leave pages half full).
		const pages = (db: Database.Database): number =>
			db.prepare(`SELECT count(*) FROM dbstat WHERE name IN ('events', 'event_docs')`).pluck().get() as number;
		// With a bucket limit the story passes, every event staged in one table (dates spread over
		// millennia must not make a table each).
		for (const db of [write(s), write(s, shuffled), write(s, shuffled, { maxBuckets: 2 })]) {
			expect(rows(db)).toEqual(rows(inOrder));
			expect(words(db)).toEqual(words(inOrder));
			expect(pages(db)).toBe(pages(inOrder));
		}
	});

	it('leaves the staging tables to the close when told the database closes after finish, the file the same', async () => {
		const s = await demo();
		const temp = (db: Database.Database): number =>
			db.prepare(`SELECT count(*) FROM sqlite_temp_master WHERE type = 'table'`).pluck().get() as number;
		const dropped = write(s);
		const kept = write(s, undefined, { closesAfterFinish: true });
		expect(temp(dropped)).toBe(0);
		expect(temp(kept)).toBeGreaterThan(3);
		// Every table's rows, each text table's vocabulary by column (as bench/built-digest.ts compares files).
		const content = (db: Database.Database): Record<string, unknown[]> => {
			const out: Record<string, unknown[]> = {};
			const tables = db.prepare(`SELECT name, sql FROM main.sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
				name: string;
				sql: string;
			}[];
			for (const { name, sql } of tables) {
				if (/USING fts5/iu.test(sql)) {
					db.exec(`CREATE VIRTUAL TABLE temp.v_${name} USING fts5vocab(main, ${name}, col)`);
					out[name] = db.prepare(`SELECT * FROM temp.v_${name} ORDER BY 1, 2`).raw().all();
				} else if (!name.startsWith('sqlite_') && !tables.some((t) => /USING fts5/iu.test(t.sql) && name.startsWith(`${t.name}_`)))
					out[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).raw().all();
			}
			return out;
		};
		const a = content(kept);
		expect(Object.keys(a).length).toBeGreaterThan(15);
		expect(a).toEqual(content(dropped));
		// ANALYZE reads the file's tables alone: the same statistics, none for the staging tables.
		const stats = (db: Database.Database): unknown[] => db.prepare('SELECT * FROM main.sqlite_stat1 ORDER BY 1, 2').raw().all();
		expect(stats(kept)).toEqual(stats(dropped));
		expect(stats(kept).length).toBeGreaterThan(10);
	});
});
