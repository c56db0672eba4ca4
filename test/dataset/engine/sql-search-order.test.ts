/**
 * The order of search results over a built file, which is deliberately new: the in-heap engine
 * ranked by BM25 over every match, which costs time in proportion to the matches (a common word at
 * a million events is hundreds of milliseconds). A news bot can defend a cheaper order: the actor
 * whose name the query is first; then events with the words in the title, newest first; then events
 * with them in the summary, tags, place or actors, newest first; then claims, newest first; then
 * actors by description. The cross-script finds of search-scripts.test.ts hold here too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlSnapshot } from '../../../src/dataset/engine/sql-snapshot.js';
import { loadHeapSnapshot } from '../../helpers/heap-engine/load-heap.js';
import type { SearchResult } from '../../../src/dataset/snapshot.js';
import type { DatasetSnapshot } from '../../helpers/heap-engine/heap-snapshot.js';
import { indexTokens } from '../../../src/dataset/text.js';

const idOf = (r: SearchResult): string =>
	r.kind === 'event' ? `event:${r.event.id}` : r.kind === 'claim' ? `claim:${r.claim.id}` : `actor:${r.actor.id}`;
const ids = (s: SqlSnapshot, q: string): string[] => s.search(q).map(idOf).sort();

let heap: DatasetSnapshot;
let sql: SqlSnapshot;
beforeAll(async () => {
	const r = await loadHeapSnapshot('data');
	if (!r.ok) throw new Error('demo data failed to load');
	heap = r.snapshot;
	sql = SqlSnapshot.fromRecords(
		heap.story,
		heap.actors,
		heap.sources,
		heap.events,
		heap.claims,
		heap.version,
		heap.loadedAt,
		heap.vocabulary,
	);
});
afterAll(() => sql.close());

/** The group of a result: 5 actor by name, 4 event by title, 3 event by other text, 2 claim, 1 actor by other text. */
function checkOrder(q: string, results: readonly SearchResult[]): void {
	const words = indexTokens(q);
	let group = Infinity;
	let lastDate = Infinity;
	for (const r of results) {
		expect(r.score, `${q}: ${idOf(r)} after a lower group`).toBeLessThanOrEqual(group);
		if (r.score < group) lastDate = Infinity;
		group = r.score;
		if (r.kind === 'event') {
			const p = sql.positionOf(r.event.id)!;
			expect(p, `${q}: ${idOf(r)} newest first`).toBeLessThan(lastDate);
			lastDate = p;
			const title = indexTokens([r.event.title, ...Object.values(r.event.titles)].join(' '));
			const inTitle = words.every((w) => title.some((t) => t.startsWith(w)) || r.matched.length === 0);
			if (r.score === 4) expect(inTitle, `${q}: ${idOf(r)} has the words in its title`).toBe(true);
		}
		if (r.kind === 'claim') {
			const p = sql.positionOf(r.claim.eventId)!;
			expect(p, `${q}: ${idOf(r)} newest first`).toBeLessThanOrEqual(lastDate);
			lastDate = p;
		}
	}
}

describe('search order over a built file', () => {
	it('puts the actor named by the query first, then title matches, summary matches, claims and other actors, each newest first', () => {
		for (const q of [
			'Safarov',
			'Ilham Aliyev',
			'Pezeshkian',
			'Sputnik',
			'AZAL crash',
			'ministry',
			'detained',
			'court',
			'Peskov',
			'Galuzin',
			'Сафаров',
			'پزشکیان',
			'embassy summoned',
		]) {
			const all = sql.search(q);
			checkOrder(q, all);
			// A page is the head of the whole order.
			expect(sql.searchPage(q, 5).results.map(idOf), q).toEqual(all.slice(0, 5).map(idOf));
		}
		const peskov = sql.search('Peskov', 3);
		expect(peskov[0]?.kind).toBe('actor');
		expect(peskov[0]?.kind === 'actor' && peskov[0].actor.id).toMatch(/peskov$/u);
		const azal = sql.search('AZAL crash', 5);
		expect(azal.length).toBeGreaterThan(0);
		expect(azal.every((r) => r.kind !== 'event' || r.score === 4 || r.score === 3)).toBe(true);
	});

	it('finds the Safarovs by their name in Cyrillic and Azerbaijani Latin, as in English', () => {
		const english = ids(sql, 'Safarov');
		expect(english.filter((id) => id.startsWith('actor:'))).toEqual(
			expect.arrayContaining([
				'actor:akif-safarov',
				'actor:ayaz-safarov',
				'actor:huseyn-safarov',
				'actor:mazakhir-safarov',
				'actor:ziyaddin-safarov',
			]),
		);
		expect(english.filter((id) => id.startsWith('event:')).length).toBeGreaterThanOrEqual(3);
		expect(ids(sql, 'Сафаров')).toEqual(english);
		expect(ids(sql, 'Səfərov')).toEqual(expect.arrayContaining(english));
		// The Safarovs themselves come first: the query is their name.
		const first = sql.search('Сафаров', 5);
		expect(first.every((r) => r.kind === 'actor' && r.actor.id.endsWith('-safarov'))).toBe(true);
	});

	it('finds the events of Pezeshkian by his name in Cyrillic and in Persian, with Arabic letters too', () => {
		const byActor = heap.eventsOf('masoud-pezeshkian').map((e) => `event:${e.id}`);
		expect(byActor.length).toBeGreaterThanOrEqual(3);
		expect(ids(sql, 'Пезешкиан')).toEqual(ids(sql, 'Pezeshkian'));
		for (const q of ['پزشکیان', 'پزشكيان'])
			expect(ids(sql, q), q).toEqual(expect.arrayContaining([...byActor, 'actor:masoud-pezeshkian']));
		for (const r of sql.search('پزشکیان')) expect(r.matched.every((t) => !t.startsWith('a_'))).toBe(true);
	});

	it('filters the timeline by a name in another script like by the English one', () => {
		expect(sql.timeline({ text: 'Сафаров' }).map((e) => e.id)).toEqual(sql.timeline({ text: 'Safarov' }).map((e) => e.id));
		expect(sql.timeline({ text: 'پزشکیان' }).map((e) => e.id)).toEqual(
			expect.arrayContaining(heap.timeline({ text: 'Pezeshkian' }).map((e) => e.id)),
		);
	});

	it('does not let a word that many actors share stand for all of them', () => {
		for (const r of sql.search('ministry')) expect(r.matched.length).toBeGreaterThan(0);
	});
});
