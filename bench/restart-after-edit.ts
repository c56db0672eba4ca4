/**
 * A restart after the dataset changed, as an operator deploys an editor's fix (issue #22's "start":
 * the cold build counts for a first start; a bot that has run before answers from its last build):
 * the compiled bot as `npm start` runs it, the console chat, pictures on.
 *
 *   npx tsx bench/restart-after-edit.ts --data DIR [--cache-from DIR] [--runs 1]
 *
 * Each run copies the dataset (and, with --cache-from, a built cache) into a scratch directory,
 * starts the bot once and asks `/timeline` (so the cache knows these files), stops it, changes the
 * title of the first event of the first events file, and starts it again. It reports, for that
 * second start: the first answer (ms from spawn), when the reloader swapped the edited files in
 * (ms from spawn, from the log), the peak RSS, and the first run's answer for comparison. Linux only
 * (/proc).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { arg, BENCH_ROOT, botEnv, editFirstTitle, log, round, startScript, statusMb } from './lib.js';

const DATA = path.resolve(arg('data'));
const CACHE_FROM = arg('cache-from', '');
const RUNS = Number(arg('runs', '1'));

interface Started {
	readonly firstAnswerMs: number;
	readonly peakMb: number;
	/** From spawn to the log line of the start-up reload's swap; undefined when none came. */
	readonly swappedMs?: number;
}

/** Starts the bot on `scratch`, asks `/timeline`; with `untilSwap`, waits for the start-up reload too. */
async function startOnce(scratch: string, untilSwap: boolean): Promise<Started> {
	const { env: scriptEnv, nodeArgs } = startScript();
	const started = performance.now();
	const bot = spawn(process.execPath, [...nodeArgs, path.join(BENCH_ROOT, 'bin/sitrep.js'), 'start'], {
		env: botEnv(scratch, scriptEnv),
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let out = '';
	let err = '';
	let swappedMs: number | undefined;
	bot.stdout.on('data', (b: Buffer) => (out += b.toString()));
	bot.stderr.on('data', (b: Buffer) => {
		err += b.toString();
		if (swappedMs === undefined && /"trigger":"watch","result":"swapped"/u.test(err)) swappedMs = performance.now() - started;
	});
	const exited = new Promise<void>((resolve) => bot.once('exit', () => resolve()));
	const until = async (done: () => boolean): Promise<void> => {
		while (!done()) {
			if (bot.exitCode !== null) throw new Error(`the bot exited: ${err.slice(-2000)}`);
			await sleep(50);
		}
	};
	bot.stdin.write('/timeline\n');
	await until(() => /\n\n$/u.test(out));
	const firstAnswerMs = performance.now() - started;
	if (untilSwap) await until(() => swappedMs !== undefined);
	const peakMb = statusMb(bot.pid!, 'VmHWM');
	bot.stdin.end();
	bot.kill('SIGTERM');
	await exited;
	return { firstAnswerMs: round(firstAnswerMs), peakMb, ...(swappedMs !== undefined ? { swappedMs: round(swappedMs) } : {}) };
}

async function run(): Promise<{ first: Started; restart: Started }> {
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'sitrep-restart-'));
	try {
		const data = path.join(scratch, 'data');
		cpSync(DATA, data, { recursive: true });
		if (CACHE_FROM) cpSync(CACHE_FROM, path.join(scratch, 'cache'), { recursive: true, filter: (src) => !/\.use-\d+$/u.test(src) });
		const first = await startOnce(scratch, false);
		editFirstTitle(data);
		const restart = await startOnce(scratch, true);
		return { first, restart };
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}

const results = [];
for (let i = 0; i < RUNS; i++) {
	const r = await run();
	log(`run ${i + 1}: ${JSON.stringify(r)}`);
	results.push(r);
}
console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
