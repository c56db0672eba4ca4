/**
 * Search across scripts on the demo story: a name typed in Cyrillic, Azerbaijani Latin or Persian
 * (with Arabic letter variants) finds what the English text and the actors' records hold — through
 * the actors' names, aliases and transliterations — and the same with the index built off thread.
 */
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../helpers/dataset-fixture.js';
import type { DatasetSnapshot, SearchResult } from '../../src/dataset/snapshot.js';

const idOf = (r: SearchResult): string => `${r.kind}:${r.kind === 'event' ? r.event.id : r.kind === 'claim' ? r.claim.id : r.actor.id}`;
const ids = (s: DatasetSnapshot, q: string): string[] => s.search(q).map(idOf).sort();

describe('search across scripts', () => {
	it('finds the Safarovs by their name in Cyrillic and Azerbaijani Latin, as in English', async () => {
		const s = await loadSnapshot('data', {});
		const english = ids(s, 'Safarov');
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
		expect(ids(s, 'Сафаров')).toEqual(english);
		// "Səfərov" folds to "seferov", which no English text holds: the actors' transliterations map it to "safarov".
		expect(ids(s, 'Səfərov')).toEqual(expect.arrayContaining(english));
		expect(
			s
				.search('Səfərov', 3)
				.every(
					(r) =>
						r.kind !== 'event' ||
						/safarov/iu.test(r.event.title + r.event.summary) ||
						r.event.actors.some((a) => a.actorId.endsWith('-safarov')),
				),
		).toBe(true);
	});

	it('finds the events of Pezeshkian by his name in Cyrillic and in Persian, with Arabic letters too', async () => {
		const s = await loadSnapshot('data', {});
		const english = ids(s, 'Pezeshkian');
		const events = english.filter((id) => id.startsWith('event:'));
		expect(events.length).toBeGreaterThanOrEqual(3);
		expect(ids(s, 'Пезешкиан')).toEqual(english);
		for (const q of ['پزشکیان', 'پزشكيان', 'پزشـکیان', 'مسعود پزشکیان']) {
			const found = ids(s, q);
			expect(found, q).toEqual(expect.arrayContaining([...events, 'actor:masoud-pezeshkian']));
		}
		// A record that only lists him among its actors is found by the Persian name as well.
		const byActor = [...s.eachEvent()]
			.filter((e) => e.actors.some((a) => a.actorId === 'masoud-pezeshkian'))
			.map((e) => `event:${e.id}`);
		expect(ids(s, 'پزشکیان')).toEqual(expect.arrayContaining(byActor));
		// The results show the English word they matched, never the internal actor key.
		for (const r of s.search('پزشکیان')) expect(r.matched.every((t) => !t.startsWith('@'))).toBe(true);
	});

	it('filters the timeline by a name in another script like by the English one', async () => {
		const s = await loadSnapshot('data', {});
		const english = s.timeline({ text: 'Pezeshkian' }).map((e) => e.id);
		expect(english.length).toBeGreaterThan(0);
		expect(s.timeline({ text: 'پزشکیان' }).map((e) => e.id)).toEqual(expect.arrayContaining(english));
		expect(s.timeline({ text: 'Сафаров' }).map((e) => e.id)).toEqual(s.timeline({ text: 'Safarov' }).map((e) => e.id));
	});

	it('does not let a word that many actors share stand for all of them', async () => {
		const s = await loadSnapshot('data', {});
		// "ministry" is a word of many organisations' names, not a person's name: only the text matches.
		for (const r of s.search('ministry')) expect(r.matched.length).toBeGreaterThan(0);
	});

	it('gives the same answers with the index built in the worker', async () => {
		const queries = ['Сафаров', 'Səfərov', 'پزشكيان', 'Пезешкиан', 'ایران', 'MID'];
		const here = await loadSnapshot('data', {});
		const there = await loadSnapshot('data', {});
		const answers = (s: DatasetSnapshot): string[] =>
			queries.map((q) =>
				s
					.search(q)
					.map((r) => `${idOf(r)}:${r.score}:${r.matched.join('+')}`)
					.join(' '),
			);
		expect(answers(there)).toEqual(answers(here));
		expect(answers(here).every((a) => a.length > 0)).toBe(true);
	});
});
