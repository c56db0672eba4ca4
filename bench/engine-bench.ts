/**
 * The SQLite engine's benchmark (issue #22): for each size, cold builds of the engine's file in fresh
 * processes interleaved with read + JSON.parse of the same files (ratio), the built file's size, then
 * the query shapes the commands need and the RSS of a process that only serves them. Used by
 * bench/engine.ts (`npm run bench:engine`) and bench/run.ts (`npm run bench -- --sizes ...`).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EngineBuildResult } from './engine-build.js';
import type { EngineQueryResult } from './engine-queries.child.js';
import { BENCH_DIR, datasetDir, log, median, round, runChild } from './lib.js';

export interface EngineOptions {
	readonly sizes: readonly number[];
	/** Builds per size (each in a fresh process); parses are one more, around them. */
	readonly builds?: (n: number) => number;
	/** Calls of each query case. */
	readonly commands: number;
	/** `module#export` of a SnapshotFactory, else the raw SQL cases. */
	readonly factory?: string;
	readonly scripts?: 'latin' | 'three';
}

export interface EngineSizeResult {
	readonly events: number;
	readonly dataset: string;
	readonly jsonBytes: number;
	readonly files: number;
	readonly builds: readonly EngineBuildResult[];
	readonly parses: readonly EngineBuildResult[];
	/** The first build: wall ms, peak RSS MB, ingest and finish ms. */
	readonly coldBuildMs: number;
	readonly coldBuildCpuMs: number;
	readonly buildPeakRssMb: number;
	readonly builtFileBytes: number;
	/** Median build ÷ median parse, wall clock and process CPU. */
	readonly ratio: number;
	readonly cpuRatio: number;
	readonly queries: EngineQueryResult;
}

/** Where built files of the benchmark are kept (rebuilt every run). */
export const ENGINE_DIR = path.join(BENCH_DIR, 'engine');

export const ENGINE_TARGETS = { buildRatio100k: 4, peakRssMb100k: 250, peakRssMb1M: 400, steadyRssMb: 150, commandP99Ms: 5 };

export async function runEngineBench(options: EngineOptions): Promise<Record<string, EngineSizeResult>> {
	mkdirSync(ENGINE_DIR, { recursive: true });
	const results: Record<string, EngineSizeResult> = {};
	for (const n of options.sizes) {
		log(`engine ${n}: dataset`);
		const dir = datasetDir(n, 1, options.scripts === 'three' ? { scripts: 'three' } : {});
		const out = path.join(ENGINE_DIR, `${path.basename(dir)}.sqlite`);
		const count = options.builds?.(n) ?? (n >= 1_000_000 ? 1 : 3);
		const builds: EngineBuildResult[] = [];
		const parses: EngineBuildResult[] = [];
		// Interleaved, so that a busy spell of the shared machine falls on both alike.
		parses.push(await runChild<EngineBuildResult>('./engine-build.child.ts', ['--dir', dir, '--parse']));
		for (let i = 0; i < count; i++) {
			log(`engine ${n}: build ${i + 1}/${count}`);
			builds.push(await runChild<EngineBuildResult>('./engine-build.child.ts', ['--dir', dir, '--out', out]));
			log(`engine ${n}: build ${i + 1} in ${builds[i]!.wallMs} ms, peak RSS ${builds[i]!.peakRssMb} MB`);
			parses.push(await runChild<EngineBuildResult>('./engine-build.child.ts', ['--dir', dir, '--parse']));
		}
		log(`engine ${n}: queries`);
		const queries = await runChild<EngineQueryResult>(
			'./engine-queries.child.ts',
			['--file', out, '--runs', String(options.commands), ...(options.factory ? ['--factory', options.factory] : [])],
			['--expose-gc'],
		);
		const first = builds[0]!;
		results[String(n)] = {
			events: n,
			dataset: path.basename(dir),
			jsonBytes: first.bytes,
			files: first.files,
			builds,
			parses,
			coldBuildMs: first.wallMs,
			coldBuildCpuMs: first.cpuMs,
			buildPeakRssMb: Math.max(...builds.map((b) => b.peakRssMb)),
			builtFileBytes: first.fileBytes ?? 0,
			ratio: round(median(builds.map((b) => b.wallMs)) / median(parses.map((p) => p.wallMs))),
			cpuRatio: round(median(builds.map((b) => b.cpuMs)) / median(parses.map((p) => p.cpuMs))),
			queries,
		};
	}
	return results;
}

export interface EngineTarget {
	readonly name: string;
	readonly value: string;
	readonly target: string;
	readonly met: boolean;
}

