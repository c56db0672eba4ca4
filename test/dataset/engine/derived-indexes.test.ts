/**
 * The snapshot owns what is derived from it: its event fingerprints are read once, and an index a
 * layer above declares (DerivedIndex) is made once per snapshot, separately for each view, and
 * never shared between two snapshots of the same files.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DerivedIndex } from '../../../src/dataset/snapshot.js';
import { visibleView } from '../../../src/dataset/visible-view.js';
import { actorsInTheNews } from '../../../src/core/lookup.js';
import { cleanupDatasets, loadFixture } from '../../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

const EMBARGOED = {
	'events/later.yaml': `events:
  - id: later-statement
    date: 2025-06-30
    title: Embargoed statement
    summary: Published at nine.
    actors: [{ actor: beta-agency }]
    sources: [wire-1]
    status: confirmed
    embargo: 2025-07-01T09:00:00+04:00
`,
};

describe('indexes derived from a snapshot', () => {
	it('are made once per snapshot and kept by it', async () => {
		const s = await loadFixture();
		const seen: unknown[] = [];
		const index: DerivedIndex<{ events: number }> = {
			name: 'test count',
			make: (snapshot) => {
				seen.push(snapshot);
				return { events: snapshot.counts.events };
			},
		};
		const a = s.derived(index);
		expect(s.derived(index)).toBe(a);
		expect(a.events).toBe(s.counts.events);
		expect(seen).toEqual([s]);
	});

	it('are not shared between snapshots of the same files, nor between a snapshot and its view', async () => {
		const s = await loadFixture(EMBARGOED);
		const again = await loadFixture(EMBARGOED);
		const view = visibleView(s, Date.parse('2025-06-30T00:00:00Z')).view;
		expect(view).not.toBe(s);
		let made = 0;
		const index: DerivedIndex<number> = { name: 'serial', make: () => ++made };
		expect([s.derived(index), again.derived(index), view.derived(index), s.derived(index)]).toEqual([1, 2, 3, 1]);
		// What the view derives sees the view: the embargoed event is not among its fingerprints.
		expect(s.eventFingerprints().has('later-statement')).toBe(true);
		expect(view.eventFingerprints().has('later-statement')).toBe(false);
		expect(view.eventFingerprint('later-statement')).toBeUndefined();
		expect(s.eventFingerprint('later-statement')).toBe(s.eventFingerprints().get('later-statement'));
	});

	it('give the event fingerprints whole, by page and one by one, the same on every ask and none kept', async () => {
		const s = await loadFixture();
		const fps = s.eventFingerprints();
		expect(fps.size).toBe(s.counts.events);
		// Made on each ask, not remembered for the snapshot's life (a million entries would stay in memory).
		expect(s.eventFingerprints()).not.toBe(fps);
		expect(s.eventFingerprints()).toEqual(fps);
		const pages = [...s.eventFingerprintPages(3)];
		expect(pages.every((p) => p.length <= 3)).toBe(true);
		expect(pages.flat()).toEqual([...fps]);
		for (const [id, fp] of fps) expect(s.eventFingerprint(id)).toBe(fp);
		expect(s.eventFingerprint('no-such-event')).toBeUndefined();
	});

	it('include the actors in the news, the same list on every ask of one snapshot', async () => {
		const s = await loadFixture();
		const list = actorsInTheNews(s);
		expect(list.length).toBeGreaterThan(0);
		expect(actorsInTheNews(s)).toBe(list);
		expect(actorsInTheNews(await loadFixture())).not.toBe(list);
	});
});
