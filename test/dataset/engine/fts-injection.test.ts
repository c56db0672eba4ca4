/**
 * A search query is untrusted input. Quotes, FTS5 operators, column filters, prefix stars and
 * brackets a reader types must never break the FTS5 query nor change what it means: each query
 * finds exactly what its plain words find (and what the in-heap engine finds for it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlOfHeap } from '../../helpers/heap-engine/sql-of-heap.js';
import { matchExpression, queryTerms, quote } from '../../../src/dataset/engine/fts-query.js';
import type { SqlSnapshot } from '../../../src/dataset/engine/sql-snapshot.js';
import type { DatasetSnapshot, SearchResult } from '../../../src/dataset/snapshot.js';
import { cleanupDatasets, loadFixture } from '../../helpers/dataset-fixture.js';

const key = (r: SearchResult): string =>
	r.kind === 'event' ? `e:${r.event.id}` : r.kind === 'claim' ? `c:${r.claim.id}` : `a:${r.actor.id}`;

let heap: DatasetSnapshot;
let sql: SqlSnapshot;
beforeAll(async () => {
	heap = await loadFixture();
	sql = sqlOfHeap(heap);
});
afterAll(() => {
	sql.close();
	cleanupDatasets();
});

const HOSTILE: readonly (readonly [string, string])[] = [
	['"first', 'first'],
	['first"', 'first'],
	['"first" OR "event"', 'first event'],
	['first OR happened', 'first happened'],
	['first NOT happened', 'first not happened'],
	['NEAR(first event)', 'near first event'],
	['title:first', 'title first'],
	['{title summary}: first', 'title summary first'],
	['first*', 'first'],
	['^first', 'first'],
	['first -event', 'first event'],
	['(first', 'first'],
	['first)', 'first'],
	['""""', ''],
	['*', ''],
	['first + event', 'first event'],
	["first' OR 1=1 --", 'first 1'],
	['a_alpha-ministry', 'alpha ministry'],
	['alpha_ministry', 'alpha ministry'],
	['"; DROP TABLE events; --', 'drop table events'],
	['\u0000first', 'first'],
	['firs\u201dt', 'firs t'],
];

describe('untrusted search queries', () => {
	it('quotes every token: the query keeps its shape whatever the reader typed', () => {
		expect(quote('a"b')).toBe('"a""b"');
		const expr = matchExpression(
			queryTerms(
				['first', 'ev'],
				() => ['a_x"y'],
				() => ['firstly', 'first"*'],
			),
		);
		expect(expr).toBe('("first" OR "firstly" OR "first""*" OR "a_x""y") AND ("ev" OR "a_x""y")');
	});

	it.each(HOSTILE)('%j finds what its plain words %j find, and never throws', (hostile, plain) => {
		const got = sql.search(hostile).map(key).sort();
		expect(got).toEqual(sql.search(plain).map(key).sort());
		expect(got).toEqual(heap.search(hostile).map(key).sort());
		const page = sql.searchPage(hostile, 3);
		expect(page.total).toBe(got.length);
		expect(sql.timeline({ text: hostile }).map((e) => e.id)).toEqual(heap.timeline({ text: hostile }).map((e) => e.id));
		expect(() => sql.timelinePage({ text: hostile, tag: 'diplomacy' }, 1, 5)).not.toThrow();
	});

	it('a query of nothing but operators and punctuation finds nothing', () => {
		for (const q of ['', '   ', '"', '*', '()', 'OR', 'AND NOT', ':', '{}']) {
			expect(sql.search(q), q).toEqual(heap.search(q));
			expect(sql.searchPage(q, 5).total, q).toBe(heap.searchPage(q, 5).total);
		}
	});
});
