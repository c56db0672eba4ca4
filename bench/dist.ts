/**
 * The bot as it is shipped, started again and again: how long until the first answer, how much
 * memory it holds once settled, how much each Discord shard process holds, and how long a worker
 * thread takes to start. Compares running through tsx with running what `tsc` built (issue #23,
 * "Compiled for production"); bench/README.md "Compiled for production" has the figures.
 *
 *   npx tsx bench/dist.ts [--runs 5] [--only ask,console,shards,workers] [--workers source|dist|both]
 *                         [--settle-ms 5000] [--json FILE]
 *
 * - ask: `node bin/sitrep.js ask "/timeline limit:3"` (what `npx sitrep ask` runs) until it exits.
 * - console: package.json's `start` script, as npm would run it (`sh -c`, node_modules/.bin on the
 *   PATH; npm's own process is left out), with no tokens: the console chat on the demo story, fed
 *   `/timeline limit:3` on stdin until the reply and its picture are printed; then, after
 *   `--settle-ms`, the resident memory of every node process of the tree.
 * - shards: the same script with SITREP_SHARDS=2 against the Discord stand-in (test/helpers) on
 *   127.0.0.1, until "Discord shards started"; one /timeline on each shard; after `--settle-ms`, the
 *   resident memory of each shard process and of the parent.
 * - workers: in a fresh process each run, the render worker (renderPngOffThread: first picture,
 *   which starts the worker, then a second one on the running worker) and the build worker
 *   (buildDataset of the demo story into an empty cache directory, twice, each a new worker),
 *   imported from src/ under tsx (`source`) or from dist/ with plain node (`dist`).
 *
 * CPU time is given beside wall time: on a shared machine the wall time swings with the load, the CPU
 * a start costs much less. Every figure is a median over the runs with its range.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiscordStandIn, GUILD, shardOfGuild, user } from '../test/helpers/discord-stand-in.js';
import { arg, median, round } from './lib.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(arg('runs', '5'));
const ONLY = new Set(arg('only', 'ask,console,shards,workers').split(','));
const WORKERS = arg('workers', 'both');
const SETTLE_MS = Number(arg('settle-ms', '5000'));
const JSON_OUT = arg('json', '');
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || '100');

/** Environment with nothing of the caller's sitrep settings: no tokens, a scratch store and image directory. */
function cleanEnv(scratch: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!/^(SITREP_|DISCORD_|TELEGRAM_|DATABASE_URL|NODE_OPTIONS|LOG_LEVEL)/u.test(k)) env[k] = v;
	}
	return {
		...env,
		PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env['PATH'] ?? ''}`,
		SITREP_DB: path.join(scratch, 'sitrep.db'),
		SITREP_IMAGE_DIR: path.join(scratch, 'images'),
		SITREP_CONSOLE_HISTORY: path.join(scratch, 'history'),
		...extra,
	};
}

interface Proc {
	readonly pid: number;
	readonly ppid: number;
	readonly rssMb: number;
	/** CPU of the process and of its children it has waited for, in ms. */
	readonly cpuMs: number;
	readonly cmdline: string;
}

function readProc(pid: number): Proc | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const rssKb = Number(/VmRSS:\s+(\d+)/u.exec(status)?.[1] ?? 0);
		const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0);
		const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
		return { pid, ppid: Number(f[1]), rssMb: rssKb / 1024, cpuMs: ticks * TICK_MS, cmdline };
	} catch {
		return undefined; // ended while we looked
	}
}

/** `root` and every process under it (Linux /proc). */
function tree(root: number): Proc[] {
	const all = readdirSync('/proc')
		.filter((e) => /^\d+$/u.test(e))
		.flatMap((e) => readProc(Number(e)) ?? []);
	const out = all.filter((p) => p.pid === root);
	for (let i = 0; i < out.length; i++) out.push(...all.filter((p) => p.ppid === out[i]!.pid));
	return out;
}

const isNode = (p: Proc): boolean => p.cmdline.startsWith(process.execPath) || /^node\s/u.test(p.cmdline);

/** The `start` script of package.json, run as npm runs it but with `exec`, so the pid is the script's. */
function startScript(env: NodeJS.ProcessEnv): ChildProcess {
	const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
		'start'
	]!;
	return spawn('sh', ['-c', `exec ${script}`], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function until(what: string, predicate: () => boolean, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!predicate()) {
		if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}) before ${what}`);
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(10);
	}
}

async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	if ((await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)])) === false) child.kill('SIGKILL');
}

