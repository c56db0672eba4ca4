/**
 * Worker thread for renderPngOffThread (render-png.ts): draws each picture it is sent and posts its
 * PNG back. It imports only resvg and the two drawing modules, so a thread starts quickly.
 */
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
});
