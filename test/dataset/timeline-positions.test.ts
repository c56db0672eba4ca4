/**
 * The timeline's event positions (and its pages) against a plain filter over every event, for every combination of
 * filters, on generated datasets whose event counts sit on and around the 32-event words of the
 * search's bit sets (the text filter reads events and their claims from them), and on one large
 * enough that short lists are searched instead of marked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateStory, writeStory } from '../../bench/generate.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import type { DatasetSnapshot, TimelineFilter } from '../../src/dataset/snapshot.js';

const root = mkdtempSync(path.join(tmpdir(), 'sitrep-positions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function generated(n: number, seed: number): Promise<DatasetSnapshot> {
	const dir = path.join(root, `${n}-${seed}`);
	writeStory(generateStory(n, seed), dir, 'json', 200, 100);
	const r = await loadDataset(dir);
	if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
	return r.snapshot;
}

function naive(s: DatasetSnapshot, f: TimelineFilter): number[] {
	let text: Set<string> | undefined;
	if (f.text !== undefined) text = new Set(s.search(f.text).map((r) => (r.kind === 'event' ? r.event.id : r.kind === 'claim' ? r.claim.eventId : '')));
	const out: number[] = [];
	s.events.forEach((e, p) => {
		if (
			(f.fromDay === undefined || e.date.latestDay >= f.fromDay) &&
			(f.toDay === undefined || e.date.earliestDay <= f.toDay) &&
			(f.actorId === undefined || e.actors.some((a) => a.actorId === f.actorId)) &&
			(f.tag === undefined || e.tags.includes(f.tag)) &&
			(f.status === undefined || e.status === f.status) &&
			(text === undefined || text.has(e.id))
		)
			out.push(p);
	});
	return out;
}

function check(s: DatasetSnapshot, rounds: number): number {
	const first = s.events[0]!.date.earliestDay;
	const last = s.events.at(-1)!.date.latestDay;
	const tags = s.tags().map((t) => t.tag);
	let total = 0;
	for (let i = 0; i < rounds; i++) {
		const f: { -readonly [K in keyof TimelineFilter]: TimelineFilter[K] } = {};
		if (i & 1) f.fromDay = first + ((i * 97) % (last - first + 1));
		if (i & 2) f.toDay = first + ((i * 389) % (last - first + 1)) + 200;
		if (i & 4) f.actorId = s.actors[(i * 7) % s.actors.length]!.id;
		if (i & 8) f.tag = tags[i % tags.length]!;
		if (i & 16) f.status = (['confirmed', 'reported', 'disputed', 'corrected'] as const)[i % 4];
		if (i & 32) f.text = ['police raid', 'ministry', 'detain', 'officials according', 'zzz', s.actors[i % s.actors.length]!.name][i % 6]!;
		const expected = naive(s, f);
		expect(Array.from(s.timelinePositions(f))).toEqual(expected);
		expect(s.timeline(f)).toEqual(expected.map((p) => s.events[p]));
		for (const [page, perPage] of [
			[1, 10],
			[3, 7],
			[1000, 25],
		] as const) {
			const pages = Math.ceil(expected.length / perPage);
			const shown = Math.min(page, pages);
			expect(s.timelinePage(f, page, perPage)).toEqual({
				total: expected.length,
				pages,
				page: shown,
				events: shown ? expected.slice((shown - 1) * perPage, shown * perPage).map((p) => s.events[p]) : [],
				...(expected.length ? { first: s.events[expected[0]!], last: s.events[expected.at(-1)!] } : {}),
			});
		}
		total += expected.length;
	}
	// The same answers again: the work arrays are left clean.
	expect(Array.from(s.timelinePositions({ tag: tags[0]!, text: 'ministry' }))).toEqual(naive(s, { tag: tags[0]!, text: 'ministry' }));
	return total;
}

describe('timeline positions', () => {
	for (const n of [31, 64, 96, 97]) {
		it(`equal a plain filter with ${n} events`, async () => {
			const s = await generated(n, n);
			expect(check(s, 256)).toBeGreaterThan(n);
		});
	}

	it('equal a plain filter with 2,500 events', async () => {
		const s = await generated(2500, 4);
		expect(check(s, 256)).toBeGreaterThan(2500);
	});
});