export function engineTargets(results: Record<string, EngineSizeResult>): EngineTarget[] {
	const out: EngineTarget[] = [];
	for (const r of Object.values(results)) {
		const n = r.events;
		const peak = n >= 1_000_000 ? ENGINE_TARGETS.peakRssMb1M : ENGINE_TARGETS.peakRssMb100k;
		out.push({
			name: `engine build peak RSS at ${n}`,
			value: `${r.buildPeakRssMb} MB`,
			target: `≤ ${peak} MB`,
			met: r.buildPeakRssMb <= peak,
		});
		out.push({
			name: `engine steady RSS at ${n}`,
			value: `${r.queries.steadyRssMb} MB`,
			target: `≤ ${ENGINE_TARGETS.steadyRssMb} MB`,
			met: r.queries.steadyRssMb <= ENGINE_TARGETS.steadyRssMb,
		});
		if (n <= 100_000)
			out.push({
				name: `engine cold build ÷ JSON.parse at ${n}`,
				value: `${r.ratio.toFixed(2)}× (cpu ${r.cpuRatio.toFixed(2)}×)`,
				target: `≤ ${ENGINE_TARGETS.buildRatio100k}×`,
				met: r.ratio <= ENGINE_TARGETS.buildRatio100k,
			});
		const [worstName, worst] = Object.entries(r.queries.cases).sort((a, b) => b[1].p99Ms - a[1].p99Ms)[0]!;
		out.push({
			name: `engine worst query p99 at ${n} (${worstName})`,
			value: `${worst.p99Ms} ms (cpu ${worst.cpuP99Ms} ms)`,
			target: `≤ ${ENGINE_TARGETS.commandP99Ms} ms`,
			met: worst.p99Ms <= ENGINE_TARGETS.commandP99Ms,
		});
	}
	return out;
}

/** The engine's part of the printed table. */
export function engineLines(results: Record<string, EngineSizeResult>): string[] {
	const lines: string[] = [];
	const sizes = Object.keys(results);
	const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
	const s = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
	lines.push(
		'SQLite engine (issue #22): cold build in a fresh process (read, validate, EngineWriter, finish) vs read + JSON.parse of the same files',
	);
	for (const n of sizes) {
		const r = results[n]!;
		const b = r.builds[0]!;
		lines.push(
			`  ${n} events, ${mb(r.jsonBytes)} JSON in ${r.files} files: cold build ${s(r.coldBuildMs)} (cpu ${s(r.coldBuildCpuMs)}; ingest ${s(b.ingestMs ?? 0)}, finish ${s(b.finishMs ?? 0)}), ` +
				`parse median ${s(median(r.parses.map((p) => p.wallMs)))} (cpu ${s(median(r.parses.map((p) => p.cpuMs)))}); ratio ${r.ratio.toFixed(2)}× (cpu ${r.cpuRatio.toFixed(2)}×, ${r.builds.length} builds); ` +
				`peak RSS ${r.buildPeakRssMb} MB; built file ${mb(r.builtFileBytes)}`,
		);
	}
	lines.push('');
	lines.push(`Query shapes over the built file (${Object.values(results)[0]?.queries.factory ?? ''}), p50 / p99 wall ms [p99 cpu ms]`);
	const names = Object.keys(Object.values(results)[0]?.queries.cases ?? {});
	const w = [46, ...sizes.map(() => 26)];
	const row = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
	lines.push(row(['query', ...sizes.map((n) => `${n} events`)]));
	for (const name of names) {
		lines.push(
			row([
				name,
				...sizes.map((n) => {
					const c = results[n]!.queries.cases[name]!;
					return `${c.p50Ms.toFixed(2)} / ${c.p99Ms.toFixed(2)} [${c.cpuP99Ms.toFixed(2)}]`;
				}),
			]),
		);
	}
	lines.push(row(['what one call returned', ...sizes.map(() => '')]));
	for (const name of names)
		lines.push(`  ${name}: ${sizes.map((n) => `${n}: ${results[n]!.queries.cases[name]!.sampleResult}`).join('; ')}`);
	for (const n of sizes) {
		const q = results[n]!.queries;
		lines.push(
			`  ${n}: serving process RSS ${q.steadyRssMb} MB steady (${q.baseRssMb} MB before opening the file), peak ${q.peakRssMb} MB; commonest words "${q.commonWords}"`,
		);
	}
	return lines;
}

/**
 * The `engine` section of results.json: the sizes measured now (each with its machine and options;
 * a three-script story under `<n>-three`), and those of `previous` runs that were not measured again.
 */
export function engineSection(
	previous: unknown,
	results: Record<string, EngineSizeResult>,
	machine: object,
	options: { readonly commands: number; readonly scripts: 'latin' | 'three' },
): { targets: EngineTarget[]; sizes: Record<string, unknown> } {
	const kept = (previous as { sizes?: Record<string, EngineSizeResult> } | undefined)?.sizes ?? {};
	const measured = Object.fromEntries(
		Object.entries(results).map(([n, r]) => [
			options.scripts === 'three' ? `${n}-three` : n,
			{ ...r, machine, options: { builds: r.builds.length, ...options } },
		]),
	);
	const sizes = { ...kept, ...measured };
	return { targets: engineTargets(sizes), sizes };
}
