/**
 * Image render times for the pictures the bot sends: the demo timeline (all 38 events, as /timeline
 * draws it) in English, Russian and Persian, a 1,000-event result capped as the bot caps it
 * (MAX_IMAGE_EVENTS), and the relations picture in English and Persian. Per case: the build
 * (layout, SVG and glyph draws, on the event loop) and the PNG render (resvg, glyph masks, our PNG
 * encoder: what a render worker does) measured separately; then, for the demo timeline, the whole
 * attachment as a command gets it (build plus the worker round trip, picture cache cleared each
 * time) and a cached repeat. Glyph masks are kept per thread, so the renders after warm-up find
 * them; the first picture after a start draws them, measured as "glyph masks cleared each time".
 * The old pipeline (<text> shaped by resvg, resvg's own PNG encoder) is measured for reference.
 *
 *   npx tsx bench/images.bench.ts [--n 50] [--n-large 20]
 *
 * Prints wall-clock median and p99 and median process CPU time (user + system: less sensitive to
 * a busy machine) per case and writes bench/images-results.json.
 */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/dataset/load-dataset.js';
import type { StoryEvent } from '../src/dataset/model.js';
import type { DatasetSnapshot } from '../src/dataset/snapshot.js';
import { createTranslator, type Translator } from '../src/i18n/translator.js';
import { MAX_IMAGE_EVENTS } from '../src/images/attach.js';
import { clearImageCache, timelineImage } from '../src/images/index.js';
import { clearGlyphMasks } from '../src/images/glyph-raster.js';
import { GlyphSink } from '../src/images/glyphs.js';
import { drawRelations, layoutRelations } from '../src/images/relations-svg.js';
import { closeImageWorkers, renderPng, renderPngOffThread, type PictureJob } from '../src/images/render-png.js';
import { FONT_FAMILY, FONT_FILES } from '../src/images/svg.js';
import { layoutTimeline } from '../src/images/timeline-layout.js';
import { drawTimeline } from '../src/images/timeline-svg.js';
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
	readonly cpuP99Ms: number;
}

interface Samples {
	readonly wall: number[];
	readonly cpu: number[];
}

