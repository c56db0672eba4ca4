/**
 * The queries that the commands' third round at a million events added (format 6): a date range's
 * timeline counted on `day_counts` and the index of events longer than a day, the briefing's key
 * claims picked on the claims' event index, and sources read together. Each is compared with the
 * in-heap reference engine (or the selection the briefing made from the whole window before), on a
 * synthetic story with events of up to a month, and in views that hide drafts and embargoes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlOfHeap } from '../../helpers/heap-engine/sql-of-heap.js';
import { generateStory, writeStory } from '../../../bench/generate.js';
import { claimsByClaimant } from '../../../src/core/present.js';
import type { SqlSnapshot } from '../../../src/dataset/engine/sql-snapshot.js';
import type { TimelineFilter } from '../../../src/dataset/snapshot.js';
import { visibleView } from '../../../src/dataset/visible-view.js';
import type { DatasetSnapshot } from '../../helpers/heap-engine/heap-snapshot.js';
import { visibleView as heapVisibleView } from '../../helpers/heap-engine/heap-visible-view.js';
import { loadHeapSnapshot } from '../../helpers/heap-engine/load-heap.js';

const ids = (list: readonly { id: string }[]): string[] => list.map((x) => x.id);

let tmp = '';
let heap: DatasetSnapshot;
let sql: SqlSnapshot;

beforeAll(async () => {
	tmp = mkdtempSync(path.join(tmpdir(), 'sitrep-sql-cmd-'));
	const story = generateStory(1500, 7);
	// Some events gated, so that views hide events inside the ranges asked below.
	const at = Date.parse('2030-01-01T00:00:00Z');
	story.events.forEach((e, i) => {
		const x = e as unknown as Record<string, unknown>;
		if (i % 97 === 3) x['draft'] = true;
		else if (i % 89 === 5) x['embargo'] = new Date(at + i * 60_000).toISOString();
	});
	writeStory(story, tmp, 'json', 250, 500);
	const r = await loadHeapSnapshot(tmp);
	if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
	heap = r.snapshot;
	sql = sqlOfHeap(heap);
}, 120_000);

afterAll(() => {
	sql?.close();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Date ranges over the story: months, single days, open ends, one past the end, and one reversed. */
function ranges(h: DatasetSnapshot): TimelineFilter[] {
	const days = [...h.eachEvent()].map((e) => e.date.earliestDay);
	const lo = Math.min(...days);
	const hi = Math.max(...days);
	const out: TimelineFilter[] = [{ fromDay: hi + 1 }, { toDay: lo - 1 }, { fromDay: lo + 40, toDay: lo + 20 }];
	for (let d = lo - 3; d <= hi; d += Math.max(1, Math.floor((hi - lo) / 23)))
		out.push({ fromDay: d, toDay: d + 27 }, { fromDay: d, toDay: d }, { fromDay: d }, { toDay: d });
	return out;
}

describe('a date range of the timeline (format 6)', () => {
	it('has events that begin before a range and last into it', () => {
		const long = [...heap.eachEvent()].filter((e) => e.date.latestDay - e.date.earliestDay >= 20);
		expect(long.length).toBeGreaterThan(10);
		const e = long[Math.floor(long.length / 2)]!;
		const f = { fromDay: e.date.earliestDay + 10, toDay: e.date.earliestDay + 12 };
		expect(ids(sql.timeline(f))).toContain(e.id);
		expect(ids(sql.timelinePage(f, 1, 1000).events)).toContain(e.id);
	});

	it('is counted exactly and paged as the in-heap engine does, in the full snapshot and in views', () => {
		const views: [string, DatasetSnapshot, SqlSnapshot][] = [['full', heap, sql]];
		for (const at of [Date.parse('2029-06-01T00:00:00Z'), Date.parse('2030-01-01T10:00:00Z')])
			views.push([`view at ${at}`, heapVisibleView(heap, at).view, visibleView(sql, at).view]);
		expect(views[1]![2].isView).toBe(true);
		for (const [name, a, b] of views) {
			for (const range of ranges(a)) {
				for (const f of [range, { ...range, status: 'confirmed' as const }]) {
					const want = ids(a.timeline(f));
					const at = JSON.stringify([name, f]);
					expect(ids(b.timeline(f)), at).toEqual(want);
					expect(ids(b.latest(f, 3)), at).toEqual(want.slice(-3));
					for (const [page, per] of [
						[1, 10],
						[2, 7],
						[999, 10],
					] as const) {
						const x = a.timelinePage(f, page, per);
						const y = b.timelinePage(f, page, per);
						const where = `${at} page ${page}`;
						if (f.status === undefined) expect(y.capped, where).toBeUndefined();
						expect(ids(y.events), where).toEqual(ids(x.events));
						expect([y.first?.id, y.last?.id], where).toEqual([x.first?.id, x.last?.id]);
						if (!y.capped) expect([y.total, y.pages, y.page], where).toEqual([x.total, x.pages, x.page]);
					}
				}
			}
		}
	});
});

