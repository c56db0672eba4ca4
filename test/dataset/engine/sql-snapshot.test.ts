/**
 * The guard of the engine change: the SQL snapshot (engine/sql-snapshot.ts) and the in-heap
 * DatasetSnapshot, built from the same records — the demo story and a 2,000-event synthetic one —
 * give the same answers to every query the bot makes: the same events, actors and claims, in the
 * same order. Search is compared as the SET of what matches, because its order is deliberately new
 * (title before summary before claims, newest first, instead of BM25; see search-top.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlOfHeap } from '../../helpers/heap-engine/sql-of-heap.js';
import { generateStory, writeStory } from '../../../bench/generate.js';
import { COUNT_CAP, SqlSnapshot } from '../../../src/dataset/engine/sql-snapshot.js';
import { loadHeapSnapshot } from '../../helpers/heap-engine/load-heap.js';
import type { StoryEvent } from '../../../src/dataset/model.js';
import type { SearchResult, TimelineFilter } from '../../../src/dataset/snapshot.js';
import type { DatasetSnapshot } from '../../helpers/heap-engine/heap-snapshot.js';
import { eventStatuses } from '../../../src/vocabulary/words.js';

const ids = (list: readonly { id: string }[]): string[] => list.map((x) => x.id);
const key = (r: SearchResult): string =>
	r.kind === 'event' ? `e:${r.event.id}` : r.kind === 'claim' ? `c:${r.claim.id}` : `a:${r.actor.id}`;

async function both(dir: string): Promise<{ heap: DatasetSnapshot; sql: SqlSnapshot }> {
	const r = await loadHeapSnapshot(dir);
	if (!r.ok) throw new Error(`load ${dir}: ${JSON.stringify(r.errors?.slice(0, 3))}`);
	const heap = r.snapshot;
	const sql = sqlOfHeap(heap);
	return { heap, sql };
}

/** Words to query: common and rare ones from titles, summaries and claims, names in several scripts. */
function queryWords(heap: DatasetSnapshot): string[] {
	const words = new Map<string, number>();
	for (const e of [...heap.eachEvent()])
		for (const w of `${e.title} ${e.summary}`.toLowerCase().split(/[^\p{L}\p{N}]+/u))
			if (w.length > 2) words.set(w, (words.get(w) ?? 0) + 1);
	const sorted = [...words].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
	const pick = [...sorted.slice(0, 12), ...sorted.filter((_, i) => i % 37 === 5).slice(0, 20), ...sorted.slice(-8)];
	for (const a of [...heap.eachActor()].slice(0, 10)) pick.push(a.name, ...Object.values(a.names).slice(0, 2));
	for (const c of [...heap.eachClaim()].slice(0, 5)) pick.push(c.text.split(' ').slice(0, 2).join(' '));
	return pick;
}

