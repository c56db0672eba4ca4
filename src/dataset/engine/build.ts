/**
 * buildDataset: a dataset directory as a built SQLite file (format.ts) in a cache directory, made in
 * a worker thread, or found there already built.
 *
 * Files in the cache directory:
 * - `<version>.sqlite`: a complete build; `version` is the content hash of the dataset files (the
 *   snapshot's version), so a file's name says what it holds, and an unchanged dataset is never built
 *   twice.
 * - `<version>.tmp-<pid>-<n>`: a build under way; renamed to `<version>.sqlite` when it is complete
 *   (rename is atomic: a reader sees a whole file or none), deleted when it fails.
 * - `<version>.lock`: the pid of the process building that version. Created with O_EXCL, so of
 *   several processes starting at once one builds and the others wait for its file; a lock whose
 *   process is dead is taken over.
 * - `<version>.use-<pid>`: a process has the version open. Old versions are removed only when no live
 *   process holds one of these.
 * - `<dir hash>.files`: for one data directory, the names, sizes and mtimes of its files (hashed) and
 *   the version they had: a start on an unchanged dataset skips hashing the files (see onChanged), and
 *   a bot's start on changed files answers from that version's build while the new one is made
 *   (see serveLast).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { fileError, type DatasetError } from '../errors.js';
import { listDatasetFiles, type LoadOptions } from '../read-dataset.js';
import { buildWorkerLimits, type BuildJob, type BuildProgress, type BuildReply } from './build-run.js';
import { datasetVersion } from './dataset-version.js';
import { APPLICATION_ID, FORMAT_VERSION } from './format.js';
import { siblingModule } from '../../sibling-module.js';
import { releaseFreeMemory } from '../../release-memory.js';

export interface BuildOptions extends LoadOptions {
	/** Directory of built files (config `datasetCache`, SITREP_DATASET_CACHE); created when missing. */
	readonly cacheDir: string;
	/**
	 * How long to wait for another process's build of the same version before building here as well
	 * (both builds are correct; the second only costs the time). Default 15 minutes.
	 */
	readonly waitMs?: number;
	/** Old versions kept besides the one in use (default 2). */
	readonly keep?: number;
	/**
	 * Lets a start answer before the files are hashed: when their names, sizes and mtimes are the ones
	 * the sidecar recorded, its version is the result at once, and the hash is checked afterwards. When
	 * the content differs after all (a file rewritten with the same size and mtime), the dataset is
	 * built again and the new result handed here, to be swapped in. Without it (a reload, which answers
	 * for the files' content and has no one to hand a later finding to) the files are hashed first.
	 */
	readonly onChanged?: (fresh: BuildResult) => void;
	/**
	 * Called once the files' content is known to be what the result was built from: as this call
	 * returns when it hashed them, or when the check after a fast start has ended (after onChanged, if
	 * the content differed). Until then a fast start's check reads and hashes every file in a worker.
	 */
	readonly onChecked?: () => void;
	/**
	 * The bot answers commands meanwhile (a reload): the dataset's version is worked out in a worker
	 * thread rather than on this one, and the workers run at a lower scheduling priority than this
	 * thread, so that a command never waits behind the build for a core. A start hashes here (nothing
	 * waits on the thread then, and a worker's start would cost more than it frees) and builds at the
	 * normal priority. The check after a fast start always hashes in a worker.
	 */
	readonly background?: boolean;
	/**
	 * A start that may answer from this data directory's last build while its files have changed (the
	 * bot, whose reload swaps the new build in; not a one-off command, which would answer from the old
	 * one and exit). When the files' names, sizes or mtimes differ from the sidecar's and the version
	 * the sidecar names is still built, that build is the result at once; the files' version is worked
	 * out and built in the background, as a reload builds, and handed to onChanged (when it is another
	 * version, or does not load). Without a last build, or without onChanged, the files are built now.
	 */
	readonly serveLast?: boolean;
	/**
	 * Whether a build writes its file on a second thread while the loader reads on the first
	 * (write-channel.ts). Default: yes, unless `background`, whose build leaves the other core to the
	 * commands. False: one thread (tests and benches compare the two).
	 */
	readonly writerThread?: boolean;
	/**
	 * Called as a build of the files begins (not when a build is reused, nor for a build in the
	 * background after a fast or stale start): the caller may say that the first answer waits for it.
	 */
	readonly onBuilding?: () => void;
	/** During such a build: how far its loader has read, every `progressMs` (default 10 s). */
	readonly onProgress?: (p: { readonly files: number; readonly events: number }) => void;
	/** How often onProgress is told (tests set it low). */
	readonly progressMs?: number;
	/** Tests only: the worker stops after this many events, by exiting or by throwing. */
	readonly crash?: BuildJob['crash'];
}

