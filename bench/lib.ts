/**
 * Shared pieces of the benchmarks: statistics, child processes, synthetic datasets on disk.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeSyntheticStory, type GenerateOptions } from './generate.js';

export interface Stats {
	readonly n: number;
	readonly medianMs: number;
	readonly p99Ms: number;
	readonly maxMs: number;
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function stats(samples: readonly number[]): Stats {
	const s = [...samples].sort((a, b) => a - b);
	return { n: s.length, medianMs: round(quantile(s, 0.5)), p99Ms: round(quantile(s, 0.99)), maxMs: round(s[s.length - 1] ?? 0) };
}

/** Garbage collections as V8 reports them, with when each started (performance.now time). */
export interface GcEntry {
	readonly minor: boolean;
	readonly start: number;
	readonly ms: number;
}

/**
 * Watches the process's garbage collections from now on (PerformanceObserver 'gc'; entries arrive a
 * moment after each collection, so read them after a short wait).
 */
export function watchGc(): GcEntry[] {
	const gcs: GcEntry[] = [];
	new PerformanceObserver((list) => {
		for (const e of list.getEntries())
			gcs.push({
				minor: (e as unknown as { detail: { kind: number } }).detail.kind === constants.NODE_PERFORMANCE_GC_MINOR,
				start: e.startTime,
				ms: e.duration,
			});
	}).observe({ entryTypes: ['gc'] });
	return gcs;
}

/**
 * Which commands a collection fell in: of commands timed from `starts[i]` for `samples[i]` ms, the
 * share with a collection inside, how many of those above the p99 had one, and the p99 of the
 * commands without one — what the tail would be if the collector never paused a command.
 */
export function gcInCommands(
	gcs: readonly GcEntry[],
	starts: readonly number[],
	samples: readonly number[],
): { withGcPercent: number; tailWithGc: string; p99WithoutGcMs: number } {
	const hit = samples.map((ms, i) => gcs.some((g) => g.start < starts[i]! + ms && g.start + g.ms > starts[i]!));
	const p99 = stats(samples).p99Ms;
	const tail = samples.flatMap((ms, i) => (ms >= p99 ? [hit[i]!] : []));
	const clean = samples.filter((_, i) => !hit[i]);
	return {
		withGcPercent: round((100 * hit.filter(Boolean).length) / samples.length, 1),
		tailWithGc: `${tail.filter(Boolean).length} of ${tail.length}`,
		p99WithoutGcMs: clean.length ? stats(clean).p99Ms : 0,
	};
}

export function median(samples: readonly number[]): number {
	return quantile(
		[...samples].sort((a, b) => a - b),
		0.5,
	);
}

export function round(x: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(x * f) / f;
}

/** Peak resident set size of this process so far, in MB. */
/**
 * A settled heap, as a bot has a little after a load: a forced full collection (the child must run
 * with --expose-gc; returns false without it), then a second of idle time for the collector's helper
 * threads to finish sweeping (an allocation that needs a page before then sweeps on the main thread).
 */
export async function settle(): Promise<boolean> {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) return false;
	gc();
	await sleep(1000);
	return true;
}

export function peakRssMb(): number {
	return round(process.resourceUsage().maxRSS / 1024, 1);
}

/** Process CPU time (all threads) since `since`, in ms. */
export function cpuMs(since: NodeJS.CpuUsage): number {
	const d = process.cpuUsage(since);
	return (d.user + d.system) / 1000;
}

/** Where synthetic datasets are kept between runs (regenerated when missing). */
export const BENCH_DIR = path.join(os.tmpdir(), 'sitrep-bench');

/**
 * A JSON dataset of `n` events from the seeded generator, in files of 500 events (about 470 KB,
 * under the loader's 2 MB cap), written once (streamed: a million events never sit in memory) and
 * reused. A three-script story is kept apart, in `story-<n>-seed<seed>-three`.
 */
export function datasetDir(n: number, seed = 1, options: GenerateOptions = {}): string {
	const dir = path.join(BENCH_DIR, `story-${n}-seed${seed}${options.scripts === 'three' ? '-three' : ''}`);
	const done = path.join(dir, '.complete');
	if (existsSync(done)) return dir;
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeSyntheticStory(n, seed, dir, 'json', 500, 5000, options);
	writeFileSync(done, new Date().toISOString());
	return dir;
}

