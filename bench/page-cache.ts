/**
 * What the read connection's page cache size costs the commands' queries (issue #22, "Steady memory,
 * round three" in bench/README.md): the same seeded mix of lookups over a built dataset file, on a
 * fresh connection per round with `cache_size` set to each size in turn (ABAB…), counting the CPU
 * time, the wall time and the bytes SQLite read through the OS (`rchar` of /proc/self/io: a page
 * dropped from SQLite's cache is read again with pread, from the OS page cache when it is there).
 *
 *   npx tsx bench/page-cache.ts --file /tmp/sitrep-bench-cache/<version>.sqlite [--sizes 16000,4096,2048]
 *                               [--rounds 2] [--ops 3000]
 *
 * Linux only (/proc/self/io). The first round of each size warms the OS page cache; compare the last.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SqlSnapshot } from '../src/dataset/engine/sql-snapshot.js';
import { arg, round } from './lib.js';

const FILE = arg('file');
const SIZES = arg('sizes', '16000,4096,2048').split(',').map(Number);
const ROUNDS = Number(arg('rounds', '2'));
const OPS = Number(arg('ops', '3000'));

const rchar = (): number => Number(/^rchar: (\d+)/mu.exec(readFileSync('/proc/self/io', 'utf8'))![1]);

/** A small seeded generator, so every size runs the same lookups. */
function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

function once(cacheKb: number): { cpuMs: number; wallMs: number; readMb: number } {
	const db = new Database(FILE, { readonly: true, fileMustExist: true });
	db.pragma(`cache_size = ${-cacheKb}`);
	const snap = SqlSnapshot.over(db, new Date().toISOString());
	const events = snap.counts.events;
	const actors = snap.counts.actors;
	const first = snap.timelinePage({}, 1, 1).events[0]!.date.earliestDay;
	const last = snap.latest({}, 1)[0]!.date.earliestDay;
	const next = rng(1);
	const r0 = rchar();
	const c0 = process.cpuUsage();
	const t0 = performance.now();
	for (let i = 0; i < OPS; i++) {
		const kind = i % 5;
		if (kind === 0) {
			const e = snap.event(`e${1 + Math.floor(next() * events)}`);
			if (e) snap.claimsOf(e);
		} else if (kind === 1) snap.eventsOf(`a${1 + Math.floor(next() * actors)}`).slice(0, 10);
		else if (kind === 2) {
			const day = first + Math.floor(next() * (last - first));
			snap.claimsStartingBetween(day, day, {}, 300);
		} else if (kind === 3) snap.timelinePage({}, 1 + Math.floor(next() * 1000), 10);
		else snap.resolveActor(`a${1 + Math.floor(next() * actors)}`);
	}
	const wallMs = performance.now() - t0;
	const c = process.cpuUsage(c0);
	const readMb = (rchar() - r0) / 2 ** 20;
	snap.close();
	return { cpuMs: round((c.user + c.system) / 1000, 0), wallMs: round(wallMs, 0), readMb: round(readMb, 1) };
}

for (let r = 0; r < ROUNDS; r++) {
	for (const kb of SIZES) console.log(JSON.stringify({ round: r + 1, cacheKb: kb, ops: OPS, ...once(kb) }));
}