export type BuildResult =
	| {
			readonly ok: true;
			/** Path of the built file (`<cacheDir>/<version>.sqlite`); open it read-only. */
			readonly file: string;
			readonly version: string;
			/** Whether this call built the file (false: an earlier build was reused). */
			readonly built: boolean;
			/**
			 * The last build of files that have changed since (serveLast): the files' own build follows,
			 * through onChanged.
			 */
			readonly stale?: boolean;
			/**
			 * Says this process no longer uses the file, so a later cleanup may remove it. The file is
			 * marked in use (a `<version>.use-<pid>` file) from the moment this result is made.
			 */
			release(): void;
	  }
	| { readonly ok: false; readonly errors: DatasetError[] };

const WORKER = siblingModule(import.meta.url, 'build-worker');
const SQLITE_MAGIC = 'SQLite format 3\0';
const POLL_MS = 100;

let tmpCount = 0;

/**
 * Builds the dataset in `dir`, or reuses the build already in the cache. A broken dataset gives the
 * loader's errors (loadDataset's, the same words and places); a build that crashes gives one error
 * saying so and leaves no `<version>.sqlite` behind. Never throws for a dataset or build problem.
 */
export async function buildDataset(dir: string, options: BuildOptions): Promise<BuildResult> {
	try {
		return await buildOrReuse(dir, options);
	} catch (err) {
		// The cache directory's own trouble (permissions, a full disk): said as a result, like the rest.
		return { ok: false, errors: [stopped(dir, err)] };
	}
}

async function buildOrReuse(dir: string, options: BuildOptions): Promise<BuildResult> {
	const cacheDir = path.resolve(options.cacheDir);
	try {
		await mkdir(cacheDir, { recursive: true });
	} catch (err) {
		return fail(
			cacheDir,
			`the dataset cache directory cannot be made: ${(err as NodeJS.ErrnoException).code ?? String(err)}; set SITREP_DATASET_CACHE to a writable directory`,
		);
	}
	// Fast start: an unchanged dataset (the same names, sizes and mtimes) is found without reading it;
	// its content hash is checked in the background, and a mismatch builds again and hands the new
	// build to onChanged — so the sidecar answers only a caller with onChanged; others hash first.
	const stamp = await filesStamp(dir).catch(() => undefined);
	const sidecar = path.join(cacheDir, `${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16)}.files`);
	const recorded = stamp === undefined || !options.onChanged ? undefined : readSidecar(sidecar);
	const known = recorded?.stamp === stamp ? recorded?.version : undefined;
	if (known !== undefined && checkBuilt(builtPath(cacheDir, known), known) === 'ok') {
		const result = await done(cacheDir, known, false, options);
		void verifyLater(dir, cacheDir, known, options, (v) => writeSidecar(sidecar, stamp!, v));
		return result;
	}
	// The files changed since the last build was made from them: it answers while the new one builds.
	const last = options.serveLast ? recorded?.version : undefined;
	if (last !== undefined && stamp !== undefined && checkBuilt(builtPath(cacheDir, last), last) === 'ok') {
		const result = { ...(await done(cacheDir, last, false, options)), stale: true };
		// Built as a reload builds: on one thread below the commands' priority, the bot answering meanwhile.
		const later = { ...options, background: true, writerThread: false };
		void verifyLater(dir, cacheDir, last, later, (v) => writeSidecar(sidecar, stamp, v), { stale: true });
		return result;
	}
	// Undefined when a file cannot be read: the load then says which and why.
	const version = await (options.background ? versionInWorker(dir, options) : datasetVersion(dir, options)).catch(() => undefined);
	if (version === undefined) return build(dir, cacheDir, undefined, options);
	const result = await buildOrReuseVersion(dir, cacheDir, version, options);
	// The stamp taken before hashing: a file changed since has another stamp, and is hashed next time.
	if (result.ok && result.version === version && stamp !== undefined) writeSidecar(sidecar, stamp, version);
	options.onChecked?.();
	return result;
}

