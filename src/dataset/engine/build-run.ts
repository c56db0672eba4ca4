/**
 * The build itself, as the build worker (build-worker.ts) runs it: the loader's validation feeding an
 * {@link EngineWriter} on a new file. Kept apart from build.ts, which only starts workers and names
 * files, so that the worker imports no more than the load needs.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import Database from 'better-sqlite3';
import type { DatasetError } from '../errors.js';
import { loadInto, type LoadedMeta, type LoadIds, type LoadOptions, type RecordSink } from '../read-dataset.js';
import type { Actor, Claim, Source, StoryEvent } from '../model.js';
import { datasetVersion } from './dataset-version.js';
import { EngineWriter } from './writer.js';

/**
 * Page cache of a build, per database (the file and its staging tables), in KiB. Twice as much saved
 * no CPU and raised the peak memory of a reload (bench/README.md, "Peak memory, round five").
 */
const CACHE_KB = 4 * 1024;

/**
 * The build worker's V8 limits. Its young generation (where every parsed record is made and dies)
 * would grow to V8's default of 3 × 16 MB; a few MB do the same work (the loader keeps almost
 * nothing on the heap) in less memory: bench/README.md, "Peak memory, round four". The old
 * generation is left unbounded: a broken dataset's errors are all kept there.
 */
export const BUILD_WORKER_LIMITS = { maxYoungGenerationSizeMb: 6 } as const;

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
	/** Tests only: stop the build after this many events, by exiting the worker or by throwing. */
	readonly crash?: { readonly afterEvents: number; readonly how: 'exit' | 'throw' };
}

export type BuildReply = { ok: true; version: string } | { ok: false; errors: DatasetError[] };

/**
 * The loader's sink for a build: each valid record straight to the writer, which stages it on disk.
 * Nothing is kept here but the number of the current file. The writer reads the events' ids from
 * the loader's (`ids`) rather than keeping its own copy of each.
 */
export class EngineSink implements RecordSink<string> {
	#file = 0;
	#events = 0;

	constructor(
		private readonly writer: EngineWriter,
		ids: LoadIds,
		private readonly crash?: BuildJob['crash'],
	) {
		writer.useEventIds(ids.events);
	}

	file(name: string, digest: string): void {
		this.#file = this.writer.addFile(name, digest);
	}

	actor(a: Actor): void {
		this.writer.addActor(a, this.#file);
	}

	source(x: Source): void {
		this.writer.addSource(x, this.#file);
	}

	event(e: StoryEvent, claims: readonly Claim[]): void {
		this.writer.addEvent(e, this.#file);
		// The writer takes an event's claims right after it (it numbers them by that event).
		for (const c of claims) this.writer.addClaim(c);
		if (this.crash && ++this.#events >= this.crash.afterEvents) {
			if (this.crash.how === 'exit') process.exit(70);
			throw new Error('build stopped on request (test)');
		}
	}

	finish(meta: LoadedMeta): Promise<string> {
		this.writer.finish({ story: meta.story, vocabulary: meta.vocabulary, version: meta.version });
		return Promise.resolve(meta.version);
	}
}

/** Loads `job.dir` into a new built dataset at `job.file`; the file is complete only when this says ok. */
export async function runBuild(job: BuildJob): Promise<BuildReply> {
	if (job.background) lowerPriority();
	if (job.versionOnly) {
		// On this thread: below the bot's priority when it answers commands meanwhile (see lowerPriority).
		const version = await datasetVersion(job.dir, job.load, 'thread').catch(() => undefined);
		return version === undefined ? { ok: false, errors: [] } : { ok: true, version };
	}
	const db = new Database(job.file);
	// The build writes index b-trees in an order of their own (by actor, by tag, FTS segments) and reads
	// the staged events back in date order: SQLite's default page cache of 2 MB makes that
	// re-read pages from the file again and again. A few MB each for the file and the staging tables
	// (a larger cache cost memory and saved no CPU: bench/README.md, "After the switch").
	db.pragma(`cache_size = ${-CACHE_KB}`);
	db.pragma(`temp.cache_size = ${-CACHE_KB}`);
	// One writer, and nobody may read a file before it is renamed into place: no file locking needed.
	db.pragma('locking_mode = EXCLUSIVE');
	// The file is closed right after finish (below): its staging tables go with the connection.
	const writer = new EngineWriter(db, { closesAfterFinish: true });
	try {
		const r = await loadInto(job.dir, job.load, (ids) => new EngineSink(writer, ids, job.crash));
		if (!r.ok) {
			writer.abort();
			return r;
		}
		return { ok: true, version: r.value };
	} catch (err) {
		writer.abort();
		throw err;
	} finally {
		db.close();
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
