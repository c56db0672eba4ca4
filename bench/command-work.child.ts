/**
 * The work each command does, counted rather than timed: the bot as users.child.ts composes it
 * (createApp over a built file, pictures off), the same cases, each line through Core.handle, and per
 * command the SQL statements run, the rows they returned, the records parsed (`JSON.parse`), the read
 * system calls the process made (SQLite reads a page per call when its own cache misses: the pages
 * read, from the page cache or the disk) and the bytes the disk gave (`/proc/self/io` read_bytes: 0
 * when every page was in the page cache), and the process CPU time. Wall times are printed too, but on
 * a shared machine the counts are what compare two trees.
 *
 *   node --expose-gc --import tsx bench/command-work.child.ts --events 1000000 --commands 300
 *     --cache /tmp/sitrep-bench-cache [--only briefing,actor] [--statements]
 *
 * --statements lists, per case, the statements by total time with their counts and pages read (the
 * per-statement counts read /proc/self/io around each statement: slower, but the sums still hold).
 * --profile DIR writes a V8 CPU profile of each case's measured runs only (not the start or the
 * picking of arguments) into DIR, and prints where its samples fell (profile-summary.ts).
 * --allocations N prints, per case, the N functions that allocated most in its measured runs (V8's
 * sampling heap profiler: what was allocated, live or not, KB a command), and the same allocations by
 * the module that asked for them (a native call's — JSON.parse, a statement's rows — put down to its
 * caller).
 *
 * Every run also reports the heap bytes a command allocated, exactly: the growth of V8's used heap
 * across the command, over the commands no collection fell in (a collection frees, so those are left
 * out), less what reading the heap's figures itself allocates; and the scavenges per 100 commands.
 */