function stats({ wall, cpu }: Samples): Stats {
	const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
	const s = sorted(wall);
	const c = sorted(cpu);
	const q = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
	const round = (x: number): number => Math.round(x * 100) / 100;
	return {
		n: s.length,
		medianMs: round(q(s, 0.5)),
		p99Ms: round(q(s, 0.99)),
		minMs: round(s[0]!),
		maxMs: round(s[s.length - 1]!),
		cpuMedianMs: round(q(c, 0.5)),
		cpuP99Ms: round(q(c, 0.99)),
	};
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

function fmt(ms: number): string {
	return `${ms.toFixed(1).padStart(7)} ms`;
}

function line(s: Stats): string {
	return `median ${fmt(s.medianMs)} p99 ${fmt(s.p99Ms)} cpu ${fmt(s.cpuMedianMs)}`;
}

async function caseOf(
	name: string,
	n: number,
	build: () => PictureJob,
	render: (job: PictureJob) => Uint8Array = renderPng,
): Promise<Record<string, unknown>> {
	const job = build();
	const svg = job.svg;
	const png = render(job);
	const header = new DataView(png.buffer, png.byteOffset, png.byteLength);
	const result = {
		name,
		width: header.getUint32(16),
		height: header.getUint32(20),
		svgBytes: Buffer.byteLength(svg),
		textElements: (svg.match(/<text/gu) ?? []).length,
		glyphDraws: (job.glyphs?.draws.length ?? 0) / 5,
		pngBytes: png.byteLength,
		svgBuild: stats(await time(n, build)),
		pngRender: stats(await time(n, () => render(job))),
	};
	console.log(
		`${name.padEnd(44)} ${String(result.width)}×${String(result.height).padEnd(5)} svg ${line(result.svgBuild)} | png ${line(result.pngRender)}  (n=${n})`,
	);
	return result;
}

const loaded = await loadDataset('data');
if (!loaded.ok) throw new Error('the demo dataset does not load');
const demo: DatasetSnapshot = loaded.snapshot;
const large = syntheticDataset(1000, 3650, 7);
const en = createTranslator('en');
const ru = createTranslator('ru');
const fa = createTranslator('fa');

/** A picture as index.ts renders it: SVG for resvg, plain text as glyph draws. */
function picture(draw: (sink: GlyphSink) => string): PictureJob {
	const glyphs = new GlyphSink();
	const svg = draw(glyphs);
	return { svg, glyphs: glyphs.job(), opaque: true };
}
const timeline = (ds: DatasetSnapshot, events: readonly StoryEvent[], title: string, i18n: Translator) => () =>
	picture((sink) => drawTimeline(layoutTimeline(ds, events, { title, i18n, maxEvents: MAX_IMAGE_EVENTS }), sink));
const relations = (ds: DatasetSnapshot, id: string, i18n: Translator) => () =>
	picture((sink) => drawRelations(layoutRelations(ds, id, { i18n }), sink));
const RESVG_OPTIONS: ResvgRenderOptions = {
	font: {
		fontFiles: [FONT_FILES.normal, FONT_FILES.bold],
		loadSystemFonts: false,
		defaultFontFamily: FONT_FAMILY,
		sansSerifFamily: FONT_FAMILY,
	},
	logLevel: 'off',
};
const resvgPng = (job: PictureJob): Uint8Array => new Resvg(job.svg, RESVG_OPTIONS).render().asPng();
const coldMasks = (job: PictureJob): Uint8Array => (clearGlyphMasks(), renderPng(job));

console.log(
	`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, load average ${os.loadavg()[0]!.toFixed(1)}`,
);
const cases = [
	await caseOf(`demo timeline (${[...demo.eachEvent()].length} events), en`, N, timeline(demo, [...demo.eachEvent()], 'Timeline', en)),
	await caseOf(`demo timeline (${[...demo.eachEvent()].length} events), ru`, N, timeline(demo, [...demo.eachEvent()], 'Хронология', ru)),
	await caseOf(`demo timeline (${[...demo.eachEvent()].length} events), fa`, N, timeline(demo, [...demo.eachEvent()], 'گاه‌شمار', fa)),
	await caseOf(
		`timeline (1,000 events, capped to ${MAX_IMAGE_EVENTS})`,
		N_LARGE,
		timeline(large, [...large.eachEvent()], 'Timeline', en),
	),
	await caseOf('relations (ilham-aliyev), en', N, relations(demo, 'ilham-aliyev', en)),
	await caseOf('relations (ilham-aliyev), fa', N, relations(demo, 'ilham-aliyev', fa)),
	await caseOf(
		'demo timeline, en, glyph masks cleared each time',
		Math.min(N, 20),
		timeline(demo, [...demo.eachEvent()], 'Timeline', en),
		coldMasks,
	),
	await caseOf(
		'old pipeline: demo timeline, <text> + asPng',
		Math.min(N, 10),
		() => ({ svg: drawTimeline(layoutTimeline(demo, [...demo.eachEvent()], { title: 'Timeline' }), 'svg') }),
		resvgPng,
	),
];

const demoJob = timeline(demo, [...demo.eachEvent()], 'Timeline', en)();
const offThread = stats(await time(N, () => renderPngOffThread(demoJob)));
console.log(`${'demo timeline, en: worker round trip'.padEnd(44)} ${line(offThread)}  (n=${N})`);
const attachment = stats(
	await time(N, () => (clearImageCache(), timelineImage(demo, [...demo.eachEvent()], 'Timeline', en, { maxEvents: MAX_IMAGE_EVENTS }))),
);
console.log(`${'demo timeline, en: attachment, uncached'.padEnd(44)} ${line(attachment)}  (n=${N})`);
const cached = stats(await time(N, () => timelineImage(demo, [...demo.eachEvent()], 'Timeline', en, { maxEvents: MAX_IMAGE_EVENTS })));
console.log(`${'demo timeline, en: attachment, cached'.padEnd(44)} ${line(cached)}  (n=${N})`);
await closeImageWorkers();

writeFileSync(
	new URL('./images-results.json', import.meta.url),
	`${JSON.stringify(
		{
			node: process.version,
			cpu: os.cpus()[0]?.model,
			cpus: os.cpus().length,
			loadAverage: os.loadavg()[0],
			platform: `${process.platform}-${process.arch}`,
			cases,
			demoWorkerRoundTrip: offThread,
			demoAttachmentUncached: attachment,
			demoAttachmentCached: cached,
		},
		null,
		'\t',
	)}\n`,
);
console.log('wrote bench/images-results.json');
