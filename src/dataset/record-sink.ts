/**
 * The loader's contracts with its callers: the options of a load, where it puts each valid record
 * (a {@link RecordSink}), and what it hands over once every record is valid.
 */
import type { IdLookup } from './id-index.js';
import type { Actor, Claim, Source, Story, StoryEvent, Vocabulary } from './model.js';
import type { SafeYamlLimits } from './safe-yaml.js';
import type { Slicer } from './slices.js';

export interface LoadOptions extends Partial<SafeYamlLimits> {
	/** Most files read from one directory tree. */
	readonly maxFiles?: number;
	/** Sum of all file sizes. */
	readonly maxTotalBytes?: number;
	/** Instant recorded as the snapshot's load time. */
	readonly now?: Date;
}

/** What a load has made of the whole dataset once every record is valid (see {@link RecordSink.finish}). */
export interface LoadedMeta {
	readonly story: Story;
	readonly vocabulary: Vocabulary;
	/** Content hash of the files: every file's name and SHA-256, in load order. */
	readonly version: string;
}

/**
 * Where the loader puts each record as soon as it validates: today's in-heap tables (loadDataset), or
 * the built dataset's writer (engine/build.ts). The loader itself keeps only what validation needs
 * (ids, record numbers, where each record is), so a sink that writes records away keeps the load's
 * memory to those.
 */
export interface RecordSink<R> {
	/** A file read and parsed, in load order; the records that follow come from it. */
	file(name: string, digest: string): void;
	actor(a: Actor): void;
	source(x: Source): void;
	/** A valid event and its claims (each claim's id may repeat one seen before: the load then fails). */
	event(e: StoryEvent, claims: readonly Claim[]): void;
	/**
	 * Asked every few dozen records and after each file: a promise to wait for before more records come
	 * (a sink whose writing runs elsewhere and has fallen behind; it rejects when the writing failed),
	 * or undefined to go on at once.
	 */
	ready?(): Promise<void> | undefined;
	/** Every record was valid: the result of the load. Called at most once, and never after errors. */
	finish(meta: LoadedMeta, slicer: Slicer): Promise<R>;
}

/**
 * Ids shared between the loader and a sink: id → record number in file order (claims: in load
 * order). Read-only to the sink. Kept off the heap (id-index.ts); when the load succeeds every record
 * is valid and no id repeats, so the record numbers are the sink's own arrival numbers and
 * `idAt(n)` is the id of the `n`th record of that kind.
 */
export interface LoadIds {
	readonly actors: IdLookup;
	readonly sources: IdLookup;
	readonly events: IdLookup;
	readonly claims: IdLookup;
}
