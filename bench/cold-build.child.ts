/**
 * The cold build as the bot makes it (issue #22 "cold build ≤ 4× JSON.parse"): `loadDataset` with a
 * new cache directory, so the loader runs in the build worker into the engine's writer; or, with
 * --parse, the baseline: read and JSON.parse every file of the same dataset, each dropped. One per
 * process, for a clean peak RSS; run both and compare (`--runs` alternates them).
 *
 *   node --import tsx bench/cold-build.child.ts --dir DIR [--parse]
 *   node --import tsx bench/cold-build.child.ts --dir DIR --runs 3     both, alternating, in child processes
 *
 * --dist: the compiled loader (dist/, `npm run build` first), as the bot runs it: no tsx in the build
 * worker, which is what a user's cold start pays. --cache-parent DIR: where the new cache directory
 * goes (default the system's temporary directory; a 1M build writes about 4 GB there while it runs).
 * --one-thread: the build's writing on the loader's thread, as a reload builds (BuildOptions.writerThread
 * false); by default a cold build writes on a second thread.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { loadDataset as LoadDataset } from '../src/dataset/load-dataset.js';
import { parseFiles } from './engine-build.js';
import { arg, cpuMs, flag, log, median, peakRssMb, reply, round, runChild } from './lib.js';

export interface ColdBuildResult {
	readonly mode: 'build' | 'parse';
	readonly wallMs: number;
	/** Process CPU time, every thread (the build worker's included). */
	readonly cpuMs: number;
	readonly peakRssMb: number;
	/**
	 * What the process wrote (/proc/self/io, every thread): `writeMb` is write_bytes, the pages it
	 * dirtied in files (SQLite's temporary files included, counted when dirtied, before they are
	 * deleted); `cancelledMb` the part of it that was deleted before it reached the disk.
	 */
	readonly writeMb?: number;
	readonly cancelledMb?: number;
}

/** write_bytes and cancelled_write_bytes of this process so far, in MB (0 where /proc is missing). */
function ioMb(): { write: number; cancelled: number } {
	try {
		const io = readFileSync('/proc/self/io', 'utf8');
		const field = (k: string): number => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(io)?.[1] ?? 0) / 1e6;
		return { write: field('write_bytes'), cancelled: field('cancelled_write_bytes') };
	} catch {
		return { write: 0, cancelled: 0 };
	}
}

const dir = arg('dir');

async function build(): Promise<ColdBuildResult> {
	// The compiled module has the same exports; its path is only known at run time.
	const source = flag('dist') ? '../dist/src/dataset/load-dataset.js' : '../src/dataset/load-dataset.js';
	const { loadDataset } = (await import(source)) as { loadDataset: typeof LoadDataset };
	const cacheDir = mkdtempSync(path.join(arg('cache-parent', tmpdir()), 'sitrep-cold-build-'));
	const io = ioMb();
	const started = performance.now();
	const cpu = process.cpuUsage();
	const r = await loadDataset(dir, { maxFiles: 1_000_000, cacheDir, writerThread: !flag('one-thread') });
	const wallMs = performance.now() - started;
	const cpuUsed = cpuMs(cpu);
	const ioAfter = ioMb();
	if (!r.ok) throw new Error(`the dataset does not load: ${JSON.stringify(r.errors.slice(0, 3))}`);
	r.snapshot.close();
	rmSync(cacheDir, { recursive: true, force: true });
	return {
		mode: 'build',
		wallMs: round(wallMs),
		cpuMs: round(cpuUsed),
		peakRssMb: peakRssMb(),
		writeMb: round(ioAfter.write - io.write),
		cancelledMb: round(ioAfter.cancelled - io.cancelled),
	};
}

if (process.argv.includes('--runs')) {
	const runs = Number(arg('runs'));
	const builds: ColdBuildResult[] = [];
	const parses: ColdBuildResult[] = [];
	for (let i = 0; i < runs; i++) {
		parses.push(await runChild<ColdBuildResult>('./cold-build.child.ts', ['--dir', dir, '--parse']));
		const passOn = [
			...(flag('dist') ? ['--dist'] : []),
			...(flag('one-thread') ? ['--one-thread'] : []),
			...(flag('cache-parent') ? ['--cache-parent', arg('cache-parent')] : []),
		];
		builds.push(await runChild<ColdBuildResult>('./cold-build.child.ts', ['--dir', dir, ...passOn]));
		log(`run ${i + 1}: build ${JSON.stringify(builds[i])}, parse ${JSON.stringify(parses[i])}`);
	}
	const m = (list: ColdBuildResult[], k: 'wallMs' | 'cpuMs' | 'peakRssMb' | 'writeMb'): number =>
		round(median(list.map((x) => x[k] ?? 0)));
	const summary = {
		build: { wallMs: m(builds, 'wallMs'), cpuMs: m(builds, 'cpuMs'), peakRssMb: m(builds, 'peakRssMb'), writeMb: m(builds, 'writeMb') },
		parse: { wallMs: m(parses, 'wallMs'), cpuMs: m(parses, 'cpuMs'), peakRssMb: m(parses, 'peakRssMb') },
		ratio: round(m(builds, 'wallMs') / m(parses, 'wallMs')),
		builds,
		parses,
	};
	reply(summary);
} else if (flag('parse')) {
	const p = parseFiles(dir);
	reply({ mode: 'parse', wallMs: p.wallMs, cpuMs: p.cpuMs, peakRssMb: p.peakRssMb } satisfies ColdBuildResult);
} else reply(await build());
