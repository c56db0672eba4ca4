/**
 * A reload while commands stream: a copy of the dataset is loaded and served; one events file is
 * edited (a title changed, an event added) and the real Reloader loads, diffs and swaps it while
 * commands arrive every `--every` ms, open loop. A command's wait is from when it was due to when
 * it started (time the event loop spent on the reload, or on earlier commands, counts); its
 * response time runs on to when its answer was ready. The same stream without a reload gives the
 * baseline.
 *
 *   tsx bench/reload.child.ts --dir DIR --every 2 [--first-cache DIR] [--stalls]
 *
 * --first-cache: where the first load's build is kept between runs (its version is the content
 * hash, so a later run reuses it); the reload still builds into a new cache directory, as a
 * changed dataset does. --stalls: also list the longest waits during the reload, with when they
 * came (ms after the reload started), to find which part of a reload held the main thread.
 */
import { closeSync, cpSync, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { DatasetHolder } from '../src/dataset/dataset-holder.js';
import { loadDataset } from '../src/dataset/load-dataset.js';
import { silentLogger } from '../src/logger.js';
import { Reloader } from '../src/reload/reloader.js';
import { ask, BENCH_NOW, benchCore, commandCases } from './commands.js';
import { arg, log, peakRssMb, reply, round, settle, stats, type Stats } from './lib.js';

export interface ReloadResult {
	readonly events: number;
	readonly everyMs: number;
	/** Command waits with no reload running. */
	readonly idle: Stats;
	/** Command waits while the reload ran, from its start to the swap. */
	readonly duringReload: Stats;
	/** Command waits in the 3 s after the swap, while the collector frees the previous snapshot. */
	readonly afterSwap: Stats;
	/** Response times (due → answered), the same two ways. */
	readonly idleResponse: Stats;
	readonly duringReloadResponse: Stats;
	readonly reloadMs: number;
	readonly result: string;
	readonly changed: { readonly added: number; readonly changed: number };
	readonly peakRssMb: number;
}

const source = arg('dir');
const every = Number(arg('every', '2'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sitrep-reload-'));
const dir = path.join(tmp, 'data');
cpSync(source, dir, { recursive: true });
// The copy's 947 MB (at 1M) would otherwise sit dirty in the page cache and be written out by the
// kernel's flusher some 30 s later, in one burst, in the middle of the reload's measurement: a stall
// of the bench's own making. Written out here, before anything is measured.
syncTree(dir);

// As the bot loads: built in a worker thread into a cache directory (a new one: nothing reused).
const cacheDir = path.join(tmp, 'cache');
const firstCache = process.argv.includes('--first-cache') ? arg('first-cache') : cacheDir;
const first = await loadDataset(dir, { maxFiles: 1_000_000, cacheDir: firstCache });
if (!first.ok) throw new Error('the synthetic dataset does not load');
// The baseline is a settled bot, not one still collecting its first load's garbage (run.ts starts
// this child with --expose-gc).
await settle();
log(`heap after the first load: ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB used`);
const holder = new DatasetHolder(first.snapshot);
const core = benchCore(() => holder.current());
const reloader = new Reloader({ holder, dataDir: dir, logger: silentLogger(), clock: () => BENCH_NOW, load: { cacheDir } });
// Commands that are quick on their own, so that a wait measures the reload, not a slow command
// ahead in the queue (/briefing, /event and full-text ones are measured on their own).
const cases = commandCases(first.snapshot).filter((c) => !/text|common|briefing|event/u.test(c.name));
// The cases pick their records on first use: picked here, not inside the idle measurement.
for (const c of cases) c.line(0);

/** fsync of every file under `root` (the copy of the dataset). */
function syncTree(root: string): void {
	for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
		if (!entry.isFile()) continue;
		const fd = openSync(path.join(entry.parentPath, entry.name), 'r');
		try {
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
	}
}

/** Sends a command every `every` ms until `until` resolves; returns each command's wait and response time. */
async function stream(until: Promise<unknown>): Promise<{ waits: number[]; responses: number[]; dueAt: number[] }> {
	let done = false;
	void until.then(() => (done = true));
	const waits: number[] = [];
	const responses: number[] = [];
	const dueAt: number[] = [];
	const inFlight: Promise<void>[] = [];
	const t0 = performance.now();
	let i = 0;
	while (!done) {
		const next = t0 + i * every;
		const now = performance.now();
		if (next > now) await sleep(next - now);
		else await nextTurn();
		// Every command due by now starts in this turn, as requests queued while the loop was busy
		// would all be read in one poll.
		for (; t0 + i * every <= performance.now(); i++) {
			const due = t0 + i * every;
			const c = cases[i % cases.length]!;
			waits.push(performance.now() - due);
			dueAt.push(due);
			inFlight.push(ask(core, c.line(i)).then(() => void responses.push(performance.now() - due)));
		}
	}
	await Promise.all(inFlight);
	return { waits, responses, dueAt };
}

// The counts, not a pass over every event: a million records made and dropped would grow the heap
// whose collections the waits then measure.
log(`reload: ${first.snapshot.counts.events} events, a command every ${every} ms`);
const idle = await stream(sleep(3000));

// An editor's change: one title edited and one event added, in the first events file.
const file = path.join(dir, 'events', '0000.json');
const doc = JSON.parse(readFileSync(file, 'utf8')) as { events: Record<string, unknown>[] };
doc.events[0]!['title'] = `${String(doc.events[0]!['title'])} (edited)`;
doc.events.push({ ...doc.events[1]!, id: 'event-added-by-bench', status: 'confirmed', claims: undefined, note: undefined });
writeFileSync(file, JSON.stringify(doc));

const started = performance.now();
// CLOCK_MONOTONIC seconds at the reload's start (hrtime), to match the stalls against system traces.
const startedMono = Number(process.hrtime.bigint()) / 1e9;
const reload = reloader.reload({ requester: { platform: 'system', userId: 'bench', displayName: 'bench' }, trigger: 'signal' });
const during = await stream(reload);
const outcome = await reload;
const reloadMs = performance.now() - started;
const after = await stream(sleep(3000));
if (process.argv.includes('--stalls')) {
	const all = [during, after].flatMap((s) => s.waits.map((w, k) => ({ w, at: s.dueAt[k]! - started })));
	const longest = all
		.sort((a, b) => b.w - a.w)
		.slice(0, 30)
		.sort((a, b) => a.at - b.at);
	log(`reload started at CLOCK_MONOTONIC ${startedMono.toFixed(3)} s (pid ${process.pid})`);
	for (const x of longest) log(`stall ${x.w.toFixed(1)} ms at +${x.at.toFixed(0)} ms${x.at > reloadMs ? ' (after the swap)' : ''}`);
}
if (!outcome.ok) throw new Error(`the reload failed: ${JSON.stringify(outcome.errors.slice(0, 3))}`);

const result: ReloadResult = {
	events: holder.current().counts.events,
	everyMs: every,
	idle: stats(idle.waits),
	duringReload: stats(during.waits),
	afterSwap: stats(after.waits),
	idleResponse: stats(idle.responses),
	duringReloadResponse: stats(during.responses),
	reloadMs: round(reloadMs),
	result: outcome.result,
	changed: { added: outcome.diff.events.added.length, changed: outcome.diff.events.changed.length },
	peakRssMb: peakRssMb(),
};
log(
	`reload: ${outcome.result} in ${reloadMs.toFixed(0)} ms; command wait p99 ${result.duringReload.p99Ms} ms (idle ${result.idle.p99Ms} ms)`,
);
rmSync(tmp, { recursive: true, force: true });
reply(result);
