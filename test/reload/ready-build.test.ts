/**
 * What a reload with a dataset cache swaps in. A reload answers for the files' content (hashed first,
 * never found by their names, sizes and mtimes alone). A build that reaches the reloader ready-made —
 * what the check after a start found (Reloader.swapFound) — is swapped in as it is, without the files
 * being looked for and hashed again, unless something else was swapped in meanwhile.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetHolder } from '../../src/dataset/dataset-holder.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { silentLogger } from '../../src/logger.js';
import { Reloader, type ReloadAuditEntry } from '../../src/reload/reloader.js';
import { cacheDir, cleanupCaches } from '../helpers/build-cache.js';
import { oneEventFile, writeDataset } from '../helpers/dataset-fixture.js';

afterAll(cleanupCaches);

const EVENT = (title: string): string => oneEventFile('checked', title);

const OWNER = { platform: 'console', userId: 'o', displayName: 'owner' } as const;
const CHECK = { platform: 'system', userId: 'check', displayName: 'content check' } as const;
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

describe('a reload with a dataset cache', () => {
	it('answers for the files’ content: a file rewritten with the same size and mtime is swapped in', { timeout: 90_000 }, async () => {
		const cache = cacheDir();
		const dir = writeDataset({ 'events/checked.yaml': EVENT('Title before') });
		const file = path.join(dir, 'events/checked.yaml');
		// Whole seconds, so that the mtime can be put back exactly as it was.
		const mtime = new Date('2025-07-01T12:00:00Z');
		utimesSync(file, mtime, mtime);
		const { holder, reloader } = reloaderOver(await load(dir, cache), dir, cache);
		// The same length, and the mtime put back: as a copy that keeps times can leave a file. The
		// sidecar's names, sizes and mtimes still match; a start would answer from them and check after.
		writeFileSync(file, EVENT('Title after!'));
		utimesSync(file, mtime, mtime);
		const r = await reloader.reload({ requester: OWNER, trigger: 'command' });
		expect(r.ok && r.result).toBe('swapped');
		expect(holder.current().event('checked')?.title).toBe('Title after!');
	});
});

describe('a build ready for the reloader (swapFound)', () => {
	it('is swapped in as it is while what it replaces is served; once something else was, the files decide', async () => {
		const dir = writeDataset({ 'events/checked.yaml': EVENT('The files say this') });
		const served = await load(dir);
		const { holder, reloader, audit } = reloaderOver(served, dir);
		// Built from other files than the reloader's: what is swapped in is this build, not a load of dir.
		const ready = await load(writeDataset({ 'events/checked.yaml': EVENT('The ready build says this') }));
		const r = await reloader.swapFound({ snapshot: ready, replaces: served.version }, CHECK);
		expect(r?.ok && r.result).toBe('swapped');
		expect(holder.current().event('checked')?.title).toBe('The ready build says this');
		// Made to replace a version no longer served: set aside, and the files loaded as they are.
		const late = await load(writeDataset({ 'events/checked.yaml': EVENT('A late build says this') }));
		const again = await reloader.swapFound({ snapshot: late, replaces: served.version }, CHECK);
		expect(again?.ok && again.result).toBe('swapped');
		expect(holder.current().event('checked')?.title).toBe('The files say this');
		expect(() => late.event('checked')).toThrow();
		expect(audit.map((e) => [e.trigger, e.requester.userId, e.result])).toEqual([
			['watch', 'check', 'swapped'],
			['watch', 'check', 'swapped'],
		]);
	});

	it('of files already served (another reload swapped them in first): set aside, with nothing announced', async () => {
		const dir = writeDataset({ 'events/checked.yaml': EVENT('Served already') });
		const { holder, reloader, audit } = reloaderOver(await load(dir), dir);
		const same = await load(dir);
		const version = holder.current().version;
		expect(same.version).toBe(version);
		expect(await reloader.swapFound({ snapshot: same, replaces: 'an older version' }, CHECK)).toBeUndefined();
		expect(holder.current().version).toBe(version);
		expect(() => same.event('checked')).toThrow();
		expect(audit).toEqual([]);
	});
});
