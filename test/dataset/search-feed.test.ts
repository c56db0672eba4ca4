/**
 * The search index built in a worker thread (search-feed.ts) against the one built on the loading
 * thread: the same documents, numbers, scores and matched tokens — on the demo story and on a
 * generated story past the off-thread threshold — and the fallback when the worker cannot run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../helpers/dataset-fixture.js';
import { generateStory, writeStory } from '../../bench/generate.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { SearchFeed, searchWorkerCounts } from '../../src/dataset/search-feed.js';
import { SearchIndexBuilder } from '../../src/dataset/search-index-builder.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { Slicer } from '../../src/dataset/slices.js';

const root = mkdtempSync(path.join(tmpdir(), 'sitrep-feed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const load = loadSnapshot;

/** Every result of each query, as comparable text: kind, id, score to the bit, matched tokens. */
function answers(s: DatasetSnapshot, queries: readonly string[]): string[] {
	return queries.map((q) =>
		s
			.search(q)
			.map((r) => `${r.kind}:${r.kind === 'event' ? r.event.id : r.kind === 'claim' ? r.claim.id : r.actor.id}:${r.score}:${r.matched.join('+')}`)
			.join(' '),
	);
}

describe('search index off the main thread', () => {
	it('gives the demo story the same answers as the index built on the loading thread', async () => {
		const queries = ['drone strike', 'Yekaterinburg', 'detain', 'Sputnik Azerbaijan', 'aktau', 'pezeshkian', 'claim', 'nothing-matches-this'];
		const before = searchWorkerCounts();
		const here = await load('data', {});
		expect(searchWorkerCounts().started).toBe(before.started); // 38 events: no worker
		const there = await load('data', { searchOffThread: true });
		expect(searchWorkerCounts().built).toBe(before.built + 1);
		expect(answers(there, queries)).toEqual(answers(here, queries));
		expect(answers(here, queries).filter((a) => a.length > 0).length).toBeGreaterThanOrEqual(6);
	});

	it('starts the worker by itself for a dataset past the size threshold and agrees with the loading thread', async () => {
		const dir = path.join(root, 'big');
		const story = generateStory(6_000, 7);
		writeStory(story, dir, 'json');
		const here = await load(dir, { searchOffThread: false });
		// About 5.6 MB: under the default 16 MiB nothing starts; with a 4 MiB threshold 'auto' goes off thread.
		const before = searchWorkerCounts();
		await load(dir, {});
		expect(searchWorkerCounts().started).toBe(before.started);
		const auto = await load(dir, { searchOffThreadBytes: 4 * 1024 * 1024 });
		expect(searchWorkerCounts().started).toBe(before.started + 1);
		expect(searchWorkerCounts().built).toBe(before.built + 1);
		expect(searchWorkerCounts().fellBack).toBe(before.fellBack);
		const words = here.events.slice(0, 40).map((e) => e.title.split(' ').slice(0, 2).join(' '));
		const queries = [...words, here.actors[3]!.name, 'police raid', 'minist'];
		expect(answers(auto, queries)).toEqual(answers(here, queries));
	}, 60_000);

	it('builds the index here, from the same fields, when the worker cannot start', async () => {
		const broken = path.join(root, 'broken-worker.mjs');
		writeFileSync(broken, 'throw new Error("this worker is broken on purpose");\n');
		const failures: Error[] = [];
		const feed = new SearchFeed({ offThread: true, workerUrl: pathToFileURL(broken), onFallback: (err) => failures.push(err) });
		const local = new SearchIndexBuilder();
		const docs = [
			['Drone strike near Aktau', 'Officials in Baku said the strike hit a depot'],
			['Sputnik Azerbaijan staff detained', 'Police detained two editors in Baku'],
			['Talks in Moscow', 'The ministers met; no statement on the detentions'],
		];
		for (const sink of [feed, local]) {
			for (const [title, summary] of docs) {
				sink.beginDoc();
				sink.addField(title!, 3);
				sink.addField(summary!, 1);
			}
		}
		const fromFeed = await new Slicer().run(feed.buildSteps([2, 0, 1]));
		const fromHere = local.build([2, 0, 1]);
		expect(failures).toHaveLength(1);
		expect(failures[0]!.message).toMatch(/broken on purpose/u);
		for (const q of ['baku', 'detained', 'strike aktau', 'moscow talks']) expect(fromFeed.search(q)).toEqual(fromHere.search(q));
	});

	it('stops its worker when a load fails validation', async () => {
		const dir = path.join(root, 'bad');
		const story = generateStory(6_000, 3);
		writeStory(story, dir, 'json');
		// A broken reference in the last file: found only after every record was fed.
		writeFileSync(path.join(dir, 'zz-bad.json'), JSON.stringify({ events: [{ ...story.events[0], id: 'bad-event', actors: [{ actor: 'no-such-actor', role: 'subject' }] }] }));
		const before = searchWorkerCounts();
		const r = await loadDataset(dir, { searchOffThreadBytes: 1024 });
		expect(searchWorkerCounts().started).toBe(before.started + 1);
		expect(searchWorkerCounts().built).toBe(before.built);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors.some((e) => /no-such-actor/u.test(e.message))).toBe(true);
	}, 60_000);
});