/** Resident memory after a quiet spell: the median of three samples a second apart. */
async function settledRss(pids: () => Proc[]): Promise<Map<number, number>> {
	await sleep(SETTLE_MS);
	const samples: Proc[][] = [];
	for (let i = 0; i < 3; i++) {
		samples.push(pids());
		if (i < 2) await sleep(1000);
	}
	const out = new Map<number, number>();
	for (const p of samples[0]!) out.set(p.pid, median(samples.map((s) => s.find((q) => q.pid === p.pid)?.rssMb ?? p.rssMb)));
	return out;
}

type Sample = Record<string, number>;

async function askOnce(): Promise<Sample> {
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'sitrep-bench-dist-'));
	try {
		const t0 = performance.now();
		const r = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %M', process.execPath, 'bin/sitrep.js', 'ask', '/timeline limit:3'], {
			cwd: ROOT,
			env: cleanEnv(scratch),
			encoding: 'utf8',
		});
		const wallMs = performance.now() - t0;
		const m = /TIME ([\d.]+) ([\d.]+) (\d+)/u.exec(r.stderr);
		if (r.status !== 0 || !m || !r.stdout.includes('Timeline')) throw new Error(`ask failed (${r.status}):\n${r.stderr}`);
		return { wallMs, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, peakRssMb: Number(m[3]) / 1024 };
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}

async function consoleOnce(): Promise<Sample> {
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'sitrep-bench-dist-'));
	const t0 = performance.now();
	const child = startScript(cleanEnv(scratch));
	let out = '';
	child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr!.resume();
	try {
		child.stdin!.write('/timeline limit:3\n');
		await until('the first answer', () => out.includes('## Timeline') && out.includes('[image saved'), child);
		const answerMs = performance.now() - t0;
		const cpuMs = tree(child.pid!).reduce((s, p) => s + p.cpuMs, 0);
		const rss = await settledRss(() => tree(child.pid!).filter(isNode));
		const nodes = tree(child.pid!).filter(isNode);
		// The bot: the process that runs the CLI (under the tsx command, its child); the tree: every node process.
		const bot = nodes.find((p) => /cli\.(ts|js)|bin\/sitrep\.js/u.test(p.cmdline) && !/tsx\/dist\/cli|\.bin\/tsx/u.test(p.cmdline));
		return {
			answerMs,
			cpuMs,
			botRssMb: rss.get(bot?.pid ?? -1) ?? NaN,
			treeRssMb: [...rss.values()].reduce((s, v) => s + v, 0),
			processes: nodes.length,
		};
	} finally {
		child.stdin!.end();
		await stop(child);
		rmSync(scratch, { recursive: true, force: true });
	}
}

/** The first guild id from GUILD that Discord routes to `shard` of `count`. */
function guildForShard(shard: number, count: number): string {
	let id = BigInt(GUILD);
	while (shardOfGuild(id.toString(), count) !== shard) id += 1n << 22n;
	return id.toString();
}

