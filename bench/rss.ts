/**
 * Where the compiled bot's resident memory goes once users have met it (issue #22, "Steady memory,
 * round three" in bench/README.md).
 *
 *   npx tsx bench/rss.ts [--data DIR] [--cache DIR] [--heaps] [--idle-s 40] [--json FILE]
 *                        [--env NAME=VALUE,...] [--node-args "--flag ..."]
 *
 * Starts `node bin/sitrep.js start` as a user does (dist/, no tokens: the console chat, pictures
 * on), with a fresh store so it records every event version, and feeds it a fixed set of seven
 * commands, each once its previous answer is printed. Then it reads the process's memory twice: right
 * after the last answer ("busy": what a bot in use holds) and after `--idle-s` seconds without a
 * command ("settled"), each the median of three samples a second apart:
 *
 * - VmRSS and VmHWM from /proc/PID/status; RssAnon, RssFile, RssShmem from /proc/PID/smaps_rollup;
 * - /proc/PID/smaps split by mapping: the node binary, each native addon (better-sqlite3, resvg),
 *   other shared libraries, the shipped fonts and dataset files if mapped, the main malloc arena
 *   ([heap]: SQLite's page caches, opened on the main thread), the other threads' malloc arenas
 *   (glibc reserves them 64 MB-aligned: resvg's canvases and font data in the render worker, zlib,
 *   libuv's pool), thread stacks, and the rest of the anonymous memory (V8's heaps, large mallocs);
 * - with `--heaps`, each isolate's V8 heap (main thread and every worker: render, build), read over
 *   the inspector on 127.0.0.1 (the bot runs with `--inspect=127.0.0.1:0`, which itself adds a few MB).
 *
 * Linux only (/proc). The data directory defaults to the demo story (data/); `--cache` is the built
 * dataset's directory (SITREP_DATASET_CACHE), else a scratch one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { arg, envArg, flag, median, round } from './lib.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = path.resolve(arg('data', path.join(ROOT, 'data')));
const CACHE = arg('cache', '');
const HEAPS = flag('heaps');
const IDLE_S = Number(arg('idle-s', '40'));
const JSON_OUT = arg('json', '');
const EXTRA_ENV = envArg();
const NODE_ARGS = arg('node-args', '').split(' ').filter(Boolean);

/** The commands a user sends; five of them answer with a picture. */
const COMMANDS = ['/timeline', '/timeline month:2024-03', '/actor a1', '/search energy', '/briefing', '/event e1', '/timeline text:energy'];

function cleanEnv(scratch: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!/^(SITREP_|DISCORD_|TELEGRAM_|DATABASE_URL|NODE_OPTIONS|LOG_LEVEL)/u.test(k)) env[k] = v;
	}
	return {
		...env,
		SITREP_DATA: DATA,
		SITREP_DATASET_CACHE: CACHE || path.join(scratch, 'cache'),
		SITREP_DB: path.join(scratch, 'sitrep.db'),
		SITREP_IMAGE_DIR: path.join(scratch, 'images'),
		SITREP_CONSOLE_HISTORY: path.join(scratch, 'history'),
		...EXTRA_ENV,
	};
}

const kb = (text: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'mu').exec(text)?.[1] ?? NaN);

/** One mapping of /proc/PID/smaps with its resident size. */
interface Mapping {
	readonly start: bigint;
	readonly end: bigint;
	readonly perms: string;
	readonly name: string;
	readonly rssKb: number;
}

function mappings(pid: number): Mapping[] {
	const out: Mapping[] = [];
	let cur: { start: bigint; end: bigint; perms: string; name: string; rssKb: number } | undefined;
	for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
		const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/u.exec(line);
		if (head) {
			if (cur) out.push(cur);
			cur = { start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3]!, name: head[4] ?? '', rssKb: 0 };
		} else if (cur && line.startsWith('Rss:')) cur.rssKb = Number(/(\d+)/u.exec(line)![1]);
	}
	if (cur) out.push(cur);
	return out;
}

const ARENA = 64n * 1024n * 1024n;

