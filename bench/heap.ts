/**
 * What a loaded snapshot holds in memory: one load, a forced full collection, then the V8 heap in
 * use, the memory outside it (typed arrays), RSS and the process's peak RSS; optionally a heap
 * snapshot to open in Chrome DevTools (Memory tab) to see which objects hold it.
 *
 *   node --expose-gc --import tsx bench/heap.ts --dir DIR [--search-worker auto|on|off] [--snapshot FILE.heapsnapshot]
 *
 * The directory is a dataset, e.g. one that `npm run bench` generated under $TMPDIR/sitrep-bench/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { loadDataset } from '../src/dataset/load-dataset.js';
import { arg, log, peakRssMb } from './lib.js';

const dir = arg('dir');
const worker = arg('search-worker', 'auto');
const file = arg('snapshot', '');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/heap.ts …: the numbers are taken after a forced collection');

const r = await loadDataset(dir, { maxFiles: 1_000_000, cacheDir: mkdtempSync(path.join(tmpdir(), 'sitrep-bench-build-')) });
if (!r.ok) throw new Error(`the dataset does not load: ${JSON.stringify(r.errors.slice(0, 3))}`);
const peak = peakRssMb();
gc();
gc();
const m = process.memoryUsage();
const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
log(`${[...r.snapshot.eachEvent()].length} events (search worker: ${worker}): peak RSS during the load ${peak} MB`);
log(
	`after a full collection: V8 heap in use ${mb(m.heapUsed)}, outside it ${mb(m.external)} (typed arrays ${mb(m.arrayBuffers)}), RSS ${mb(m.rss)}`,
);
for (const s of v8.getHeapSpaceStatistics()) if (s.space_used_size > 1048576) log(`  ${s.space_name}: ${mb(s.space_used_size)}`);
if (file) log(`heap snapshot written to ${v8.writeHeapSnapshot(file)}`);
