/**
 * What the briefing reads through the snapshot's indexes — events beginning in the window, the last
 * few of the timeline up to a day (of a status), "on this day" and "updated since" — against the
 * filters over the whole timeline they replaced, on the demo dataset and a generated one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../helpers/dataset-fixture.js';
import { generateStory, rng, writeStory } from '../../bench/generate.js';
import { composeBriefing, type UpdatedEvent, type UpdatedSince } from '../../src/briefing/compose-briefing.js';
import { updatedEvents } from '../../src/briefing/updated-since.js';
import type { StoryEvent } from '../../src/dataset/model.js';
import { civilFromDay } from '../../src/dataset/partial-date.js';
import type { DatasetSnapshot, EventFilter } from '../../src/dataset/snapshot.js';
import { versionTimesFromMaps } from '../../src/briefing/version-times.js';

const root = mkdtempSync(path.join(tmpdir(), 'sitrep-briefing-ix-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const load = loadSnapshot;

const ids = (records: readonly { id: string }[]) => records.map((e) => e.id);

/** The timeline up to `day` with the filter, as the briefing used to take it. */
function upTo(ds: DatasetSnapshot, day: number, f: EventFilter): StoryEvent[] {
	return ds.timeline({ ...f, toDay: day });
}

/** The "updated since" section as first written: a pass over the timeline up to the day. */
function updatedScan(candidates: readonly StoryEvent[], fresh: readonly StoryEvent[], u: UpdatedSince): UpdatedEvent[] {
	const listed = new Set(fresh.map((e) => e.id));
	const out: UpdatedEvent[] = [];
	for (const event of candidates) {
		const seen = u.times.firstSeen(event.id);
		if (seen === undefined || seen <= u.at || listed.has(event.id)) continue;
		const since = u.times.introduced(event.id) ?? seen;
		out.push({ event, change: since <= u.at ? 'changed' : 'added' });
	}
	return out;
}

function filters(ds: DatasetSnapshot, i: number): EventFilter[] {
	const e = [...ds.eachEvent()][(i * 37) % [...ds.eachEvent()].length]!;
	const tags = ds.tags().map((t) => t.tag);
	return [
		{},
		{ actorId: e.actors[0]!.actorId },
		{ tag: tags[i % tags.length]! },
		{ actorId: e.actors[0]!.actorId, tag: e.tags[0]! },
		{ actorId: 'no-such-actor' },
		{ tag: 'no-such-tag' },
	];
}

function checkAll(ds: DatasetSnapshot, rounds: number): { listed: number; onThisDay: number } {
	const r = rng(3);
	const first = [...ds.eachEvent()][0]!.date.earliestDay;
	const last = [...ds.eachEvent()].at(-1)!.date.latestDay;
	let seen = 0;
	let earlier = 0;
	for (let i = 0; i < rounds; i++) {
		const day = first - 3 + Math.floor(r() * (last - first + 6));
		const since = day - Math.floor(r() * r() * 400);
		for (const f of filters(ds, i)) {
			const timeline = upTo(ds, day, f);
			const window = timeline.filter((e) => e.date.earliestDay >= since && e.date.earliestDay <= day);
			expect(ids(ds.startingBetween(since, day, f))).toEqual(ids(window));
			expect(ds.countStartingBetween(since, day, f)).toBe(window.length);
			expect(ids(ds.claimsStartingBetween(since, day, f, 3))).toEqual(ids(window.slice(0, 3).flatMap((e) => ds.claimsOf(e))));
			expect(ds.startingBetween(day + 1, day, f)).toEqual([]);
			for (const k of [0, 1, 3, 50]) expect(ids(ds.lastStartingBy(day, k, f))).toEqual(ids(k ? timeline.slice(-k) : []));
			const disputed = timeline.filter((e) => e.status === 'disputed');
			expect(ids(ds.lastStartingBy(day, 4, { ...f, status: 'disputed' }))).toEqual(ids(disputed.slice(-4)));
			expect(ids(ds.lastStartingBy(day, 2, { ...f, status: 'corrected' }))).toEqual(
				ids(timeline.filter((e) => e.status === 'corrected').slice(-2)),
			);
			seen += window.length + disputed.length;
		}
		const { year, month, day: dom } = civilFromDay(day);
		const scan = [...ds.eachEvent()].filter(
			(e) =>
				e.date.start.precision === 'day' &&
				e.date.start.month === month &&
				e.date.start.day === dom &&
				e.date.start.year < year &&
				!e.date.end,
		);
		expect(ids(ds.onThisDay(month, dom, year))).toEqual(ids(scan));
		earlier += scan.length;
	}
	// Days that have events in earlier years, and the day after the last event.
	for (const e of [...ds.eachEvent()].slice(0, 40)) {
		const s = e.date.start;
		if (s.precision !== 'day' || !s.month || !s.day) continue;
		for (const year of [s.year, s.year + 1, s.year + 5]) {
			const scan = [...ds.eachEvent()].filter(
				(x) =>
					x.date.start.precision === 'day' &&
					x.date.start.month === s.month &&
					x.date.start.day === s.day &&
					x.date.start.year < year &&
					!x.date.end,
			);
			expect(ids(ds.onThisDay(s.month, s.day, year))).toEqual(ids(scan));
			earlier += scan.length;
		}
	}
	return { listed: seen, onThisDay: earlier };
}

