/**
 * The editorial gate over a built file: SqlSnapshot.at (and visibleView on a SqlSnapshot) hides
 * drafts and embargoes still ahead from every query, drops links to them, and names its version as
 * the in-heap view does; each view answers like the in-heap view of the same instant.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sqlOfHeap } from '../../helpers/heap-engine/sql-of-heap.js';
import type { DatasetSnapshot } from '../../helpers/heap-engine/heap-snapshot.js';
import { hiddenCounts, visibleView } from '../../../src/dataset/visible-view.js';
import { visibleView as heapVisibleView } from '../../helpers/heap-engine/heap-visible-view.js';
import { cleanupDatasets, writeDataset } from '../../helpers/dataset-fixture.js';
import { loadHeapSnapshot } from '../../helpers/heap-engine/load-heap.js';

afterAll(cleanupDatasets);

const EMBARGO = '2025-07-01T09:00:00+04:00';
const GATED = {
	'events/gated.yaml': `events:
  - id: secret-scoop
    date: 2025-06-29
    title: Zanzibar scoop draft
    summary: Not yet checked.
    actors: [{ actor: alpha-ministry }]
    tags: [diplomacy]
    sources: [wire-1]
    status: reported
    draft: true
    claims:
      - id: scoop-claim
        by: alpha-ministry
        stance: asserts
        text: Quokka claim in a draft.
        source: wire-1
  - id: timed-release
    date: 2025-06-30
    title: Embargoed statement
    summary: Published at nine.
    actors: [{ actor: beta-agency }]
    tags: [diplomacy]
    sources: [wire-1]
    status: confirmed
    priority: breaking
    embargo: ${EMBARGO}
  - id: linked
    date: 2025-06-28
    title: Visible event with links
    summary: Links to the draft and the embargoed event.
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: confirmed
    related:
      - { event: secret-scoop, type: context }
      - { event: timed-release, type: follows }
      - { event: first, type: follows }
`,
};

/** The in-heap snapshot of a fixture dataset (the reference). */
async function heapFixture(files: Record<string, string>): Promise<DatasetSnapshot> {
	const r = await loadHeapSnapshot(writeDataset(files));
	if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
	return r.snapshot;
}

const ids = (list: readonly { id: string }[]): string[] => list.map((x) => x.id);

describe('the editorial gate over a built file', () => {
	it('hides drafts and future embargoes from every query, drops links to them, and releases at the embargo', async () => {
		const heap = await heapFixture(GATED);
		const full = sqlOfHeap(heap);
		expect(full.event('secret-scoop')?.draft).toBe(true);
		const early = Date.parse('2025-07-01T04:59:59Z');
		const before = visibleView(full, early);
		const v = before.view;
		expect(v).not.toBe(full);
		expect(v.event('secret-scoop')).toBeUndefined();
		expect(v.event('timed-release')).toBeUndefined();
		expect(v.positionOf('secret-scoop')).toBeUndefined();
		expect(v.claim('scoop-claim')).toBeUndefined();
		expect(v.event('linked')?.related.map((r) => r.eventId)).toEqual(['first']);
		expect(v.eventsRelatedTo('secret-scoop')).toEqual([]);
		expect(before.nextRelease).toBe(Date.parse(EMBARGO));
		expect(hiddenCounts(full, early)).toEqual({ drafts: 1, embargoed: 1 });
		for (const q of ['zanzibar', 'quokka', 'published nine', 'scoop']) {
			expect(v.search(q), q).toEqual([]);
			expect(v.searchPage(q, 5).total, q).toBe(0);
			expect(v.timeline({ text: q }), q).toEqual([]);
		}
		expect(ids(v.timeline({ tag: 'diplomacy' }))).toEqual(
			ids(full.timeline({ tag: 'diplomacy' })).filter((id) => id !== 'secret-scoop' && id !== 'timed-release'),
		);
		expect(v.tags().find((t) => t.tag === 'diplomacy')?.count).toBe(full.tags().find((t) => t.tag === 'diplomacy')!.count - 2);
		expect(ids([...v.eachClaim()])).not.toContain('scoop-claim');
		expect(ids(v.claimsBy('alpha-ministry'))).not.toContain('scoop-claim');

		const after = visibleView(full, Date.parse(EMBARGO));
		expect(after.view.event('timed-release')?.title).toBe('Embargoed statement');
		expect(after.view.event('secret-scoop')).toBeUndefined();
		expect(after.view.event('linked')?.related.map((r) => r.eventId)).toEqual(['timed-release', 'first']);
		expect(after.nextRelease).toBeNull();
		expect(after.view.version).not.toBe(before.view.version);
		expect(visibleView(full, Date.parse(EMBARGO) + 5).view).toBe(after.view);
		// The versions are those of the in-heap views at the same instants (briefing keys depend on them).
		expect(before.view.version).toBe(heapVisibleView(heap, early).view.version);
		expect(after.view.version).toBe(heapVisibleView(heap, Date.parse(EMBARGO)).view.version);
		full.close();
	});

	it('each view answers like the in-heap view of the same instant', async () => {
		const heap = await heapFixture(GATED);
		const full = sqlOfHeap(heap);
		for (const at of [Date.parse('2025-07-01T04:59:59Z'), Date.parse(EMBARGO)]) {
			const a = heapVisibleView(heap, at).view;
			const b = visibleView(full, at).view;
			expect(b.counts).toEqual(a.counts);
			expect([...b.eachEvent()]).toEqual([...a.eachEvent()]);
			expect(ids([...b.eachClaim()])).toEqual(ids([...a.eachClaim()]));
			expect(b.tags()).toEqual(a.tags());
			for (const f of [{}, { tag: 'diplomacy' }, { actorId: 'alpha-ministry' }, { text: 'event' }]) {
				expect(ids(b.timeline(f)), JSON.stringify(f)).toEqual(ids(a.timeline(f)));
			}
			expect(ids(b.eventsOf('beta-agency'))).toEqual(ids(a.eventsOf('beta-agency')));
			expect(b.coActors('alpha-ministry')).toEqual(a.coActors('alpha-ministry'));
			for (const actor of ['alpha-ministry', 'beta-agency']) {
				const page = b.claimsByPage(actor, 1);
				expect({ claims: ids(page.claims), total: page.total }).toEqual({
					claims: ids(a.claimsBy(actor).slice(0, 1)),
					total: a.claimsBy(actor).length,
				});
			}
			expect(ids(b.claimsStartingBetween(0, 30_000, {}, 100))).toEqual(
				ids(
					a
						.startingBetween(0, 30_000)
						.slice(0, 100)
						.flatMap((e) => a.claimsOf(e)),
				),
			);
			expect(ids(b.lastStartingBy(30_000, 10))).toEqual(ids(a.lastStartingBy(30_000, 10)));
		}
		full.close();
	});

	it('a file with nothing gated is its own view', async () => {
		const full = sqlOfHeap(await heapFixture({}));
		expect(visibleView(full, Date.now()).view).toBe(full);
		expect(full.isView).toBe(false);
		full.close();
	});
});
