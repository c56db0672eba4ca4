/**
 * The SQLite engine over the same records as a reference snapshot: what the engine guard tests
 * compare, answer for answer, with the in-heap engine (or with another built snapshot).
 */
import { SqlSnapshot } from '../../../src/dataset/engine/sql-snapshot.js';
import type { Actor, Claim, Source, Story, StoryEvent, Vocabulary } from '../../../src/dataset/model.js';

/** What either engine's snapshot gives out of its records. */
export interface SnapshotRecords {
	readonly story: Story;
	readonly version: string;
	readonly loadedAt: string;
	readonly vocabulary: Vocabulary;
	eachActor(): Iterable<Actor>;
	eachSource(): Iterable<Source>;
	eachEvent(): Iterable<StoryEvent>;
	eachClaim(): Iterable<Claim>;
}

export function sqlOfHeap(s: SnapshotRecords): SqlSnapshot {
	return SqlSnapshot.fromRecords(
		s.story,
		[...s.eachActor()],
		[...s.eachSource()],
		[...s.eachEvent()],
		[...s.eachClaim()],
		s.version,
		s.loadedAt,
		s.vocabulary,
	);
}
