/**
 * Gives the memory the C allocator holds free back to the system, after work that freed much of it
 * at once: a dataset build ending (its worker thread's SQLite caches, FTS5 buffers and the loader's
 * typed bookkeeping) and a replaced dataset closed after a reload.
 *
 * glibc returns freed memory to the system only from the top of a heap; what is freed below memory
 * still in use stays resident until it is used again. After a build, that is tens of MB the bot
 * holds while it only answers commands (bench/README.md, "Peak memory, round five").
 * `malloc_trim(0)` releases every free page of every arena. It is called through koffi (a
 * foreign-function library with prebuilt binaries), loaded on first use; where the C library is not
 * glibc, or koffi cannot load, this does nothing.
 */
import { createRequire } from 'node:module';

type Trim = (pad: number) => number;

/** The C library's malloc_trim, once looked up; null where there is none to call. */
let trim: Trim | null | undefined;

function lookUp(): Trim | null {
	// Only glibc has malloc_trim, in libc.so.6 (musl, macOS and Windows have neither: the load throws).
	if (process.platform !== 'linux') return null;
	try {
		const koffi = createRequire(import.meta.url)('koffi') as {
			load(name: string): { func(signature: string): Trim };
		};
		return koffi.load('libc.so.6').func('int malloc_trim(size_t pad)');
	} catch {
		return null;
	}
}

/**
 * Releases the allocator's free memory to the system now. Takes a few ms on a heap of a few hundred
 * MB (it walks the free chunks): call it after a large release, not per command. Returns whether
 * anything could be called (false: not glibc, or no FFI).
 */
export function releaseFreeMemory(): boolean {
	trim ??= lookUp();
	if (!trim) return false;
	try {
		trim(0);
		return true;
	} catch {
		// Called from exit handlers and timers: a failed call must not take them down.
		trim = null;
		return false;
	}
}
