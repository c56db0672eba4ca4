/**
 * loadDataset(dir): a dataset directory as a snapshot — every file validated and cross-checked
 * (read-dataset.ts), the records written into the SQLite engine (engine/writer.ts) and opened for
 * queries (engine/sql-snapshot.ts) — or the complete list of errors. Never a half-loaded dataset.
 *
 * With a cache directory (the bot's way) the build runs in a worker thread into a file named by the
 * dataset's content hash, reused while the files are unchanged and shared by every process on the
 * machine (engine/build.ts). Without one (tests, one-off tools) it is built on this thread into a
 * private temporary database.
 */
import Database from 'better-sqlite3';
import { fileError, type DatasetError } from './errors.js';
import { buildDataset, discardBuilt, type BuildResult } from './engine/build.js';
import { EngineSink } from './engine/build-run.js';
import { SqlSnapshot } from './engine/sql-snapshot.js';
import { EngineWriter } from './engine/writer.js';
import { InThread } from './engine/write-channel.js';
import { loadInto, type LoadOptions } from './read-dataset.js';
import type { DatasetSnapshot } from './snapshot.js';

export type { LoadOptions } from './read-dataset.js';

export interface LoadDatasetOptions extends LoadOptions {
	/**
	 * Directory of built datasets (config `datasetCache`): build in a worker thread into it, or reuse
	 * the build of the same content. Without it the dataset is built in memory on this thread.
	 */
	readonly cacheDir?: string;
	/**
	 * With a cache: the snapshot was opened before the files' content was checked (a fast start, or
	 * `serveLast`), and it turned out different. `fresh` is then the files' own build, opened — the
	 * caller owns it and closes it if it does not serve it (Reloader.swapFound swaps it in) — or their
	 * errors, and the snapshot given stays the one to serve. Never called otherwise. Only a caller that
	 * passes it is answered before the files are hashed; without it they are hashed first.
	 */
	readonly onChanged?: (fresh: LoadResult) => void;
	/**
	 * With a cache: a bot's start on files that changed since their last build answers from that build
	 * while the new one is made in the background (BuildOptions.serveLast); onChanged then tells.
	 */
	readonly serveLast?: boolean;
	/**
	 * With a cache: a build of the files begins, and the result waits for it (no build of them to reuse,
	 * or to serve meanwhile; see BuildOptions.onBuilding).
	 */
	readonly onBuilding?: () => void;
	/** During that build: how far it has read, every few seconds (see BuildOptions.onProgress). */
	readonly onProgress?: (p: { readonly files: number; readonly events: number }) => void;
	/** With a cache: the files' content has been checked (see BuildOptions.onChecked). */
	readonly onChecked?: () => void;
	/** With a cache: the bot answers commands meanwhile (a reload; see BuildOptions.background). */
	readonly background?: boolean;
	/** With a cache: whether a build writes on a second thread (see BuildOptions.writerThread). */
	readonly writerThread?: boolean;
}

/**
 * The snapshot, or every error. `stale`: the last build of files that changed since (serveLast),
 * served while theirs is made; onChanged follows.
 */
export type LoadResult = { ok: true; snapshot: DatasetSnapshot; stale?: boolean } | { ok: false; errors: DatasetError[] };

export async function loadDataset(dir: string, options: LoadDatasetOptions = {}): Promise<LoadResult> {
	const loadedAt = (options.now ?? new Date()).toISOString();
	if (options.cacheDir === undefined) return inMemory(dir, options, loadedAt);
	const { cacheDir, onChanged, ...load } = options;
	const started = Date.now();
	// A file that passed the cheap trust checks can still turn out damaged or incomplete when opened
	// (corrupt pages, a meta row missing): it is never trusted — removed and built again, once.
	for (let attempt = 0; ; attempt++) {
		const built = await buildDataset(dir, {
			...load,
			cacheDir,
			// Only a caller that can be told of a later finding is answered before the files are hashed.
			...(onChanged
				? {
						onChanged: (fresh: BuildResult) => {
							if (!fresh.ok) return onChanged(fresh);
							// Loaded when the check ends: the load's own time, moved on by what the check took.
							const at = new Date((options.now?.getTime() ?? started) + Date.now() - started).toISOString();
							const opened = openBuilt(fresh.file, at, () => fresh.release());
							// Damaged after all: built again by the next load rather than trusted.
							if (!opened.ok) void discardBuilt(cacheDir, fresh.version).catch(() => {});
							onChanged(opened);
						},
					}
				: {}),
		});
		if (!built.ok) return built;
		const opened = openBuilt(built.file, loadedAt, () => built.release());
		if (opened.ok) return built.stale ? { ...opened, stale: true } : opened;
		if (attempt > 0) return opened;
		await discardBuilt(cacheDir, built.version);
	}
}

/** A built file opened as a snapshot that releases it when closed; its error as a dataset error. */
function openBuilt(file: string, loadedAt: string, release: () => void): LoadResult {
	try {
		return { ok: true, snapshot: SqlSnapshot.open(file, loadedAt, { onClose: release }) };
	} catch (err) {
		release();
		return {
			ok: false,
			errors: [fileError(file, `the built dataset cannot be opened: ${err instanceof Error ? err.message : String(err)}`)],
		};
	}
}

async function inMemory(dir: string, options: LoadOptions, loadedAt: string): Promise<LoadResult> {
	// SQLite's anonymous database: private to this connection and deleted when it closes, held in the
	// page cache while small and spilled to a temporary file when not, so a big dataset loaded by a
	// tool (validate, a preview) does not have to fit in memory.
	const db = new Database('');
	const writer = new EngineWriter(db);
	try {
		const r = await loadInto(dir, options, (ids) => new EngineSink(new InThread(writer), ids));
		if (!r.ok) {
			writer.abort();
			db.close();
			return r;
		}
		return { ok: true, snapshot: SqlSnapshot.over(db, loadedAt) };
	} catch (err) {
		writer.abort();
		db.close();
		throw err;
	}
}