/** Every file of a dataset directory, sorted, with absolute paths. */
export function datasetFiles(dir: string): string[] {
	const out: string[] = [];
	const walk = (d: string): void => {
		for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
			if (e.name.startsWith('.')) continue;
			const p = path.join(d, e.name);
			if (e.isDirectory()) walk(p);
			else out.push(p);
		}
	};
	walk(dir);
	return out;
}

/**
 * Runs a benchmark script in a fresh Node process (clean heap, clean peak RSS) and resolves with
 * the one message it sends back. Its console output goes to this process's stderr.
 */
export function runChild<T>(script: string, args: readonly string[], execArgv: readonly string[] = []): Promise<T> {
	return new Promise((resolve, reject) => {
		const child = fork(new URL(script, import.meta.url).pathname, [...args], {
			execArgv: ['--import', 'tsx', ...execArgv],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		let result: T | undefined;
		child.on('message', (m) => {
			result = m as T;
		});
		child.on('error', reject);
		child.on('exit', (code) => {
			if (result !== undefined) resolve(result);
			else reject(new Error(`${script} ${args.join(' ')} exited with ${code} and no result`));
		});
	});
}

/** Sends the child's result to the parent and lets the process end. */
export function reply(result: unknown): void {
	if (process.send) process.send(result, () => process.disconnect());
	else console.log(JSON.stringify(result, null, 2));
}

export function arg(name: string, fallback?: string): string {
	const i = process.argv.indexOf(`--${name}`);
	const v = i >= 0 ? process.argv[i + 1] : undefined;
	if (v === undefined) {
		if (fallback === undefined) throw new Error(`--${name} is required`);
		return fallback;
	}
	return v;
}

export function flag(name: string): boolean {
	return process.argv.includes(`--${name}`);
}

export function log(...parts: unknown[]): void {
	console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);
}

/** `--env NAME=VALUE,...`: environment variables a bench sets for the bot it starts. */
export function envArg(): Record<string, string> {
	return Object.fromEntries(
		arg('env', '')
			.split(',')
			.filter(Boolean)
			.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
	);
}

/** The repository's root (where bin/sitrep.js and package.json are). */
export const BENCH_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The start script's leading `NAME=VALUE`s and node flags: what `npm start` gives the process. */
export function startScript(): { env: Record<string, string>; nodeArgs: string[] } {
	const script = (JSON.parse(readFileSync(path.join(BENCH_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
		.start;
	const words = script.split(/\s+/u);
	const env: Record<string, string> = {};
	while (words[0] && /^[A-Z_]+=/u.test(words[0])) {
		const w = words.shift()!;
		env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
	}
	if (words.shift() !== 'node') throw new Error(`package.json's start script does not run node: ${script}`);
	return { env, nodeArgs: words.filter((w) => w.startsWith('--')) };
}

/** A field of /proc/PID/status (VmHWM, VmRSS…) in MB, to a tenth. Linux only. */
export function statusMb(pid: number, field: string): number {
	const kb = Number(new RegExp(`^${field}:\\s+(\\d+)`, 'mu').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
	return round(kb / 1024, 1);
}

/**
 * The environment of a bot a bench starts in `scratch`: this process's without any sitrep, platform
 * or allocator setting, then `runEnv`, then the scratch directory's dataset (`data/`), cache
 * (`cache/`), store, pictures and console history. No platform token: the console chat.
 */
export function botEnv(scratch: string, runEnv: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!/^(SITREP_|DISCORD_|TELEGRAM_|DATABASE_URL|NODE_OPTIONS|LOG_LEVEL|MALLOC_)/u.test(k)) env[k] = v;
	}
	return Object.assign(env, runEnv, {
		SITREP_DATA: path.join(scratch, 'data'),
		SITREP_DATASET_CACHE: path.join(scratch, 'cache'),
		SITREP_DB: path.join(scratch, 'sitrep.db'),
		SITREP_IMAGE_DIR: path.join(scratch, 'images'),
		SITREP_CONSOLE_HISTORY: path.join(scratch, 'history'),
	});
}

/** Puts "Edited " before the title of the first event of the first file in `data`/events: a one-event edit. */
export function editFirstTitle(data: string): void {
	const eventsDir = path.join(data, 'events');
	const file = path.join(eventsDir, readdirSync(eventsDir).sort()[0]!);
	const text = readFileSync(file, 'utf8');
	// JSON (`"title":"…`) or YAML (`title: …`, quoted or not).
	const edited = text.replace(/("title"\s*:\s*"|^\s*(?:-\s+)?title:[ \t]*["']?)/mu, '$1Edited ');
	if (edited === text) throw new Error(`no "title" to change in ${file}`);
	writeFileSync(file, edited);
}
