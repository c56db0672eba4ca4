/**
 * The dataset snapshot every reader uses: immutable, answered by the SQLite engine over a built file
 * (engine/sql-snapshot.ts). Commands read only from a snapshot, so a reload that swaps in a new one
 * never changes what a command in flight sees.
 */
export type { ActorMatch, DatasetCounts, EventFilter, SearchPage, SearchResult, TimelineFilter, TimelinePage } from './queries.js';
export { SqlSnapshot as DatasetSnapshot, type DerivedIndex } from './engine/sql-snapshot.js';
