/**
 * The build itself, as the build worker (build-worker.ts) runs it: the loader's validation feeding an
 * {@link EngineWriter} on a new file. Kept apart from build.ts, which only starts workers and names
 * files, so that the worker imports no more than the load needs.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { DatasetError } from '../errors.js';
import { loadInto, type LoadedMeta, type LoadIds, type LoadOptions, type RecordSink } from '../read-dataset.js';
import { DEFAULT_YAML_LIMITS } from '../safe-yaml.js';
import type { Actor, Claim, Source, StoryEvent } from '../model.js';
import { datasetVersion } from './dataset-version.js';
import { openBuildFile } from './build-file.js';
import { InThread, WriteChannel, type BuildTarget } from './write-channel.js';
import { EngineWriter } from './writer.js';

/**
 * The V8 limits of the build worker (the loader) and of its writer thread, for files of at most
 * `maxFileBytes` (LoadOptions); `background`: a reload's build, while the bot answers commands.
 *
 * Young generation: where every parsed record is made and dies. V8's default would grow it to
 * 3 × 16 MB; a few MB do the same work in less memory (bench/README.md, "Peak memory, round four").
 * A start's loader gets more: it makes a document, a fingerprint and a batch to send of every event,
 * and with fewer scavenges its build is faster for a little more memory at its peak; a reload's,
 * whose peak comes on top of the serving bot's, keeps the few MB.
 *
 * Old generation: bounded. V8 lets an old generation grow to a multiple of what is live before it
 * collects, and the multiple rises with the bound, up to 4× for an unbounded one. Both threads keep
 * little alive (tens of MB at a million events: the ids are off the heap), so with no bound it was
 * their garbage, not their data, that set a build's peak memory. A dataset that needs more than the
 * bound (a file of millions of records, millions of errors) ends the worker with an error the bot
 * reports, where it would have grown the process until the system stopped it. A parsed file takes
 * a few times its bytes, hence the part per MB of the file limit.
 *
 * A start's build (nothing to answer yet) gets the tight bound, for the lower peak. A reload's gets a
 * loose one: a tightly bounded heap is collected far more often, and V8's collector threads, shared
 * by the whole process and not lowered in priority like the build's own thread, then took the core a
 * command was waiting for. Figures for both: bench/README.md, "Cold build on two threads, round six".
 */
export function buildWorkerLimits(
	maxFileBytes: number = DEFAULT_YAML_LIMITS.maxFileBytes,
	background = false,
): { readonly loader: ResourceLimits; readonly writer: ResourceLimits } {
	const fileMb = Math.ceil(maxFileBytes / (1024 * 1024));
	return {
		loader: {
			maxYoungGenerationSizeMb: background ? 6 : 16,
			maxOldGenerationSizeMb: (background ? 2048 : 512) + 16 * fileMb,
		},
		writer: { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: 64 + 8 * fileMb },
	};
}

/** What the worker is handed (structured-cloned). */
export interface BuildJob {
	readonly dir: string;
	/** The file to write: new, in the cache directory; renamed into place by the caller. */
	readonly file: string;
	readonly load: LoadOptions;
	/**
	 * Only work out the dataset's version (datasetVersion) and reply with it, building nothing
	 * (`file` unused); a file that cannot be read gives `{ ok: false, errors: [] }`.
	 */
	readonly versionOnly?: boolean;
	/** The bot answers commands meanwhile: run this worker's thread at a lower priority (see lowerPriority). */
	readonly background?: boolean;
	/**
	 * Write the file on a thread of its own (write-channel.ts), the loader's work and SQLite's on two
	 * cores at once; else both on this worker's thread. The caller decides (BuildOptions.writerThread:
	 * not for a reload, whose build leaves the other core to the commands).
	 */
	readonly writerThread?: boolean;
	/**
	 * Tests only: stop the build after this many events, by exiting the worker, by throwing, or (with
	 * `writerThread`) by the writer thread's throwing.
	 */
	readonly crash?: { readonly afterEvents: number; readonly how: 'exit' | 'throw' | 'writer' };
	/** Post a {@link BuildProgress} this often while the loader reads (a build the caller waits for). */
	readonly progressMs?: number;
}

/** How far a build's loader has read: posted by the worker between its start and its reply. */
export interface BuildProgress {
	readonly kind: 'progress';
	readonly files: number;
	readonly events: number;
}

export type BuildReply = { ok: true; version: string } | { ok: false; errors: DatasetError[] };

