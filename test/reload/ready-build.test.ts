/**
 * Builds that reach the reloader ready-made (Reloader.reload's `ready`): what the content check after
 * a load found. A reload that found the files by their names, sizes and mtimes answers at once; when
 * the check after it finds other content, that build is swapped in by a reload of its own, as it is,
 * without the files being looked for again — unless something else was swapped in meanwhile.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DatasetHolder } from '../../src/dataset/dataset-holder.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { silentLogger } from '../../src/logger.js';
import { Reloader, type ReloadAuditEntry } from '../../src/reload/reloader.js';
import { cleanupDatasets, writeDataset } from '../helpers/dataset-fixture.js';

const caches: string[] = [];
afterAll(() => {
	cleanupDatasets();
	for (const d of caches) rmSync(d, { recursive: true, force: true });
});

const EVENT = (title: string): string => `events:
  - id: checked
    date: 2025-07-01
    title: ${title}
    summary: S.
    actors: [{ actor: beta-agency }]
    sources: [wire-1]
    status: reported
`;

const OWNER = { platform: 'console', userId: 'o', displayName: 'owner' } as const;
const clock = (): Date => new Date('2025-07-02T09:00:00Z');

async function load(dir: string, cacheDir?: string): Promise<DatasetSnapshot> {
	const r = await loadDataset(dir, cacheDir === undefined ? {} : { cacheDir });
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	return r.snapshot;
}

function reloaderOver(snapshot: DatasetSnapshot, dataDir: string, cacheDir?: string) {
	const holder = new DatasetHolder(snapshot);
	const audit: ReloadAuditEntry[] = [];
	const reloader = new Reloader({
		holder,
		dataDir,
		logger: silentLogger(),
		clock,
		...(cacheDir === undefined ? {} : { load: { cacheDir } }),
		audit: { record: async (e) => void audit.push(e), recent: async (n) => audit.slice(-n) },
	});
	return { holder, reloader, audit };
}

describe('a build ready for the reloader', () => {
	it(
		'a reload of files that kept their names, sizes and mtimes but not their content: the check after it swaps the content in',
		{ timeout: 90_000 },
		async () => {
			const cacheDir = mkdtempSync(path.join(tmpdir(), 'sitrep-ready-'));
			caches.push(cacheDir);
			const dir = writeDataset({ 'events/checked.yaml': EVENT('Title before') });
			const file = path.join(dir, 'events/checked.yaml');
			// Whole seconds, so that the mtime can be put back exactly as it was.
			const mtime = new Date('2025-07-01T12:00:00Z');
			utimesSync(file, mtime, mtime);
			const { holder, reloader, audit } = reloaderOver(await load(dir, cacheDir), dir, cacheDir);
			const before = holder.current().version;
			// The same length, and the mtime put back: as a copy that keeps times can leave a file.
			writeFileSync(file, EVENT('Title after!'));
			utimesSync(file, mtime, mtime);
			const r = await reloader.reload({ requester: OWNER, trigger: 'command' });
			// Found by its names, sizes and mtimes: the build of the old content, nothing to swap.
			expect(r.ok && r.result).toBe('unchanged');
			await vi.waitFor(() => expect(holder.current().version).not.toBe(before), { timeout: 60_000, interval: 50 });
			expect(holder.current().event('checked')?.title).toBe('Title after!');
			expect(audit.map((e) => [e.trigger, e.requester.userId, e.result])).toEqual([
				['command', 'o', 'unchanged'],
				['watch', 'check', 'swapped'],
			]);
		},
	);

	it('is swapped in as it is while what it replaces is served; once something else was, the files decide', async () => {
		const dir = writeDataset({ 'events/checked.yaml': EVENT('The files say this') });
		const served = await load(dir);
		const { holder, reloader } = reloaderOver(served, dir);
		// Built from other files than the reloader's: what is swapped in is this build, not a load of dir.
		const ready = await load(writeDataset({ 'events/checked.yaml': EVENT('The ready build says this') }));
		const r = await reloader.reload({ requester: OWNER, trigger: 'watch' }, { snapshot: ready, replaces: served.version });
		expect(r.ok && r.result).toBe('swapped');
		expect(holder.current().event('checked')?.title).toBe('The ready build says this');
		// Made to replace a version no longer served: set aside, and the files loaded as they are.
		const late = await load(writeDataset({ 'events/checked.yaml': EVENT('A late build says this') }));
		const again = await reloader.reload({ requester: OWNER, trigger: 'watch' }, { snapshot: late, replaces: served.version });
		expect(again.ok && again.result).toBe('swapped');
		expect(holder.current().event('checked')?.title).toBe('The files say this');
		expect(() => late.event('checked')).toThrow();
	});
});