async function shardsOnce(): Promise<Sample> {
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'sitrep-bench-dist-'));
	const guilds = [guildForShard(0, 2), guildForShard(1, 2)];
	const standIn = await DiscordStandIn.start({ guildIds: guilds });
	const env = cleanEnv(scratch, {
		DISCORD_TOKEN: 'bench-dist-discord-token-0123456789',
		DISCORD_APP_ID: standIn.appId,
		DISCORD_API_ROOT: standIn.apiRoot,
		SITREP_SHARDS: '2',
		LOG_LEVEL: 'info',
	});
	const t0 = performance.now();
	const child = startScript(env);
	let logs = '';
	child.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
	try {
		await until('"Discord shards started"', () => logs.includes('"msg":"Discord shards started"'), child);
		const readyMs = performance.now() - t0;
		const alice = user('600000000000000001', 'alice');
		for (const [shard, guildId] of guilds.entries()) {
			const i = standIn.command({ name: 'timeline', options: { limit: 5 }, user: alice, guildId, shard });
			const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback`, 60_000);
			if (cb.body?.['type'] === 5) {
				await standIn.waitFor((c) => c.method === 'PATCH' && c.path.includes(`/${i.token}/messages/@original`), 60_000);
			}
		}
		const rss = await settledRss(() => tree(child.pid!).filter(isNode));
		const nodes = tree(child.pid!).filter(isNode);
		const shards = nodes.filter((p) => p.cmdline.includes('shard-process'));
		if (shards.length !== 2) throw new Error(`expected 2 shard processes, found ${shards.length}`);
		const shardRss = shards.map((p) => rss.get(p.pid) ?? NaN);
		const parents = nodes.filter((p) => !p.cmdline.includes('shard-process'));
		return {
			readyMs,
			shardRssMb: median(shardRss),
			parentRssMb: parents.reduce((s, p) => s + (rss.get(p.pid) ?? 0), 0),
			treeRssMb: [...rss.values()].reduce((s, v) => s + v, 0),
		};
	} finally {
		await stop(child);
		await standIn.close();
		rmSync(scratch, { recursive: true, force: true });
	}
}

/** Run in a fresh process: the render worker's start, then the build worker's, as the bot starts them. */
const WORKER_CHILD = `
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const [render, build, data] = process.argv.slice(-3);
const cpu = (since) => { const d = process.cpuUsage(since); return (d.user + d.system) / 1000; };
const { renderPngOffThread, closeImageWorkers } = await import(render);
const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#fff"/></svg>';
let c = process.cpuUsage(), t = performance.now();
await renderPngOffThread({ svg, opaque: true });
const renderFirstMs = performance.now() - t, renderFirstCpuMs = cpu(c);
t = performance.now();
await renderPngOffThread({ svg, opaque: true });
const renderNextMs = performance.now() - t;
await closeImageWorkers();
const { buildDataset } = await import(build);
const out = { renderFirstMs, renderFirstCpuMs, renderNextMs };
for (const n of [1, 2]) {
	const cache = mkdtempSync(path.join(os.tmpdir(), 'sitrep-bench-dist-cache-'));
	c = process.cpuUsage(); t = performance.now();
	const r = await buildDataset(data, { cacheDir: cache });
	out['build' + n + 'Ms'] = performance.now() - t;
	out['build' + n + 'CpuMs'] = cpu(c);
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	r.release();
	rmSync(cache, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(out));
`;

async function workersOnce(from: 'source' | 'dist'): Promise<Sample> {
	const base = from === 'source' ? path.join(ROOT, 'src') : path.join(ROOT, 'dist/src');
	const ext = from === 'source' ? 'ts' : 'js';
	const urls = [`images/render-png.${ext}`, `dataset/engine/build.${ext}`].map((f) => pathToFileURL(path.join(base, f)).href);
	const execArgv = from === 'source' ? ['--import', 'tsx'] : [];
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'sitrep-bench-dist-'));
	try {
		const script = path.join(scratch, 'workers.mjs');
		writeFileSync(script, WORKER_CHILD);
		const r = spawnSync(process.execPath, [...execArgv, script, ...urls, path.join(ROOT, 'data')], {
			cwd: ROOT,
			encoding: 'utf8',
			env: cleanEnv(scratch),
		});
		if (r.status !== 0) throw new Error(`worker child failed (${r.status}):\n${r.stderr}`);
		return JSON.parse(r.stdout) as Sample;
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}

interface Summary {
	readonly median: number;
	readonly min: number;
	readonly max: number;
}

function summarise(samples: readonly Sample[]): Record<string, Summary> {
	const out: Record<string, Summary> = {};
	for (const key of Object.keys(samples[0] ?? {})) {
		const v = samples.map((s) => s[key]!);
		out[key] = { median: round(median(v), 1), min: round(Math.min(...v), 1), max: round(Math.max(...v), 1) };
	}
	return out;
}

async function measure(name: string, once: () => Promise<Sample>): Promise<Record<string, Summary>> {
	const samples: Sample[] = [];
	// One run first that is not counted: it fills the disk cache (and tsx's transform cache), as any start after the first finds them.
	process.stderr.write(`${name}: warm-up`);
	await once();
	for (let i = 0; i < RUNS; i++) {
		process.stderr.write(` ${i + 1}`);
		samples.push(await once());
	}
	process.stderr.write('\n');
	return summarise(samples);
}

const results: Record<string, Record<string, Summary>> = {};
if (ONLY.has('ask')) results['ask'] = await measure('ask', askOnce);
if (ONLY.has('console')) results['console'] = await measure('console', consoleOnce);
if (ONLY.has('shards')) results['shards'] = await measure('shards', shardsOnce);
if (ONLY.has('workers')) {
	for (const from of WORKERS === 'both' ? (['source', 'dist'] as const) : [WORKERS as 'source' | 'dist']) {
		results[`workers (${from})`] = await measure(`workers (${from})`, () => workersOnce(from));
	}
}

const load = os.loadavg().map((l) => l.toFixed(1));
console.log(
	`\n${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, load ${load.join(' ')}; ${RUNS} runs each\n`,
);
console.log('| measure | median | min – max |\n| --- | ---: | --- |');
for (const [group, figures] of Object.entries(results)) {
	for (const [key, s] of Object.entries(figures)) console.log(`| ${group} ${key} | ${s.median} | ${s.min} – ${s.max} |`);
}
if (JSON_OUT) {
	writeFileSync(JSON_OUT, JSON.stringify({ at: new Date().toISOString(), node: process.version, runs: RUNS, load, results }, null, 2));
}
