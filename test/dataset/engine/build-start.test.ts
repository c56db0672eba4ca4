/**
 * How a start uses the cache of built datasets (engine/build.ts): a fast start finds unchanged files
 * by their stamp and checks them after; a bot's start on changed files answers from its last build
 * while theirs is built (serveLast); onChecked says when the files are known; onBuilding and
 * onProgress tell of a build the start waits for, and of no other.
 */
import { readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../../src/dataset/engine/build.js';
import { built, cacheDir, cleanupCaches, dataset, rewrite, startServingLast, type Result } from '../../helpers/build-cache.js';

afterAll(cleanupCaches);

describe('onBuilding', () => {
	it(
		'says a build begins that the result waits for, and how far it has read: not for a reuse, nor for the build after a stale start',
		{ timeout: 90_000 },
		async () => {
			const cache = cacheDir();
			const dir = dataset('building');
			const calls: string[] = [];
			const progress: { files: number; events: number }[] = [];
			const first = await buildDataset(dir, {
				cacheDir: cache,
				onBuilding: () => calls.push('cold'),
				// Every file read is reported at this interval.
				progressMs: 0,
				onProgress: (p) => progress.push({ files: p.files, events: p.events }),
			});
			if (!first.ok) throw new Error(JSON.stringify(first.errors));
			expect(first.built).toBe(true);
			first.release();
			expect(calls).toEqual(['cold']);
			expect(progress.length).toBeGreaterThan(2);
			expect(progress.map((p) => p.files)).toEqual(progress.map((_, i) => i + 1));
			expect(progress.at(-1)!.events).toBeGreaterThan(0);
			const again = await buildDataset(dir, { cacheDir: cache, onBuilding: () => calls.push('reuse') });
			if (again.ok) again.release();
			rewrite(dir, 'Built behind a stale start');
			let done: () => void = () => {};
			const checked = new Promise<void>((resolve) => (done = resolve));
			const stale = await buildDataset(dir, {
				cacheDir: cache,
				serveLast: true,
				onBuilding: () => calls.push('stale'),
				progressMs: 0,
				onProgress: () => calls.push('stale progress'),
				onChanged: (r) => r.ok && r.release(),
				onChecked: done,
			});
			if (stale.ok) stale.release();
			await checked;
			expect(calls).toEqual(['cold']);
		},
	);
});
describe('fast start', () => {
	it(
		'finds an unchanged dataset by its files, checks the hash afterwards, and rebuilds when the content differs',
		{ timeout: 90_000 },
		async () => {
			const cache = cacheDir();
			const dir = dataset('fast');
			const file = path.join(dir, 'events/extra.yaml');
			// A whole second, so that setting it back below is exact on any file system.
			utimesSync(file, 1_750_000_000, 1_750_000_000);
			const first = await built(dir, cache);
			expect(readdirSync(cache).filter((f) => f.endsWith('.files'))).toHaveLength(1);
			// Unchanged: found again (the background check agrees, so nothing more happens).
			expect((await built(dir, cache)).built).toBe(false);
			// The same size and mtime, other bytes: the start still finds the old build at once…
			writeFileSync(file, readFileSync(file, 'utf8').replace('Extra fast', 'Extra FAST'));
			utimesSync(file, 1_750_000_000, 1_750_000_000);
			let changed: (r: Awaited<ReturnType<typeof buildDataset>>) => void = () => {};
			const fresh = new Promise<Awaited<ReturnType<typeof buildDataset>>>((resolve) => (changed = resolve));
			const quick = await buildDataset(dir, { cacheDir: cache, onChanged: changed });
			expect(quick.ok && !quick.built && quick.version === first.version).toBe(true);
			if (quick.ok) quick.release();
			// …and the check after it builds the new content and hands it over.
			const next = await fresh;
			// (Built by this check, or already by the previous start's own check, which may run late.)
			expect(next.ok).toBe(true);
			if (!next.ok) return;
			expect(next.version).not.toBe(first.version);
			const db = new Database(next.file, { readonly: true });
			expect(db.prepare(`SELECT doc FROM event_docs WHERE doc LIKE '%Extra FAST%'`).all()).toHaveLength(1);
			db.close();
			next.release();
		},
	);
});
describe('serveLast: a bot that restarts after its files changed', () => {
	it(
		'answers from the last build at once, builds the new files in the background, and hands the new build over',
		{ timeout: 90_000 },
		async () => {
			const cache = cacheDir();
			const dir = dataset('last');
			const first = await built(dir, cache);
			rewrite(dir, 'Rewritten while the bot was down');
			const { quick, changed } = await startServingLast(dir, cache);
			expect(quick.ok && { built: quick.built, version: quick.version, stale: quick.stale }).toEqual({
				built: false,
				version: first.version,
				stale: true,
			});
			if (quick.ok) quick.release();
			const next = await changed;
			if (next === 'checked' || !next.ok) throw new Error(`no new build: ${JSON.stringify(next)}`);
			expect(next.version).not.toBe(first.version);
			const db = new Database(next.file, { readonly: true });
			expect(db.prepare(`SELECT doc FROM event_docs WHERE doc LIKE '%Rewritten while the bot was down%'`).all()).toHaveLength(1);
			db.close();
			next.release();
			// The sidecar now stands for the new files: the next start finds their build without hashing.
			const again = await built(dir, cache);
			expect(again).toMatchObject({ version: next.version, built: false });
		},
	);

	it(
		'two starts at once (the bot and a shard process) both answer from the last build; the changed files are built once',
		{ timeout: 90_000 },
		async () => {
			const cache = cacheDir();
			const dir = dataset('last-shared');
			const first = await built(dir, cache);
			rewrite(dir, 'Rewritten for two');
			const starts = await Promise.all([startServingLast(dir, cache), startServingLast(dir, cache)]);
			for (const { quick } of starts) {
				expect(quick.ok && quick.version).toBe(first.version);
				if (quick.ok) quick.release();
			}
			const fresh = await Promise.all(starts.map((s) => s.changed));
			const ok = fresh.flatMap((r) => (r !== 'checked' && r.ok ? [r] : []));
			expect(ok).toHaveLength(2);
			expect(ok[0]!.version).toBe(ok[1]!.version);
			expect(ok[0]!.version).not.toBe(first.version);
			// One built it; the other waited on its lock and took the file.
			expect(ok.map((r) => r.built).sort()).toEqual([false, true]);
			for (const r of ok) r.release();
		},
	);

	it('without serveLast (a one-off command) builds the changed files before it answers', { timeout: 90_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('not-last');
		const first = await built(dir, cache);
		rewrite(dir, 'Changed');
		const r = await buildDataset(dir, { cacheDir: cache, onChanged: () => {} });
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		r.release();
		expect(r.built).toBe(true);
		expect(r.version).not.toBe(first.version);
	});

	it('files that no longer load: the last build stays, and onChanged gets their errors', { timeout: 90_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('last-broken');
		const first = await built(dir, cache);
		writeFileSync(path.join(dir, 'events/extra.yaml'), 'events:\n  - id: extra\n    date: not a date\n');
		const { quick, changed } = await startServingLast(dir, cache);
		expect(quick.ok && quick.version).toBe(first.version);
		if (quick.ok) quick.release();
		const next = await changed;
		if (next === 'checked' || next.ok) throw new Error(`expected the load's errors, got ${JSON.stringify(next)}`);
		expect(next.errors.some((e) => e.file.endsWith('extra.yaml'))).toBe(true);
		expect(readdirSync(cache).filter((f) => f.endsWith('.sqlite'))).toEqual([path.basename(first.file)]);
	});

	it(
		'a build of the changed files that crashes: the last build stays, onChanged says why, nothing half-built is left',
		{ timeout: 90_000 },
		async () => {
			const cache = cacheDir();
			const dir = dataset('last-crash');
			const first = await built(dir, cache);
			rewrite(dir, 'Never built');
			let settle: (r: Result) => void = () => {};
			const changed = new Promise<Result>((resolve) => (settle = resolve));
			const quick = await buildDataset(dir, {
				cacheDir: cache,
				serveLast: true,
				onChanged: settle,
				crash: { afterEvents: 1, how: 'exit' },
			});
			expect(quick.ok && quick.version).toBe(first.version);
			if (quick.ok) quick.release();
			const next = await changed;
			if (next.ok) throw new Error('the crashed build gave a result');
			expect(next.errors[0]!.message).toMatch(/stopped before it finished/u);
			expect(readdirSync(cache).filter((f) => f.endsWith('.sqlite') || f.includes('.tmp-'))).toEqual([path.basename(first.file)]);
		},
	);

	it('files touched but not changed: the last build is theirs, and their new stamp is remembered', { timeout: 90_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('touched');
		const first = await built(dir, cache);
		utimesSync(path.join(dir, 'events/extra.yaml'), 1_760_000_000, 1_760_000_000);
		const { quick, changed } = await startServingLast(dir, cache);
		expect(quick.ok && quick.version).toBe(first.version);
		if (quick.ok) quick.release();
		expect(await changed).toBe('checked');
		// Found by the new stamp now: returned at once, with onChecked left to a check after it.
		const calls: string[] = [];
		const r = await buildDataset(dir, { cacheDir: cache, onChanged: () => {}, onChecked: () => calls.push('checked') });
		expect(r.ok && r.version).toBe(first.version);
		expect(calls).toEqual([]);
		if (r.ok) r.release();
	});

	it('when the last build is gone from the cache, builds the files before it answers', { timeout: 90_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('last-gone');
		const first = await built(dir, cache);
		rmSync(first.file);
		rewrite(dir, 'Changed again');
		const { quick } = await startServingLast(dir, cache);
		expect(quick.ok && quick.built).toBe(true);
		if (quick.ok) quick.release();
	});
});
describe('onChecked', () => {
	it(
		'says when the files are known to be what the build was made from: at once when hashed, after the check on a fast start',
		{ timeout: 90_000 },
		async () => {
			const cache = cacheDir();
			const dir = dataset('checked');
			const calls: string[] = [];
			// Hashed up front (no sidecar yet): called before the result is returned.
			const first = await buildDataset(dir, { cacheDir: cache, onChecked: () => calls.push('first') });
			if (!first.ok) throw new Error(JSON.stringify(first.errors));
			expect(calls).toEqual(['first']);
			first.release();
			// A fast start (it can be told of a later finding): returned before its check, which calls it
			// when it has read every file.
			let checked: () => void = () => {};
			const done = new Promise<void>((resolve) => (checked = resolve));
			const quick = await buildDataset(dir, {
				cacheDir: cache,
				onChanged: () => {},
				onChecked: () => {
					calls.push('quick');
					checked();
				},
			});
			expect(quick.ok && { built: quick.built, calls: [...calls] }).toEqual({ built: false, calls: ['first'] });
			expect(calls).toEqual(['first']);
			if (quick.ok) quick.release();
			await done;
			expect(calls).toEqual(['first', 'quick']);
			// Without onChanged (a reload) the same files are hashed before the result, stamp or not.
			const hashed = await buildDataset(dir, { cacheDir: cache, onChecked: () => calls.push('hashed') });
			expect(calls).toEqual(['first', 'quick', 'hashed']);
			if (hashed.ok) hashed.release();
		},
	);
});
