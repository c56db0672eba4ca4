/**
 * The engine benchmark's raw SQL query shapes answer what the commands would show: checked against
 * the same answers worked out in plain JS from the generated records, so the benchmark times the
 * right queries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEngineFile } from '../../bench/engine-build.js';
import { drawSample, rawSqlEngine, COUNT_CAP, PAGE, type OpenedEngine, type QuerySample } from '../../bench/engine-queries.js';
import { generateStory, writeSyntheticStory, type SyntheticStory } from '../../bench/generate.js';
import { eventStatuses } from '../../src/vocabulary/words.js';
import { createFastValidator } from '../../src/dataset/fast-validate.js';
import { indexTokens } from '../../src/dataset/text.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'sitrep-engine-queries-'));
let story: SyntheticStory;
let sample: QuerySample;
let engine: OpenedEngine;
interface Row {
	id: string;
	first: number;
	last: number;
	md: number | null;
	status: string;
	tags: readonly string[];
	actors: readonly string[];
	words: ReadonlySet<string>;
}
/** The events in the engine's order (first day, last day, id), as plain rows. */
let rows: Row[];

beforeAll(() => {
	// 4,000 events: a month holds about 30, a tag + status pair past a page, common words past the cap.
	const n = 4000;
	const dir = path.join(root, 'story');
	writeSyntheticStory(n, 11, dir, 'json', 300, 150);
	const built = buildEngineFile(dir, path.join(root, 'engine.sqlite'));
	expect(built.events).toBe(n);
	story = generateStory(n, 11);
	const fast = createFastValidator();
	rows = story.events.map((e) => {
		const d = fast.date(e.date);
		const single = d.start.precision === 'day' && !d.end;
		return {
			id: e.id,
			first: d.earliestDay,
			last: d.latestDay,
			md: single ? d.start.month! * 100 + d.start.day! : null,
			status: e.status,
			tags: e.tags ?? [],
			actors: e.actors.map((a) => a.actor),
			words: new Set(
				[e.title, e.summary, ...(e.tags ?? []), e.location?.name ?? '', ...(e.claims ?? []).map((c) => c.text)].flatMap((t) =>
					indexTokens(t),
				),
			),
		};
	});
	rows.sort((a, b) => a.first - b.first || a.last - b.last || a.id.localeCompare(b.id));
	sample = drawSample(path.join(root, 'engine.sqlite'), 20);
	engine = rawSqlEngine(path.join(root, 'engine.sqlite'), sample);
});
afterAll(() => {
	engine?.close();
	rmSync(root, { recursive: true, force: true });
});

const ids = (docs: unknown): string[] => (docs as { id: string }[]).map((d) => d.id);
const run = (name: string, i: number): unknown => {
	const c = engine.cases.find((x) => x.name === name);
	if (!c) throw new Error(`no case ${name}`);
	return c.run(i);
};

describe('the engine benchmark query shapes', () => {
	it('draw arguments that exist: events, actors, the two commonest words', () => {
		const known = new Set(rows.map((r) => r.id));
		for (const id of sample.eventIds) expect(known.has(id)).toBe(true);
		const words = sample.commonWords.split(' ');
		expect(words).toHaveLength(2);
		const docs = (w: string): number => rows.filter((r) => r.words.has(w)).length;
		const counts = [...new Set(rows.flatMap((r) => [...r.words]))].map(docs).sort((a, b) => b - a);
		expect(docs(words[0]!)).toBe(counts[0]);
		expect(docs(words[1]!)).toBe(counts[1]);
	});

	it('answer a month, an actor, a tag and status, a day and on-this-day as the records say', () => {
		for (let i = 0; i < 5; i++) {
			const [from, to] = sample.months[i]!;
			const month = rows.filter((r) => r.first <= to && r.last >= from);
			const [page, total] = run('timeline: month, page + total', i) as [unknown, { n: number }];
			expect(ids(page)).toEqual(month.slice(0, PAGE).map((r) => r.id));
			expect(total.n).toBe(month.length);

			const actor = sample.actorIds[i]!;
			const ofActor = rows.filter((r) => r.actors.includes(actor));
			const [actorPage, actorTotal] = run('timeline: actor, page + total', i) as [unknown, { n: number }];
			expect(ids(actorPage)).toEqual(
				ofActor
					.slice(-PAGE)
					.reverse()
					.map((r) => r.id),
			);
			expect(actorTotal.n).toBe(ofActor.length);

			const [tag, status] = sample.tagStatus[i]!;
			const tagged = rows.filter((r) => r.tags.includes(tag) && r.status === eventStatuses[status]);
			const [tagPage, tagTotal] = run('timeline: tag + status, page + capped total', i) as [unknown, { n: number }];
			expect(tagged.length).toBeGreaterThan(PAGE);
			expect(ids(tagPage)).toEqual(
				tagged
					.slice(-PAGE)
					.reverse()
					.map((r) => r.id),
			);
			expect(tagTotal.n).toBe(Math.min(tagged.length, COUNT_CAP + 1));

			const day = sample.days[i]!;
			expect(ids(run('briefing: one day, every event', i))).toEqual(
				rows.filter((r) => r.first <= day && r.last >= day).map((r) => r.id),
			);

			const md = sample.monthDays[i]!;
			const onDay = rows.filter((r) => r.md === md);
			const [mdPage, mdTotal] = run('on this day: page + total', i) as [unknown, { n: number }];
			expect(ids(mdPage)).toEqual(
				onDay
					.slice(-PAGE)
					.reverse()
					.map((r) => r.id),
			);
			expect(mdTotal.n).toBe(onDay.length);
		}
	});

	it('search the commonest words newest first with a capped count, and find events and actors', () => {
		const words = sample.commonWords.split(' ');
		const matching = rows.filter((r) => words.every((w) => r.words.has(w)));
		expect(matching.length).toBeGreaterThan(COUNT_CAP);
		expect(ids(run('search: commonest two words, newest 10', 0))).toEqual(
			matching
				.slice(-PAGE)
				.reverse()
				.map((r) => r.id),
		);
		expect(run('search: commonest two words, capped count', 0)).toEqual({ n: COUNT_CAP + 1 });
		for (let i = 0; i < 5; i++) {
			expect(ids(run('event by id', i))).toEqual([sample.eventIds[i]]);
			expect(ids(run('actor by name key', i))).toContain(sample.actorIds[i]);
		}
	});
});
