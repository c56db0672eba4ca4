/**
 * Paces a background build's writes to the disk. A build at 1M events writes about 2 GB (its file
 * and SQLite's temporary files for the staging tables and sorts) with `synchronous = OFF`: the pages
 * stay dirty in the page cache until the kernel's flusher writes out everything older than
 * `vm.dirty_expire_centisecs` (30 s) in one burst of several hundred MB. That burst fills the disk's
 * queue, and a read of the live dataset's file by the thread answering commands (a page not in the
 * cache) waits behind it: 100–500 ms with the thread in `pread`, the reload's stalls at 1M
 * (bench/README.md, "Reload at 1M, round three"). Syncing the build's files every few hundred
 * milliseconds hands the disk the same bytes in small pieces, so a read waits behind one piece at most.
 *
 * The syncs run on libuv's thread pool (fs promises): the calling thread only starts them, and the
 * build thread is not stopped either (it keeps writing while its earlier pages go to the disk).
 */
import { constants } from 'node:fs';
import { open, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often the build's dirty pages are handed to the disk. */
const DEFAULT_PERIOD_MS = 200;

/** SQLite's temporary files (unix VFS: `etilqs_` + random), open but already deleted. */
const SQLITE_TEMP = /\/etilqs_[0-9A-Za-z]+ \(deleted\)$/u;

export interface WritebackOptions {
	/** How often the build's dirty pages are handed to the disk (default 200 ms). */
	readonly periodMs?: number;
	/** Called with each file synced (the build's path, or a temporary file's /proc descriptor path): for tests. */
	readonly onSynced?: (file: string) => void;
}

export interface WritebackPacer {
	/** Stops pacing; resolves when a sync under way has finished. */
	stop(): Promise<void>;
}

/**
 * Starts syncing `file` (a build's output, written by another thread of this process) and, on Linux,
 * this process's open SQLite temporary files every `periodMs`, one pass at a time, until stopped.
 * Errors are ignored: pacing is an optimisation, and the build reports its own failures.
 */
export function paceWriteback(file: string, options: WritebackOptions = {}): WritebackPacer {
	const periodMs = options.periodMs ?? DEFAULT_PERIOD_MS;
	const abort = new AbortController();
	const target = path.resolve(file);
	const loop = (async () => {
		while (!abort.signal.aborted) {
			try {
				await sleep(periodMs, undefined, { signal: abort.signal });
			} catch {
				return; // stopped
			}
			for (const f of await buildFiles(target)) if (await syncFile(f)) options.onSynced?.(f);
		}
	})();
	return {
		async stop() {
			abort.abort();
			await loop;
		},
	};
}

/**
 * The build's file and SQLite's temporary files open in this process. A temporary file has no name
 * left; it is reached through its descriptor's /proc entry. (Temporary files of other connections in
 * this process are synced as well: harmless, and they are few.)
 */
async function buildFiles(target: string): Promise<string[]> {
	const files = [target];
	if (process.platform !== 'linux') return files;
	const fds = await readdir('/proc/self/fd').catch(() => [] as string[]);
	for (const fd of fds) {
		const link = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
		if (SQLITE_TEMP.test(link)) files.push(`/proc/self/fd/${fd}`);
	}
	return files;
}

/**
 * fdatasync through a descriptor of our own (Linux syncs a file's pages whichever descriptor asks);
 * whether it was synced. Non-blocking open: a descriptor number reused meanwhile by a pipe must not
 * hang a pool thread; only regular files are synced.
 */
async function syncFile(file: string): Promise<boolean> {
	const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
	if (!handle) return false;
	try {
		if (!(await handle.stat()).isFile()) return false;
		await handle.datasync();
		return true;
	} catch {
		// The file went away, or the disk said no: the build itself will say so if it matters.
		return false;
	} finally {
		await handle.close().catch(() => {});
	}
}
