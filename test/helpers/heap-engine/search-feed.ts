/**
 * Where the loader sends each record's search fields. Tokenizing and indexing every text is the
 * largest single cost of loading a big dataset (bench/README.md), and none of
 * the other work depends on it — so once a load proves big, the fields go to a worker thread that
 * builds the index on the other core while this thread validates and makes records. The texts are
 * the records' own strings: this side keeps only references to them, and sends them over in
 * batches (a copy of some hundreds of kilobytes each).
 *
 * Small loads (the demo story, tests) never start a worker: starting one (the thread, tsx, the
 * modules) costs more than indexing a small dataset here. The loader knows the dataset's size
 * before it reads a record; from {@link OFF_THREAD_BYTES} on it starts the worker at once, so the
 * start overlaps the reading and validating. A worker that fails to start or dies makes the index
 * be built here too, from the same references, so the result never depends on the worker.
 */
import { Worker } from 'node:worker_threads';
import { encodeKeyWeight, SearchIndexBuilder } from './search-index-builder.js';
import { searchIndexFromParts, type SearchIndex, type SearchIndexParts } from './search-index.js';

/** Dataset size (all files) from which the index is built off the main thread: about 17k events. */
export const OFF_THREAD_BYTES = 16 * 1024 * 1024;
/** Documents per message to the worker. */
const BATCH_DOCS = 2_000;

/**
 * A step of a build: nothing (the caller may yield to the event loop), or a promise the caller
 * awaits before stepping on (Slicer.run does; the off-thread build yields one while it waits).
 */
export type BuildStep = void | Promise<unknown>;

/** What SnapshotTables feeds: documents made of weighted fields, then one build. */
export interface SearchSink {
	/** Starts the next document; returns its number. */
	beginDoc(): number;
	addField(text: string, weight: number): void;
	/** Adds a key (see SearchIndexBuilder.addKey). */
	addKey(key: string, weight: number): void;
	/** The index, with documents renumbered by `order` (see SearchIndexBuilder.buildSteps). */
	buildSteps(order?: ArrayLike<number>): Generator<BuildStep, SearchIndex>;
}

export interface SearchFeedOptions {
	/** 'auto' (the default): off the main thread when {@link SearchFeed.expect} is told of a big dataset. */
	readonly offThread?: 'auto' | boolean;
	/** The size from which 'auto' goes off thread; default {@link OFF_THREAD_BYTES}. */
	readonly minBytes?: number;
	/** Called once if the worker fails and the index is built here instead. */
	readonly onFallback?: (err: Error) => void;
	/** The worker script; tests point it at a broken one to see the fallback. */
	readonly workerUrl?: URL;
}

type WorkerReply = { ok: true; parts: SearchIndexParts } | { ok: false; message: string };

const WORKER_URL = new URL('./search-worker.mjs', import.meta.url);

const counts = { started: 0, built: 0, fellBack: 0 };

/** Search workers started, indexes they built, and builds that fell back to the loading thread, in this process. */
export function searchWorkerCounts(): Readonly<typeof counts> {
	return { ...counts };
}

export class SearchFeed implements SearchSink {
	/** Index of each document's first field in {@link texts}. */
	private readonly firsts: number[] = [];
	private readonly texts: string[] = [];
	private readonly weights: number[] = [];
	/** Documents already sent to the worker. */
	private sent = 0;
	private worker?: Worker;
	private reply?: Promise<WorkerReply>;
	private failed?: Error;
	/** The builder when this load indexes on its own thread from the start. */
	private local?: SearchIndexBuilder;

	constructor(private readonly options: SearchFeedOptions = {}) {}

	/**
	 * Told the dataset's total size before the first record: in 'auto' mode a big one starts the
	 * worker now, so that its start-up runs while this thread reads and validates.
	 */
	expect(totalBytes: number): void {
		const mode = this.options.offThread ?? 'auto';
		if (mode === true || (mode === 'auto' && totalBytes >= (this.options.minBytes ?? OFF_THREAD_BYTES))) {
			if (!this.worker && !this.failed) this.start();
		}
	}

