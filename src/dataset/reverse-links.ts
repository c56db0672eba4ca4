/**
 * Links read backwards: the events whose `related` list names an event, and the actors affiliated
 * with an actor. Each table is made on its first use for a snapshot (one pass over the events, or
 * over the actors) and kept as long as the snapshot is, so that /event and /actor look them up
 * instead of scanning every record.
 */
import type { Actor, StoryEvent } from './model.js';
import type { DatasetSnapshot } from './snapshot.js';

const NONE: readonly never[] = Object.freeze([]);

const incoming = new WeakMap<DatasetSnapshot, ReadonlyMap<string, readonly StoryEvent[]>>();
const members = new WeakMap<DatasetSnapshot, ReadonlyMap<string, readonly Actor[]>>();

/** Events whose `related` list names `eventId`, in date order, each once. */
export function eventsRelatedTo(dataset: DatasetSnapshot, eventId: string): readonly StoryEvent[] {
	let table = incoming.get(dataset);
	if (!table) {
		table = groupBy(dataset.events, (e) => e.related, (r) => r.eventId);
		incoming.set(dataset, table);
	}
	return table.get(eventId) ?? NONE;
}

/** Actors that list `actorId` among their affiliations, in dataset order, each once. */
export function membersOf(dataset: DatasetSnapshot, actorId: string): readonly Actor[] {
	let table = members.get(dataset);
	if (!table) {
		table = groupBy(dataset.actors, (a) => a.affiliations, (id) => id);
		members.set(dataset, table);
	}
	return table.get(actorId) ?? NONE;
}

/** Each record under every key it names, in the order of `records`, once per key however often it names it. */
function groupBy<T, L>(records: readonly T[], links: (record: T) => readonly L[], key: (link: L) => string): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const record of records) {
		const named = links(record);
		for (let i = 0; i < named.length; i++) {
			const k = key(named[i]!);
			const list = out.get(k);
			if (!list) out.set(k, [record]);
			else if (list[list.length - 1] !== record) list.push(record);
		}
	}
	return out;
}
