/**
 * The SQLite engine's benchmark on its own (issue #22): prints its table and writes its section
 * (`engine`: each size with its machine and options, and the targets) into bench/results.json,
 * keeping sizes measured in earlier runs and the rest of the file as it was.
 *
 *   npm run bench:engine                                 100k and 1M events (1M: about 950 MB of JSON, generated once)
 *   npm run bench:engine -- --sizes 100000 --builds 3 --commands 1000 [--scripts three] [--factory MODULE#EXPORT]
 *
 * --factory: a module exporting a SnapshotFactory (bench/engine-queries.ts) to measure in place of
 * the raw SQL query cases. See bench/README.md, "The SQLite engine (issue #22)".
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { engineLines, engineSection, engineTargets, runEngineBench } from './engine-bench.js';
import { arg, log, round } from './lib.js';

const sizes = arg('sizes', '100000,1000000').split(',').map(Number);
const builds = arg('builds', '');
const commands = Number(arg('commands', '1000'));
const factory = arg('factory', '');
const scripts = arg('scripts', 'latin') === 'three' ? 'three' : 'latin';
const started = performance.now();
log(`engine: ${sizes.join(', ')} events`);
const engine = await runEngineBench({
	sizes,
	commands,
	scripts,
	...(builds ? { builds: () => Number(builds) } : {}),
	...(factory ? { factory } : {}),
});
const targets = engineTargets(engine);
const cpus = os.cpus();
const machine = {
	cpu: cpus[0]?.model ?? 'unknown',
	cpus: cpus.length,
	totalMemoryGb: round(os.totalmem() / 1024 ** 3, 1),
	node: process.version,
	platform: `${process.platform}-${process.arch}`,
	loadAverage: os.loadavg().map((x) => round(x, 2)),
	date: new Date().toISOString(),
};
const lines = [
	`sitrep engine benchmark — ${machine.cpu} ×${machine.cpus}, ${machine.totalMemoryGb} GB, Node ${machine.node}, load average ${machine.loadAverage.join(' ')}, ${machine.date}`,
	'',
	...engineLines(engine),
	'',
	'Targets',
];
for (const t of targets) lines.push(`  ${(t.met ? 'met' : 'MISSED').padEnd(7)} ${t.name}: ${t.value} (target ${t.target})`);
lines.push('', `Total ${((performance.now() - started) / 1000).toFixed(0)} s.`);
console.log(lines.join('\n'));
const file = new URL('./results.json', import.meta.url);
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
// Sizes measured now replace those of an earlier run; others are kept (each records its machine).
writeFileSync(
	file,
	`${JSON.stringify({ ...previous, engine: engineSection(previous['engine'], engine, machine, { commands, scripts }) }, null, '\t')}\n`,
);
console.log('wrote the engine section of bench/results.json');
