/**
 * The loader's side of a build whose writing runs on a thread of its own (write-worker.ts): each
 * record is made into plain values here (prepared.ts: the documents, the fingerprint; what needs the
 * record itself) and sent in batches; the writer thread folds the text, digests the documents and
 * runs SQLite. On a machine with two cores or more the two halves run at once.
 *
 * Also {@link BuildTarget}, what a build's sink writes to, and its one-thread form {@link InThread}.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Actor, Claim, Source, StoryEvent } from '../model.js';
import type { IdLookup } from '../id-index.js';
import { Int32List } from '../int-list.js';
import { siblingModule } from '../../sibling-module.js';
import { DateCheck } from './event-doc.js';
import { eventOrds } from './event-ords.js';
import { prepareEvent } from './prepared.js';
import type { BuildMeta, EngineWriter } from './writer.js';
import type { WriterJob, WriterMessage, WriterOp, WriterReply } from './write-protocol.js';

/** Where a build's sink (build-run.ts EngineSink) puts the records, on one thread or two. */
export interface BuildTarget {
	/** The loader's event ids (see EngineWriter.useEventIds); before the first event. */
	useEventIds(ids: IdLookup): void;
	/** A dataset file, in load order; its number, for the records read from it. */
	addFile(name: string, digest: string): number;
	addActor(a: Actor, file: number): void;
	addSource(x: Source, file: number): void;
	/** An event and its claims (the claims that follow it in the load). */
	addEvent(e: StoryEvent, claims: readonly Claim[], file: number): void;
	/** See RecordSink.ready: whether the loader must wait before it sends more. */
	ready(): Promise<void> | undefined;
	/** Every record is in: the file written and marked complete. */
	finish(meta: BuildMeta): Promise<void>;
	/**
	 * The build is abandoned: nothing is marked complete. Resolves with why the writing failed, when it
	 * failed on its own (the writer thread's reason), else undefined.
	 */
	abort(): Promise<string | undefined>;
}

/** The whole build on this thread: the records go straight to an EngineWriter. */
export class InThread implements BuildTarget {
	constructor(private readonly writer: EngineWriter) {}

	useEventIds(ids: IdLookup): void {
		this.writer.useEventIds(ids);
	}

	addFile(name: string, digest: string): number {
		return this.writer.addFile(name, digest);
	}

	addActor(a: Actor, file: number): void {
		this.writer.addActor(a, file);
	}

	addSource(x: Source, file: number): void {
		this.writer.addSource(x, file);
	}

	addEvent(e: StoryEvent, claims: readonly Claim[], file: number): void {
		this.writer.addEvent(e, file);
		for (const c of claims) this.writer.addClaim(c);
	}

	ready(): undefined {
		return undefined;
	}

	finish(meta: BuildMeta): Promise<void> {
		this.writer.finish(meta);
		return Promise.resolve();
	}

	abort(): Promise<string | undefined> {
		this.writer.abort();
		return Promise.resolve(undefined);
	}
}

const WORKER = siblingModule(import.meta.url, 'write-worker');

/**
 * A batch is sent at this many records or this many characters of documents, whichever comes first:
 * few enough that a batch is a fraction of a MB (and dies young on the writer's heap), enough that
 * messages are few. Dataset files are untrusted: one event may be as large as a file.
 */
const BATCH_OPS = 32;
const BATCH_CHARS = 256 * 1024;
/**
 * Batches sent and not yet written before the loader waits (RecordSink.ready): the writer thread
 * always has the next batch at hand, and what waits in its queue stays a few hundred KB whatever
 * the dataset's size.
 */
const MAX_IN_FLIGHT = 4;

/** A build's writing on a thread of its own; see the module's comment. */
export class WriteChannel implements BuildTarget {
	readonly #worker: Worker;
	#ops: WriterOp[] = [];
	/** Characters of documents in #ops. */
	#chars = 0;
	#files = 0;
	/** Batches sent and not yet written. */
	#inFlight = 0;
	/** The loader waits for room (see ready). */
	#room: { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } | undefined;
	/** Why the writing failed, once it has. */
	#failure: string | undefined;
	/** Each event's first and last day by arrival: its date order, worked out at the finish. */
	readonly #firstDay = new Int32List();
	readonly #lastDay = new Int32List();
	#ids: IdLookup | undefined;
	readonly #dates = new DateCheck();
	/** The writer thread's last word: its final reply, or how it ended without one. */
	readonly #ended: Promise<WriterReply>;