function compareEverything(name: string, get: () => { heap: DatasetSnapshot; sql: SqlSnapshot }): void {
	describe(name, () => {
		it('has the same records, counts, tags and meta', () => {
			const { heap, sql } = get();
			expect(sql.counts).toEqual(heap.counts);
			expect(sql.version).toBe(heap.version);
			expect(sql.story).toEqual(heap.story);
			expect(ids([...sql.eachEvent()])).toEqual(ids([...heap.eachEvent()]));
			expect([...sql.eachEvent()]).toEqual([...heap.eachEvent()]);
			expect([...sql.eachActor()]).toEqual([...heap.eachActor()]);
			expect([...sql.eachSource()]).toEqual([...heap.eachSource()]);
			expect([...sql.eachClaim()]).toEqual([...heap.eachClaim()]);
			expect(sql.tags()).toEqual(heap.tags());
			for (const { tag } of heap.tags()) expect(sql.hasTag(tag)).toBe(true);
			expect(sql.hasTag('no-such-tag')).toBe(false);
			for (const e of [...heap.eachEvent()].slice(0, 200)) {
				expect(sql.event(e.id)).toEqual(e);
				expect(ids(sql.claimsOf(e))).toEqual(ids(heap.claimsOf(e)));
				const p = sql.positionOf(e.id);
				expect(p).toBeTypeOf('number');
			}
			expect(sql.event('nope')).toBeUndefined();
			for (const a of [...heap.eachActor()].slice(0, 100)) {
				expect(sql.actor(a.id)).toEqual(a);
				expect(ids(sql.eventsOf(a.id))).toEqual(ids(heap.eventsOf(a.id)));
				expect(ids(sql.claimsBy(a.id))).toEqual(ids(heap.claimsBy(a.id)));
				for (const n of [0, 1, 4]) {
					const page = sql.claimsByPage(a.id, n);
					expect({ claims: ids(page.claims), total: page.total }).toEqual({
						claims: ids(heap.claimsBy(a.id).slice(0, n)),
						total: heap.claimsBy(a.id).length,
					});
				}
				expect(sql.coActors(a.id).map((x) => [x.actor.id, x.shared])).toEqual(
					heap.coActors(a.id).map((x) => [x.actor.id, x.shared]),
				);
			}
			const some = [...heap.eachActor()].filter((_, i) => i % 3 === 0).map((a) => a.id);
			for (let i = 0; i < some.length; i += 4) {
				const batch = [...some.slice(i, i + 4), 'no-such-actor'];
				expect(sql.actorsById(batch)).toEqual(batch.map((id) => heap.actor(id)));
			}
			// What lines show of an actor (actor_names), for actors whose record was not read above (so
			// not served from the record cache), one at a time and together, unknown ids included.
			const lineOf = (a: { id: string; name: string; names: Readonly<Record<string, string>> } | undefined) =>
				a && { id: a.id, name: a.name, names: a.names };
			const unread = [...heap.eachActor()].filter((_, i) => i >= 100 && i % 3 !== 0).map((a) => a.id);
			for (let i = 0; i < unread.length; i += 5) {
				const batch = i % 2 ? [unread[i]!] : [...unread.slice(i, i + 5), 'no-such-actor'];
				expect(sql.actorNames(batch).map(lineOf)).toEqual(batch.map((id) => lineOf(heap.actor(id))));
			}
			expect(sql.actorNames([...heap.eachActor()].map((a) => a.id)).map(lineOf)).toEqual([...heap.eachActor()].map(lineOf));
			// Every name at once on a fresh snapshot: the 2,000-event story's 200 actors are more than the name
			// cache's first list holds (records.ts), and each is still answered.
			const fresh = sqlOfHeap(heap);
			const all = [...heap.eachActor()];
			expect(fresh.actorNames(all.map((a) => a.id)).map(lineOf)).toEqual(all.map(lineOf));
			fresh.close();
			for (const s of [...heap.eachSource()].slice(0, 50)) expect(sql.source(s.id)).toEqual(s);
			for (const c of [...heap.eachClaim()].slice(0, 50)) expect(sql.claim(c.id)).toEqual(c);
		});

		it('orders events by position as the in-heap engine does', () => {
			const { heap, sql } = get();
			const sample = [...heap.eachEvent()].filter((_, i) => i % 7 === 0);
			const byPos = [...sample].sort((a, b) => sql.positionOf(a.id)! - sql.positionOf(b.id)!);
			expect(ids(byPos)).toEqual(ids(sample));
		});

		it('answers timelines, pages and briefing windows with the same events in the same order', () => {
			const { heap, sql } = get();
			const days = [...heap.eachEvent()].map((e) => e.date.earliestDay);
			const lo = Math.min(...days);
			const hi = Math.max(...days);
			const span = hi - lo;
			const tags = heap.tags().map((t) => t.tag);
			const actors = [...heap.eachActor()].filter((a) => heap.eventsOf(a.id).length > 0).map((a) => a.id);
			const filters: TimelineFilter[] = [
				{},
				{ fromDay: lo + Math.floor(span / 3) },
				{ toDay: lo + Math.floor(span / 2) },
				{ fromDay: lo + 10, toDay: lo + 40 },
			];
			for (const t of tags.slice(0, 4)) filters.push({ tag: t }, { tag: t, fromDay: lo + Math.floor(span / 4) });
			for (const a of [...actors.slice(0, 3), actors[actors.length - 1]!])
				filters.push({ actorId: a }, { actorId: a, tag: tags[0]!, toDay: hi - 5 });
			for (const s of eventStatuses) filters.push({ status: s }, { status: s, actorId: actors[0]! });
			filters.push({ actorId: 'nobody' }, { tag: 'nothing' });
			for (const f of filters) {
				const want = ids(heap.timeline(f));
				expect(ids(sql.timeline(f)), JSON.stringify(f)).toEqual(want);
				for (const [page, per] of [
					[1, 10],
					[2, 7],
					[999, 10],
					[3, 400],
				] as const) {
					const a = heap.timelinePage(f, page, per);
					const b = sql.timelinePage(f, page, per);
					const at = JSON.stringify([f, page, per]);
					if (b.capped) {
						// Counting stopped at the cap: the total is a lower bound, the pages those of the counted events.
						expect(b.total, at).toBe(COUNT_CAP);
						expect(a.total, at).toBeGreaterThan(COUNT_CAP);
						expect(b.pages, at).toBe(Math.ceil(COUNT_CAP / per));
						expect(ids(b.events), at).toEqual(want.slice((b.page - 1) * per, Math.min(COUNT_CAP, b.page * per)));
						expect([b.first?.id, b.last?.id], at).toEqual([a.first?.id, a.last?.id]);
					} else
						expect({ ...b, events: ids(b.events), first: b.first?.id, last: b.last?.id }, at).toEqual({
							...a,
							events: ids(a.events),
							first: a.first?.id,
							last: a.last?.id,
						});
				}
			}
			for (const [from, to] of [
				[lo, lo + 30],
				[lo + Math.floor(span / 2), hi],
				[hi + 1, hi + 10],
				[lo - 100, lo - 1],
			] as const) {
				for (const f of [{}, { tag: tags[1] ?? tags[0]! }, { actorId: actors[0]! }, { status: 'confirmed' as const }]) {
					expect(ids(sql.startingBetween(from, to, f))).toEqual(ids(heap.startingBetween(from, to, f)));
					expect(sql.countStartingBetween(from, to, f)).toBe(heap.startingBetween(from, to, f).length);
					// The briefing's key claims: those of the window's first events, read without the events.
					for (const n of [1, 3, 50, Infinity])
						expect(ids(sql.claimsStartingBetween(from, to, f, n)), JSON.stringify([from, to, f, n])).toEqual(
							ids(
								heap
									.startingBetween(from, to, f)
									.slice(0, n)
									.flatMap((e) => heap.claimsOf(e)),
							),
						);
					for (const n of [0, 1, 5, 50]) expect(ids(sql.lastStartingBy(to, n, f))).toEqual(ids(heap.lastStartingBy(to, n, f)));
				}
			}
			const seen = new Set<string>();
			for (const e of [...heap.eachEvent()]) {
				const s = e.date.start;
				if (s.precision !== 'day' || seen.size > 30) continue;
				const k = `${s.month}-${s.day}`;
				if (seen.has(k)) continue;
				seen.add(k);
				for (const y of [s.year + 1, s.year, 3000])
					expect(ids(sql.onThisDay(s.month!, s.day!, y))).toEqual(ids(heap.onThisDay(s.month!, s.day!, y)));
			}
		});

		it('finds the same matches for search and text filters (search order is new: compared as sets)', () => {
			const { heap, sql } = get();
			for (const q of queryWords(heap)) {
				const want = heap.search(q).map(key).sort();
				const got = sql.search(q);
				// The built file also indexes actors' names in other scripts (Actor.names), which the
				// in-heap engine left out of an actor's own document: more actors may match, never fewer,
				// and each extra one by a word of those names.
				const extra = got.filter((r) => !want.includes(key(r)));
				for (const r of extra) {
					expect(r.kind, `${q}: ${key(r)}`).toBe('actor');
					if (r.kind === 'actor') expect(Object.values(r.actor.names).join(' '), `${q}: ${key(r)}`).not.toBe('');
				}
				expect(
					got
						.map(key)
						.filter((k) => want.includes(k))
						.sort(),
					q,
				).toEqual(want);
				// The words marked as matched are those the in-heap engine marks.
				const heapMatched = new Map(heap.search(q).map((r) => [key(r), [...r.matched].sort()]));
				for (const r of got.slice(0, 20))
					if (heapMatched.has(key(r))) expect([...r.matched].sort(), `${q} ${key(r)}`).toEqual(heapMatched.get(key(r)));
				const page = sql.searchPage(q, 5);
				expect(page.results.map(key)).toEqual(got.slice(0, 5).map(key));
				if (!page.capped) expect(page.total).toBe(got.length);
				else expect(got.length).toBeGreaterThan(page.total);
				// Text filter: one word is exact; several words may also match an event whose claims hold them between them.
				const t = ids(heap.timeline({ text: q }));
				const s = ids(sql.timeline({ text: q }));
				if (q.trim().split(/\s+/).length === 1) expect(s, q).toEqual(t);
				else expect(s, q).toEqual(expect.arrayContaining(t));
				const tp = sql.timelinePage({ text: q }, 1, 10);
				expect(tp.capped ? tp.total === COUNT_CAP && s.length > COUNT_CAP : tp.total === s.length, q).toBe(true);
				expect(ids(tp.events), q).toEqual(s.slice(0, 10));
				for (const f of [
					{ text: q, tag: heap.tags()[0]!.tag },
					{ text: q, actorId: heap.events[0]!.actors[0]!.actorId },
					{ text: q, status: 'confirmed' as const, fromDay: heap.events[0]!.date.earliestDay + 20 },
				]) {
					const want = ids(heap.timeline(f));
					const got = ids(sql.timeline(f));
					if (q.trim().split(/\s+/).length === 1) expect(got, JSON.stringify(f)).toEqual(want);
					else expect(got, JSON.stringify(f)).toEqual(expect.arrayContaining(want));
				}
			}
		});

		it('resolves actor names, spellings and near misses like the in-heap engine', () => {
			const { heap, sql } = get();
			const show = (m: ReturnType<DatasetSnapshot['resolveActor']>): unknown =>
				m.kind === 'found' ? [m.kind, m.actor.id, m.via] : m.kind === 'ambiguous' ? [m.kind, ids(m.candidates)] : [m.kind];
			for (const a of [...heap.eachActor()].slice(0, 60)) {
				const names = [a.id, a.id.toUpperCase(), a.name, ...a.aliases, ...Object.values(a.names)];
				// A near miss: one letter changed after the first two.
				if (a.name.length > 6) names.push(a.name.slice(0, 4) + (a.name[4] === 'x' ? 'y' : 'x') + a.name.slice(5));
				for (const n of names) expect(show(sql.resolveActor(n)), n).toEqual(show(heap.resolveActor(n)));
			}
			expect(sql.resolveActor('   ').kind).toBe('none');
		});
	});
}