	beginDoc(): number {
		if (this.local) return this.local.beginDoc();
		if (this.firsts.length === 0) {
			if (this.options.offThread === true && !this.worker && !this.failed) this.start();
			// No worker for this load: index each record as it comes, while it is in the CPU cache.
			if (!this.worker) return (this.local = new SearchIndexBuilder()).beginDoc();
		}
		const doc = this.firsts.push(this.texts.length) - 1;
		if (doc - this.sent >= BATCH_DOCS) this.flush(doc);
		return doc;
	}

	addField(text: string, weight: number): void {
		if (this.local) return this.local.addField(text, weight);
		this.texts.push(text);
		this.weights.push(weight);
	}

	addKey(key: string, weight: number): void {
		if (this.local) return this.local.addKey(key, weight);
		this.texts.push(key);
		this.weights.push(encodeKeyWeight(weight));
	}

	*buildSteps(order?: ArrayLike<number>): Generator<BuildStep, SearchIndex> {
		if (this.local) return yield* this.local.buildSteps(order);
		const mode = this.options.offThread ?? 'auto';
		if (mode === true && !this.worker && !this.failed) this.start();
		if (this.worker && !this.failed) {
			this.flush(this.firsts.length);
			const ord = order ? Int32Array.from(order) : Int32Array.from(this.firsts, (_, i) => i);
			this.worker.postMessage({ build: ord }, [ord.buffer]);
			// Awaiting a promise does not keep Node running; the worker must while it builds.
			this.worker.ref();
			let reply: WorkerReply | undefined;
			yield this.reply!.then((r) => (reply = r));
			void this.worker.terminate();
			this.worker = undefined;
			if (reply?.ok) {
				counts.built++;
				return yield* searchIndexFromParts(reply.parts);
			}
			this.fail(new Error(reply ? reply.message : 'the search worker stopped'));
		}
		return yield* this.buildHere(order);
	}

	/** Sends documents [sent, upTo) to the worker, if there is one. */
	private flush(upTo: number): void {
		if (this.failed || !this.worker || upTo <= this.sent) return;
		const from = this.firsts[this.sent]!;
		const to = upTo < this.firsts.length ? this.firsts[upTo]! : this.texts.length;
		const firsts = this.firsts.slice(this.sent, upTo).map((f) => f - from);
		this.worker!.postMessage({ docs: { firsts, texts: this.texts.slice(from, to), weights: this.weights.slice(from, to) } });
		this.sent = upTo;
	}

	private start(): void {
		try {
			const worker = new Worker(this.options.workerUrl ?? WORKER_URL);
			this.reply = new Promise<WorkerReply>((resolve) => {
				worker.once('message', resolve);
				worker.once('error', (err) => resolve({ ok: false, message: err.message }));
				worker.once('exit', (code) => resolve({ ok: false, message: `the search worker exited with code ${code}` }));
			});
			// A load that fails validation never asks for the index: the worker must not keep the process alive.
			worker.unref();
			this.worker = worker;
			counts.started++;
		} catch (err) {
			this.fail(err instanceof Error ? err : new Error(String(err)));
		}
	}

	private fail(err: Error): void {
		if (this.failed) return;
		this.failed = err;
		counts.fellBack++;
		this.options.onFallback?.(err);
		if (this.worker) void this.worker.terminate();
		this.worker = undefined;
	}

	/** The index built on this thread from the fields kept here. */
	private *buildHere(order?: ArrayLike<number>): Generator<BuildStep, SearchIndex> {
		const b = new SearchIndexBuilder();
		const { firsts, texts, weights } = this;
		for (let d = 0; d < firsts.length; d++) {
			b.beginDoc();
			const end = d + 1 < firsts.length ? firsts[d + 1]! : texts.length;
			for (let f = firsts[d]!; f < end; f++) b.addEntry(texts[f]!, weights[f]!);
			if ((d & 1023) === 1023) yield;
		}
		return yield* b.buildSteps(order);
	}

	/** Stops the worker of a load that ends without building (it failed validation). */
	close(): void {
		if (this.worker) void this.worker.terminate();
		this.worker = undefined;
	}
}
