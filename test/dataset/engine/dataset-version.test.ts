/**
 * The dataset's version worked out without loading (engine/dataset-version.ts): the same as the
 * loader's, and undefined for a file the loader would refuse for its size.
 */
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetVersion } from '../../../src/dataset/engine/dataset-version.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { cleanupDatasets, writeDataset } from '../../helpers/dataset-fixture.js';

const outside = path.join(tmpdir(), `sitrep-outside-${process.pid}.yaml`);
afterAll(() => {
	cleanupDatasets();
	rmSync(outside, { force: true });
});

// 'pool' streams the files through libuv's pool; 'thread' reads them on the calling thread (a worker of low priority).
describe.each(['pool', 'thread'] as const)('datasetVersion, reads on the %s', (reads) => {
	it("is the loader's version, the files streamed through the hash", async () => {
		const dir = writeDataset({ 'events/big.yaml': `events: []\n# ${'x'.repeat(600 * 1024)}\n` });
		const loaded = await loadDataset(dir);
		if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
		expect(await datasetVersion(dir, {}, reads)).toBe(loaded.snapshot.version);
	});

	it('is undefined when a file passes the size limit, or lies outside the directory', async () => {
		const dir = writeDataset({ 'events/big.yaml': `events: []\n# ${'x'.repeat(64 * 1024)}\n` });
		expect(await datasetVersion(dir, { maxFileBytes: 32 * 1024 }, reads)).toBeUndefined();
		writeFileSync(outside, 'events: []\n');
		const linked = writeDataset();
		symlinkSync(outside, path.join(linked, 'events', 'linked.yaml'));
		expect(await datasetVersion(linked, {}, reads)).toBeUndefined();
	});
});