describe('a timeline count with a small scan budget', () => {
	it('is a lower bound once it would read more rows than its budget, and the pages stay right', () => {
		const { heap } = synthetic as { heap: DatasetSnapshot };
		const sql = SqlSnapshot.fromRecords(
			heap.story,
			heap.actors,
			heap.sources,
			heap.events,
			heap.claims,
			heap.version,
			heap.loadedAt,
			heap.vocabulary,
			{ scanBudget: 300 },
		);
		const tags = heap.tags().map((t) => t.tag);
		const day0 = heap.events[0]!.date.earliestDay;
		let lowered = 0;
		for (const f of [
			{ tag: tags[0]!, status: 'disputed' as const },
			{ text: 'sources', tag: tags[1]! },
			{ fromDay: day0 + 50, status: 'confirmed' as const },
			{ tag: tags[2]!, fromDay: day0 + 100 },
		]) {
			const want = ids(heap.timeline(f));
			const page = sql.timelinePage(f, 1, 10);
			expect(ids(page.events), JSON.stringify(f)).toEqual(want.slice(0, 10));
			expect([page.first?.id, page.last?.id]).toEqual([want[0], want[want.length - 1]]);
			if (page.capped) {
				expect(page.total).toBeLessThanOrEqual(Math.min(COUNT_CAP, want.length));
				if (page.total < want.length) lowered++;
			} else expect(page.total).toBe(want.length);
		}
		expect(lowered).toBeGreaterThan(0);
		sql.close();
	});
});