/** Resident MB by what a mapping is. */
function breakdown(pid: number): Record<string, number> {
	const maps = mappings(pid);
	// glibc's non-main malloc arenas: a 64 MB-aligned reservation, its used part read-write, the rest ---p.
	const arenaStarts = new Set<bigint>();
	for (let i = 0; i < maps.length; i++) {
		const m = maps[i]!;
		if (m.name !== '' || m.start % ARENA !== 0n || !m.perms.startsWith('rw')) continue;
		const next = maps[i + 1];
		const whole = next && next.start === m.end && next.perms.startsWith('---') && next.name === '' ? next.end : m.end;
		if (whole - m.start === ARENA) arenaStarts.add(m.start);
	}
	const out: Record<string, number> = {};
	const add = (k: string, rssKb: number): void => void (out[k] = (out[k] ?? 0) + rssKb / 1024);
	for (const m of maps) {
		const n = m.name;
		if (n === '[heap]') add('malloc main arena ([heap])', m.rssKb);
		else if (n === '' && arenaStarts.has(m.start)) add('malloc thread arenas', m.rssKb);
		else if (n === '' && m.perms.startsWith('---')) continue;
		else if (n === '') add('anonymous (V8 heaps, large mallocs, stacks)', m.rssKb);
		else if (n.startsWith('[stack')) add('anonymous (V8 heaps, large mallocs, stacks)', m.rssKb);
		else if (n === process.execPath || /\/bin\/node$/u.test(n)) add('file: node binary', m.rssKb);
		else if (n.endsWith('.node')) add(`file: ${path.basename(n)}`, m.rssKb);
		else if (/\.so(\.|$)/u.test(n)) add('file: shared libraries', m.rssKb);
		else if (/\.(ttf|otf)$/u.test(n)) add('file: fonts', m.rssKb);
		else if (/\.sqlite|\.db(-shm|-wal)?$/u.test(n)) add('file: databases', m.rssKb);
		else add(n.startsWith('[') ? n : 'file: other', m.rssKb);
	}
	for (const k of Object.keys(out)) out[k] = round(out[k]!, 1);
	return out;
}

function status(pid: number): Record<string, number> {
	const s = readFileSync(`/proc/${pid}/status`, 'utf8');
	const r = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
	return {
		VmRSS: kb(s, 'VmRSS') / 1024,
		VmHWM: kb(s, 'VmHWM') / 1024,
		RssAnon: kb(r, 'Anonymous') / 1024,
		RssFile: kb(s, 'RssFile') / 1024,
		RssShmem: kb(s, 'RssShmem') / 1024,
		threads: Number(/^Threads:\s+(\d+)/mu.exec(s)?.[1] ?? NaN),
	};
}

/** Per isolate: V8's used and committed heap, MB, over the inspector (main thread and every worker). */
interface IsolateHeap {
	readonly usedMb: number;
	readonly totalMb: number;
	/** Physical size of each V8 space. */
	readonly spacesMb?: Record<string, number>;
}

