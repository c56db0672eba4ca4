/**
 * Worker thread for renderPngOffThread (render-png.ts): draws each picture it is sent and posts its
 * PNG back. It imports only resvg and the two drawing modules, so a thread starts quickly.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { drawGlyphs, type GlyphJob } from './glyph-raster.js';
import { encodePng } from './png-encode.js';

/** workerData: resvg's options, with the fonts. */
export interface RenderWorkerData {
	readonly options: ResvgRenderOptions;
}

/** Message in: a picture to draw, or (tests) an order to crash. */
export interface RenderRequest {
	readonly id: number;
	readonly svg?: string;
	readonly glyphs?: GlyphJob;
	readonly opaque?: boolean;
	readonly crash?: boolean;
}

/** Message out: the PNG (its buffer transferred), or why resvg could not draw it. */
export type RenderReply = { id: number; ok: true; png: Uint8Array } | { id: number; ok: false; message: string };

const port = parentPort;
if (!port) throw new Error('render-worker runs as a worker thread, started by render-png');
const { options } = workerData as RenderWorkerData;

// resvg's objects keep their native memory (the parsed picture, its fonts, the canvas: megabytes a
// picture) until V8 collects their small JavaScript wrappers, and this thread allocates too little
// JavaScript for that to happen soon: 40 pictures in a row left about 30 MB more held. A young-generation
// collection after each picture (the PNG already posted) frees them. `gc` comes from a fresh context
// once the flag is set (the flag exposes it to contexts made afterwards, not to this one).
setFlagsFromString('--expose-gc');
const collected = runInNewContext('gc') as unknown;
const collectYoung: () => void =
	typeof collected === 'function' ? () => (collected as (o: { type: 'minor' }) => void)({ type: 'minor' }) : () => {};

port.on('message', (msg: RenderRequest) => {
	if (msg.crash) {
		// Lets tests check that a dead worker is replaced and its caller rejected.
		throw new Error('render worker crashed on request');
	}
	try {
		const img = new Resvg(msg.svg ?? '', options).render();
		const pixels = img.pixels;
		if (msg.glyphs) drawGlyphs(pixels, img.width, img.height, msg.glyphs, options);
		const rendered = encodePng(pixels, img.width, img.height, { opaque: msg.opaque === true });
		// Copy into an ArrayBuffer of our own so it can be transferred, not cloned.
		const png = new Uint8Array(rendered.byteLength);
		png.set(rendered);
		port.postMessage({ id: msg.id, ok: true, png } satisfies RenderReply, [png.buffer]);
	} catch (err) {
		port.postMessage({ id: msg.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies RenderReply);
	}
	collectYoung();
});
