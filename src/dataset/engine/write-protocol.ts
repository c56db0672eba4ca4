/**
 * What the loader's thread of a build and its writer thread (write-worker.ts) say to each other.
 * Kept apart so that the writer thread imports none of the loader.
 */
import type { Actor, Source } from '../model.js';
import type { PreparedEvent } from './prepared.js';
import type { BuildMeta } from './writer.js';

/** workerData of the writer thread. */
export interface WriterJob {
	/** The new file to write. */
	readonly file: string;
	/** Tests only: the writer throws once it has written this many events. */
	readonly failAfterEvents?: number;
}

/** One call of the writer, in load order. 'file' carries the number the loader gave it (files are numbered from 1). */
export type WriterOp =
	| readonly ['file', string, string, number]
	| readonly ['actor', Actor, number]
	| readonly ['source', Source, number]
	| readonly ['event', PreparedEvent];

export type WriterMessage =
	| { readonly kind: 'ops'; readonly ops: readonly WriterOp[] }
	/** `ords`: every event's ord by arrival (event-ords.ts), worked out where the loader's ids are. */
	| { readonly kind: 'finish'; readonly meta: BuildMeta; readonly ords: Float64Array }
	| { readonly kind: 'abort' };

/** 'written': one 'ops' message is written (the loader counts what is still in flight). The others end the thread's work. */
export type WriterReply =
	| { readonly kind: 'written' }
	| { readonly kind: 'finished' }
	| { readonly kind: 'aborted' }
	| { readonly kind: 'failed'; readonly message: string };
