/**
 * What a query word stands for (sql-search.ts termsOf): read with at most one actor key more than a
 * word may stand for, it must be what the whole of the word's term_keys rows gave — for every term of
 * the demo story with people added, a surname that more than MAX_TERM_ACTORS of them share and one
 * that fewer share.
 */
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/dataset/model.js';
import { HIDDEN_ALWAYS } from '../../../src/dataset/engine/format.js';
import { databaseFromRecords } from '../../../src/dataset/engine/from-records.js';
import { MAX_LONGER, MAX_TERM_ACTORS, queryTerms, queryWords } from '../../../src/dataset/engine/fts-query.js';
import { SqlRecords } from '../../../src/dataset/engine/sql-records.js';
import { termsOf } from '../../../src/dataset/engine/sql-search.js';
import { Shared } from '../../../src/dataset/engine/sql-shared.js';
import { SCAN_BUDGET } from '../../../src/dataset/engine/sql-snapshot.js';
import { loadHeapSnapshot } from '../../helpers/heap-engine/load-heap.js';

let db: Database.Database;

beforeAll(async () => {
	const r = await loadHeapSnapshot('data');
	if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
	const h = r.snapshot;
	const person = (id: string, name: string): Actor => ({
		id,
		name,
		aliases: [],
		type: 'person',
		description: 'Added for this test.',
		affiliations: [],
		names: {},
		descriptions: {},
	});
	const people = [
		...Array.from({ length: MAX_TERM_ACTORS + 8 }, (_, i) => person(`testov-${i}`, `Ivan Testov ${i}`)),
		...Array.from({ length: 5 }, (_, i) => person(`kuzmin-${i}`, `Pyotr Kuzmin ${i}`)),
	];
	db = databaseFromRecords(
		h.story,
		[...h.eachActor(), ...people],
		[...h.eachSource()],
		[...h.eachEvent()],
		[...h.eachClaim()],
		h.version,
		h.vocabulary,
	);
}, 120_000);

afterAll(() => db?.close());

describe('termsOf', () => {
	it("gives what every row of a word's term keys gave, reading at most one actor key too many", () => {
		const reader = new SqlRecords(new Shared(db, SCAN_BUDGET), HIDDEN_ALWAYS);
		const all = db.prepare('SELECT key FROM term_keys WHERE term = ? ORDER BY key').pluck();
		const longer = db.prepare(`SELECT word FROM words WHERE word > ? AND word < ? ORDER BY word LIMIT ${MAX_LONGER}`).pluck();
		const terms = db.prepare('SELECT term, count(*) AS n FROM term_keys GROUP BY term').all() as { term: string; n: number }[];
		const n = new Map(terms.map((t) => [t.term, t.n]));
		expect(n.get('testov')).toBeGreaterThan(MAX_TERM_ACTORS + 1);
		expect(n.get('kuzmin')).toBe(5);
		expect(termsOf(reader, 'testov')![0]!.keys).toEqual([]);
		expect(termsOf(reader, 'kuzmin')![0]!.keys).toHaveLength(5);
		for (const { term } of terms) {
			const want = queryTerms(
				queryWords(term),
				(t) => all.all(t) as string[],
				(t) => longer.all(t, `${t}\u{10ffff}`) as string[],
			);
			expect(termsOf(reader, term), term).toEqual(want);
		}
		// A two-word query: each word on its own.
		const [a, b] = [terms[0]!.term, terms.at(-1)!.term];
		expect(termsOf(reader, `${a} ${b}`)).toEqual([...termsOf(reader, a)!, ...termsOf(reader, b)!]);
	});
});