/**
 * The hash of a fast-started build, checked after the start; a dataset that differs is built again.
 * `stale`: the start served the last build of files whose stamp had changed (serveLast); when their
 * content turns out the same after all (a file touched, or copied in again), their new stamp is
 * remembered for it.
 */
async function verifyLater(
	dir: string,
	cacheDir: string,
	version: string,
	options: BuildOptions,
	remember: (version: string) => void,
	{ stale = false } = {},
): Promise<void> {
	// The start has answered already: its build here waits for no one.
	const { onBuilding: _building, onProgress: _progress, ...quiet } = options;
	let fresh: BuildResult;
	try {
		const actual = await versionInWorker(dir, quiet);
		if (actual === version) {
			if (stale) remember(actual);
			options.onChecked?.();
			return;
		}
		// By version, not through the sidecar: it still names the old one.
		fresh =
			actual === undefined ? await build(dir, cacheDir, undefined, quiet) : await buildOrReuseVersion(dir, cacheDir, actual, quiet);
		// The same names, sizes and mtimes now stand for the new version.
		if (fresh.ok && fresh.version === actual) remember(actual);
	} catch (err) {
		fresh = { ok: false, errors: [stopped(dir, err)] };
	}
	if (options.onChanged) options.onChanged(fresh);
	else if (fresh.ok) fresh.release();
	options.onChecked?.();
}

/** The names, sizes and modification times of the dataset's files, hashed: what the sidecar is keyed by. */
async function filesStamp(dir: string): Promise<string> {
	const files = await listDatasetFiles(dir);
	const hash = createHash('sha256');
	for (let i = 0; i < files.length; i += 256) {
		const stats = await Promise.all(files.slice(i, i + 256).map((f) => stat(path.join(dir, f))));
		stats.forEach((st, k) => hash.update(`${files[i + k]!}\0${st.size}\0${Math.trunc(st.mtimeMs)}\0${st.ino}\0`));
	}
	return hash.digest('hex');
}

/** The sidecar's stamp and the version last built from the files it stamps; undefined when missing or not ours. */
function readSidecar(file: string): { readonly stamp: string; readonly version: string } | undefined {
	try {
		const v = JSON.parse(readFileSync(file, 'utf8')) as { stamp?: unknown; version?: unknown };
		return typeof v.stamp === 'string' && typeof v.version === 'string' && /^[0-9a-f]{16}$/u.test(v.version)
			? { stamp: v.stamp, version: v.version }
			: undefined;
	} catch {
		return undefined;
	}
}

function writeSidecar(file: string, stamp: string, version: string): void {
	const tmp = `${file}.tmp-${process.pid}-${++tmpCount}`;
	try {
		writeFileSync(tmp, JSON.stringify({ stamp, version }));
		renameSync(tmp, file);
	} catch {
		unlinkSafe(tmp);
	}
}

