/**
 * The app's start on its last build (AppOptions.serveLastBuild): a restart after the files changed
 * answers from the build it served before, swaps the changed files in through the reloader (so the
 * change reaches onSwap with its diff, as a reload's does), and says when the dataset served is the
 * files' own (App.settled) — what the briefing scheduler waits for.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { DatasetDiff } from '../../src/dataset/diff.js';
import { silentLogger } from '../../src/logger.js';
import { cleanupDatasets, oneEventFile, writeDataset } from '../helpers/dataset-fixture.js';

const caches: string[] = [];
afterAll(() => {
	cleanupDatasets();
	for (const d of caches) rmSync(d, { recursive: true, force: true });
});

const EVENT = (title: string): string => oneEventFile('restarted', title);

async function ask(app: App, line: string): Promise<string> {
	const r = await app.core.handle({
		line,
		requester: { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: false, isOwner: false },
		place: { platform: 'console', channelId: 'c', kind: 'private' },
	});
	return JSON.stringify(r.reply);
}

function start(dataDir: string, cache: string, swaps: DatasetDiff[]): Promise<App> {
	return createApp({
		dataDir,
		datasetCache: cache,
		serveLastBuild: true,
		now: '2025-07-02T09:00:00Z',
		logger: silentLogger(),
		reload: { onSwap: (_next, _previous, diff) => void swaps.push(diff) },
	});
}

function newCache(): string {
	const cache = mkdtempSync(path.join(tmpdir(), 'sitrep-last-'));
	caches.push(cache);
	return cache;
}

/** A dataset whose event has `title`, and a bot that started on it once, built it and stopped. */
async function ranOnce(title: string): Promise<{ dir: string; cache: string; swaps: DatasetDiff[]; version: string }> {
	const cache = newCache();
	const dir = writeDataset({ 'events/restarted.yaml': EVENT(title) });
	const swaps: DatasetDiff[] = [];
	const first = await start(dir, cache, swaps);
	await first.settled;
	const version = first.holder.current().version;
	first.holder.current().close();
	return { dir, cache, swaps, version };
}

describe('a start on the last build', () => {
	it('answers from it, swaps the changed files in by a reload with its diff, then settles', { timeout: 90_000 }, async () => {
		const { dir, cache, swaps, version } = await ranOnce('Before the restart');
		writeFileSync(path.join(dir, 'events/restarted.yaml'), EVENT('Corrected while down'));
		const again = await start(dir, cache, swaps);
		// At once: the build it served before.
		expect(again.holder.current().version).toBe(version);
		expect(await ask(again, '/event restarted')).toContain('Before the restart');
		await again.settled;
		// Settled: the changed files' build is served, swapped in as a reload swaps, with what changed.
		expect(again.holder.current().version).not.toBe(version);
		expect(await ask(again, '/event restarted')).toContain('Corrected while down');
		expect(swaps.map((d) => d.events.changed)).toEqual([['restarted']]);
	});

	it('files that no longer load: settles on the last good build, which stays', { timeout: 90_000 }, async () => {
		const { dir, cache, swaps, version } = await ranOnce('Good');
		writeFileSync(path.join(dir, 'events/restarted.yaml'), 'events:\n  - id: restarted\n    date: not a date\n');
		const again = await start(dir, cache, swaps);
		await again.settled;
		expect(again.holder.current().version).toBe(version);
		expect(swaps).toEqual([]);
	});

	it('without a cache, or with the files unchanged, is settled at start', { timeout: 90_000 }, async () => {
		const dir = writeDataset({ 'events/restarted.yaml': EVENT('Same') });
		const inMemory = await createApp({ dataDir: dir, logger: silentLogger(), serveLastBuild: true });
		let settled = false;
		void inMemory.settled.then(() => (settled = true));
		await Promise.resolve();
		expect(settled).toBe(true);
		const cache = newCache();
		const swaps: DatasetDiff[] = [];
		await (
			await start(dir, cache, swaps)
		).settled;
		// Unchanged: found by the files' stamp, checked after, nothing swapped.
		await (
			await start(dir, cache, swaps)
		).settled;
		expect(swaps).toEqual([]);
	});
});
