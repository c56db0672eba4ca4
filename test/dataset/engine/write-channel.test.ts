/**
 * A build that writes on a thread of its own (write-channel.ts, write-worker.ts): the file is the same
 * as a build on one thread, table by table; a writer thread that fails mid-build ends the build with
 * its reason and leaves nothing behind, whether the loader is still sending or already waiting for
 * the finish.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, type BuildOptions } from '../../../src/dataset/engine/build.js';
import { buildWorkerLimits } from '../../../src/dataset/engine/build-run.js';
import { WriteChannel } from '../../../src/dataset/engine/write-channel.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../../src/dataset/snapshot.js';
import { generateStory, writeStory } from '../../../bench/generate.js';
import { builtDigest } from '../../../bench/built-digest.js';

let root: string;
let story: string;
const EVENTS = 1500;

beforeAll(() => {
	root = mkdtempSync(path.join(tmpdir(), 'sitrep-write-channel-'));
	story = path.join(root, 'story');
	// Files of 250 events: many batches, so that the loader has to wait for the writer (its limit of
	// batches in flight) as well as send.
	writeStory(generateStory(EVENTS, 11), story, 'json', 250, 500);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let caches = 0;
function cacheDir(): string {
	return path.join(root, `cache-${++caches}`);
}

async function build(options: Omit<BuildOptions, 'cacheDir'>): Promise<string[]> {
	const r = await buildDataset(story, { ...options, cacheDir: cacheDir() });
	if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
	r.release();
	return builtDigest(r.file);
}

describe('a build on two threads', () => {
	it('writes the same tables as a build on one', { timeout: 120_000 }, async () => {
		const two = await build({ writerThread: true });
		const one = await build({ writerThread: false });
		expect(two).toEqual(one);
		// Every table has rows (the comparison is not of empty tables).
		const rows = (name: string): number => Number(two.find((l) => l.startsWith(`${name} `))!.split(/\s+/u)[1]);
		expect(rows('events')).toBe(EVENTS);
		expect(rows('event_text')).toBeGreaterThan(100);
		expect(rows('words')).toBeGreaterThan(100);
		expect(rows('claims')).toBeGreaterThan(0);
	});

	it('is what a start builds, and a background build (a reload) is on one thread', { timeout: 120_000 }, async () => {
		expect(await build({})).toEqual(await build({ background: true }));
	});

	// Early: the loader is still sending, and soon finds no room; late: it has sent everything and
	// waits for the finish.
	for (const afterEvents of [3, EVENTS - 1]) {
		it(
			`whose writer fails after ${afterEvents} events ends with the writer's reason and leaves nothing`,
			{ timeout: 120_000 },
			async () => {
				const cache = cacheDir();
				const r = await buildDataset(story, { cacheDir: cache, crash: { afterEvents, how: 'writer' } });
				expect(r.ok).toBe(false);
				if (r.ok) return;
				expect(r.errors).toHaveLength(1);
				expect(r.errors[0]!.message).toMatch(
					/the dataset build stopped before it finished \(the writer stopped on request \(test\)\); nothing of it was kept/u,
				);
				expect(readdirSync(cache)).toEqual([]);
				// The next build succeeds.
				const again = await buildDataset(story, { cacheDir: cache });
				expect(again.ok).toBe(true);
				if (again.ok) again.release();
			},
		);
	}
});

describe('the channel to the writer thread', () => {
	let snapshot: DatasetSnapshot;
	beforeAll(async () => {
		const r = await loadDataset(story);
		if (!r.ok) throw new Error('the story does not load');
		snapshot = r.snapshot;
	});
	afterAll(() => snapshot.close());

	/** Every event of the story sent at once, with no turn of the event loop for the writer's answers. */
	function sendAll(channel: WriteChannel): void {
		const file = channel.addFile('all.json', 'digest');
		for (const e of snapshot.eachEvent()) channel.addEvent(e, snapshot.claimsOf(e), file);
	}

	it('has the loader wait once batches are in flight, until the writer has written them', { timeout: 60_000 }, async () => {
		const channel = new WriteChannel(path.join(root, 'channel-wait.sqlite'), buildWorkerLimits().writer);
		expect(channel.ready()).toBeUndefined();
		sendAll(channel);
		const wait = channel.ready();
		expect(wait).toBeInstanceOf(Promise);
		await wait;
		expect(channel.ready()).toBeUndefined();
		expect(await channel.abort()).toBeUndefined();
	});

	it("makes the loader's wait fail with the writer's reason once the writer has failed", { timeout: 60_000 }, async () => {
		const channel = new WriteChannel(path.join(root, 'channel-fail.sqlite'), buildWorkerLimits().writer, 0);
		sendAll(channel);
		await expect(channel.ready()).rejects.toThrow(/the build's writer failed: the writer stopped on request \(test\)/u);
		// And every later question says so at once.
		await expect(channel.ready()).rejects.toThrow(/writer stopped on request/u);
		expect(await channel.abort()).toBe('the writer stopped on request (test)');
	});
});