async function buildOrReuseVersion(dir: string, cacheDir: string, version: string, options: BuildOptions): Promise<BuildResult> {
	const waitUntil = Date.now() + (options.waitMs ?? 15 * 60_000);
	const lockFile = path.join(cacheDir, `${version}.lock`);
	for (;;) {
		if (checkBuilt(builtPath(cacheDir, version), version) === 'ok') return done(cacheDir, version, false, options);
		const lock = takeLock(lockFile);
		if (lock) {
			try {
				// The build of the process that held the lock may have finished between the check and here.
				const file = builtPath(cacheDir, version);
				const state = checkBuilt(file, version);
				if (state === 'ok') return done(cacheDir, version, false, options);
				// Deleted only under the lock: never a file another process has just renamed into place.
				if (state === 'bad') await unlink(file).catch(() => {});
				return await build(dir, cacheDir, version, options);
			} finally {
				lock.release();
			}
		}
		if (Date.now() > waitUntil) return build(dir, cacheDir, version, options);
		await sleep(POLL_MS);
	}
}

/**
 * Removes a built file that passed {@link checkBuilt} but turned out unusable when opened (a row its
 * reader needs is missing, a page is damaged), under the build lock like every other removal; the
 * next buildDataset builds it again. When another process holds the lock it is building that version
 * now, and nothing is removed.
 */
export async function discardBuilt(cacheDir: string, version: string): Promise<void> {
	const dir = path.resolve(cacheDir);
	const lock = takeLock(path.join(dir, `${version}.lock`));
	if (!lock) return;
	try {
		await unlink(builtPath(dir, version)).catch(() => {});
	} finally {
		lock.release();
	}
}

/** `<cacheDir>/<version>.sqlite`. */
export function builtPath(cacheDir: string, version: string): string {
	return path.join(cacheDir, `${version}.sqlite`);
}

/**
 * Whether a built file can be trusted, by cheap checks that do not read the whole file (PRAGMA
 * quick_check would, and takes long on a big one): the header's page size × page count is the file's
 * size (a truncated or extended file fails), its application id and format number are ours, and the
 * meta table says the build completed and holds `version`. SQLite's own "not a database" and
 * "malformed" errors on the way count as untrusted. 'missing': no file at all.
 */
export function checkBuilt(file: string, version: string): 'ok' | 'missing' | 'bad' {
	let size: number;
	const header = Buffer.alloc(100);
	try {
		size = statSync(file).size;
		const fd = openSync(file, 'r');
		try {
			if (readSync(fd, header, 0, 100, 0) < 100) return 'bad';
		} finally {
			closeSync(fd);
		}
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'bad';
	}
	if (header.toString('latin1', 0, 16) !== SQLITE_MAGIC) return 'bad';
	const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
	const pages = header.readUInt32BE(28);
	// The page count in the header is valid only when the change counter matches "version valid for".
	if (header.readUInt32BE(24) !== header.readUInt32BE(92) || pages * pageSize !== size) return 'bad';
	if (header.readUInt32BE(68) !== APPLICATION_ID || header.readUInt32BE(60) !== FORMAT_VERSION) return 'bad';
	let db: Database.Database | undefined;
	try {
		db = new Database(file, { readonly: true, fileMustExist: true });
		const meta = new Map(
			(db.prepare(`SELECT key, value FROM meta WHERE key IN ('complete', 'version')`).all() as { key: string; value: string }[]).map(
				(r) => [r.key, r.value],
			),
		);
		if (
			db.pragma('application_id', { simple: true }) !== APPLICATION_ID ||
			db.pragma('user_version', { simple: true }) !== FORMAT_VERSION
		)
			return 'bad';
		return meta.get('complete') === '1' && meta.get('version') === version ? 'ok' : 'bad';
	} catch (err) {
		if (isCorruption(err) || (err as { code?: string }).code === 'SQLITE_ERROR') return 'bad';
		throw err;
	} finally {
		db?.close();
	}
}

/**
 * Whether an error from better-sqlite3 says the file is damaged or not a database: a reader of a
 * built file (the snapshot) treats such a file as untrusted — deletes it and builds again.
 */
