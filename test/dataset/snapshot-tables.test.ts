/**
 * The snapshot's derived tables three ways: built by the loader record by record (and the search
 * index over documents in load order, renumbered), built by the constructor from the lists, and —
 * for the timeline — the plain filter it replaced. Also the reload diff from changed files only
 * against the diff of every record.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../helpers/dataset-fixture.js';
import { generateStory, writeStory } from '../../bench/generate.js';
import { diffDatasets } from '../../src/dataset/diff.js';
import type { StoryEvent } from '../../src/dataset/model.js';
import { DatasetSnapshot, type TimelineFilter } from '../../src/dataset/snapshot.js';

const root = mkdtempSync(path.join(tmpdir(), 'sitrep-tables-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const load = loadSnapshot;

/** The same records, through the constructor alone (no loader tables, no file records). */
function rebuilt(s: DatasetSnapshot): DatasetSnapshot {
	return new DatasetSnapshot(s.story, s.actors, s.sources, [...s.events].reverse(), s.claims, s.version, s.loadedAt);
}

/** The timeline as a plain filter over every event, as it was first written. */
function naiveTimeline(s: DatasetSnapshot, f: TimelineFilter): string[] {
	let text: Set<string> | undefined;
	if (f.text !== undefined) text = new Set(s.search(f.text).map((r) => (r.kind === 'event' ? r.event.id : r.kind === 'claim' ? r.claim.eventId : '')));
	return s.events
		.filter(
			(e: StoryEvent) =>
				(f.fromDay === undefined || e.date.latestDay >= f.fromDay) &&
				(f.toDay === undefined || e.date.earliestDay <= f.toDay) &&
				(f.actorId === undefined || e.actors.some((a) => a.actorId === f.actorId)) &&
				(f.tag === undefined || e.tags.includes(f.tag)) &&
				(f.status === undefined || e.status === f.status) &&
				(text === undefined || text.has(e.id)),
		)
		.map((e) => e.id);
}

let dir: string;
let loaded: DatasetSnapshot;
let plain: DatasetSnapshot;

beforeAll(async () => {
	dir = path.join(root, 'a');
	writeStory(generateStory(600, 5), dir, 'json', 70, 40);
	loaded = await load(dir);
	plain = rebuilt(loaded);
});

describe('snapshot tables', () => {
	it('are the same built by the loader and by the constructor', () => {
		expect(plain.events.map((e) => e.id)).toEqual(loaded.events.map((e) => e.id));
		for (const e of loaded.events) expect(plain.positionOf(e.id)).toBe(loaded.positionOf(e.id));
		for (const a of loaded.actors) {
			expect(plain.eventsOf(a.id).map((e) => e.id)).toEqual(loaded.eventsOf(a.id).map((e) => e.id));
			expect(plain.claimsBy(a.id)).toEqual(loaded.claimsBy(a.id));
			expect(plain.coActors(a.id)).toEqual(loaded.coActors(a.id));
			expect(plain.resolveActor(a.name)).toEqual(loaded.resolveActor(a.name));
		}
		expect(plain.tags()).toEqual(loaded.tags());
		for (const q of ['ministry police', 'detain', 'raid', 'a12', 'embassy summoned', 'officials according', 'zzz']) {
			expect(plain.search(q)).toEqual(loaded.search(q));
			expect(plain.search(q, 3)).toEqual(loaded.search(q).slice(0, 3));
		}
	});

	it('give the timeline of a plain filter, for every combination of filters', () => {
		const days = [loaded.events[0]!.date.earliestDay, loaded.events[300]!.date.earliestDay, loaded.events.at(-1)!.date.latestDay];
		const tags = loaded.tags().map((t) => t.tag);
		let n = 0;
		for (let i = 0; i < 400; i++) {
			const f: { -readonly [K in keyof TimelineFilter]: TimelineFilter[K] } = {};
			if (i & 1) f.fromDay = days[i % 3]! - (i % 11) * 40;
			if (i & 2) f.toDay = days[(i + 1) % 3]! + (i % 7) * 25;
			if (i & 4) f.actorId = loaded.actors[i % 40]!.id;
			if (i & 8) f.tag = tags[i % tags.length]!;
			if (i & 16) f.status = (['confirmed', 'reported', 'disputed', 'corrected'] as const)[i % 4];
			if (i & 32) f.text = ['police raid', 'ministry', 'detain', 'zzz'][i % 4]!;
			const expected = naiveTimeline(loaded, f);
			expect(loaded.timeline(f).map((e) => e.id)).toEqual(expected);
			expect(plain.timeline(f).map((e) => e.id)).toEqual(expected);
			n += expected.length;
		}
		expect(n).toBeGreaterThan(1000);
		expect(loaded.timeline({ actorId: 'no-such-actor' })).toEqual([]);
	});
});

describe('reload diff from changed files', () => {
	it('equals the diff of every record', async () => {
		const b = path.join(root, 'b');
		cpSync(dir, b, { recursive: true });
		const edit = (rel: string, change: (doc: Record<string, Record<string, unknown>[]>) => void, indent?: number) => {
			const f = path.join(b, rel);
			const doc = JSON.parse(readFileSync(f, 'utf8')) as Record<string, Record<string, unknown>[]>;
			change(doc);
			writeFileSync(f, JSON.stringify(doc, null, indent));
		};
		edit('events/0001.json', (d) => {
			const ev = d['events']!;
			ev[0]!['title'] = `${String(ev[0]!['title'])} (edited)`;
			ev.splice(1, 1);
			ev.push({ ...ev[2]!, id: 'event-new', claims: undefined, status: 'confirmed' });
			const withClaims = ev.find((e) => Array.isArray(e['claims']));
			if (withClaims) (withClaims['claims'] as Record<string, unknown>[])[0]!['text'] = 'A changed claim.';
		});
		// Only reformatted: a changed file whose records are all the same.
		edit('events/0003.json', () => undefined, 2);
		edit('actors/0001.json', (d) => {
			d['actors']![0]!['description'] = 'Changed.';
		});
		const after = await load(b);
		const full = diffDatasets(plain, rebuilt(after));
		expect(diffDatasets(loaded, after)).toEqual(full);
		expect(diffDatasets(after, loaded)).toEqual(diffDatasets(rebuilt(after), plain));
		expect(full.events.changed.length + full.events.added.length + full.events.removed.length).toBe(3);
		expect(full.actors.changed).toHaveLength(1);
		expect(full.claims.changed.length).toBeGreaterThan(0);
	});
});