/**
 * The loader's sink for a build: each valid record straight to the writer, which stages it on disk.
 * Nothing is kept here but the number of the current file. The writer reads the events' ids from
 * the loader's (`ids`) rather than keeping its own copy of each.
 */
export class EngineSink implements RecordSink<string> {
	#file = 0;
	#files = 0;
	#events = 0;
	#nextReport = 0;

	/** `progress`: told how far the load has read, at most once per `everyMs`. */
	constructor(
		private readonly writer: BuildTarget,
		ids: LoadIds,
		private readonly crash?: BuildJob['crash'],
		private readonly progress?: { readonly everyMs: number; readonly report: (p: BuildProgress) => void },
	) {
		writer.useEventIds(ids.events);
		if (progress) this.#nextReport = performance.now() + progress.everyMs;
	}

	file(name: string, digest: string): void {
		this.#file = this.writer.addFile(name, digest);
		this.#files++;
		this.#report();
	}

	#report(): void {
		const p = this.progress;
		if (!p || performance.now() < this.#nextReport) return;
		this.#nextReport = performance.now() + p.everyMs;
		p.report({ kind: 'progress', files: this.#files, events: this.#events });
	}

	actor(a: Actor): void {
		this.writer.addActor(a, this.#file);
	}

	source(x: Source): void {
		this.writer.addSource(x, this.#file);
	}

	event(e: StoryEvent, claims: readonly Claim[]): void {
		this.writer.addEvent(e, claims, this.#file);
		// The clock read every thousand events only.
		if ((++this.#events & 1023) === 0) this.#report();
		if (this.crash && this.crash.how !== 'writer' && this.#events >= this.crash.afterEvents) {
			if (this.crash.how === 'exit') process.exit(70);
			throw new Error('build stopped on request (test)');
		}
	}

	ready(): Promise<void> | undefined {
		return this.writer.ready();
	}

	async finish(meta: LoadedMeta): Promise<string> {
		await this.writer.finish({ story: meta.story, vocabulary: meta.vocabulary, version: meta.version });
		return meta.version;
	}
}

/**
 * Loads `job.dir` into a new built dataset at `job.file`; the file is complete only when this says ok.
 * `report`: told how far the load has read, every `job.progressMs`.
 */
export async function runBuild(job: BuildJob, report?: (p: BuildProgress) => void): Promise<BuildReply> {
	if (job.background) lowerPriority();
	if (job.versionOnly) {
		// On this thread: below the bot's priority when it answers commands meanwhile (see lowerPriority).
		const version = await datasetVersion(job.dir, job.load, 'thread').catch(() => undefined);
		return version === undefined ? { ok: false, errors: [] } : { ok: true, version };
	}
	let target: BuildTarget;
	let db: ReturnType<typeof openBuildFile> | undefined;
	if (job.writerThread) {
		const limits = buildWorkerLimits(job.load.maxFileBytes).writer;
		target = new WriteChannel(job.file, limits, job.crash?.how === 'writer' ? job.crash.afterEvents : undefined);
	} else {
		db = openBuildFile(job.file);
		// The file is closed right after finish (below): its staging tables go with the connection.
		target = new InThread(new EngineWriter(db, { closesAfterFinish: true }));
	}
	try {
		const progress = report && job.progressMs !== undefined ? { everyMs: job.progressMs, report } : undefined;
		const r = await loadInto(job.dir, job.load, (ids) => new EngineSink(target, ids, job.crash, progress));
		if (!r.ok) {
			await target.abort();
			return r;
		}
		return { ok: true, version: r.value };
	} catch (err) {
		// The writer thread's own reason, when it failed first (the loader only saw that it had).
		const why = await target.abort().catch(() => undefined);
		throw why === undefined ? err : new Error(why);
	} finally {
		db?.close();
	}
}

/** The nice value of a background worker's thread (0 is the default, 19 the lowest). */
const BACKGROUND_NICE = 10;

/**
 * Lowers the scheduling priority of this thread alone (Linux: a thread's nice value is its own, and
 * /proc/thread-self names its id). A reload's build then takes a core only when the thread answering
 * commands does not want it; on a machine with cores to spare it runs as fast as before. Elsewhere,
 * or when the system refuses, the build runs at the normal priority.
 */
function lowerPriority(): void {
	try {
		const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
		if (Number.isSafeInteger(tid) && tid > 0) setPriority(tid, BACKGROUND_NICE);
	} catch {
		// Not Linux, or not allowed: the normal priority.
	}
}
