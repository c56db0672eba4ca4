/**
 * Which file each record of a loaded snapshot came from, with a digest of the file. A reload diffs
 * only the records of files that changed: a file with the same bytes holds the same records, so at
 * 100k events an edit to one file costs a diff of that file, not of the dataset.
 */
import type { Actor, Source, StoryEvent } from './model.js';
import type { DatasetSnapshot } from './snapshot.js';

export interface FileRecords {
	/** SHA-256 of the file's bytes. */
	readonly digest: string;
	readonly events: StoryEvent[];
	readonly actors: Actor[];
	readonly sources: Source[];
}

/** Relative file path → its records, for every file of the snapshot. */
export type FileMap = ReadonlyMap<string, FileRecords>;

const byFile = new WeakMap<DatasetSnapshot, FileMap>();

export function setFileRecords(snapshot: DatasetSnapshot, files: FileMap): void {
	byFile.set(snapshot, files);
}

/** Known for snapshots made by loadDataset; undefined for ones built otherwise (tests). */
export function fileRecords(snapshot: DatasetSnapshot): FileMap | undefined {
	return byFile.get(snapshot);
}
