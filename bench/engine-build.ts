/**
 * The cold build of a dataset into the SQLite engine (buildDataset: load + write in a worker thread)
 * against JSON.parse of the same files, the process's peak RSS, and the time to find an existing
 * build again (hashing every file for the version).
 *
 *   npx tsx bench/engine-build.ts --dir DIR [--cache DIR]
 *
 * Run it alone in its process: peak RSS is the whole process's (the worker thread included).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDataset, datasetVersion } from '../src/dataset/engine/build.js';
import { listDatasetFiles } from '../src/dataset/read-dataset.js';
import { arg, cpuMs, log, peakRssMb } from './lib.js';

const dir = arg('dir');
const cacheDir = arg('cache', '') || mkdtempSync(path.join(os.tmpdir(), 'sitrep-engine-cache-'));
const options = { cacheDir, maxFiles: 1_000_000, maxTotalBytes: 4 * 1024 ** 3 };

// The build first, in a fresh process: its peak RSS is the build's (the worker thread included).
let t = performance.now();
const cpu = process.cpuUsage();
const r = await buildDataset(dir, options);
const buildMs = performance.now() - t;
const buildCpu = cpuMs(cpu);
if (!r.ok) throw new Error(`the dataset does not build: ${JSON.stringify(r.errors.slice(0, 3))}`);
const buildPeak = peakRssMb();
r.release();

const files = await listDatasetFiles(dir);
t = performance.now();
const parseCpu0 = process.cpuUsage();
let bytes = 0;
for (const f of files) {
	const text = readFileSync(path.join(dir, f), 'utf8');
	bytes += text.length;
	if (f.endsWith('.json')) JSON.parse(text);
}
const parseMs = performance.now() - t;
const parseCpu = cpuMs(parseCpu0);
log(`${files.length} files, ${(bytes / 1048576).toFixed(1)} MB: read + JSON.parse ${parseMs.toFixed(0)} ms (CPU ${parseCpu.toFixed(0)} ms)`);
log(`cold build ${buildMs.toFixed(0)} ms = ${(buildMs / parseMs).toFixed(2)}× JSON.parse (CPU ${buildCpu.toFixed(0)} ms = ${(buildCpu / parseCpu).toFixed(2)}×); peak RSS ${buildPeak} MB; built=${r.built}`);

t = performance.now();
await datasetVersion(dir, options);
log(`version (hash of every file) ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
const again = await buildDataset(dir, options);
log(`warm start (hash + trust check) ${(performance.now() - t).toFixed(0)} ms; built=${again.ok && again.built}`);
if (again.ok) again.release();
if (!arg('cache', '')) rmSync(cacheDir, { recursive: true, force: true });
