/**
 * One dataset size, in a fresh process: the first (cold) load, peak RSS with the snapshot loaded and
 * commands answered, command latencies, then repeated loads interleaved with the JSON.parse baseline
 * (so that a busy machine slows both alike) for the ratio.
 *
 *   node --expose-gc --import tsx bench/load.child.ts --dir DIR --runs 5 --commands 300
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { loadDataset } from '../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../src/dataset/snapshot.js';
import { ask, benchCore, commandCases } from './commands.js';
import { arg, cpuMs, datasetFiles, log, median, peakRssMb, reply, round, settle, stats, type Stats } from './lib.js';

export interface LoadResult {
	readonly events: number;
	readonly actors: number;
	readonly claims: number;
	readonly sources: number;
	readonly files: number;
	readonly bytes: number;
	/** The first load in the process (interpreted code, cold caches), ms. */
	readonly coldLoadMs: number;
	/** Read + JSON.parse of every file. */
	readonly parse: Stats;
	readonly parseCpuMs: number;
	/** loadDataset: read, parse, validate, cross-check, build the snapshot, its tables and its search index. */
	readonly load: Stats;
	readonly loadCpuMs: number;
	/** Median load ÷ median parse, wall clock and process CPU time. */
	readonly ratio: number;
	readonly cpuRatio: number;
	/** Peak RSS of the process once the first load is done, MB. */
	readonly peakRssMb: number;
	/** V8 heap in use then (live data and garbage not yet collected), MB. */
	readonly heapUsedMb: number;
	/** Peak RSS after every command case has run too, MB. */
	readonly peakRssAfterCommandsMb: number;
	/**
	 * The first commands after the first load, every case in turn (after their warm-ups): they meet
	 * the collection of the load's garbage. Pooled over all cases.
	 */
	readonly afterLoad: Stats;
	/** Per case, once the load's garbage is collected: the steady state of a running bot. */
	readonly commands: Record<string, Stats>;
}

const dir = arg('dir');
const runs = Number(arg('runs', '5'));
/** Rounds of every case measured right after the load (ten cases: 100 samples). */
const AFTER_LOAD_ROUNDS = 10;
const commandRuns = Number(arg('commands', '300'));
// As SITREP_SEARCH_WORKER: where the search index is built during the load.
const files = datasetFiles(dir);

async function parseAll(): Promise<unknown[]> {
	const out: unknown[] = [];
	for (const f of files) out.push(JSON.parse(await readFile(f, 'utf8')));
	return out;
}

async function load(): Promise<DatasetSnapshot> {
	const r = await loadDataset(dir, { maxFiles: 1_000_000, cacheDir: mkdtempSync(path.join(tmpdir(), 'sitrep-bench-build-')) });
	if (!r.ok) throw new Error(`the synthetic dataset does not load: ${JSON.stringify(r.errors.slice(0, 3))}`);
	return r.snapshot;
}

let t = performance.now();
let snapshot = await load();
const coldLoadMs = performance.now() - t;
const peak = peakRssMb();
const heapUsedMb = round(process.memoryUsage().heapUsed / 1048576, 1);
log(`${[...snapshot.eachEvent()].length} events: cold load ${coldLoadMs.toFixed(0)} ms, peak RSS ${peak} MB`);

// Command latencies, in process, through the dispatcher, on a snapshot warmed as the bot's start
// does (app.ts): the on-first-use indexes built before anyone asks.
const core = benchCore(() => snapshot);
const cases = commandCases(snapshot);
for (const c of cases) for (let i = 0; i < 5; i++) await ask(core, c.line(i)); // warm-up
// Right after a load: the collector is still marking a heap that just grew by the whole snapshot
// (incremental steps paid by allocation, then a final pause), and the commands pay for it.
const first: number[] = [];
for (let i = 0; i < AFTER_LOAD_ROUNDS; i++) {
	for (const c of cases) {
		const s = performance.now();
		await ask(core, c.line(1000 + i));
		first.push(performance.now() - s);
	}
}
// Then the steady state, as a few seconds after a start or a reload: the load's garbage collected.
// run.ts starts this child with --expose-gc; without it the first cases below still meet that work.
// A full collection also throws away optimized code that refers to objects it freed (V8's "weak
// objects" deoptimization: the loader's functions, and some search kernels), so each case warms up
// again after it, as it would within a few queries in a running bot.
if (!(await settle())) log("no --expose-gc: the first command cases below may meet the collection of the load's garbage");
const commands: Record<string, Stats> = {};
for (const c of cases) {
	for (let i = 0; i < 5; i++) await ask(core, c.line(i)); // warm-up after the collection
	const samples: number[] = [];
	for (let i = 0; i < commandRuns; i++) {
		const line = c.line(i);
		const s = performance.now();
		await ask(core, line);
		samples.push(performance.now() - s);
	}
	commands[c.name] = stats(samples);
}
const peakAfterCommands = peakRssMb();
log(`${[...snapshot.eachEvent()].length} events: commands done, peak RSS ${peakAfterCommands} MB`);

// Load vs parse, interleaved.
const parseWall: number[] = [];
const parseCpu: number[] = [];
const loadWall: number[] = [];
const loadCpu: number[] = [];
for (let r = 0; r < runs; r++) {
	let c = process.cpuUsage();
	t = performance.now();
	// The parsed values stay alive until the timing is taken, as a loaded snapshot does.
	const parsed = await parseAll();
	parseWall.push(performance.now() - t);
	parseCpu.push(cpuMs(c));
	parsed.length = 0;
	c = process.cpuUsage();
	t = performance.now();
	snapshot = await load();
	loadWall.push(performance.now() - t);
	loadCpu.push(cpuMs(c));
}
log(
	`${[...snapshot.eachEvent()].length} events: load median ${median(loadWall).toFixed(0)} ms, parse median ${median(parseWall).toFixed(0)} ms`,
);

const result: LoadResult = {
	events: [...snapshot.eachEvent()].length,
	actors: [...snapshot.eachActor()].length,
	claims: [...snapshot.eachClaim()].length,
	sources: [...snapshot.eachSource()].length,
	files: files.length,
	bytes: (await Promise.all(files.map((f) => readFile(f)))).reduce((n, b) => n + b.length, 0),
	coldLoadMs: round(coldLoadMs),
	parse: stats(parseWall),
	parseCpuMs: round(median(parseCpu)),
	load: stats(loadWall),
	loadCpuMs: round(median(loadCpu)),
	ratio: round(median(loadWall) / median(parseWall)),
	cpuRatio: round(median(loadCpu) / median(parseCpu)),
	peakRssMb: peak,
	heapUsedMb,
	peakRssAfterCommandsMb: peakAfterCommands,
	afterLoad: stats(first),
	commands,
};
reply(result);
