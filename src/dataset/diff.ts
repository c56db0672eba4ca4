/**
 * What changed between two snapshots: records added, changed and removed, for events, actors,
 * sources and claims. Records are compared in the editors' own shape, so a change is exactly a
 * change an editor made.
 */
import type { DatasetSnapshot } from './snapshot.js';
import { actorToInput, eventToInput, sourceToInput } from './to-input.js';

export interface KindDiff {
	readonly added: readonly string[];
	readonly changed: readonly string[];
	readonly removed: readonly string[];
}

export interface DatasetDiff {
	readonly events: KindDiff;
	readonly actors: KindDiff;
	readonly sources: KindDiff;
	readonly claims: KindDiff;
	readonly storyChanged: boolean;
}

function diffMaps(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): KindDiff {
	const added: string[] = [];
	const changed: string[] = [];
	const removed: string[] = [];
	for (const [id, v] of after) {
		const old = before.get(id);
		if (old === undefined) added.push(id);
		else if (old !== v) changed.push(id);
	}
	for (const id of before.keys()) if (!after.has(id)) removed.push(id);
	return { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
}

/** Canonical JSON of each record, keyed by id. Claims are compared on their own, without their event. */
export function recordFingerprints(ds: DatasetSnapshot): { events: Map<string, string>; actors: Map<string, string>; sources: Map<string, string>; claims: Map<string, string> } {
	const events = new Map<string, string>();
	const claims = new Map<string, string>();
	for (const e of ds.events) {
		const input = eventToInput(ds, e.id);
		for (const c of input.claims ?? []) claims.set(c.id, JSON.stringify({ ...c, event: e.id }));
		events.set(e.id, JSON.stringify({ ...input, claims: undefined }));
	}
	return {
		events,
		actors: new Map(ds.actors.map((a) => [a.id, JSON.stringify(actorToInput(a))])),
		sources: new Map(ds.sources.map((s) => [s.id, JSON.stringify(sourceToInput(s))])),
		claims,
	};
}

export function diffDatasets(before: DatasetSnapshot, after: DatasetSnapshot): DatasetDiff {
	const a = recordFingerprints(before);
	const b = recordFingerprints(after);
	return {
		events: diffMaps(a.events, b.events),
		actors: diffMaps(a.actors, b.actors),
		sources: diffMaps(a.sources, b.sources),
		claims: diffMaps(a.claims, b.claims),
		storyChanged: JSON.stringify(before.story) !== JSON.stringify(after.story),
	};
}

export function isEmptyDiff(d: DatasetDiff): boolean {
	return !d.storyChanged && [d.events, d.actors, d.sources, d.claims].every((k) => k.added.length + k.changed.length + k.removed.length === 0);
}
