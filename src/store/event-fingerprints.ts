/**
 * Fingerprints of event versions: the SHA-256 of an event's canonical JSON (recordFingerprints)
 * together with its claims', so that editing a claim makes a new version of its event.
 */
import { createHash } from 'node:crypto';
import { recordFingerprints } from '../dataset/diff.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';

// Snapshots are immutable, and the scheduler asks about the live one every tick.
const cache = new WeakMap<DatasetSnapshot, ReadonlyMap<string, string>>();

/** Event id → hex SHA-256 of the event's current version in `snapshot`. */
export function eventVersionFingerprints(snapshot: DatasetSnapshot): ReadonlyMap<string, string> {
	const hit = cache.get(snapshot);
	if (hit) return hit;
	const { events, claims } = recordFingerprints(snapshot);
	const out = new Map<string, string>();
	for (const e of snapshot.eachEvent()) {
		// Claims sorted by id, as diffDatasets compares them: reordering claims in a file is no change.
		const claimJson = [...e.claimIds].sort().map((id) => claims.get(id) ?? '');
		out.set(e.id, createHash('sha256').update(JSON.stringify([events.get(e.id) ?? '', ...claimJson])).digest('hex'));
	}
	cache.set(snapshot, out);
	return out;
}
