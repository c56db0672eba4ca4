/**
 * Image render times: SVG build and PNG render measured separately, for the demo timeline, a
 * 1,000-event timeline and the relations image, plus the off-thread round trip for the demo.
 *
 *   npx tsx bench/images.bench.ts [--n 50] [--n-large 20]
 *
 * Prints wall-clock median and p99 (and median process CPU time) per case and writes
 * bench/images-results.json. The off-thread case measures the round trip; its CPU is in the worker.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../src/dataset/snapshot.js';
import { relationsSvg } from '../src/images/relations-svg.js';
import { closeImageWorkers, renderPng, renderPngOffThread } from '../src/images/render-png.js';
import { timelineSvg } from '../src/images/timeline-svg.js';
import { syntheticDataset } from '../test/images/synthetic.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '50' }, 'n-large': { type: 'string', default: '20' } } });
const N = Number(values.n);
const N_LARGE = Number(values['n-large']);
const WARMUP = 3;

interface Stats {
	readonly n: number;
	readonly medianMs: number;
	readonly p99Ms: number;
	readonly minMs: number;
	readonly maxMs: number;
	/** Process CPU time (user + system) per run: less sensitive than wall time to a busy machine. */
	readonly cpuMedianMs: number;
}

interface Samples {
	readonly wall: number[];
	readonly cpu: number[];
}

function stats({ wall, cpu }: Samples): Stats {
	const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
	const s = sorted(wall);
	const q = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
	const round = (x: number): number => Math.round(x * 100) / 100;
	return { n: s.length, medianMs: round(q(s, 0.5)), p99Ms: round(q(s, 0.99)), minMs: round(s[0]!), maxMs: round(s[s.length - 1]!), cpuMedianMs: round(q(sorted(cpu), 0.5)) };
}

async function time(n: number, fn: () => unknown): Promise<Samples> {
	for (let i = 0; i < WARMUP; i++) await fn();
	const wall: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < n; i++) {
		const c = process.cpuUsage();
		const t = performance.now();
		await fn();
		wall.push(performance.now() - t);
		const d = process.cpuUsage(c);
		cpu.push((d.user + d.system) / 1000);
	}
	return { wall, cpu };
}

async function caseOf(name: string, n: number, build: () => string): Promise<Record<string, unknown>> {
	const svg = build();
	const png = renderPng(svg);
	const header = new DataView(png.buffer, png.byteOffset, png.byteLength);
	const result = {
		name,
		width: header.getUint32(16),
		height: header.getUint32(20),
		svgBytes: Buffer.byteLength(svg),
		pngBytes: png.byteLength,
		svgBuild: stats(await time(n, build)),
		pngRender: stats(await time(n, () => renderPng(svg))),
	};
	console.log(
		`${name.padEnd(28)} ${String(result.width)}×${String(result.height).padEnd(5)} ` +
			`svg median ${fmt(result.svgBuild.medianMs)} p99 ${fmt(result.svgBuild.p99Ms)} cpu ${fmt(result.svgBuild.cpuMedianMs)} | ` +
			`png median ${fmt(result.pngRender.medianMs)} p99 ${fmt(result.pngRender.p99Ms)} cpu ${fmt(result.pngRender.cpuMedianMs)}  (n=${n})`,
	);
	return result;
}

function fmt(ms: number): string {
	return `${ms.toFixed(1).padStart(7)} ms`;
}

const loaded = await loadDataset('data');
if (!loaded.ok) throw new Error('the demo dataset does not load');
const demo: DatasetSnapshot = loaded.snapshot;
const large = syntheticDataset(1000, 3650, 7);

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, load average ${os.loadavg()[0]!.toFixed(1)}`);
const cases = [
	await caseOf(`demo timeline (${demo.events.length} events)`, N, () => timelineSvg(demo, demo.events, { title: 'Demo story' })),
	await caseOf('timeline (1,000 events)', N_LARGE, () => timelineSvg(large, large.events, { title: '1,000 events' })),
	await caseOf('relations (ilham-aliyev)', N, () => relationsSvg(demo, 'ilham-aliyev')),
];
const demoSvg = timelineSvg(demo, demo.events, { title: 'Demo story' });
const offThread = stats(await time(N, () => renderPngOffThread(demoSvg)));
console.log(`${'demo timeline off-thread'.padEnd(28)} round trip median ${fmt(offThread.medianMs)} p99 ${fmt(offThread.p99Ms)}  (n=${N})`);
await closeImageWorkers();

writeFileSync(
	new URL('./images-results.json', import.meta.url),
	`${JSON.stringify({ node: process.version, cpu: os.cpus()[0]?.model, cpus: os.cpus().length, loadAverage: os.loadavg()[0], platform: `${process.platform}-${process.arch}`, cases, demoOffThreadRoundTrip: offThread }, null, '\t')}\n`,
);
console.log('wrote bench/images-results.json');
