/**
 * Commands answer from bounded queries: run through the Core against a snapshot that refuses
 * whole-array reads (events, actors, sources, claims, broad timeline lists; see
 * helpers/bounded-snapshot.ts), every answer is the one the plain snapshot gives. An engine that keeps
 * a million events off the heap answers these without ever making such a list.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { boundedSnapshot } from '../helpers/bounded-snapshot.js';
import { ask, testCore } from '../helpers/core.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

let demo: DatasetSnapshot;
beforeAll(async () => {
	demo = await demoDataset();
});

const LINES = [
	'/timeline',
	'/timeline page:2 limit:5',
	'/timeline text:zzzqqq',
	'/timeline actor:kremlin tag:nosuchtag',
	'/timeline from:2025-06-27 to:2025-07-01',
	'/timeline text:Yekaterinburg',
	'/event yekaterinburg-raids',
	'/event yekaterinburg-raidz',
	'/event azal crash',
	'/actor Pezeshkian',
	'/actor Kremlin',
	'/search Сафаров',
	'/search heart failure',
	'/briefing date:2025-07-01',
	'/briefing date:2025-07-01 actor:kremlin',
];

describe('commands through a snapshot that refuses whole lists', () => {
	it.each(LINES)('%s answers as with the plain snapshot', async (line) => {
		// At most the first event may be streamed (the timeline's start, for an empty result's span).
		const bounded = await ask(testCore(boundedSnapshot(demo, 1).dataset), line);
		const plain = await ask(testCore(demo), line);
		expect(bounded.outcome.kind).not.toBe('internal_error');
		expect(bounded.text).toBe(plain.text);
	});
});
