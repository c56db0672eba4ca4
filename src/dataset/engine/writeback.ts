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
 *
 * SQLite's temporary files go away in steps too. On a file system mounted with `discard` (ext4 here),
 * the last close of a deleted file frees its blocks and discards every extent before it returns; a
 * build's temporary tables are scattered pages over a GB or more, so closing them at the build's end
 * filled the disk's queue with discards and the live file's reads waited behind them. The pacer keeps
 * a descriptor of each temporary file it has seen; once SQLite has closed the file, it truncates it a
 * few MB at a time, with pauses, before letting go of it.
 */
import { constants } from 'node:fs';
import { open, readdir, readlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often the build's dirty pages are handed to the disk. */
const DEFAULT_PERIOD_MS = 200;

/** A closed temporary file is truncated by this much at a time, with RELEASE_PAUSE_MS between. */
const RELEASE_STEP_BYTES = 16 * 1024 * 1024;
const RELEASE_PAUSE_MS = 10;

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
	/** SQLite's temporary files seen open, by their link (a random name each): our own descriptor of each. */
	const held = new Map<string, FileHandle>();
	const loop = (async () => {
		while (!abort.signal.aborted) {
			try {
				await sleep(periodMs, undefined, { signal: abort.signal });
			} catch {
				return; // stopped
			}
			if (await syncFile(target)) options.onSynced?.(target);
			// Our own descriptors link to the same files: never counted as SQLite's.
			const open = await tempFiles(new Set([...held.values()].map((h) => h.fd)));
			for (const [key, handle] of held) {
				if (open.has(key)) continue;
				held.delete(key);
				await release(handle);
			}
			for (const [key, fdPath] of open) {
				let handle = held.get(key);
				if (!handle) {
					handle = await holdFile(fdPath);
					if (!handle) continue;
					held.set(key, handle);
				}
				if (
					await handle.datasync().then(
						() => true,
						() => false,
					)
				)
					options.onSynced?.(fdPath);
			}
		}
	})();
	return {
		async stop() {
			abort.abort();
			await loop;
			// The build is over and SQLite has closed its files: ours are the last descriptors.
			for (const handle of held.values()) await release(handle);
			held.clear();
		},
	};
}

/**
 * SQLite's temporary files open in this process (Linux) on descriptors other than `own`, by link →
 * a /proc descriptor path. A file is SQLite's until no descriptor but ours is open on it.
 */
async function tempFiles(own: ReadonlySet<number>): Promise<Map<string, string>> {
	const found = new Map<string, string>();
	if (process.platform !== 'linux') return found;
	const fds = await readdir('/proc/self/fd').catch(() => [] as string[]);
	for (const fd of fds) {
		if (own.has(Number(fd))) continue;
		const link = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
		if (SQLITE_TEMP.test(link)) found.set(link, `/proc/self/fd/${fd}`);
	}
	return found;
}

/** A read-write descriptor of our own for a temporary file (through /proc), or undefined. */
async function holdFile(fdPath: string): Promise<FileHandle | undefined> {
	const handle = await open(fdPath, constants.O_RDWR | constants.O_NONBLOCK).catch(() => undefined);
	if (!handle) return undefined;
	if (
		await handle.stat().then(
			(st) => st.isFile(),
			() => false,
		)
	)
		return handle;
	await handle.close().catch(() => {});
	return undefined;
}

/**
 * Lets go of a temporary file SQLite has closed (ours is its last descriptor): truncated from the end
 * a step at a time, so that its blocks are freed, and discarded, a few MB at a time.
 */
async function release(handle: FileHandle): Promise<void> {
	try {
		let size = (await handle.stat()).size;
		while (size > 0) {
			size = Math.max(0, size - RELEASE_STEP_BYTES);
			await handle.truncate(size);
			await sleep(RELEASE_PAUSE_MS);
		}
	} catch {
		// Gone already: nothing to free in steps.
	} finally {
		await handle.close().catch(() => {});
	}
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
