/**
 * The reload's stall at 1M in isolation: a thread writes a big new file at about a build's pace while
 * this thread reads pages of the live built file at random (as commands do, through pread) and
 * measures how long each read takes. `--pace on` syncs the new file as a background build does
 * (src/dataset/engine/writeback.ts); `--pace off` leaves it to the kernel's flusher, which writes out
 * what has been dirty for 30 s in one burst. The run goes on 35 s after the writer finishes, so that
 * the last burst is measured too.
 *
 *   tsx bench/writeback.child.ts --read /tmp/sitrep-bench-cache/<version>.sqlite --pace on|off [--mb 1000] [--mbps 20] [--pattern random|sequential]
 *
 * Reads are 4 KiB at random 4 KiB-aligned offsets of the whole file, one every 20 ms, with O_DIRECT:
 * each goes to the disk as a command's read of a page that is not in the page cache does (the page
 * cache is shared with everything else on the machine, so how many of a command's reads miss it
 * varies; what a miss waits for is what this measures).
 */
import { closeSync, constants, fstatSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { paceWriteback } from '../src/dataset/engine/writeback.js';
import { arg, log, reply, stats } from './lib.js';

const readFile = arg('read');
const pace = arg('pace') === 'on';
const mb = Number(arg('mb', '1000'));
const mbps = Number(arg('mbps', '20'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sitrep-writeback-'));
const out = path.join(tmp, 'new.bin');

// The writer, as a plain thread (no TypeScript needed): `mb` MiB at `mbps`, in 1 MiB pieces one
// after the other (--pattern sequential), or as 4 KiB pages at random places of a file of that size
// (--pattern random, the default: a build's b-tree pages, index sorts and temporary tables land all
// over its files, and the disk takes scattered pages far more slowly than a stream).
const pattern = arg('pattern', 'random');
const writer = new Worker(
	`const { openSync, writeSync, closeSync } = require('node:fs');
	const { out, mb, mbps, random } = require('node:worker_threads').workerData;
	const fd = openSync(out, 'w');
	const size = random ? 4096 : 1 << 20;
	const count = (mb * (1 << 20)) / size;
	const chunk = Buffer.alloc(size, 7);
	const t0 = Date.now();
	for (let i = 0; i < count; i++) {
		const at = random ? Math.floor(Math.random() * count) : i;
		writeSync(fd, chunk, 0, size, at * size);
		const ahead = t0 + ((i + 1) * size * 1000) / (mbps * (1 << 20)) - Date.now();
		if (ahead > 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ahead);
	}
	closeSync(fd);`,
	{ eval: true, workerData: { out, mb, mbps, random: pattern === 'random' } },
);
const pacer = pace ? paceWriteback(out) : undefined;
let writing = true;
const written = new Promise<void>((resolve, reject) => {
	writer.once('error', reject);
	writer.once('exit', () => {
		writing = false;
		resolve();
	});
});

const fd = openSync(readFile, constants.O_RDONLY | constants.O_DIRECT);
const pages = Math.floor(fstatSync(fd).size / 4096);
// O_DIRECT wants a buffer aligned to the disk's block; a Buffer's memory is 16-byte aligned: the
// first offset in it that the kernel accepts is used.
const buffer = Buffer.allocUnsafeSlow(4096 + 4096);
let at = 0;
for (; at < 4096; at += 16) {
	try {
		readSync(fd, buffer, at, 4096, 0);
		break;
	} catch {
		// EINVAL: not aligned; the next offset.
	}
}
if (at >= 4096) throw new Error('no aligned buffer for O_DIRECT');
const during: number[] = [];
const after: number[] = [];
let tail: number | undefined;
for (;;) {
	const t = performance.now();
	readSync(fd, buffer, at, 4096, Math.floor(Math.random() * pages) * 4096);
	(writing ? during : after).push(performance.now() - t);
	if (!writing) tail ??= performance.now();
	if (tail !== undefined && performance.now() - tail > 35_000) break;
	await sleep(20);
}
await written;
await pacer?.stop();
closeSync(fd);
const slow = (xs: number[]) => xs.filter((x) => x > 50).length;
log(`pace ${pace ? 'on' : 'off'}: ${during.length + after.length} reads, ${slow(during) + slow(after)} over 50 ms`);
reply({ pace, pattern, mb, mbps, during: stats(during), after: stats(after), over50ms: slow(during) + slow(after) });
// Last: on a file system mounted with `discard` (this machine's ext4), deleting a file of scattered
// pages discards each of its extents before unlink returns, for a minute or more at 1 GB.
rmSync(tmp, { recursive: true, force: true });
