/**
 * The "Updated since your last briefing" section's events, found from the store's first-seen times
 * rather than by checking every event: the times are sorted once per map (the scheduler composes
 * many briefings from the one map a tick reads), and a briefing reads only the entries after its
 * previous delivery.
 */
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot, EventFilter } from '../dataset/snapshot.js';

/**
 * What the store knows of event versions (EventVersionStore.firstSeen and .introduced), relative to
 * the channel's previous delivery.
 */
export interface UpdatedSince {
	/** ISO instant of the previous delivery: events whose current version was first seen after it are listed. */
	readonly at: string;
	/** Event id → when its current version was first seen (ISO). Events without an entry are not listed. */
	readonly firstSeen: ReadonlyMap<string, string>;
	/**
	 * Event id → when any version of it was first seen (ISO). An event already known at `at` is
	 * "changed"; one that appeared after `at`, whatever its edits since, is "added".
	 */
	readonly introduced: ReadonlyMap<string, string>;
}

export interface UpdatedEvent {
	readonly event: StoryEvent;
	readonly change: 'added' | 'changed';
}

interface BySeen {
	readonly size: number;
	/** Event ids, ascending by first-seen time. */
	readonly ids: readonly string[];
	readonly seen: readonly string[];
}

/**
 * A memo, kept module-level on purpose: its key is the first-seen map one store read made (a tick
 * reads it once and composes every briefing from it), which never changes, and the order goes with it.
 */
const sorted = new WeakMap<ReadonlyMap<string, string>, BySeen>();

/**
 * Events of the timeline up to `day` (with the filter) whose current version was first seen after
 * `u.at`, in timeline order, leaving out those that begin from `freshFrom` on (already news in the
 * window section, which lists the events beginning in [freshFrom, day]).
 */
export function updatedEvents(
	dataset: DatasetSnapshot,
	day: number,
	filter: EventFilter,
	freshFrom: number,
	u: UpdatedSince,
): UpdatedEvent[] {
	const { ids, seen } = bySeen(u.firstSeen);
	// The first entry seen after `at` (ISO instants compare as strings).
	let lo = 0;
	let hi = seen.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (seen[mid]! <= u.at) lo = mid + 1;
		else hi = mid;
	}
	const found: { event: StoryEvent; p: number }[] = [];
	for (let i = lo; i < ids.length; i++) {
		const id = ids[i]!;
		const e = dataset.event(id);
		if (e === undefined) continue;
		if (e.date.earliestDay > day || e.date.earliestDay >= freshFrom) continue;
		if (filter.actorId !== undefined && !e.actors.some((a) => a.actorId === filter.actorId)) continue;
		if (filter.tag !== undefined && !e.tags.includes(filter.tag)) continue;
		found.push({ event: e, p: dataset.positionOf(id)! });
	}
	// Timeline order: by position in date order.
	found.sort((a, b) => a.p - b.p);
	return found.map(({ event }) => {
		const since = u.introduced.get(event.id) ?? u.firstSeen.get(event.id)!;
		return { event, change: since <= u.at ? 'changed' : 'added' };
	});
}

function bySeen(firstSeen: ReadonlyMap<string, string>): BySeen {
	const known = sorted.get(firstSeen);
	// A map changed after it was sorted (a store that hands out a live map) is sorted again.
	if (known && known.size === firstSeen.size) return known;
	const entries = [...firstSeen].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
	const made = { size: firstSeen.size, ids: entries.map((e) => e[0]), seen: entries.map((e) => e[1]) };
	sorted.set(firstSeen, made);
	return made;
}
