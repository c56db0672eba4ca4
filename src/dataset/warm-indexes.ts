/**
 * Builds a snapshot's on-first-use indexes (reverse "related" links, group members, the day-of-year
 * buckets, per-status position lists) before the snapshot serves anyone. Each costs up to a few
 * tens of milliseconds at 100k events; built here, right after a load and before the swap, no
 * command pays for it. Everything built is memoized per snapshot, so a later use is a lookup. The
 * event loop gets a turn between them: a reload runs while the bot answers.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { eventsRelatedTo, membersOf } from './reverse-links.js';
import { eventStatuses } from './schema.js';
import type { DatasetSnapshot } from './snapshot.js';

export async function warmIndexes(dataset: DatasetSnapshot): Promise<void> {
	const steps = [
		() => eventsRelatedTo(dataset, ''),
		() => membersOf(dataset, ''),
		() => dataset.onThisDay(1, 1, 0),
		() => {
			for (const status of eventStatuses) dataset.lastStartingBy(Number.MIN_SAFE_INTEGER, 1, { status });
		},
	];
	for (const step of steps) {
		step();
		await nextTurn();
	}
}
