/**
 * Shared by the tests of the built-dataset cache (engine/build.ts): scratch cache directories, small
 * datasets of their own, a build that must succeed, and a start that may serve its last build.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDataset } from '../../src/dataset/engine/build.js';
import { cleanupDatasets, writeDataset } from './dataset-fixture.js';

const caches: string[] = [];

/** A new cache directory, removed by {@link cleanupCaches}. */
export function cacheDir(): string {
	const d = mkdtempSync(path.join(tmpdir(), 'sitrep-cache-'));
	caches.push(d);
	return d;
}

/** Removes the cache directories and datasets made so far (for afterAll). */
export function cleanupCaches(): void {
	cleanupDatasets();
	for (const d of caches.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A dataset of its own (its version differs from every other test's). */
export function dataset(tag: string): string {
	return writeDataset({
		'events/extra.yaml': `events:\n  - id: extra-${tag}\n    date: 2025-07-01\n    title: Extra ${tag}\n    summary: S.\n    actors: [{ actor: beta-agency }]\n    sources: [wire-1]\n    status: reported\n`,
	});
}

/** Builds (or reuses) `dir` in `cache`; throws when it does not load. */
export async function built(dir: string, cache: string): Promise<{ file: string; version: string; built: boolean }> {
	const r = await buildDataset(dir, { cacheDir: cache });
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	r.release();
	return { file: r.file, version: r.version, built: r.built };
}

export type Result = Awaited<ReturnType<typeof buildDataset>>;

/** A buildDataset call with serveLast, and what its onChanged and onChecked are then told. */
export async function startServingLast(dir: string, cache: string): Promise<{ quick: Result; changed: Promise<Result | 'checked'> }> {
	let settle: (r: Result | 'checked') => void = () => {};
	const changed = new Promise<Result | 'checked'>((resolve) => (settle = resolve));
	let fresh: Result | undefined;
	const quick = await buildDataset(dir, {
		cacheDir: cache,
		serveLast: true,
		onChanged: (r) => (fresh = r),
		onChecked: () => settle(fresh ?? 'checked'),
	});
	return { quick, changed };
}

export function rewrite(dir: string, title: string): void {
	writeFileSync(
		path.join(dir, 'events/extra.yaml'),
		`events:\n  - id: extra\n    date: 2025-07-02\n    title: ${title}\n    summary: S.\n    actors: [{ actor: beta-agency }]\n    sources: [wire-1]\n    status: reported\n`,
	);
}
