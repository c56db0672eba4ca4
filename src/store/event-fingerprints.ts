/**
 * Fingerprints of event versions: the SHA-256 of an event's canonical JSON together with its
 * claims', so that editing a claim makes a new version of its event (to-input.ts eventFingerprint;
 * the build stores each event's, so this reads them rather than working them out).
 */
import type { DatasetSnapshot } from '../dataset/snapshot.js';

// Snapshots are immutable, and the scheduler asks about the live one every tick.
const cache = new WeakMap<DatasetSnapshot, ReadonlyMap<string, string>>();

/** Event id → hex SHA-256 of the event's current version in `snapshot`. */
export function eventVersionFingerprints(snapshot: DatasetSnapshot): ReadonlyMap<string, string> {
	let hit = cache.get(snapshot);
	if (!hit) cache.set(snapshot, (hit = snapshot.eventFingerprints()));
	return hit;
}
