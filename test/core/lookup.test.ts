/**
 * The bounded lookups behind autocomplete and "did you mean" (src/core/lookup.ts): on the demo story
 * they find what the scans they replace found, and on a generated story of thousands of events they
 * answer without reading any whole list of records (a guard snapshot fails the test if they do).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStory, writeStory } from '../../bench/generate.js';
import { MAX_CHOICES, suggest } from '../../src/core/complete.js';
import { actorCandidates, actorsInTheNews, eventCandidates, latestEvents, nearEventIds, timelineEnds } from '../../src/core/lookup.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { boundedSnapshot } from '../helpers/bounded-snapshot.js';
import { demoDataset, loadSnapshot } from '../helpers/dataset-fixture.js';

const root = mkdtempSync(path.join(tmpdir(), 'sitrep-lookup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('lookups on the demo story', () => {
	let demo: DatasetSnapshot;
	beforeAll(async () => {
		demo = await demoDataset();
	});

	it('the ends of the timeline and its latest events are those of the date-ordered list', () => {
		const { dataset } = boundedSnapshot(demo, 1);
		expect(timelineEnds(dataset)).toEqual({ first: [...demo.eachEvent()][0], last: [...demo.eachEvent()].at(-1) });
		expect(latestEvents(dataset, 5)).toEqual([...demo.eachEvent()].slice(-5).reverse());
	});

	it('finds events by exact id, part of an id and words, ids that begin with the text first', () => {
		const { dataset } = boundedSnapshot(demo);
		expect(eventCandidates(dataset, 'azal-crash-aktau')[0]?.id).toBe('azal-crash-aktau');
		expect(eventCandidates(dataset, 'yekaterinburg-ra')[0]?.id).toBe('yekaterinburg-raids');
		expect(eventCandidates(dataset, 'Pezeshkian').map((e) => e.id)).toContain('pezeshkian-official-visit-baku');
		expect(eventCandidates(dataset, '   ')).toEqual([]);
	});

	it('offers the nearest ids for a mistyped one', () => {
		const { dataset } = boundedSnapshot(demo);
		expect(nearEventIds(dataset, 'yekaterinburg-raidz')).toContain('yekaterinburg-raids');
		expect(nearEventIds(dataset, 'azal-crsh-aktau')).toContain('azal-crash-aktau');
		expect(nearEventIds(dataset, 'zzzz-qqqq')).toEqual([]);
	});

	it('finds actors by name in any script and by a near-miss spelling; the resolver’s answer first', () => {
		const { dataset } = boundedSnapshot(demo);
		expect(actorCandidates(dataset, 'Aliyev')).toMatchObject({ resolved: 1, actors: [{ id: 'ilham-aliyev' }] });
		expect(actorCandidates(dataset, 'Пезешк').actors[0]?.id).toBe('masoud-pezeshkian');
		expect(actorCandidates(dataset, 'kre').actors.map((a) => a.id)).toContain('kremlin');
		const news = actorsInTheNews(dataset);
		expect(news.length).toBeGreaterThan(MAX_CHOICES);
		expect(new Set(news.map((a) => a.id)).size).toBe(news.length);
		// Most named in the latest events first.
		const named = (id: string) => [...demo.eachEvent()].slice(-200).filter((e) => e.actors.some((a) => a.actorId === id)).length;
		for (let i = 1; i < news.length; i++) expect(named(news[i - 1]!.id)).toBeGreaterThanOrEqual(named(news[i]!.id));
	});
});

describe('lookups on a story of 5,000 events and 500 actors', () => {
	let big: DatasetSnapshot;
	beforeAll(async () => {
		const dir = path.join(root, 'big');
		writeStory(generateStory(5000, 7), dir, 'json', 500, 100);
		big = await loadSnapshot(dir);
	}, 120_000);

	it('autocomplete reads no whole list, whatever is typed', () => {
		const guard = boundedSnapshot(big, 1);
		for (const type of ['actor', 'event'] as const) {
			for (const typed of [
				'',
				'a',
				'actor-1',
				'actor-12',
				'event-4',
				'Aliyev',
				'Aliyev Ministry',
				'ministry police',
				'Алиев',
				'zzzz',
			]) {
				const choices = suggest(guard.dataset, type, typed);
				expect(choices.length).toBeLessThanOrEqual(MAX_CHOICES);
				expect(new Set(choices.map((c) => c.value)).size).toBe(choices.length);
			}
		}
		// Ids are found by their exact value; an actor's id too.
		expect(suggest(guard.dataset, 'actor', 'actor-12')[0]?.value).toBe('actor-12');
		const some = [...big.eachEvent()][1234]!;
		expect(suggest(guard.dataset, 'event', some.id)[0]?.value).toBe(some.id);
		expect(suggest(guard.dataset, 'event', '')[0]?.value).toBe([...big.eachEvent()].at(-1)!.id);
		expect(guard.streamed()).toBeLessThanOrEqual(1);
	});

	it('"did you mean" reads no whole list', () => {
		const guard = boundedSnapshot(big);
		const some = [...big.eachEvent()][42]!;
		expect(nearEventIds(guard.dataset, `${some.id}x`).length).toBeLessThanOrEqual(3);
	});
});
