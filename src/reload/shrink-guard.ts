/**
 * The shrink guard: a reload that removes more than a set share of the events, actors or claims is
 * more likely a deleted folder or a bad merge than an edit, so it waits for an owner's confirmation.
 */
import type { DatasetDiff } from '../dataset/diff.js';
import type { DatasetCounts } from '../dataset/snapshot.js';

/** The share removed beyond which a reload needs confirming, unless configured. */
export const DEFAULT_MAX_REMOVED_SHARE = 0.5;

/** The kinds the guard watches: sources are only cited, so losing them loses no story. */
export const GUARDED_KINDS = ['events', 'actors', 'claims'] as const;

/** One kind of record a reload would remove more of than allowed. */
export interface Shrink {
	readonly kind: (typeof GUARDED_KINDS)[number];
	/** How many there are now. */
	readonly before: number;
	/** The ids that would go. */
	readonly removed: readonly string[];
}

/**
 * The kinds whose removed share exceeds `maxShare` (0-1) of what there is now. Empty when the reload
 * may go ahead without confirmation.
 */
export function shrinkBeyond(diff: DatasetDiff, before: DatasetCounts, maxShare: number): Shrink[] {
	return GUARDED_KINDS.flatMap((kind) => {
		const removed = diff[kind].removed;
		return before[kind] > 0 && removed.length / before[kind] > maxShare ? [{ kind, before: before[kind], removed }] : [];
	});
}
