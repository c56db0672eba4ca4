/**
 * The cache of built datasets: a build is reused without building; a crashed build leaves nothing
 * that looks complete; a damaged or foreign file under a version's name is deleted and rebuilt; a
 * dead process's lock is taken over; old versions are removed, never one a live process uses. How a
 * start uses the cache (fast start, serveLast, onChecked, onBuilding): build-start.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset, checkBuilt, isCorruption } from '../../../src/dataset/engine/build.js';
import { built, cacheDir, cleanupCaches, dataset } from '../../helpers/build-cache.js';

afterAll(cleanupCaches);

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
