/**
 * The cache of built datasets: a build is reused without building; a crashed build leaves nothing
 * that looks complete; a damaged or foreign file under a version's name is deleted and rebuilt; a
 * dead process's lock is taken over; old versions are removed, never one a live process uses.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset, checkBuilt, isCorruption } from '../../../src/dataset/engine/build.js';
import { cleanupDatasets, writeDataset } from '../../helpers/dataset-fixture.js';

const caches: string[] = [];
function cacheDir(): string {
	const d = mkdtempSync(path.join(tmpdir(), 'sitrep-cache-'));
	caches.push(d);
	return d;
}
afterAll(() => {
	cleanupDatasets();
	for (const d of caches) rmSync(d, { recursive: true, force: true });
});

/** A dataset of its own (its version differs from every other test's). */
function dataset(tag: string): string {
	return writeDataset({
		'events/extra.yaml': `events:\n  - id: extra-${tag}\n    date: 2025-07-01\n    title: Extra ${tag}\n    summary: S.\n    actors: [{ actor: beta-agency }]\n    sources: [wire-1]\n    status: reported\n`,
	});
}

async function built(dir: string, cache: string): Promise<{ file: string; version: string; built: boolean }> {
	const r = await buildDataset(dir, { cacheDir: cache });
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	r.release();
	return { file: r.file, version: r.version, built: r.built };
}

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
	const child = spawn(process.execPath, ['-e', '0']);
	await new Promise((resolve) => child.once('exit', resolve));
	return child.pid!;
}

describe('reuse', () => {
	it('finds a complete build and does not build again', { timeout: 60_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('reuse');
		const first = await built(dir, cache);
		expect(first.built).toBe(true);
		const ino = statSync(first.file).ino;
		const second = await built(dir, cache);
		expect(second).toEqual({ ...first, built: false });
		expect(statSync(second.file).ino).toBe(ino);
		expect(checkBuilt(second.file, second.version)).toBe('ok');
	});

	it('builds a new version when a file changes', { timeout: 60_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('change');
		const first = await built(dir, cache);
		writeFileSync(
			path.join(dir, 'events/extra.yaml'),
			`events:\n  - id: extra-changed\n    date: 2025-07-02\n    title: Changed\n    summary: S.\n    actors: [{ actor: beta-agency }]\n    sources: [wire-1]\n    status: reported\n`,
		);
		const second = await built(dir, cache);
		expect(second.built).toBe(true);
		expect(second.version).not.toBe(first.version);
		expect(existsSync(first.file)).toBe(true);
	});

	it(
		'finds the same build when the files are hashed in a worker, in the background (as a reload does)',
		{ timeout: 60_000 },
		async () => {
			const cache = cacheDir();
			const dir = dataset('hash-in-worker');
			const first = await built(dir, cache);
			// Another directory with the same files: no sidecar, so the version is worked out from the content.
			const copy = dataset('hash-in-worker');
			const r = await buildDataset(copy, { cacheDir: cache, background: true });
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			r.release();
			expect(r).toMatchObject({ version: first.version, built: false, file: first.file });
		},
	);
});

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

type Result = Awaited<ReturnType<typeof buildDataset>>;

/** A buildDataset call with serveLast, and what its onChanged and onChecked are then told. */
async function startServingLast(dir: string, cache: string): Promise<{ quick: Result; changed: Promise<Result | 'checked'> }> {
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

function rewrite(dir: string, title: string): void {
	writeFileSync(
		path.join(dir, 'events/extra.yaml'),
		`events:\n  - id: extra\n    date: 2025-07-02\n    title: ${title}\n    summary: S.\n    actors: [{ actor: beta-agency }]\n    sources: [wire-1]\n    status: reported\n`,
	);
}

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
		const r = await buildDataset(dir, { cacheDir: cache, onChecked: () => calls.push('checked') });
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
			// A fast start: returned before its check, which calls it when it has read every file.
			let checked: () => void = () => {};
			const done = new Promise<void>((resolve) => (checked = resolve));
			const quick = await buildDataset(dir, {
				cacheDir: cache,
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
		},
	);
});

describe('a build that crashes', () => {
	for (const how of ['exit', 'throw'] as const) {
		it(
			`(the worker ${how === 'exit' ? 'exits' : 'throws'} mid-build) is an error result and leaves no <version>.sqlite`,
			{ timeout: 60_000 },
			async () => {
				const cache = cacheDir();
				const dir = dataset(`crash-${how}`);
				const r = await buildDataset(dir, { cacheDir: cache, crash: { afterEvents: 1, how } });
				expect(r.ok).toBe(false);
				if (r.ok) return;
				expect(r.errors).toHaveLength(1);
				expect(r.errors[0]!.message).toMatch(
					/the dataset build stopped before it finished \(.*(code 70|stopped on request).*\); nothing of it was kept/,
				);
				// No file left: not the build's temporary file, not a lock, nothing that could pass as complete.
				expect(readdirSync(cache)).toEqual([]);
				// And the process is fine: the next build succeeds.
				expect((await built(dir, cache)).built).toBe(true);
			},
		);
	}
});

