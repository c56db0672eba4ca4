/**
 * buildDataset reports a broken dataset exactly as loadDataset does (the same loader validates both
 * ways), and a valid one is built with loadDataset's version, records and file digests.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../../src/dataset/engine/build.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { cases } from '../../helpers/broken-datasets.js';
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

describe('buildDataset on broken datasets', () => {
	it(`gives loadDataset's errors for each of the ${cases.length} broken fixtures, and leaves no file`, { timeout: 240_000 }, async () => {
		const cache = cacheDir();
		// A few builds at a time: each starts a worker thread.
		const pending = [...cases];
		const run = async (): Promise<void> => {
			for (let c = pending.shift(); c; c = pending.shift()) {
				const dir = writeDataset(c.files);
				const [built, loaded] = await Promise.all([buildDataset(dir, { cacheDir: cache }), loadDataset(dir)]);
				expect(loaded.ok, c.name).toBe(false);
				expect(built.ok, c.name).toBe(false);
				if (built.ok || loaded.ok) continue;
				expect(built.errors, c.name).toEqual(loaded.errors);
			}
		};
		await Promise.all([run(), run(), run()]);
		expect(readdirSync(cache).filter((f) => !f.endsWith('.lock'))).toEqual([]);
	});

	it('gives the did-you-mean suggestion from ids alone (the engine keeps no record lists)', async () => {
		const dir = writeDataset({
			'events/x.yaml':
				'events:\n  - id: x\n    date: 2025-06-27\n    title: X\n    summary: S\n    actors: [{ actor: beta-agenci }]\n    sources: [wire-1]\n    status: confirmed\n    related: [{ event: firsst, type: follows }]\n',
		});
		const r = await buildDataset(dir, { cacheDir: cacheDir() });
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.map((e) => e.message)).toEqual(
			expect.arrayContaining([
				'unknown actor "beta-agenci"; did you mean "beta-agency"?',
				'unknown event "firsst"; did you mean "first"?',
			]),
		);
	});

	it('reports a missing directory as the loader does', async () => {
		const dir = path.join(tmpdir(), 'sitrep-no-such-dir-eb');
		const [built, loaded] = await Promise.all([buildDataset(dir, { cacheDir: cacheDir() }), loadDataset(dir)]);
		expect(built.ok || loaded.ok).toBe(false);
		if (!built.ok && !loaded.ok) expect(built.errors).toEqual(loaded.errors);
	});
});

describe('buildDataset on a valid dataset', () => {
	it("writes loadDataset's version, records and file digests, in the snapshot's event order", { timeout: 60_000 }, async () => {
		const [built, loaded] = await Promise.all([buildDataset('data', { cacheDir: cacheDir() }), loadDataset('data')]);
		expect(loaded.ok && built.ok).toBe(true);
		if (!loaded.ok || !built.ok) return;
		const snap = loaded.snapshot;
		expect(built.version).toBe(snap.version);
		expect(path.basename(built.file)).toBe(`${snap.version}.sqlite`);
		const db = new Database(built.file, { readonly: true });
		try {
			const meta = Object.fromEntries(
				(db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]),
			);
			expect(meta.complete).toBe('1');
			expect(meta.version).toBe(snap.version);
			expect(JSON.parse(meta.counts!)).toEqual({
				events: [...snap.eachEvent()].length,
				actors: [...snap.eachActor()].length,
				sources: [...snap.eachSource()].length,
				claims: [...snap.eachClaim()].length,
			});
			expect(db.prepare('SELECT id FROM events ORDER BY ord').pluck().all() as string[]).toEqual(
				[...snap.eachEvent()].map((e) => e.id),
			);
			expect(db.prepare('SELECT id FROM actors ORDER BY n').pluck().all()).toEqual([...snap.eachActor()].map((a) => a.id));
			expect(db.prepare('SELECT id FROM claims ORDER BY n').pluck().all()).toEqual([...snap.eachClaim()].map((c) => c.id));
			const files = db.prepare('SELECT name, digest FROM files ORDER BY n').all() as { name: string; digest: string }[];
			expect(files).toEqual([...snap.fileDigests()!].map(([name, digest]) => ({ name, digest })));
		} finally {
			db.close();
		}
		built.release();
	});
});
