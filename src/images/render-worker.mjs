// Worker thread for renderPngOffThread (render-png.ts). Plain JavaScript so it runs the same under
// vitest, tsx and plain node: a worker does not inherit a loader registered in the parent thread.
import { parentPort, workerData } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

/** @type {import('@resvg/resvg-js').ResvgRenderOptions} */
const options = workerData.options;

parentPort.on('message', (/** @type {{ id: number, svg?: string, crash?: boolean }} */ msg) => {
	if (msg.crash) {
		// Lets tests check that a dead worker is replaced and its caller rejected.
		throw new Error('render worker crashed on request');
	}
	try {
		const rendered = new Resvg(msg.svg ?? '', options).render().asPng();
		// Copy into an ArrayBuffer of our own so it can be transferred, not cloned.
		const png = new Uint8Array(rendered.byteLength);
		png.set(rendered);
		parentPort.postMessage({ id: msg.id, ok: true, png }, [png.buffer]);
	} catch (err) {
		parentPort.postMessage({ id: msg.id, ok: false, message: err instanceof Error ? err.message : String(err) });
	}
});
