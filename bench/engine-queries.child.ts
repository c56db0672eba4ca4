/**
 * The query shapes at one size, in a fresh process that does nothing else: opens the built file,
 * draws the arguments, runs every case, then reports latencies and the process's RSS (steady: after a
 * full collection and a second of idle; peak: the most it held).
 *
 *   node --expose-gc --import tsx bench/engine-queries.child.ts --file FILE --runs 1000 [--factory MODULE#EXPORT]
 *
 * --factory names a module exporting a SnapshotFactory (engine-queries.ts) to measure in place of
 * the raw SQL cases, e.g. the engine's snapshot class once it lands.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { drawSample, measureQueries, rawSqlEngine, type CaseStats, type SnapshotFactory } from './engine-queries.js';
import { arg, peakRssMb, reply, round, settle } from './lib.js';

export interface EngineQueryResult {
	readonly factory: string;
	readonly runs: number;
	readonly commonWords: string;
	readonly cases: Record<string, CaseStats>;
	/** RSS with the modules loaded, before the file is opened, MB. */
	readonly baseRssMb: number;
	/** RSS after the queries, settled, with the file open, MB. */
	readonly steadyRssMb: number;
	readonly peakRssMb: number;
	readonly gcSettled: boolean;
}

const file = arg('file');
const runs = Number(arg('runs', '1000'));
const factoryArg = arg('factory', '');
let factory: SnapshotFactory = rawSqlEngine;
if (factoryArg) {
	const [modulePath, name = 'default'] = factoryArg.split('#');
	const mod = (await import(pathToFileURL(path.resolve(modulePath!)).href)) as Record<string, unknown>;
	if (typeof mod[name] !== 'function') throw new Error(`--factory ${factoryArg}: ${name} is not a function exported by ${modulePath}`);
	factory = mod[name] as SnapshotFactory;
}
await settle();
const baseRssMb = round(process.memoryUsage().rss / 1048576, 1);
const sample = drawSample(file);
const cases = await measureQueries(file, factory, sample, runs);
// Steady: the file opened again and every case run once, as a serving process holds it.
const engine = await factory(file, sample);
for (const c of engine.cases) c.run(1);
const gcSettled = await settle();
const steadyRssMb = round(process.memoryUsage().rss / 1048576, 1);
engine.close();
const result: EngineQueryResult = {
	factory: factoryArg || 'raw SQL (engine-queries.ts rawSqlEngine)',
	runs,
	commonWords: sample.commonWords,
	cases,
	baseRssMb,
	steadyRssMb,
	peakRssMb: peakRssMb(),
	gcSettled,
};
reply(result);
