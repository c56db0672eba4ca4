/**
 * When each event's versions were first seen, as the readers need it (the "Updated since" section,
 * feeds, a page's history, the scheduler's marks), without a map of every event: almost every
 * event's versions were first seen when recording began, so a store gives the tracking start for
 * those and keeps entries only for the few with a later version.
 */

/** Event version times for one snapshot's events (EventVersionStore.versionTimes). */
export interface VersionTimes {
	/** When recording began (ISO): versions first seen then were there before; undefined while none is recorded. */
	readonly trackingSince: string | undefined;
	/** When the event's current version was first seen (ISO); undefined when it is not recorded (or no such event). */
	firstSeen(id: string): string | undefined;
	/**
	 * When any version of the event was first seen (ISO): earlier than {@link firstSeen} when the
	 * event has changed since it appeared. Undefined whenever firstSeen is.
	 */
	introduced(id: string): string | undefined;
	/** The events whose current version was first seen after `at` (ISO), oldest first (ties in no set order). */
	updatedAfter(at: string): readonly string[];
	/** Every distinct time the answers above can give, trackingSince included, ascending. */
	readonly marks: readonly string[];
}

const byTime = (a: readonly [string, string], b: readonly [string, string]) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** The first index of the ascending `seen` whose time is after `at` (ISO instants compare as text). */
function firstAfter(seen: readonly (readonly [string, string])[], at: string): number {
	let lo = 0;
	let hi = seen.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (seen[mid]![1] <= at) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * Version times from the few events with a version first seen after `trackingSince` (`later`: id →
 * its current version's and its first version's times), and, for every other event, whether its
 * current version is recorded (`recordedAtStart`, asked only for ids not in `later`; then both times
 * are the tracking start). `atStart` lists those events, for the rare {@link VersionTimes.updatedAfter}
 * asked about a time before tracking began.
 */
export function sparseVersionTimes(
	trackingSince: string | undefined,
	later: ReadonlyMap<string, { readonly firstSeen: string; readonly introduced: string }>,
	recordedAtStart: (id: string) => boolean,
	atStart: () => Iterable<string>,
): VersionTimes {
	const seen = [...later].map(([id, t]) => [id, t.firstSeen] as const).sort(byTime);
	const marks = new Set<string>(trackingSince === undefined ? [] : [trackingSince]);
	for (const t of later.values()) marks.add(t.firstSeen).add(t.introduced);
	const start = (id: string) => (trackingSince !== undefined && recordedAtStart(id) ? trackingSince : undefined);
	return {
		trackingSince,
		firstSeen: (id) => later.get(id)?.firstSeen ?? start(id),
		introduced: (id) => later.get(id)?.introduced ?? start(id),
		updatedAfter(at) {
			const after = seen.slice(firstAfter(seen, at)).map(([id]) => id);
			if (trackingSince === undefined || at >= trackingSince) return after;
			const early: string[] = [];
			for (const id of atStart()) if (!later.has(id) && recordedAtStart(id)) early.push(id);
			return [...early, ...after];
		},
		marks: [...marks].sort(),
	};
}

/**
 * Version times from whole maps (event id → time), for tests and small stores: `firstSeen` of the
 * current versions, `introduced` of the first ones (an id missing there was introduced with its
 * current version). The tracking start is the earliest time unless given.
 */
export function versionTimesFromMaps(
	firstSeen: ReadonlyMap<string, string>,
	introduced: ReadonlyMap<string, string> = new Map(),
	trackingSince?: string,
): VersionTimes {
	let start = trackingSince;
	for (const t of [...firstSeen.values(), ...introduced.values()]) if (start === undefined || t < start) start = t;
	const seen = [...firstSeen].sort(byTime);
	const marks = new Set<string>(start === undefined ? [] : [start]);
	for (const [id, t] of firstSeen) marks.add(t).add(introduced.get(id) ?? t);
	return {
		trackingSince: start,
		firstSeen: (id) => firstSeen.get(id),
		introduced: (id) => (firstSeen.has(id) ? (introduced.get(id) ?? firstSeen.get(id)) : undefined),
		updatedAfter: (at) => seen.slice(firstAfter(seen, at)).map(([id]) => id),
		marks: [...marks].sort(),
	};
}