async function isolateHeaps(wsUrl: string): Promise<Record<string, IsolateHeap>> {
	const ws = new WebSocket(wsUrl);
	await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
	let id = 0;
	const pending = new Map<number, (r: unknown) => void>();
	const workers: { sessionId: string; title: string }[] = [];
	const workerPending = new Map<string, (r: unknown) => void>();
	ws.on('message', (data: Buffer) => {
		const msg = JSON.parse(data.toString()) as {
			id?: number;
			result?: unknown;
			method?: string;
			params?: { sessionId: string; workerInfo?: { title: string; url: string }; message?: string };
		};
		if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
		else if (msg.method === 'NodeWorker.attachedToWorker')
			workers.push({
				sessionId: msg.params!.sessionId,
				title: path.basename(msg.params!.workerInfo!.url || msg.params!.workerInfo!.title),
			});
		else if (msg.method === 'NodeWorker.receivedMessageFromWorker') {
			const inner = JSON.parse(msg.params!.message!) as { id?: number; result?: unknown };
			if (inner.id !== undefined) workerPending.get(`${msg.params!.sessionId}:${inner.id}`)?.(inner.result);
		}
	});
	const call = (method: string, params: object = {}): Promise<unknown> =>
		new Promise((resolve) => {
			const i = ++id;
			pending.set(i, resolve);
			ws.send(JSON.stringify({ id: i, method, params }));
		});
	const callWorker = (sessionId: string, method: string, params: object = {}): Promise<unknown> =>
		new Promise((resolve) => {
			const i = ++id;
			workerPending.set(`${sessionId}:${i}`, resolve);
			void call('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: i, method, params }) });
		});
	// The command line API's require gives v8.getHeapSpaceStatistics(): committed MB per space.
	const SPACES = {
		expression: `JSON.stringify(Object.fromEntries(require('v8').getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.physical_space_size / 104857.6) / 10])))`,
		includeCommandLineAPI: true,
		returnByValue: true,
	};
	const heap = async (ask: (method: string, params?: object) => Promise<unknown>): Promise<IsolateHeap> => {
		const { usedSize, totalSize } = (await ask('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
		const spaces = (await ask('Runtime.evaluate', SPACES)) as { result?: { value?: string } };
		return {
			usedMb: round(usedSize / 2 ** 20, 1),
			totalMb: round(totalSize / 2 ** 20, 1),
			...(spaces.result?.value ? { spacesMb: JSON.parse(spaces.result.value) as Record<string, number> } : {}),
		};
	};
	const out: Record<string, IsolateHeap> = { main: await heap(call) };
	await call('NodeWorker.enable', { waitForDebuggerOnStart: false });
	await sleep(500);
	for (const w of workers) out[`worker ${w.title} (${w.sessionId.slice(0, 4)})`] = await heap((m, p) => callWorker(w.sessionId, m, p));
	ws.close();
	return out;
}

async function sample(pid: number, wsUrl: string | undefined): Promise<Record<string, unknown>> {
	// Three readings a second apart, each with its split by mapping read straight after its status,
	// so the split given is the one of the median reading, not of a later moment.
	const s: { status: Record<string, number>; smaps: Record<string, number> }[] = [];
	for (let i = 0; i < 3; i++) {
		s.push({ status: status(pid), smaps: breakdown(pid) });
		if (i < 2) await sleep(1000);
	}
	const med: Record<string, number> = {};
	for (const k of Object.keys(s[0]!.status)) med[k] = round(median(s.map((x) => x.status[k]!)), 1);
	const mid = [...s].sort((a, b) => a.status['VmRSS']! - b.status['VmRSS']!)[1]!;
	return { ...med, smaps: mid.smaps, ...(wsUrl ? { heaps: await isolateHeaps(wsUrl) } : {}) };
}

async function quietOutput(child: ChildProcess, out: () => number, timeoutMs = 300_000): Promise<void> {
	const start = out();
	const end = Date.now() + timeoutMs;
	let last = start;
	let lastChange = Date.now();
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode})`);
		if (Date.now() > end) throw new Error('timed out waiting for an answer');
		await sleep(100);
		const now = out();
		if (now !== last) {
			last = now;
			lastChange = Date.now();
		} else if (now > start && Date.now() - lastChange > 1500) return;
	}
}

async function main(): Promise<void> {
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'sitrep-rss-'));
	const args = [...NODE_ARGS, ...(HEAPS ? ['--inspect=127.0.0.1:0'] : []), 'bin/sitrep.js', 'start'];
	const t0 = performance.now();
	const child = spawn(process.execPath, args, { cwd: ROOT, env: cleanEnv(scratch), stdio: ['pipe', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
	try {
		const started: Record<string, number> = {};
		for (const c of COMMANDS) {
			child.stdin!.write(`${c}\n`);
			await quietOutput(child, () => out.length);
			if (Object.keys(started).length === 0) started['firstAnswerS'] = round((performance.now() - t0) / 1000, 1);
		}
		const images = (out.match(/\[image saved/gu) ?? []).length;
		const wsUrl = HEAPS ? /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/u.exec(err)?.[0] : undefined;
		const busy = await sample(child.pid!, wsUrl);
		await sleep(IDLE_S * 1000);
		const settled = await sample(child.pid!, wsUrl);
		const result = { data: DATA, nodeArgs: NODE_ARGS, env: EXTRA_ENV, ...started, images, busy, settled };
		console.log(JSON.stringify(result, null, 1));
		if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(result, null, 1));
	} catch (e) {
		process.stderr.write(`${err.slice(-3000)}\n${out.slice(-2000)}\n`);
		throw e;
	} finally {
		child.stdin!.end();
		if (child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await Promise.race([exited, sleep(20_000).then(() => child.kill('SIGKILL'))]);
		}
		rmSync(scratch, { recursive: true, force: true });
	}
}

await main();