describe("claims of records given out of their events' order", () => {
	it("are read in each event's own order (claimIds), by event and by window", () => {
		const { heap } = demo as { heap: DatasetSnapshot };
		const events = [...heap.eachEvent()];
		const withTwo = events.filter((e) => e.claimIds.length >= 2);
		expect(withTwo.length).toBeGreaterThan(0);
		// Every claim list reversed: claims no longer come in their events' order.
		const sql = SqlSnapshot.fromRecords(
			heap.story,
			[...heap.eachActor()],
			[...heap.eachSource()],
			events,
			[...heap.eachClaim()].reverse(),
			heap.version,
			heap.loadedAt,
			heap.vocabulary,
		);
		for (const e of withTwo) {
			expect(ids(sql.claimsOf(e))).toEqual([...e.claimIds]);
			const day = e.date.earliestDay;
			expect(ids(sql.claimsStartingBetween(day, day))).toEqual(ids(heap.startingBetween(day, day).flatMap((x) => heap.claimsOf(x))));
		}
		sql.close();
	});
});

let tmp: string;
const demo: { heap?: DatasetSnapshot; sql?: SqlSnapshot } = {};
const synthetic: { heap?: DatasetSnapshot; sql?: SqlSnapshot } = {};

beforeAll(async () => {
	Object.assign(demo, await both(path.resolve('data')));
	tmp = mkdtempSync(path.join(tmpdir(), 'sitrep-sql-'));
	writeStory(generateStory(2000, 3), tmp, 'json', 250, 500);
	Object.assign(synthetic, await both(tmp));
}, 120_000);

afterAll(() => {
	demo.sql?.close();
	synthetic.sql?.close();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

compareEverything('the demo story', () => demo as { heap: DatasetSnapshot; sql: SqlSnapshot });
compareEverything('a 2,000-event synthetic story', () => synthetic as { heap: DatasetSnapshot; sql: SqlSnapshot });

export type { StoryEvent };