describe('an untrusted file under the version name', () => {
	const breakers: [string, (file: string) => void][] = [
		['truncated', (f) => truncateSync(f, Math.floor(statSync(f).size / 2))],
		['garbage', (f) => writeFileSync(f, Buffer.alloc(8192, 0x5a))],
		['empty', (f) => writeFileSync(f, '')],
		[
			'a foreign SQLite database',
			(f) => {
				rmSync(f);
				const db = new Database(f);
				db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('complete', '1')`);
				db.close();
			},
		],
		[
			'an incomplete build (no complete mark)',
			(f) => {
				const db = new Database(f);
				db.exec(`DELETE FROM meta WHERE key = 'complete'`);
				db.close();
			},
		],
		[
			'another version renamed',
			(f) => {
				const db = new Database(f);
				db.exec(`UPDATE meta SET value = '0000000000000000' WHERE key = 'version'`);
				db.close();
			},
		],
	];
	for (const [name, breakIt] of breakers) {
		it(`${name}: is not trusted, and is rebuilt`, { timeout: 60_000 }, async () => {
			const cache = cacheDir();
			const dir = dataset(`bad-${name.toLowerCase().replace(/\W+/gu, '-').replace(/-+$/u, '')}`);
			const first = await built(dir, cache);
			breakIt(first.file);
			expect(checkBuilt(first.file, first.version)).toBe('bad');
			const second = await built(dir, cache);
			expect(second.built).toBe(true);
			expect(second.file).toBe(first.file);
			expect(checkBuilt(second.file, second.version)).toBe('ok');
		});
	}

	it('SQLite reports garbage as corruption (what a reader of the file checks for)', () => {
		const cache = cacheDir();
		const f = path.join(cache, 'x.sqlite');
		writeFileSync(f, Buffer.alloc(8192, 0x5a));
		let err: unknown;
		try {
			const db = new Database(f, { readonly: true });
			db.prepare('SELECT 1 FROM sqlite_schema').get();
		} catch (e) {
			err = e;
		}
		expect(isCorruption(err)).toBe(true);
		expect(isCorruption(new Error('x'))).toBe(false);
	});
});

describe('locks and cleanup', () => {
	it('takes over the lock of a dead process, and leaves none of its own', { timeout: 60_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('stale-lock');
		const first = await built(dir, cache);
		rmSync(first.file);
		writeFileSync(path.join(cache, `${first.version}.lock`), String(await deadPid()));
		const r = await buildDataset(dir, { cacheDir: cache, waitMs: 60_000 });
		expect(r.ok && r.built).toBe(true);
		if (r.ok) r.release();
		expect(readdirSync(cache).filter((f) => !f.endsWith('.files'))).toEqual([`${first.version}.sqlite`]);
	});

	it("removes a dead process's temporary build file and the journal SQLite left beside it", { timeout: 60_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('dead-tmp');
		const first = await built(dir, cache);
		const dead = await deadPid();
		const left = [`${first.version}.tmp-${dead}-1`, `${first.version}.tmp-${dead}-1-journal`];
		for (const f of left) writeFileSync(path.join(cache, f), 'partial');
		expect((await built(dir, cache)).built).toBe(false);
		expect(readdirSync(cache).filter((f) => left.includes(f))).toEqual([]);
	});

	it('waits while a live process holds the lock, then uses its file', { timeout: 60_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('live-lock');
		const first = await built(dir, cache);
		const file = readFileSync(first.file);
		rmSync(first.file);
		// This process "builds": its own pid in the lock; the file appears a moment later.
		const lock = path.join(cache, `${first.version}.lock`);
		writeFileSync(lock, String(process.pid));
		setTimeout(() => {
			writeFileSync(first.file, file);
			rmSync(lock);
		}, 700);
		const r = await buildDataset(dir, { cacheDir: cache });
		expect(r.ok && !r.built).toBe(true);
		if (r.ok) r.release();
	});

	it('keeps the version in use and the 2 most recently used; never one a live process uses', { timeout: 120_000 }, async () => {
		const cache = cacheDir();
		const dir = dataset('cleanup');
		const versions: string[] = [];
		const file = path.join(dir, 'events/extra.yaml');
		// Version 0 stays in use by a live process (this one) all along.
		const held = await buildDataset(dir, { cacheDir: cache });
		if (!held.ok) throw new Error('build failed');
		versions.push(held.version);
		// Version 1 is marked in use by a dead process: that marker does not protect it.
		for (let i = 1; i <= 4; i++) {
			writeFileSync(
				file,
				`events:\n  - id: extra-v${i}\n    date: 2025-07-01\n    title: V${i}\n    summary: S.\n    actors: [{ actor: beta-agency }]\n    sources: [wire-1]\n    status: reported\n`,
			);
			const v = await built(dir, cache);
			versions.push(v.version);
			if (i === 1) writeFileSync(path.join(cache, `${v.version}.use-${await deadPid()}`), '');
			// mtimes a second apart, so "most recently used" is unambiguous on any file system.
			await new Promise((r) => setTimeout(r, 1100));
		}
		const left = readdirSync(cache)
			.filter((f) => f.endsWith('.sqlite'))
			.sort();
		// In use: v4 (just built), v0 (held); kept: v3, v2; removed: v1.
		expect(left).toEqual([versions[0], versions[2], versions[3], versions[4]].map((v) => `${v}.sqlite`).sort());
		expect(readdirSync(cache).some((f) => f.includes('.use-') && !f.endsWith(`.use-${process.pid}`))).toBe(false);
		held.release();
		expect(existsSync(path.join(cache, `${versions[0]}.use-${process.pid}`))).toBe(false);
	});
});
