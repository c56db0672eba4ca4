/**
 * The reverse-link tables (events that name an event as related, actors affiliated with an actor)
 * against a scan of every record, on the demo dataset and on a generated one with links added:
 * repeated, and into both directions of the timeline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../helpers/dataset-fixture.js';
import { generateStory, rng, writeStory } from '../../bench/generate.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';

const root = mkdtempSync(path.join(tmpdir(), 'sitrep-links-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const load = loadSnapshot;

function expectScanResults(ds: DatasetSnapshot): { incoming: number; members: number } {
	let incoming = 0;
	let members = 0;
	for (const e of [...ds.eachEvent()]) {
		const scan = [...ds.eachEvent()].filter((x) => x.related.some((r) => r.eventId === e.id));
		expect(ds.eventsRelatedTo(e.id)).toEqual(scan);
		// What commands ask: the snapshot's member, the same list.
		expect(ds.eventsRelatedTo(e.id)).toEqual(scan);
		incoming += scan.length;
	}
	for (const a of [...ds.eachActor()]) {
		const scan = [...ds.eachActor()].filter((x) => x.affiliations.includes(a.id));
		expect(ds.membersOf(a.id)).toEqual(scan);
		expect(ds.membersOf(a.id)).toEqual(scan);
		members += scan.length;
	}
	expect(ds.eventsRelatedTo('no-such-event')).toEqual([]);
	expect(ds.membersOf('no-such-actor')).toEqual([]);
	expect(ds.eventsRelatedTo('no-such-event')).toEqual([]);
	expect(ds.membersOf('no-such-actor')).toEqual([]);
	return { incoming, members };
}

describe('reverse links', () => {
	it('equal a scan of every record on the demo dataset', async () => {
		const counts = expectScanResults(await load('data'));
		expect(counts.incoming).toBeGreaterThan(0);
		expect(counts.members).toBeGreaterThan(0);
	});

	describe('on a generated dataset with related events', () => {
		let ds: DatasetSnapshot;
		beforeAll(async () => {
			const story = generateStory(900, 7);
			const r = rng(11);
			const types = ['response_to', 'caused_by', 'part_of', 'follows', 'context'] as const;
			story.events.forEach((e, i) => {
				if (r() < 0.5) return;
				const pick = () => `event-${Math.floor(r() * r() * 40)}`;
				const related = Array.from({ length: 1 + Math.floor(r() * 4) }, () => ({
					event: pick(),
					type: types[Math.floor(r() * types.length)]!,
				})).filter((x) => x.event !== e.id);
				if (related.length === 0) return;
				// The same event named twice, in two relations.
				if (i % 9 === 0) related.push({ ...related[0]!, type: 'context' });
				(e as { related?: unknown }).related = related;
			});
			const dir = path.join(root, 'generated');
			writeStory(story, dir, 'json', 100, 40);
			ds = await load(dir);
		});

		it('equal a scan of every record', () => {
			const counts = expectScanResults(ds);
			expect(counts.incoming).toBeGreaterThan(500);
			expect(counts.members).toBeGreaterThan(10);
		});

		it('give the same lists when asked again', () => {
			expect(ds.eventsRelatedTo('event-1')).toEqual(ds.eventsRelatedTo('event-1'));
		});
	});
});