export function isCorruption(err: unknown): boolean {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** Runs the build in a worker, then renames its file into place; every failure is an error result. */
async function build(dir: string, cacheDir: string, expected: string | undefined, options: BuildOptions): Promise<BuildResult> {
	const tmp = path.join(cacheDir, `${expected ?? 'new'}.tmp-${process.pid}-${++tmpCount}`);
	const { crash, background } = options;
	const job: BuildJob = {
		dir,
		file: tmp,
		load: loadOptionsOf(options),
		...(crash ? { crash } : {}),
		...(background ? { background } : {}),
		...((options.writerThread ?? !background) ? { writerThread: true } : {}),
		...(options.onProgress ? { progressMs: options.progressMs ?? 10_000 } : {}),
	};
	options.onBuilding?.();
	let reply: BuildReply;
	try {
		reply = await runWorker(job, options.onProgress);
		if (reply.ok) {
			// The files may have changed since the version was worked out: the name is what was built.
			await rename(tmp, builtPath(cacheDir, reply.version));
			return await done(cacheDir, reply.version, true, options);
		}
	} catch (err) {
		reply = { ok: false, errors: [stopped(dir, err)] };
	}
	await unlink(tmp).catch(() => {});
	return reply;
}

/**
 * The dataset's version (see datasetVersion), worked out in a worker thread: hashing a big dataset
 * reads and digests every byte, and on the main thread the buffers' allocation and collection came
 * between commands during a reload. Undefined when a file cannot be read within the limits.
 */
async function versionInWorker(dir: string, options: BuildOptions): Promise<string | undefined> {
	const reply = await runWorker({ dir, file: '', load: loadOptionsOf(options), versionOnly: true, background: true });
	return reply.ok ? reply.version : undefined;
}

/**
 * The loader's part of the options, for a worker's job: it is structured-cloned, so nothing of the
 * cache's own options (callbacks above all) may go with it.
 */
function loadOptionsOf(options: BuildOptions): LoadOptions {
	const {
		cacheDir: _cache,
		waitMs: _wait,
		keep: _keep,
		crash: _crash,
		onBuilding: _building,
		onProgress: _progress,
		progressMs: _progressMs,
		onChanged: _changed,
		onChecked: _checked,
		background: _b,
		writerThread: _w,
		serveLast: _last,
		...load
	} = options;
	return load;
}

/**
 * One build in a new worker thread; a worker that throws or exits without replying rejects.
 * `onProgress`: the worker's progress messages (with job.progressMs).
 */
function runWorker(job: BuildJob, onProgress?: (p: BuildProgress) => void): Promise<BuildReply> {
	return new Promise((resolve, reject) => {
		const resourceLimits = buildWorkerLimits(job.load.maxFileBytes, job.background).loader;
		const worker = new Worker(WORKER.url, { workerData: job, execArgv: WORKER.execArgv, resourceLimits });
		let reply: BuildReply | undefined;
		worker.on('message', (m: BuildReply | BuildProgress) => {
			if ('kind' in m) onProgress?.(m);
			else reply = m;
		});
		worker.once('error', (err: Error & { code?: string }) =>
			reject(
				err.code === 'ERR_WORKER_OUT_OF_MEMORY'
					? new Error(
							`the build needed more than its ${resourceLimits.maxOldGenerationSizeMb} MB of memory: a file too large, or a very great many errors — \`sitrep validate\` lists them`,
						)
					: err,
			),
		);
		worker.once('exit', (code) => {
			// The worker's SQLite caches, FTS5 buffers and typed bookkeeping were freed as it ended;
			// without this they would stay resident while the bot only answers commands.
			releaseFreeMemory();
			if (reply) resolve(reply);
			else reject(new Error(`the build worker exited with code ${code}`));
		});
	});
}

function stopped(dir: string, err: unknown): DatasetError {
	const why = err instanceof Error ? err.message : String(err);
	return fileError(
		dir,
		`the dataset build stopped before it finished (${why}); nothing of it was kept — fix the cause and reload to build again`,
	);
}

function fail(file: string, message: string): BuildResult {
	return { ok: false, errors: [fileError(file, message)] };
}

/** The result for a complete file: marked in use and as the newest, and old versions cleaned up. */
async function done(cacheDir: string, version: string, built: boolean, options: BuildOptions): Promise<BuildResult> {
	const file = builtPath(cacheDir, version);
	const marker = path.join(cacheDir, `${version}.use-${process.pid}`);
	await writeFile(marker, '');
	// mtime = last use: cleanup keeps the most recently used versions.
	const now = new Date();
	await utimes(file, now, now).catch(() => {});
	await cleanup(cacheDir, version, options.keep ?? 2).catch(() => {});
	let released = false;
	return {
		ok: true,
		file,
		version,
		built,
		release() {
			if (released) return;
			released = true;
			try {
				unlinkSync(marker);
			} catch {
				// Already gone (a cleanup of a dead pid's markers cannot take a live one's; someone deleted the cache).
			}
		},
	};
}

/**
 * Removes old builds: every `<version>.sqlite` but the one in use, the `keep` most recently used, and
 * any that a live process has marked in use or is building; failed builds' temporary files (with any
 * journal SQLite left beside them) and the markers and locks of dead processes.
 */
export async function cleanup(cacheDir: string, inUse: string, keep: number): Promise<void> {
	const names = await readdir(cacheDir);
	const busy = new Set<string>([inUse]);
	for (const name of names) {
		const use = /^([0-9a-f]+)\.use-(\d+)$/u.exec(name);
		// A build's temporary file, and what SQLite may have left beside it when its process died.
		const tmp = /^([0-9a-z]+)\.tmp-(\d+)-\d+(?:-journal|-wal|-shm)?$/u.exec(name);
		const lock = /^([0-9a-f]+)\.lock$/u.exec(name);
		if (use) {
			if (alive(Number(use[2]))) busy.add(use[1]!);
			else await unlink(path.join(cacheDir, name)).catch(() => {});
		} else if (tmp) {
			if (!alive(Number(tmp[2]))) await unlink(path.join(cacheDir, name)).catch(() => {});
		} else if (lock) {
			const pid = lockPid(path.join(cacheDir, name));
			if (pid === undefined || alive(pid)) busy.add(lock[1]!);
		}
	}
	const old: { version: string; mtime: number }[] = [];
	for (const name of names) {
		const m = /^([0-9a-f]+)\.sqlite$/u.exec(name);
		if (!m || busy.has(m[1]!)) continue;
		const st = await stat(path.join(cacheDir, name)).catch(() => undefined);
		if (st) old.push({ version: m[1]!, mtime: st.mtimeMs });
	}
	old.sort((a, b) => b.mtime - a.mtime);
	for (const o of old.slice(keep)) await unlink(builtPath(cacheDir, o.version)).catch(() => {});
}

/** Whether a process with this pid exists (EPERM: it does, as another user's). */
function alive(pid: number): boolean {
	if (!Number.isSafeInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The pid written in a lock file; undefined while it is being written (or unreadable). */
function lockPid(file: string): number | undefined {
	try {
		const text = readFileSync(file, 'utf8').trim();
		return /^\d+$/u.test(text) ? Number(text) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Takes the build lock of a version, or undefined when a live process holds it. A lock left by a dead
 * process is taken over; one whose pid cannot be read (being written, or a crash between creating and
 * writing it) is taken over once it is a minute old.
 */
function takeLock(file: string): { release(): void } | undefined {
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const fd = openSync(file, 'wx');
			try {
				writeSync(fd, String(process.pid));
			} finally {
				closeSync(fd);
			}
			return {
				release() {
					// Only our own lock: a waiter that gave up on us may have taken it over meanwhile.
					if (lockPid(file) === process.pid) unlinkSafe(file);
				},
			};
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
		}
		const pid = lockPid(file);
		if (pid !== undefined ? alive(pid) : Date.now() - mtimeOf(file) < 60_000) return undefined;
		// Read again just before removing: another waiter may have taken it over since.
		if (lockPid(file) === pid) unlinkSafe(file);
	}
	return undefined;
}

function mtimeOf(file: string): number {
	try {
		return statSync(file).mtimeMs;
	} catch {
		return 0;
	}
}

function unlinkSafe(file: string): void {
	try {
		unlinkSync(file);
	} catch {
		// Gone already.
	}
}