describe("the briefing's key claims", () => {
	it('are the claims the briefing picked from the whole window: six claimants, two claims each, read in their order', () => {
		const days = [...heap.eachEvent()].map((e) => e.date.earliestDay);
		const lo = Math.min(...days);
		const hi = Math.max(...days);
		const actor = [...heap.eachEvent()][10]!.actors[0]!.actorId;
		let some = 0;
		for (let d = lo; d <= hi; d += 11) {
			for (const f of [{}, { actorId: actor }, { tag: heap.tags()[0]!.tag }]) {
				for (const [limit, claimants, each] of [
					[50, 6, 2],
					[3, 2, 1],
					[Infinity, 100, 100],
				] as const) {
					const all = sql.claimsStartingBetween(d - 3, d, f, limit);
					const want = [...claimsByClaimant(all)].slice(0, claimants).flatMap(([, list]) => list.slice(0, each));
					const got = sql.keyClaimsStartingBetween(d - 3, d, f, limit, claimants, each);
					expect(ids(got), JSON.stringify([d, f, limit])).toEqual(ids(all.filter((c) => want.includes(c))));
					expect(
						ids([...claimsByClaimant(got)].flatMap(([, list]) => list)),
						'grouped as the briefing groups them, the same blocks in the same order',
					).toEqual(ids(want));
					some += got.length;
				}
			}
		}
		expect(some).toBeGreaterThan(100);
		expect(sql.keyClaimsStartingBetween(hi + 1, hi + 5, {}, 50, 6, 2)).toEqual([]);
		expect(sql.keyClaimsStartingBetween(lo, hi, { status: 'no-such' as 'confirmed' }, 50, 6, 2)).toEqual([]);
	});
});

describe('sources read together', () => {
	it('are the records read one by one, in the order asked, unknown ids undefined', () => {
		const all = [...heap.eachSource()];
		const ask = [...all.filter((_, i) => i % 5 === 0).map((s) => s.id), 'no-such-source', all[0]!.id];
		expect(sql.sourcesById(ask)).toEqual(ask.map((id) => heap.source(id)));
		expect(sql.sourcesById([])).toEqual([]);
	});
});

describe('claims of several events read together', () => {
	it("are each event's claims in its order, as the reference engine gives them, in the full snapshot and in a view", () => {
		const events = [...heap.eachEvent()].filter((_, i) => i % 13 === 0);
		expect(events.some((e) => e.claimIds.length === 0)).toBe(true);
		expect(events.filter((e) => e.claimIds.length > 1).length).toBeGreaterThan(3);
		expect(sql.claimsOfEach(events).map(ids)).toEqual(events.map((e) => ids(heap.claimsOf(e))));
		expect(sql.claimsOfEach(events.slice(0, 1)).map(ids)).toEqual([ids(heap.claimsOf(events[0]!))]);
		expect(sql.claimsOfEach([])).toEqual([]);
		const at = Date.parse('2029-06-01T00:00:00Z');
		const a = heapVisibleView(heap, at).view;
		const b = visibleView(sql, at).view;
		// A hidden event has no claims in a view.
		expect(b.claimsOfEach(events).map(ids)).toEqual(events.map((e) => (a.event(e.id) ? ids(a.claimsOf(e)) : [])));
		expect(events.some((e) => !a.event(e.id) && e.claimIds.length > 0)).toBe(true);
	});
});
