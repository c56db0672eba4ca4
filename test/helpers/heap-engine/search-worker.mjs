/**
 * Worker thread that builds a search index from documents the loader streams to it (see
 * search-feed.ts). Plain JavaScript so that Node can start it without a TypeScript loader; it
 * registers tsx itself to import the builder.
 *
 * Messages in:  { docs: { firsts: number[], texts: string[], weights: number[] } }  — a batch;
 *               (a weight below zero marks a key: SearchIndexBuilder.addEntry)
 *               { build: Int32Array }                                           — the final order.
 * Message out:  { ok: true, parts } (typed arrays transferred) or { ok: false, message }.
 */
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { SearchIndexBuilder } = await import('./search-index-builder.ts');
const { runToEnd } = await import('../../../src/dataset/slices.ts');

const builder = new SearchIndexBuilder();

parentPort.on('message', (message) => {
	try {
		if (message.docs) {
			const { firsts, texts, weights } = message.docs;
			for (let d = 0; d < firsts.length; d++) {
				builder.beginDoc();
				const end = d + 1 < firsts.length ? firsts[d + 1] : texts.length;
				for (let f = firsts[d]; f < end; f++) builder.addEntry(texts[f], weights[f]);
			}
			return;
		}
		if (message.build) {
			const parts = runToEnd(builder.partsSteps(message.build));
			parentPort.postMessage({ ok: true, parts }, [parts.offsets.buffer, parts.docs.buffer, parts.tf.buffer, parts.lengths.buffer]);
		}
	} catch (err) {
		parentPort.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
	}
});
