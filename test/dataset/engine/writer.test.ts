import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EngineWriter } from '../../../src/dataset/engine/writer.js';
import { APPLICATION_ID, dayOfOrd, FORMAT_VERSION } from '../../../src/dataset/engine/format.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../../src/dataset/snapshot.js';

async function demo(): Promise<DatasetSnapshot> {
	const r = await loadDataset('data');
	if (!r.ok) throw new Error('the demo data does not load');
	return r.snapshot;
}

/** The demo records written by the writer in the loader's order (claims right after their event). */
function write(s: DatasetSnapshot): Database.Database {
	const db = new Database(':memory:');
	const w = new EngineWriter(db);
	const file = w.addFile('all.yaml', 'digest');
	for (const a of [...s.eachActor()]) w.addActor(a, file);
	for (const x of [...s.eachSource()]) w.addSource(x, file);
	// Arrival order on purpose unlike date order: the writer sorts.
	for (const e of [...s.eachEvent()].reverse()) {
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
});
