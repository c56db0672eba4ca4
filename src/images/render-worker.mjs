// Worker thread for renderPngOffThread (render-png.ts). Plain JavaScript so it runs the same under
// vitest, tsx and plain node: a worker does not inherit a loader registered in the parent thread.
import { parentPort, workerData } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';
import { drawGlyphs } from './glyph-raster.mjs';
import { encodePng } from './png-encode.mjs';

/** @type {import('@resvg/resvg-js').ResvgRenderOptions} */
const options = workerData.options;

parentPort.on(
	'message',
	(
		/** @type {{ id: number, svg?: string, glyphs?: import('./glyph-raster.mjs').GlyphJob, opaque?: boolean, crash?: boolean }} */ msg,
	) => {
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
			parentPort.postMessage({ id: msg.id, ok: true, png }, [png.buffer]);
		} catch (err) {
			parentPort.postMessage({ id: msg.id, ok: false, message: err instanceof Error ? err.message : String(err) });
		}
	},
);
