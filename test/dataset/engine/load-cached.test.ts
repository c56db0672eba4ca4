/**
 * loadDataset with a cache directory, as the bot loads: the build is reused while the files are
 * unchanged, and a built file that passes the cheap checks but cannot be opened (a meta row gone) is
 * never trusted: it is built again and the load succeeds.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { cleanupDatasets, writeDataset } from '../../helpers/dataset-fixture.js';

const caches: string[] = [];
afterAll(() => {
	cleanupDatasets();
	for (const c of caches) rmSync(c, { recursive: true, force: true });
});

function cache(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-cache-'));
	caches.push(dir);
	return dir;
}

const built = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.sqlite'));

describe('loadDataset with a cache directory', () => {
	it('builds once and reuses the file while the dataset is unchanged', async () => {
		const data = writeDataset();
		const dir = cache();
		const first = await loadDataset(data, { cacheDir: dir });
		expect(first.ok).toBe(true);
		const [file] = built(dir);
		expect(file).toBeDefined();
		// Reuse touches the file (recently used versions are kept), but never writes it anew.
		const inode = statSync(path.join(dir, file!)).ino;
		const again = await loadDataset(data, { cacheDir: dir });
		expect(again.ok && again.snapshot.version).toBe(first.ok && first.snapshot.version);
		expect(statSync(path.join(dir, file!)).ino).toBe(inode);
		expect(built(dir)).toEqual([file]);
		if (first.ok) first.snapshot.close();
		if (again.ok) again.snapshot.close();
	});

	it('builds again, and loads, when a built file cannot be opened', async () => {
		const data = writeDataset();
		const dir = cache();
		const first = await loadDataset(data, { cacheDir: dir });
		if (!first.ok) throw new Error('fixture did not load');
		const version = first.snapshot.version;
		const counts = first.snapshot.counts;
		first.snapshot.close();
		const file = path.join(dir, `${version}.sqlite`);
		const db = new Database(file);
		db.prepare(`DELETE FROM meta WHERE key = 'story'`).run();
		db.close();
		const again = await loadDataset(data, { cacheDir: dir });
		expect(again.ok).toBe(true);
		if (!again.ok) return;
		expect(again.snapshot.counts).toEqual(counts);
		expect(again.snapshot.story.title).toBe('Test story');
		again.snapshot.close();
	});
});
