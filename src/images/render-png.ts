/**
 * SVG to PNG with resvg and only the shipped DejaVu Sans (no system fonts), so a given SVG gives the
 * same bytes on every machine. resvg draws the pixels; glyph-raster.ts blends in the plain text a
 * picture hands over as glyph draws; png-encode.ts writes the PNG (resvg's own encoder compresses
 * hard and took as long as the drawing). Rendering takes tens of milliseconds of CPU, so the bot
 * renders in a small worker pool and the event loop stays free.
 */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { Worker } from 'node:worker_threads';
import { drawGlyphs, type GlyphJob } from './glyph-raster.js';
import { encodePng } from './png-encode.js';
import type { RenderReply, RenderRequest, RenderWorkerData } from './render-worker.js';
import { ARABIC_FONT_FILES, FONT_FAMILY, FONT_FILES } from './svg.js';
import { siblingModule } from '../sibling-module.js';
import { releaseFreeMemory } from '../release-memory.js';

/** A picture to render: its SVG, and its plain text as glyph draws (see glyphs.ts GlyphSink), blended in after. */
export interface PictureJob {
	readonly svg: string;
	readonly glyphs?: GlyphJob;
	/** The picture covers its whole canvas with opaque colour (a background rect), so no pixel is translucent. */
	readonly opaque?: boolean;
}

const RESVG_OPTIONS: ResvgRenderOptions = {
	font: {
		fontFiles: [FONT_FILES.normal, FONT_FILES.bold, ARABIC_FONT_FILES.normal, ARABIC_FONT_FILES.bold],
		loadSystemFonts: false,
		defaultFontFamily: FONT_FAMILY,
		sansSerifFamily: FONT_FAMILY,
	},
	fitTo: { mode: 'original' },
	logLevel: 'off',
};