function checkUpdated(ds: DatasetSnapshot, rounds: number): number {
	const r = rng(5);
	const instant = () => `2025-0${1 + Math.floor(r() * 9)}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}T00:00:00.000Z`;
	let listed = 0;
	for (let i = 0; i < rounds; i++) {
		const firstSeen = new Map<string, string>();
		const introduced = new Map<string, string>();
		for (const e of [...ds.eachEvent()]) {
			if (r() < 0.4) continue;
			const seen = instant();
			firstSeen.set(e.id, seen);
			// Introduced at or before the current version was first seen (earlier when it changed since).
			const earlier = instant();
			introduced.set(e.id, r() < 0.5 || earlier > seen ? seen : earlier);
		}
		// Ids the dataset no longer has.
		firstSeen.set('gone-event', instant());
		const u: UpdatedSince = { at: instant(), times: versionTimesFromMaps(firstSeen, introduced) };
		const day = [...ds.eachEvent()][Math.floor(r() * [...ds.eachEvent()].length)]!.date.earliestDay;
		for (const f of filters(ds, i)) {
			const timeline = upTo(ds, day, f);
			const fresh = ds.startingBetween(day - 1 - (i % 5) * 20, day, f);
			const expected = updatedScan(timeline, fresh, u);
			expect(updatedEvents(ds, day, f, day - 1 - (i % 5) * 20, u)).toEqual(expected);
			// Asked again, from the sorted copy of the same map.
			expect(updatedEvents(ds, day, f, day - 1 - (i % 5) * 20, u)).toEqual(expected);
			const b = composeBriefing(ds, { day, sinceDay: day - 1 - (i % 5) * 20, ...f, maxNew: 5, updatedSince: u });
			expect(b.newEvents).toEqual(fresh.slice(0, 5));
			expect(b.newCount).toBe(fresh.length);
			expect(b.updatedEvents).toEqual(expected);
			listed += expected.length;
		}
	}
	return listed;
}

describe('briefing indexes', () => {
	let demo: DatasetSnapshot;
	let generated: DatasetSnapshot;
	beforeAll(async () => {
		demo = await load('data');
		const dir = path.join(root, 'generated');
		writeStory(generateStory(1500, 9), dir, 'json', 150, 50);
		generated = await load(dir);
	});

	it('give the filters over the timeline they replaced, on the demo dataset', () => {
		expect(checkAll(demo, 60).listed).toBeGreaterThan(0);
		expect(checkUpdated(demo, 6)).toBeGreaterThan(0);
	});

	it('give the filters over the timeline they replaced, on a generated dataset', () => {
		const { listed, onThisDay } = checkAll(generated, 80);
		expect(listed).toBeGreaterThan(1000);
		expect(onThisDay).toBeGreaterThan(20);
		expect(checkUpdated(generated, 6)).toBeGreaterThan(500);
	});
});
