/**
 * Clocks. The bot can replay the story as of any moment: a clock set to an instant starts there and
 * runs forward at real speed.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock that reads `start` now and advances with real time. */
export function clockFrom(start: string | Date, real: Clock = systemClock): Clock {
	const startMs = typeof start === 'string' ? Date.parse(start) : start.getTime();
	if (Number.isNaN(startMs)) throw new Error(`"${String(start)}" is not a date-time; use ISO 8601, e.g. 2025-06-30T09:00:00+04:00`);
	const offset = startMs - real().getTime();
	return () => new Date(real().getTime() + offset);
}
