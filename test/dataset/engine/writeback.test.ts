import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { paceWriteback } from '../../../src/dataset/engine/writeback.js';

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmpDir(): string {
	const d = mkdtempSync(path.join(os.tmpdir(), 'sitrep-writeback-'));
	dirs.push(d);
	return d;
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await sleep(10);
	}
}

describe('paceWriteback', () => {
	it('syncs the build file again and again until stopped, and not after', async () => {
		const file = path.join(tmpDir(), 'build.sqlite');
		writeFileSync(file, Buffer.alloc(1 << 20, 1));
		const synced: string[] = [];
		const pacer = paceWriteback(file, { periodMs: 5, onSynced: (f) => synced.push(f) });
		await until(() => synced.length >= 3);
		await pacer.stop();
		expect(new Set(synced)).toEqual(new Set([path.resolve(file)]));
		const count = synced.length;
		await sleep(50);
		expect(synced.length).toBe(count);
	});

	it.runIf(process.platform === 'linux')("syncs SQLite's temporary files too, reached through /proc (they have no name)", async () => {
		const dir = tmpDir();
		const db = new Database(path.join(dir, 'build.sqlite'));
		// As the build's staging tables: on disk, with a cache too small to hold them.
		db.pragma('temp_store = FILE');
		db.pragma('temp.cache_size = 16');
		db.exec('CREATE TEMP TABLE stage (n INTEGER PRIMARY KEY, doc TEXT)');
		const insert = db.prepare('INSERT INTO stage (doc) VALUES (?)');
		for (let i = 0; i < 2000; i++) insert.run('x'.repeat(500));
		const links: string[] = [];
		const pacer = paceWriteback(path.join(dir, 'build.sqlite'), {
			periodMs: 5,
			onSynced: (f) => {
				if (f.startsWith('/proc/self/fd/')) links.push(readlinkSync(f));
			},
		});
		try {
			await until(() => links.length > 0);
		} finally {
			await pacer.stop();
			db.close();
		}
		expect(links[0]).toMatch(/\/etilqs_\w+ \(deleted\)$/u);
	});

	it.runIf(process.platform === 'linux')('lets go of a temporary file once SQLite has closed it, and of all when stopped', async () => {
		const dir = tmpDir();
		const db = new Database(path.join(dir, 'build.sqlite'));
		db.pragma('temp_store = FILE');
		db.pragma('temp.cache_size = 16');
		db.exec('CREATE TEMP TABLE stage (n INTEGER PRIMARY KEY, doc TEXT)');
		const insert = db.prepare('INSERT INTO stage (doc) VALUES (?)');
		for (let i = 0; i < 2000; i++) insert.run('x'.repeat(500));
		const tempLinks = (): string[] =>
			readdirSync('/proc/self/fd')
				.map((fd) => {
					try {
						return readlinkSync(`/proc/self/fd/${fd}`);
					} catch {
						return '';
					}
				})
				.filter((l) => /\/etilqs_\w+ \(deleted\)$/u.test(l));
		const synced: string[] = [];
		const pacer = paceWriteback(path.join(dir, 'build.sqlite'), { periodMs: 5, onSynced: (f) => synced.push(f) });
		try {
			await until(() => synced.some((f) => f.startsWith('/proc/')));
			// SQLite's descriptor and the pacer's.
			expect(tempLinks().length).toBeGreaterThanOrEqual(2);
			db.close();
			await until(() => tempLinks().length === 0);
		} finally {
			await pacer.stop();
			if (db.open) db.close();
		}
		expect(tempLinks()).toEqual([]);
	});

	it.runIf(process.platform === 'linux')('never touches a temporary file SQLite still has open, however long it runs', async () => {
		const dir = tmpDir();
		const db = new Database(path.join(dir, 'build.sqlite'));
		db.pragma('temp_store = FILE');
		db.pragma('temp.cache_size = 16');
		db.exec('CREATE TEMP TABLE stage (n INTEGER PRIMARY KEY, doc TEXT)');
		const insert = db.prepare('INSERT INTO stage (doc) VALUES (?)');
		let synced = 0;
		const pacer = paceWriteback(path.join(dir, 'build.sqlite'), { periodMs: 2, onSynced: () => synced++ });
		try {
			// Many passes of the pacer while the table grows and is read back.
			for (let round = 0; round < 20; round++) {
				for (let i = 0; i < 200; i++) insert.run(`${round}:${'x'.repeat(500)}`);
				const before = synced;
				await until(() => synced > before + 2);
			}
			const rows = db.prepare('SELECT count(*) AS n, sum(length(doc)) AS bytes FROM stage').get() as { n: number; bytes: number };
			expect(rows.n).toBe(4000);
			expect(db.pragma('temp.integrity_check', { simple: true })).toBe('ok');
			// SQLite's descriptor and one of the pacer's: its own are never taken for SQLite's (they were,
			// once, and a descriptor a pass piled up until a 1M build ran out of them).
			const links = readdirSync('/proc/self/fd').filter((fd) => {
				try {
					return /\/etilqs_\w+ \(deleted\)$/u.test(readlinkSync(`/proc/self/fd/${fd}`));
				} catch {
					return false;
				}
			});
			expect(links.length).toBeLessThanOrEqual(2);
		} finally {
			await pacer.stop();
			db.close();
		}
	});

	it('gives up quietly on a file that is not there (a build that has not started writing)', async () => {
		const synced: string[] = [];
		const pacer = paceWriteback(path.join(tmpDir(), 'none.sqlite'), { periodMs: 5, onSynced: (f) => synced.push(f) });
		await sleep(40);
		await pacer.stop();
		expect(synced.filter((f) => !f.startsWith('/proc/'))).toEqual([]);
	});
});
