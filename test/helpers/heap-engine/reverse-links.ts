/**
 * Links read backwards: the events whose `related` list names an event, and the actors affiliated
 * with an actor. Each table is made on its first use for a snapshot (one pass over the events, or
 * over the actors) and kept as long as the snapshot is, so that /event and /actor look them up
 * instead of scanning every record.
 */
import type { Actor, StoryEvent } from '../../../src/dataset/model.js';
import { runToEnd } from '../../../src/dataset/slices.js';

/**
 * What the tables are made from: a snapshot's records (the snapshot itself; named by shape so that
 * the snapshot can answer through these tables without an import cycle).
 */
export interface LinkedRecords {
	readonly events: readonly StoryEvent[];
	readonly actors: readonly Actor[];
}

const NONE: readonly never[] = Object.freeze([]);

const incoming = new WeakMap<LinkedRecords, ReadonlyMap<string, readonly StoryEvent[]>>();
const members = new WeakMap<LinkedRecords, ReadonlyMap<string, readonly Actor[]>>();

/** Events whose `related` list names `eventId`, in date order, each once (commands ask the snapshot's `eventsRelatedTo`). */
export function eventsRelatedTo(dataset: LinkedRecords, eventId: string): readonly StoryEvent[] {
	const table = incoming.get(dataset) ?? runToEnd(incomingSteps(dataset));
	return table.get(eventId) ?? NONE;
}

/** Actors that list `actorId` among their affiliations, in dataset order, each once. */
export function membersOf(dataset: LinkedRecords, actorId: string): readonly Actor[] {
	const table = members.get(dataset) ?? runToEnd(memberSteps(dataset));
	return table.get(actorId) ?? NONE;
}

/**
 * Both tables of a snapshot, made now if they are not yet, stopping every thousand records: on a big
 * dataset the related-events table in one piece would block answers (see warm-indexes.ts).
 */
export function* reverseLinkSteps(dataset: LinkedRecords): Generator<void, void> {
	if (!incoming.has(dataset)) yield* incomingSteps(dataset);
	if (!members.has(dataset)) yield* memberSteps(dataset);
}

function* incomingSteps(dataset: LinkedRecords): Generator<void, ReadonlyMap<string, readonly StoryEvent[]>> {
	const table = yield* groupBySteps(
		dataset.events,
		(e) => e.related,
		(r) => r.eventId,
	);
	incoming.set(dataset, table);
	return table;
}

function* memberSteps(dataset: LinkedRecords): Generator<void, ReadonlyMap<string, readonly Actor[]>> {
	const table = yield* groupBySteps(
		dataset.actors,
		(a) => a.affiliations,
		(id) => id,
	);
	members.set(dataset, table);
	return table;
}

/** Each record under every key it names, in the order of `records`, once per key however often it names it. */
function* groupBySteps<T, L>(
	records: readonly T[],
	links: (record: T) => readonly L[],
	key: (link: L) => string,
): Generator<void, Map<string, T[]>> {
	const out = new Map<string, T[]>();
	for (let r = 0; r < records.length; r++) {
		if ((r & 1023) === 1023) yield;
		const record = records[r]!;
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
