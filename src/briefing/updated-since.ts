/**
 * The "Updated since your last briefing" section's events, found from the store's first-seen times
 * rather than by checking every event: a briefing reads only the events first seen after its
 * previous delivery (VersionTimes.updatedAfter, sorted once per read).
 */
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot, EventFilter } from '../dataset/snapshot.js';
import type { VersionTimes } from './version-times.js';

/**
 * What the store knows of event versions (EventVersionStore.versionTimes), relative to the
 * channel's previous delivery.
 */
export interface UpdatedSince {
	/** ISO instant of the previous delivery: events whose current version was first seen after it are listed. */
	readonly at: string;
	/**
	 * When each event's current version was first seen (events without one are not listed), and when
	 * any version of it was: an event already known at `at` is "changed"; one that appeared after
	 * `at`, whatever its edits since, is "added".
	 */
	readonly times: VersionTimes;
}

export interface UpdatedEvent {
	readonly event: StoryEvent;
	readonly change: 'added' | 'changed';
}

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
	const ids = u.times.updatedAfter(u.at);
	const found: { event: StoryEvent; p: number }[] = [];
	for (let i = 0; i < ids.length; i++) {
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
		const since = u.times.introduced(event.id) ?? u.times.firstSeen(event.id)!;
		return { event, change: since <= u.at ? 'changed' : 'added' };
	});
}
