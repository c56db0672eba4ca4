/**
 * The whole first-seen and introduced maps of a snapshot's events, from an EventVersionStore's
 * VersionTimes: what tests compare, asked event by event as the readers do.
 */
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import type { EventVersionStore } from '../../src/store/store.js';

export async function versionMaps(
	store: EventVersionStore,
	snapshot: DatasetSnapshot,
): Promise<{ firstSeen: Map<string, string>; introduced: Map<string, string> }> {
	const times = await store.versionTimes(snapshot);
	const firstSeen = new Map<string, string>();
	const introduced = new Map<string, string>();
	for (const e of snapshot.eachEvent()) {
		const seen = times.firstSeen(e.id);
		const first = times.introduced(e.id);
		if (seen !== undefined) firstSeen.set(e.id, seen);
		if (first !== undefined) introduced.set(e.id, first);
	}
	return { firstSeen, introduced };
}

export async function firstSeenOf(store: EventVersionStore, snapshot: DatasetSnapshot): Promise<Map<string, string>> {
	return (await versionMaps(store, snapshot)).firstSeen;
}

export async function introducedOf(store: EventVersionStore, snapshot: DatasetSnapshot): Promise<Map<string, string>> {
	return (await versionMaps(store, snapshot)).introduced;
}
