/**
 * Loads a dataset directory into the in-heap engine (heap-snapshot.ts): the reference the engine
 * guard tests compare the SQLite engine with. The same validation (read-dataset.ts) feeds it.
 */
import type { Actor, Claim, Source, StoryEvent } from '../../../src/dataset/model.js';
import { loadInto, type LoadedMeta, type LoadOptions, type RecordSink } from '../../../src/dataset/read-dataset.js';
import type { Slicer } from '../../../src/dataset/slices.js';
import type { DatasetError } from '../../../src/dataset/errors.js';
import { DatasetSnapshot } from './heap-snapshot.js';
import { SearchFeed } from './search-feed.js';
import { SnapshotTables } from './snapshot-tables.js';

export type HeapSnapshot = DatasetSnapshot;

/** The in-heap snapshot of `dir`, or the loader's errors. */
export async function loadHeapSnapshot(
	dir: string,
	options: LoadOptions & { now?: Date } = {},
): Promise<{ ok: true; snapshot: HeapSnapshot } | { ok: false; errors: DatasetError[] }> {
	const feed = new SearchFeed({ offThread: false });
	try {
		const r = await loadInto(dir, options, () => new HeapSink(feed, options.now ?? new Date()));
		return r.ok ? { ok: true, snapshot: r.value } : r;
	} finally {
		feed.close();
	}
}

/**
 * loadDataset's sink: the in-heap snapshot. Its tables and search index are fed each record as it is
 * made (see SnapshotTables); the record lists and each file's records are kept for the snapshot.
 */
class HeapSink implements RecordSink<DatasetSnapshot> {
	private readonly actors: Actor[] = [];
	private readonly sources: Source[] = [];
	private readonly events: StoryEvent[] = [];
	private readonly claims: Claim[] = [];
	private readonly tables: SnapshotTables;

	constructor(
		feed: SearchFeed,
		private readonly now: Date,
	) {
		// Its own id maps: the loader's are kept off the heap, as lookups only (LoadIds).
		this.tables = new SnapshotTables(feed);
	}

	file(): void {}

	actor(a: Actor): void {
		this.actors.push(a);
		this.tables.addActor(a);
	}

	source(x: Source): void {
		this.sources.push(x);
		this.tables.addSource(x);
	}

	event(e: StoryEvent, claims: readonly Claim[]): void {
		for (const c of claims) {
			this.claims.push(c);
			this.tables.addClaim(c);
		}
		this.events.push(e);
		this.tables.addEvent(e);
	}

	async finish(meta: LoadedMeta, slicer: Slicer): Promise<DatasetSnapshot> {
		const prepared = await slicer.run(this.tables.finish());
		const snapshot = new DatasetSnapshot(
			meta.story,
			Object.freeze(this.actors),
			Object.freeze(this.sources),
			this.events,
			Object.freeze(this.claims),
			meta.version,
			this.now.toISOString(),
			prepared,
			meta.vocabulary,
		);
		return snapshot;
	}
}