/** Renders SVG text (or a picture job) to PNG bytes on the calling thread. Throws when resvg cannot parse the SVG. */
export function renderPng(input: string | PictureJob): Uint8Array {
	const job = typeof input === 'string' ? { svg: input } : input;
	const img = new Resvg(job.svg, RESVG_OPTIONS).render();
	const pixels = img.pixels;
	if (job.glyphs) drawGlyphs(pixels, img.width, img.height, job.glyphs, RESVG_OPTIONS);
	const png = encodePng(pixels, img.width, img.height, { opaque: job.opaque === true });
	return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

interface Job {
	readonly id: number;
	readonly picture: PictureJob;
	readonly crash?: boolean;
	readonly resolve: (png: Uint8Array) => void;
	readonly reject: (err: Error) => void;
	timer?: NodeJS.Timeout;
}

interface Slot {
	readonly worker: Worker;
	job?: Job;
	/** Ends the worker once it has been idle for idleMs. */
	idle?: NodeJS.Timeout;
}

const WORKER = siblingModule(import.meta.url, 'render-worker');
/** The render worker's young generation, MB. */
const RENDER_YOUNG_GENERATION_MB = 2;
let poolSize = 2;
let timeoutMs = 20_000;
// An idle worker holds its isolate, resvg's font data and its malloc arena (about 20 MB at rest):
// a bot nobody asks for pictures gives that back, and the next picture starts a worker again (tens
// of milliseconds, and its glyph masks are drawn afresh).
let idleMs = 60_000;
let slots: Slot[] = [];
const queue: Job[] = [];
let nextId = 1;

/**
 * Sets the worker pool size (1 or 2), the per-render time limit and how long a worker may sit idle
 * before it ends (0: never). Size and time limit take effect for workers started afterwards; call
 * {@link closeImageWorkers} first to apply them to running ones.
 */
export function configureImageWorkers(options: { readonly size?: 1 | 2; readonly timeoutMs?: number; readonly idleMs?: number }): void {
	if (options.size !== undefined) poolSize = options.size;
	if (options.timeoutMs !== undefined) timeoutMs = options.timeoutMs;
	if (options.idleMs !== undefined) idleMs = options.idleMs;
}

/** The thread ids of the running render workers (tests: an idle worker ends, a busy one stays). */
export function imageWorkerThreadIds(): number[] {
	return slots.map((s) => s.worker.threadId);
}

/**
 * Renders SVG text to PNG bytes in a worker thread; the result is byte-identical to {@link renderPng}.
 * Rejects when resvg fails, the worker dies (it is then replaced) or the render exceeds its time limit.
 */
export function renderPngOffThread(input: string | PictureJob): Promise<Uint8Array> {
	return enqueue(typeof input === 'string' ? { svg: input } : input, false);
}

/** Makes the next worker that takes a job throw, to exercise crash recovery in tests. */
export function crashImageWorkerForTests(): Promise<Uint8Array> {
	return enqueue({ svg: '' }, true);
}

function enqueue(picture: PictureJob, crash: boolean): Promise<Uint8Array> {
	return new Promise<Uint8Array>((resolve, reject) => {
		queue.push({ id: nextId++, picture, resolve, reject, ...(crash ? { crash } : {}) });
		pump();
	});
}

/** Stops every worker and rejects renders still waiting. Later renders start fresh workers. */
export async function closeImageWorkers(): Promise<void> {
	const closing = slots;
	slots = [];
	const err = new Error('image workers closed');
	for (const job of queue.splice(0)) job.reject(err);
	for (const slot of closing) {
		clearTimeout(slot.idle);
		settle(slot, err);
	}
	await Promise.all(closing.map((s) => s.worker.terminate()));
}

function pump(): void {
	while (queue.length > 0) {
		let slot = slots.find((s) => !s.job);
		if (!slot) {
			if (slots.length >= poolSize) return;
			slot = spawn();
		}
		const job = queue.shift()!;
		clearTimeout(slot.idle);
		slot.job = job;
		const busy = slot;
		job.timer = setTimeout(() => fail(busy, new Error(`image render timed out after ${timeoutMs} ms`)), timeoutMs);
		job.timer.unref();
		slot.worker.ref();
		slot.worker.postMessage((job.crash ? { id: job.id, crash: true } : { id: job.id, ...job.picture }) satisfies RenderRequest);
	}
}

function spawn(): Slot {
	const worker = new Worker(WORKER.url, {
		workerData: { options: RESVG_OPTIONS } satisfies RenderWorkerData,
		execArgv: WORKER.execArgv,
		// The worker's JavaScript is small (glyph blending over typed arrays; resvg draws natively), but
		// V8 lets a thread's young generation grow to 32 MB and keeps it: capped, it holds about 14 MB less
		// after a few dozen pictures (bench/README.md "Steady memory, round three").
		resourceLimits: { maxYoungGenerationSizeMb: RENDER_YOUNG_GENERATION_MB },
	});
	const slot: Slot = { worker };
	worker.on('message', (reply: RenderReply) => {
		const job = slot.job;
		if (!job || job.id !== reply.id) return;
		if (reply.ok) settle(slot, undefined, reply.png);
		else settle(slot, new Error(`resvg could not render the image: ${reply.message}`));
		pump();
	});
	worker.on('error', (err) => fail(slot, err));
	worker.on('exit', (code) => fail(slot, new Error(`image worker exited with code ${code}`)));
	// An idle worker must not keep the process alive; pump() refs it while it has a job.
	worker.unref();
	slots.push(slot);
	return slot;
}

/** Finishes a slot's current job, if any, and marks the slot idle. */
function settle(slot: Slot, err: Error | undefined, png?: Uint8Array): void {
	const job = slot.job;
	slot.job = undefined;
	slot.worker.unref();
	if (idleMs > 0 && slots.includes(slot)) {
		clearTimeout(slot.idle);
		slot.idle = setTimeout(() => retire(slot), idleMs);
		slot.idle.unref();
	}
	if (!job) return;
	clearTimeout(job.timer);
	if (err) job.reject(err);
	else job.resolve(png!);
}

/** An idle worker's time is up: drop it (a later picture starts another) and let it end. */
function retire(slot: Slot): void {
	if (slot.job || !slots.includes(slot)) return;
	slots = slots.filter((s) => s !== slot);
	// resvg's canvases and font data were the worker's; give their memory back once it has ended.
	void slot.worker.terminate().then(() => releaseFreeMemory());
}

/** A worker died or hung: reject its job, drop it, and let the queue start a replacement. */
function fail(slot: Slot, err: Error): void {
	if (!slots.includes(slot)) return;
	slots = slots.filter((s) => s !== slot);
	clearTimeout(slot.idle);
	settle(slot, err);
	void slot.worker.terminate();
	pump();
}