	/**
	 * Starts the writer thread on the new file `file`, with the given V8 limits. The caller must end it
	 * with {@link finish} or {@link abort} (the thread also ends with this one).
	 */
	constructor(file: string, resourceLimits: ResourceLimits, failAfterEvents?: number) {
		const job: WriterJob = { file, ...(failAfterEvents !== undefined ? { failAfterEvents } : {}) };
		this.#worker = new Worker(WORKER.url, { workerData: job, execArgv: WORKER.execArgv, resourceLimits });
		this.#ended = new Promise((resolve) => {
			let last: WriterReply | undefined;
			this.#worker.on('message', (m: WriterReply) => {
				if (m.kind === 'written') this.#written();
				else {
					last ??= m;
					if (m.kind === 'failed') this.#fail(m.message);
				}
			});
			this.#worker.once('error', (err: Error & { code?: string }) => {
				const why =
					err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the writer thread ran out of its memory (${err.message})` : err.message;
				last ??= { kind: 'failed', message: why };
				this.#fail(why);
			});
			this.#worker.once('exit', (code) => {
				last ??= { kind: 'failed', message: `the writer thread exited with code ${code}` };
				if (last.kind === 'failed') this.#fail(last.message);
				resolve(last);
			});
		});
	}

	useEventIds(ids: IdLookup): void {
		this.#ids = ids;
	}

	addFile(name: string, digest: string): number {
		const n = ++this.#files;
		this.#push(['file', name, digest, n], 0);
		return n;
	}

	addActor(a: Actor, file: number): void {
		this.#push(['actor', a, file], 0);
	}

	addSource(x: Source, file: number): void {
		this.#push(['source', x, file], 0);
	}

	addEvent(e: StoryEvent, claims: readonly Claim[], file: number): void {
		const prepared = prepareEvent(e, claims, file, this.#dates);
		this.#firstDay.push(prepared.firstDay);
		this.#lastDay.push(prepared.lastDay);
		let chars = prepared.doc.length;
		for (const c of prepared.claims) chars += c.doc.length;
		this.#push(['event', prepared], chars);
	}

	ready(): Promise<void> | undefined {
		if (this.#failure !== undefined) return Promise.reject(new Error(`the build's writer failed: ${this.#failure}`));
		if (this.#inFlight < MAX_IN_FLIGHT) return undefined;
		if (!this.#room) {
			let resolve!: () => void;
			let reject!: (err: Error) => void;
			const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
			this.#room = { promise, resolve, reject };
		}
		return this.#room.promise;
	}

	async finish(meta: BuildMeta): Promise<void> {
		this.#send();
		const ids = this.#ids;
		const events = this.#firstDay.length;
		if (!ids || ids.size !== events) throw new Error(`${ids?.size ?? 'no'} event ids for ${events} events`);
		const ords = eventOrds(this.#firstDay.view(), this.#lastDay.view(), (n) => ids.idAt(n));
		this.#post({ kind: 'finish', meta, ords }, [ords.buffer as ArrayBuffer]);
		const r = await this.#ended;
		if (r.kind !== 'finished') throw new Error(`the build's writer failed: ${r.kind === 'failed' ? r.message : 'aborted'}`);
	}

	async abort(): Promise<string | undefined> {
		this.#ops = [];
		this.#post({ kind: 'abort' });
		await this.#ended;
		return this.#failure;
	}

	#push(op: WriterOp, chars: number): void {
		this.#ops.push(op);
		this.#chars += chars;
		if (this.#ops.length >= BATCH_OPS || this.#chars >= BATCH_CHARS) this.#send();
	}

	#send(): void {
		if (this.#ops.length === 0) return;
		this.#inFlight++;
		this.#post({ kind: 'ops', ops: this.#ops });
		this.#ops = [];
		this.#chars = 0;
	}

	#written(): void {
		this.#inFlight--;
		if (this.#room && this.#inFlight < MAX_IN_FLIGHT) {
			this.#room.resolve();
			this.#room = undefined;
		}
	}

	#fail(why: string): void {
		this.#failure ??= why;
		if (this.#room) {
			this.#room.reject(new Error(`the build's writer failed: ${this.#failure}`));
			this.#room = undefined;
		}
	}

	#post(m: WriterMessage, transfer: ArrayBuffer[] = []): void {
		// After the thread has ended (it failed), there is no one to tell.
		if (this.#failure === undefined) this.#worker.postMessage(m, transfer);
	}
}
