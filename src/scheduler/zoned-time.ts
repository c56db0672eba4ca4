/**
 * Wall time in an IANA zone, from Intl alone: no dependency, and nothing here reads the host's
 * timezone (no Date getters other than getTime, no Date parsing of local strings), so the host TZ
 * cannot change a result.
 */

export interface WallTime {
	readonly year: number;
	readonly month: number;
	readonly day: number;
	readonly hour: number;
	readonly minute: number;
	readonly second: number;
}

export interface LocalDate {
	readonly year: number;
	readonly month: number;
	readonly day: number;
}

/** How a local time maps to the timeline on a given date. */
export type ResolvedKind =
	/** Exists once. */
	| 'exact'
	/** Skipped by a spring-forward transition: resolved to the first instant after the gap. */
	| 'gap'
	/** Repeated by a fall-back transition: resolved to its first occurrence. */
	| 'overlap';

export interface ResolvedLocal {
	readonly instant: Date;
	readonly kind: ResolvedKind;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			era: 'short',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, f);
	}
	return f;
}

/** The wall-clock reading in `timeZone` at `instant` (ms or Date). */
export function wallTimeAt(instant: Date | number, timeZone: string): WallTime {
	const ms = typeof instant === 'number' ? instant : instant.getTime();
	const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, bc: false };
	for (const p of formatter(timeZone).formatToParts(ms)) {
		switch (p.type) {
			case 'year':
			case 'month':
			case 'day':
			case 'hour':
			case 'minute':
			case 'second':
				out[p.type] = Number(p.value);
				break;
			case 'era':
				out.bc = /^B/u.test(p.value);
				break;
			default:
		}
	}
	// Some ICU versions print midnight as 24 even with h23.
	const hour = out.hour === 24 ? 0 : out.hour;
	return { year: out.bc ? 1 - out.year : out.year, month: out.month, day: out.day, hour, minute: out.minute, second: out.second };
}

/** Milliseconds to add to UTC to get the wall time in `timeZone` at `instant`. */
export function offsetAt(instant: number, timeZone: string): number {
	const w = wallTimeAt(instant, timeZone);
	return wallAsUtc(w) - Math.floor(instant / 1000) * 1000;
}

function wallAsUtc(w: WallTime): number {
	const d = new Date(0);
	d.setUTCFullYear(w.year, w.month - 1, w.day);
	d.setUTCHours(w.hour, w.minute, w.second, 0);
	return d.getTime();
}

/** 'YYYY-MM-DD' of `instant` in `timeZone`. */
export function localDateAt(instant: Date | number, timeZone: string): string {
	const w = wallTimeAt(instant, timeZone);
	return formatLocalDate(w);
}

export function formatLocalDate(d: LocalDate): string {
	return `${String(d.year).padStart(4, '0')}-${pad2(d.month)}-${pad2(d.day)}`;
}

/** 'HH:MM' of a wall time. */
export function formatWallClock(w: WallTime): string {
	return `${pad2(w.hour)}:${pad2(w.minute)}`;
}

function pad2(n: number): string {
	return String(n).padStart(2, '0');
}

/** Parses 'YYYY-MM-DD'. */
export function parseLocalDate(text: string): LocalDate {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(text);
	if (!m) throw new Error(`"${text}" is not a YYYY-MM-DD date`);
	return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** The calendar date `days` after `d` (negative for before). */
export function addDays(d: LocalDate, days: number): LocalDate {
	const x = new Date(0);
	x.setUTCFullYear(d.year, d.month - 1, d.day + days);
	return { year: x.getUTCFullYear(), month: x.getUTCMonth() + 1, day: x.getUTCDate() };
}

/**
 * The instant at which the wall clock in `timeZone` reads `hour:minute` on `date`. A time skipped by
 * a spring-forward transition resolves to the end of the gap (02:30 on a 02:00→03:00 night is 03:00);
 * a time repeated by a fall-back transition resolves to its first occurrence.
 */
export function instantFromLocal(timeZone: string, date: LocalDate, hour: number, minute: number): ResolvedLocal {
	const key = `${timeZone}|${date.year}-${date.month}-${date.day}|${hour}:${minute}`;
	let hit = resolvedCache.get(key);
	if (!hit) {
		const r = resolveUncached(timeZone, date, hour, minute);
		hit = { ms: r.instant.getTime(), kind: r.kind };
		// A bounded memo: zone rules do not change while the process runs, and a tick asks the same
		// (zone, date, time) for every subscriber sharing it, minute after minute.
		if (resolvedCache.size >= RESOLVED_CACHE_MAX) resolvedCache.clear();
		resolvedCache.set(key, hit);
	}
	return { instant: new Date(hit.ms), kind: hit.kind };
}

const RESOLVED_CACHE_MAX = 20_000;
const resolvedCache = new Map<string, { ms: number; kind: ResolvedKind }>();

function resolveUncached(timeZone: string, date: LocalDate, hour: number, minute: number): ResolvedLocal {
	const wall = wallAsUtc({ ...date, hour, minute, second: 0 });
	// Offsets a day either side bracket any single transition near this wall time.
	const before = offsetAt(wall - DAY_MS, timeZone);
	const after = offsetAt(wall + DAY_MS, timeZone);
	const candidates = [...new Set([wall - before, wall - after])].sort((a, b) => a - b);
	const valid = candidates.filter((t) => t + offsetAt(t, timeZone) === wall);
	if (valid.length) return { instant: new Date(valid[0]!), kind: valid.length > 1 ? 'overlap' : 'exact' };
	if (after <= before) return { instant: new Date(wall - before), kind: 'exact' };
	// In the gap: find the transition instant between the two candidates, to the second.
	let lo = wall - after;
	let hi = wall - before;
	const loOffset = offsetAt(lo, timeZone);
	while (hi - lo > 1000) {
		const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
		if (offsetAt(mid, timeZone) === loOffset) lo = mid;
		else hi = mid;
	}
	return { instant: new Date(hi), kind: 'gap' };
}