import { mkdirSync, readSync, openSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import Database from 'better-sqlite3';
import type { Requester } from '../src/core/command.js';
import { commandCases } from './commands.js';
import { benchApp } from './bench-app.js';
import { arg, datasetDir, gcInCommands, log, reply, round, watchGc } from './lib.js';
import {
	allocationsByFunction,
	allocationsByModule,
	summariseProfile,
	type CpuProfile,
	type SamplingHeapProfile,
} from './profile-summary.js';

const events = arg('events', '');
const dir = arg('dir', events ? datasetDir(Number(events)) : '');
if (!dir) throw new Error('--events N or --dir DIR is required');
const runs = Number(arg('commands', '300'));
const perStatement = process.argv.includes('--statements');
const only = arg('only', '')
	.split(',')
	.map((w) => w.trim())
	.filter(Boolean);
const cache = arg('cache', path.join(os.tmpdir(), 'sitrep-bench-cache'));
const profileDir = arg('profile', '');
const allocations = Number(arg('allocations', '0'));
const inspector = profileDir || allocations ? new Session() : undefined;
if (inspector) inspector.connect();
if (inspector && profileDir) {
	mkdirSync(profileDir, { recursive: true });
	await inspector.post('Profiler.enable');
	// 100 µs: a command of a millisecond or two gets 10–20 samples.
	await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
}
if (inspector && allocations) await inspector.post('HeapProfiler.enable');

// /proc/self/io, read through one descriptor (each read is itself one read call, taken off below).
const ioFd = openSync('/proc/self/io', 'r');
const ioBuf = Buffer.alloc(512);
function io(): { syscr: number; readBytes: number } {
	const n = readSync(ioFd, ioBuf, 0, ioBuf.length, 0);
	const text = ioBuf.toString('latin1', 0, n);
	return { syscr: Number(/syscr: (\d+)/u.exec(text)![1]), readBytes: Number(/^read_bytes: (\d+)/mu.exec(text)![1]) };
}

// Garbage collections, as V8 reports them (young-generation scavenges and full mark-compacts).
const gcs = watchGc();

const counter = { statements: 0, rows: 0, parses: 0 };
const bySql = new Map<string, { count: number; ms: number; reads: number; rows: number }>();
const proto = Database.prototype as unknown as { prepare: (sql: string) => Database.Statement };
const prepare = proto.prepare;
const wrapped = new WeakSet<object>();
proto.prepare = function (this: Database.Database, sql: string) {
	const st = prepare.call(this, sql);
	const sproto = Object.getPrototypeOf(st) as Record<string, unknown>;
	if (!wrapped.has(sproto)) {
		wrapped.add(sproto);
		for (const m of ['get', 'all', 'run', 'iterate'] as const) {
			const orig = sproto[m] as (...a: unknown[]) => unknown;
			sproto[m] = function (this: Database.Statement, ...a: unknown[]) {
				counter.statements++;
				const before = perStatement ? io().syscr : 0;
				const t = perStatement ? performance.now() : 0;
				const out = orig.apply(this, a);
				const rows = Array.isArray(out) ? out.length : out === undefined ? 0 : 1;
				counter.rows += rows;
				if (perStatement) {
					const reads = io().syscr - before - 1;
					const s = bySql.get(this.source) ?? { count: 0, ms: 0, reads: 0, rows: 0 };
					s.count++;
					s.ms += performance.now() - t;
					s.reads += reads;
					s.rows += rows;
					bySql.set(this.source, s);
				}
				return out;
			};
		}
	}
	return st;
};
const parse = JSON.parse;
JSON.parse = function (...a: Parameters<typeof JSON.parse>) {
	counter.parses++;
	return parse.apply(JSON, a) as unknown;
};

const app = await benchApp(dir, cache, false);
// Measured once a fast start's check of the files has ended, as users.child.ts does.
await app.checked;
const REQUESTER: Requester = { platform: 'console', userId: 'bench', displayName: 'bench', isChannelAdmin: false, isOwner: false };
const ask = async (line: string): Promise<void> => {
	const r = await app.core.handle({ line, requester: REQUESTER, place: { platform: 'console', channelId: 'bench', kind: 'console' } });
	if (r.outcome.kind !== 'ok') throw new Error(`${line}: ${r.outcome.kind}`);
};
await ask('/timeline limit:5');

interface Sample {
	readonly line: string;
	readonly start: number;
	readonly ms: number;
	readonly cpuMs: number;
	readonly statements: number;
	readonly rows: number;
	readonly parses: number;
	readonly reads: number;
	readonly diskKb: number;
	/** Heap bytes allocated, KB; NaN when a collection fell in the command. */
	readonly heapKb: number;
}

// What reading the used heap twice allocates by itself (its result object), taken off each command's growth.
const usedHeap = (): number => v8.getHeapStatistics().used_heap_size;
const heapProbe = (() => {
	let least = Infinity;
	for (let i = 0; i < 50; i++) {
		const g = gcs.length;
		const a = usedHeap();
		const b = usedHeap();
		if (gcs.length === g && b >= a) least = Math.min(least, b - a);
	}
	return Number.isFinite(least) ? least : 0;
})();
const q = (xs: number[], p: number): number => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
};
const mean = (xs: number[]): number => round(xs.reduce((a, b) => a + b, 0) / xs.length, 1);
const result: Record<string, Record<string, unknown>> = {};
for (const c of commandCases(app.holder.current()).filter((c) => only.length === 0 || only.some((w) => c.name.includes(w)))) {
	// As users.child.ts: three lines first (the first line of a case picks the records it rotates through).
	for (let i = 0; i < 3; i++) await ask(c.line(i));
	bySql.clear();
	const samples: Sample[] = [];
	await new Promise((resolve) => setTimeout(resolve, 100));
	const gc0 = gcs.length;
	if (inspector && profileDir) await inspector.post('Profiler.start');
	// Every allocation of 4 KB on average is sampled (and those kept: what was allocated, not what lived).
	if (inspector && allocations)
		await inspector.post('HeapProfiler.startSampling', {
			samplingInterval: 4096,
			includeObjectsCollectedByMajorGC: true,
			includeObjectsCollectedByMinorGC: true,
		});
	for (let i = 0; i < runs; i++) {
		const line = c.line(i);
		const before = { ...counter };
		const io0 = io();
		const cpu0 = process.cpuUsage();
		const gcBefore = gcs.length;
		const heap0 = usedHeap();
		const t = performance.now();
		await ask(line);
		const ms = performance.now() - t;
		const heap1 = usedHeap();
		const cpu = process.cpuUsage(cpu0);
		const io1 = io();
		samples.push({
			line,
			start: t,
			ms,
			cpuMs: (cpu.user + cpu.system) / 1000,
			statements: counter.statements - before.statements,
			rows: counter.rows - before.rows,
			parses: counter.parses - before.parses,
			reads: io1.syscr - io0.syscr - 1,
			diskKb: (io1.readBytes - io0.readBytes) / 1024,
			// The gc entries arrive after the collection, so one in this command may show only at the next check:
			// a command whose heap shrank had one too.
			heapKb: gcs.length === gcBefore && heap1 >= heap0 ? (heap1 - heap0 - heapProbe) / 1024 : NaN,
		});
	}
	let profile: Record<string, number> | undefined;
	await new Promise((resolve) => setTimeout(resolve, 100));
	const ofCase = gcs.slice(gc0);
	const pauses = (minor: boolean) => {
		const xs = ofCase.filter((g) => g.minor === minor).map((g) => g.ms);
		return { count: xs.length, totalMs: round(xs.reduce((a, b) => a + b, 0)), maxMs: round(Math.max(0, ...xs)) };
	};
	const gc = { scavenges: pauses(true), full: pauses(false) };
	let allocated: Record<string, number> | undefined;
	let allocatedByModule: Record<string, number> | undefined;
	if (inspector && allocations) {
		const { profile: p } = (await inspector.post('HeapProfiler.stopSampling')) as { profile: SamplingHeapProfile };
		allocated = allocationsByFunction(p, runs, allocations);
		allocatedByModule = allocationsByModule(p, runs);
	}
	if (inspector && profileDir) {
		const { profile: p } = (await inspector.post('Profiler.stop')) as { profile: CpuProfile };
		writeFileSync(
			path.join(profileDir, `${c.name.replace(/[^a-z0-9]+/giu, '-').replace(/^-|-$/gu, '')}.cpuprofile`),
			JSON.stringify(p),
		);
		profile = summariseProfile(p, runs);
	}
	const col = (k: keyof Omit<Sample, 'line' | 'start'>) => {
		const xs = samples.map((s) => s[k]).filter((x) => !Number.isNaN(x));
		return {
			mean: mean(xs),
			median: round(q(xs, 0.5), 2),
			p90: round(q(xs, 0.9), 2),
			p99: round(q(xs, 0.99), 2),
			max: round(Math.max(...xs), 2),
		};
	};
	const summary = {
		statements: col('statements'),
		rows: col('rows'),
		parses: col('parses'),
		reads: col('reads'),
		diskKb: col('diskKb'),
		cpuMs: col('cpuMs'),
		ms: col('ms'),
		heapKb: { ...col('heapKb'), commands: samples.filter((s) => !Number.isNaN(s.heapKb)).length },
		gc: {
			...gc,
			scavengesPer100: round((gc.scavenges.count * 100) / runs, 1),
			...gcInCommands(
				gcs,
				samples.map((s) => s.start),
				samples.map((s) => s.ms),
			),
		},
		slowest: [...samples]
			.sort((a, b) => b.ms - a.ms)
			.slice(0, 5)
			.map(({ start: _, ...s }) => ({ ...s, ms: round(s.ms), cpuMs: round(s.cpuMs), heapKb: round(s.heapKb) })),
		...(profile ? { profile } : {}),
		...(allocated ? { allocated } : {}),
		...(allocatedByModule ? { allocatedByModule } : {}),
		...(perStatement
			? {
					bySql: [...bySql.entries()]
						.sort((a, b) => b[1].ms - a[1].ms)
						.slice(0, 12)
						.map(([sql, s]) => ({ sql: sql.replace(/\s+/gu, ' ').slice(0, 240), ...s, ms: round(s.ms) })),
				}
			: {}),
	};
	result[c.name] = summary;
	if (profile) log(`${c.name}: profile ms a command ${JSON.stringify(profile)}`);
	if (allocated) log(`${c.name}: allocated KB a command ${JSON.stringify(allocated)}`);
	if (allocatedByModule) log(`${c.name}: allocated KB a command by module ${JSON.stringify(allocatedByModule)}`);
	log(
		`${c.name}: statements ${summary.statements.mean}, rows ${summary.rows.mean}, parses ${summary.parses.mean}, reads ${summary.reads.mean} (p99 ${summary.reads.p99}), disk ${summary.diskKb.mean} kB, cpu ${summary.cpuMs.median}/${summary.cpuMs.p99} ms, wall ${summary.ms.median}/${summary.ms.p99} ms, heap ${summary.heapKb.mean} KB a command (median ${summary.heapKb.median}, of ${summary.heapKb.commands}), scavenges ${gc.scavenges.count} (${summary.gc.scavengesPer100} per 100; ${gc.scavenges.totalMs} ms, max ${gc.scavenges.maxMs}), full GCs ${gc.full.count}; a collection in ${summary.gc.withGcPercent}% of the commands and ${summary.gc.tailWithGc} at or above the p99, p99 of the rest ${summary.gc.p99WithoutGcMs} ms`,
	);
}
app.holder.current();
reply(result);
process.exit(0);
