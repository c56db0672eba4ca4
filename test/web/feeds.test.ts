/**
 * The Atom feed of a timeline selection from its bounded candidates (feedCandidates) rather than the
 * selection's whole list: on a generated story of 3,000 events, with and without version times
 * (some old events corrected lately), the feed is the same as the one made from the whole list, and
 * the candidates are found without any whole-list read.
 */
import type { StoryEvent } from '../../src/dataset/model.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStory, rng, writeStory } from '../../bench/generate.js';
import type { DatasetSnapshot, TimelineFilter } from '../../src/dataset/snapshot.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { atomFeed, FEED_ENTRIES, feedCandidates, type FeedEntryTimes } from '../../src/web/feeds.js';
import { boundedSnapshot } from '../helpers/bounded-snapshot.js';
import { loadSnapshot } from '../helpers/dataset-fixture.js';
import { versionTimesFromMaps } from '../../src/briefing/version-times.js';

const root = mkdtempSync(path.join(tmpdir(), 'sitrep-feeds-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let ds: DatasetSnapshot;
let times: FeedEntryTimes;
beforeAll(async () => {
	const dir = path.join(root, 'story');
	writeStory(generateStory(3000, 11), dir, 'json', 500, 100);
	ds = await loadSnapshot(dir);
	// Every event first seen in load order a minute apart; one in twenty corrected lately, in a random order.
	const r = rng(5);
	const introduced = new Map<string, string>();
	const current = new Map<string, string>();
	const t0 = Date.parse('2025-01-01T00:00:00Z');
	[...ds.eachEvent()].forEach((e, i) => {
		const at = new Date(t0 + i * 60_000).toISOString();
		introduced.set(e.id, at);
		current.set(e.id, r() < 0.05 ? new Date(t0 + 400 * 86_400_000 + Math.floor(r() * 1e9)).toISOString() : at);
	});
	times = versionTimesFromMaps(current, introduced);
}, 120_000);

const filters: TimelineFilter[] = [
	{},
	{ actorId: 'actor-3' },
	{ tag: 'energy' },
	{ status: 'disputed' },
	{ tag: 'trade', status: 'confirmed' },
	{ fromDay: 16_800, toDay: 17_500 },
	{ text: 'pipeline' },
	{ actorId: 'no-such-actor' },
];

describe('feedCandidates', () => {
	const i18n = createTranslator('en');
	const feed = (events: readonly StoryEvent[], t?: FeedEntryTimes) =>
		atomFeed({ dataset: ds, events, i18n, base: 'http://127.0.0.1', self: '/feed.atom', times: t });

	it('give the feed the whole selection gives, without versions', () => {
		for (const f of filters) expect(feed(feedCandidates(boundedSnapshot(ds).dataset, f)), JSON.stringify(f)).toBe(feed(ds.timeline(f)));
	});

	it('give the feed the whole selection gives with version times, old corrected events included', () => {
		for (const f of filters.filter((x) => x.text === undefined)) {
			const candidates = feedCandidates(boundedSnapshot(ds).dataset, f, times);
			expect(feed(candidates, times), JSON.stringify(f)).toBe(feed(ds.timeline(f), times));
		}
		// The test means something: the newest entries of the whole feed are old events corrected lately.
		const all = feedCandidates(ds, {}, times);
		const latest = [...ds.eachEvent()].slice(-FEED_ENTRIES).map((e) => e.id);
		expect(all.filter((e) => !latest.includes(e.id)).length).toBeGreaterThan(10);
	});

	it('are few, in timeline order', () => {
		const c = feedCandidates(ds, {}, times);
		expect(c.length).toBeLessThanOrEqual(FEED_ENTRIES * 2);
		for (let i = 1; i < c.length; i++) expect(ds.positionOf(c[i]!.id)!).toBeGreaterThan(ds.positionOf(c[i - 1]!.id)!);
	});
});
