/**
 * Builds a snapshot's on-first-use indexes (reverse "related" links, group members, the day-of-year
 * buckets, per-status position lists) before the snapshot serves anyone: built here, right after a
 * load and before the swap, no command pays for them. Everything built is memoized per snapshot,
 * so a later use is a lookup. On a big dataset they take long enough to be felt, so they are built
 * in slices (slices.ts): a reload runs while the bot answers.
 */
import { reverseLinkSteps } from './reverse-links.js';
import { Slicer } from './slices.js';
import type { DatasetSnapshot } from './snapshot.js';

export async function warmIndexes(dataset: DatasetSnapshot, slicer = new Slicer()): Promise<void> {
	await slicer.run(reverseLinkSteps(dataset));
	await slicer.run(dataset.warmSteps());
}
