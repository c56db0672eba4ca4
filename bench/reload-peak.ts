/**
 * Peak memory of the compiled bot as `npm start` runs it, through a start and a reload (issue #22,
 * "peak RSS ≤ 250 MB at 100k and ≤ 400 MB at 1M, during load and reload included"; bench/README.md,
 * "Peak memory, round five").
 *
 *   npx tsx bench/reload-peak.ts --data DIR [--cache-from DIR] [--env NAME=VALUE,...] [--runs 2] [--json FILE]
 *
 * Each run copies the dataset (and, with --cache-from, a built cache: a warm start) into a scratch
 * directory, starts `bin/sitrep.js start` with the environment and node flags of package.json's
 * `start` script (the console chat, pictures on, a fresh store), and asks `/timeline`. Once it has
 * answered it reads VmHWM (the start's peak: with no cache, the cold build's), changes the title of
 * the first event of the first events file, sends `/reload`, and samples VmRSS every 100 ms until the
 * reload has answered and three seconds more. It reports the peak of the reload (VmHWM, which the
 * kernel keeps exactly, and the highest sample with its second), the bytes the process wrote during
 * the reload (/proc/PID/io write_bytes), and the resident memory after it. `--env` adds to or
 * overrides the start script's environment (`--env MALLOC_ARENA_MAX=` leaves glibc's default).
 * Linux only (/proc).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { arg, BENCH_ROOT, botEnv, editFirstTitle, envArg, log, round, startScript, statusMb } from './lib.js';

const DATA = path.resolve(arg('data'));
const CACHE_FROM = arg('cache-from', '');
const RUNS = Number(arg('runs', '1'));
const JSON_OUT = arg('json', '');

const extraEnv = envArg();

const writtenMb = (pid: number): number =>
	Number(/^write_bytes:\s+(\d+)/mu.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN) / 1e6;

export interface ReloadPeakResult {
	readonly env: Record<string, string>;
	readonly nodeArgs: readonly string[];
	/** From spawn to the first answer printed, ms. */
	readonly firstAnswerMs: number;
	/** VmHWM once the first answer is printed: the start's peak. */
	readonly startPeakMb: number;
	readonly rssBeforeReloadMb: number;
	/** VmHWM after the reload: the peak of the whole run, which the reload's is when it is above startPeakMb. */
	readonly reloadPeakMb: number;
	/** The highest 100 ms sample of VmRSS during the reload, and when, s after `/reload`. */
	readonly reloadSampledPeakMb: number;
	readonly reloadSampledPeakAtS: number;
	readonly reloadMs: number;
	readonly reloadWriteMb: number;
	readonly rssAfterReloadMb: number;
}

async function run(): Promise<ReloadPeakResult> {
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'sitrep-reload-peak-'));
	try {
		const data = path.join(scratch, 'data');
		cpSync(DATA, data, { recursive: true });
		const cache = path.join(scratch, 'cache');
		if (CACHE_FROM) cpSync(CACHE_FROM, cache, { recursive: true, filter: (src) => !/\.use-\d+$/u.test(src) });
		const { env: scriptEnv, nodeArgs } = startScript();
		const runEnv = { ...scriptEnv, ...extraEnv };
		for (const [k, v] of Object.entries(runEnv)) if (v === '') delete runEnv[k];
		const env = botEnv(scratch, runEnv);
		const started = performance.now();
		const bot = spawn(process.execPath, [...nodeArgs, path.join(BENCH_ROOT, 'bin/sitrep.js'), 'start'], {
			env,
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		bot.stdout.on('data', (b: Buffer) => (out += b.toString()));
		bot.stderr.on('data', (b: Buffer) => (err += b.toString()));
		const exited = new Promise<void>((resolve) => bot.once('exit', () => resolve()));
		const waitFor = async (re: RegExp, from: number): Promise<void> => {
			while (!re.test(out.slice(from))) {
				if (bot.exitCode !== null) throw new Error(`the bot exited: ${err.slice(-2000)}`);
				await sleep(50);
			}
		};
		const pid = bot.pid!;
		bot.stdin.write('/timeline\n');
		await waitFor(/\n\n$/u, 0);
		const firstAnswerMs = performance.now() - started;
		const startPeakMb = statusMb(pid, 'VmHWM');
		const rssBeforeReloadMb = statusMb(pid, 'VmRSS');

		editFirstTitle(data);

		const written = writtenMb(pid);
		let peak = 0;
		let peakAt = 0;
		const reloadStarted = performance.now();
		const from = out.length;
		bot.stdin.write('/reload\n');
		const sampler = setInterval(() => {
			const rss = statusMb(pid, 'VmRSS');
			if (rss > peak) [peak, peakAt] = [rss, (performance.now() - reloadStarted) / 1000];
		}, 100);
		await waitFor(/Reloaded|reload[^\n]*\n\n$/iu, from);
		const reloadMs = performance.now() - reloadStarted;
		await sleep(3000);
		clearInterval(sampler);
		const result: ReloadPeakResult = {
			env: runEnv,
			nodeArgs,
			firstAnswerMs: round(firstAnswerMs),
			startPeakMb,
			rssBeforeReloadMb,
			reloadPeakMb: statusMb(pid, 'VmHWM'),
			reloadSampledPeakMb: peak,
			reloadSampledPeakAtS: round(peakAt, 1),
			reloadMs: round(reloadMs),
			reloadWriteMb: round(writtenMb(pid) - written),
			rssAfterReloadMb: statusMb(pid, 'VmRSS'),
		};
		if (!/Reloaded/u.test(out.slice(from))) throw new Error(`the reload did not swap: ${out.slice(from, from + 2000)}`);
		bot.stdin.end();
		bot.kill('SIGTERM');
		await exited;
		return result;
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}

const results: ReloadPeakResult[] = [];
for (let i = 0; i < RUNS; i++) {
	const r = await run();
	log(`run ${i + 1}: ${JSON.stringify(r)}`);
	results.push(r);
}
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
