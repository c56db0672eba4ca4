/**
 * Dates with their precision. A dataset date is a calendar value an editor wrote ("2025-06-27",
 * "2025-06", "2025", "~2025-10-20", "2025-07-03/2025-07-04"); it never passes through a JS Date, so
 * it cannot drift a day when a host or a reader sits in another timezone.
 *
 * Years use astronomical numbering as ISO 8601 does: year 0 is 1 BCE, -54 is 55 BCE.
 */

/** How much of a date is known. */
export type DatePrecision = 'year' | 'month' | 'day';

/** One calendar point at a given precision. */
export interface DatePoint {
	readonly year: number;
	/** 1–12, present for month and day precision. */
	readonly month?: number;
	/** 1–31, present for day precision. */
	readonly day?: number;
	readonly precision: DatePrecision;
}

/** A dataset date: a point or a closed range, possibly approximate. */
export interface PartialDate {
	readonly start: DatePoint;
	/** Inclusive end of a range; absent for a single point. */
	readonly end?: DatePoint;
	/** The editor marked it as approximate ("~2025-10-20", "c. 2025"). */
	readonly approximate: boolean;
	/** Inclusive day numbers (days since 1970-01-01 in the proleptic Gregorian calendar) covered. */
	readonly earliestDay: number;
	readonly latestDay: number;
	/** The text as written, normalised (e.g. "~2025-10-20"). */
	readonly text: string;
}

/** Result of parsing: the date, or a message that says what was wrong and what is expected. */
export type DateParseResult = { ok: true; value: PartialDate } | { ok: false; message: string };

const POINT = /^(-?\d{1,6})(?:-(\d{2})(?:-(\d{2}))?)?$/u;

/** Expected form, quoted in every date error. */
export const DATE_FORMS = 'YYYY-MM-DD, YYYY-MM or YYYY; "~" in front for approximate; "A/B" for a range';

export function isLeapYear(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
	if (month === 2) return isLeapYear(year) ? 29 : 28;
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
 * Pure integer arithmetic, valid for negative years.
 */
export function dayNumber(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yoe = y - era * 400;
	const mp = (month + 9) % 12;
	const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

/** Inverse of {@link dayNumber}. */
export function civilFromDay(days: number): { year: number; month: number; day: number } {
	const z = days + 719468;
	const era = Math.floor(z / 146097);
	const doe = z - era * 146097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO text of a day number, e.g. 20266 → "2025-06-27". */
export function isoFromDay(days: number): string {
	const { year, month, day } = civilFromDay(days);
	return `${formatYear(year)}-${pad2(month)}-${pad2(day)}`;
}

function pad2(n: number): string {
	return String(n).padStart(2, '0');
}

function formatYear(year: number): string {
	return year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
}

/** First and last day covered by a point. */
export function pointBounds(p: DatePoint): [number, number] {
	if (p.precision === 'day') {
		const d = dayNumber(p.year, p.month!, p.day!);
		return [d, d];
	}
	if (p.precision === 'month') {
		return [dayNumber(p.year, p.month!, 1), dayNumber(p.year, p.month!, daysInMonth(p.year, p.month!))];
	}
	return [dayNumber(p.year, 1, 1), dayNumber(p.year, 12, 31)];
}

/** Canonical text of a point: "2025-06-27", "2025-06", "2025", "-0054". */
export function formatPoint(p: DatePoint): string {
	let out = formatYear(p.year);
	if (p.month !== undefined) out += `-${pad2(p.month)}`;
	if (p.day !== undefined) out += `-${pad2(p.day)}`;
	return out;
}

function parsePoint(text: string): { ok: true; value: DatePoint } | { ok: false; message: string } {
	const m = POINT.exec(text);
	if (!m) return { ok: false, message: `"${text}" is not a date; expected ${DATE_FORMS}` };
	const year = Number(m[1]);
	if (Math.abs(year) > 275000) return { ok: false, message: `year ${year} is out of range` };
	if (m[2] === undefined) return { ok: true, value: { year, precision: 'year' } };
	const month = Number(m[2]);
	if (month < 1 || month > 12) return { ok: false, message: `"${text}" has month ${m[2]}; months run 01 to 12` };
	if (m[3] === undefined) return { ok: true, value: { year, month, precision: 'month' } };
	const day = Number(m[3]);
	const max = daysInMonth(year, month);
	if (day < 1 || day > max) {
		return { ok: false, message: `"${text}" does not exist: ${formatYear(year)}-${pad2(month)} has ${max} days` };
	}
	return { ok: true, value: { year, month, day, precision: 'day' } };
}

/**
 * Parses a dataset or command date. Accepts "2025-06-27", "2025-06", "2025", a leading "~" or "c."
 * for approximate, and a range "A/B" (or "A..B") whose end is not before its start.
 */
export function parsePartialDate(input: string | number): DateParseResult {
	let text = String(input).trim();
	if (text.length === 0) return { ok: false, message: `the date is empty; expected ${DATE_FORMS}` };
	if (text.length > 40) return { ok: false, message: `the date is too long; expected ${DATE_FORMS}` };
	let approximate = false;
	const approx = /^(~|c\.\s*|circa\s+|ca\.\s*)/iu.exec(text);
	if (approx) {
		approximate = true;
		text = text.slice(approx[0].length).trim();
	}
	const parts = text.split(/\/|\.\./u);
	if (parts.length > 2) return { ok: false, message: `"${String(input)}" has more than one range separator; expected ${DATE_FORMS}` };
	const start = parsePoint(parts[0]!.trim());
	if (!start.ok) return start;
	let end: DatePoint | undefined;
	if (parts.length === 2) {
		const e = parsePoint(parts[1]!.trim());
		if (!e.ok) return e;
		end = e.value;
	}
	const [earliestDay, startLast] = pointBounds(start.value);
	let latestDay = startLast;
	if (end) {
		const [endFirst, endLast] = pointBounds(end);
		if (endLast < earliestDay || endFirst < earliestDay) {
			return { ok: false, message: `the range "${String(input)}" ends before it starts` };
		}
		latestDay = endLast;
	}
	const normal = (approximate ? '~' : '') + formatPoint(start.value) + (end ? `/${formatPoint(end)}` : '');
	const value: PartialDate = end
		? { start: start.value, end, approximate, earliestDay, latestDay, text: normal }
		: { start: start.value, approximate, earliestDay, latestDay, text: normal };
	return { ok: true, value };
}

/** The number the digits of `text` from `from` to `to` make, or -1 when one is not an ASCII digit. */
function digitsAt(text: string, from: number, to: number): number {
	let n = 0;
	for (let i = from; i < to; i++) {
		const c = text.charCodeAt(i) - 48;
		if (c < 0 || c > 9) return -1;
		n = n * 10 + c;
	}
	return n;
}

/**
 * The date of a date's normalised text when it is a plain day, month or year with a four-digit year
 * ("2025-06-27", "2025-06", "2025") — what almost every stored date is — without the regular
 * expressions and intermediate lists of {@link parsePartialDate}, whose value it equals, key for key.
 * Undefined for any other text (approximate, a range, another year, not a date): parse that in full.
 */
export function plainDate(text: string): PartialDate | undefined {
	const year = digitsAt(text, 0, 4);
	if (year < 0) return undefined;
	if (text.length === 4) {
		return {
			start: { year, precision: 'year' },
			approximate: false,
			earliestDay: dayNumber(year, 1, 1),
			latestDay: dayNumber(year, 12, 31),
			text,
		};
	}
	if (text.length !== 7 && text.length !== 10) return undefined;
	const month = text.charCodeAt(4) === 45 ? digitsAt(text, 5, 7) : -1;
	if (month < 1 || month > 12) return undefined;
	if (text.length === 7) {
		return {
			start: { year, month, precision: 'month' },
			approximate: false,
			earliestDay: dayNumber(year, month, 1),
			latestDay: dayNumber(year, month, daysInMonth(year, month)),
			text,
		};
	}
	const day = text.charCodeAt(7) === 45 ? digitsAt(text, 8, 10) : -1;
	if (day < 1 || day > daysInMonth(year, month)) return undefined;
	const d = dayNumber(year, month, day);
	return { start: { year, month, day, precision: 'day' }, approximate: false, earliestDay: d, latestDay: d, text };
}

/** Ordering for timelines: by first day, then coarser precision first, then by last day. */
export function compareDates(a: PartialDate, b: PartialDate): number {
	return a.earliestDay - b.earliestDay || a.latestDay - b.latestDay;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function humanPoint(p: DatePoint): string {
	const year = p.year <= 0 ? `${1 - p.year} BCE` : String(p.year);
	if (p.precision === 'year') return year;
	if (p.precision === 'month') return `${MONTHS[p.month! - 1]!} ${year}`;
	return `${p.day!} ${MONTHS[p.month! - 1]!} ${year}`;
}

/** A reader's form at the date's own precision: "27 Jun 2025", "Feb 2025", "c. 20 Oct 2025", "3–4 Jul 2025". */
export function formatHuman(d: PartialDate): string {
	const prefix = d.approximate ? 'c. ' : '';
	if (!d.end) return prefix + humanPoint(d.start);
	return `${prefix}${humanPoint(d.start)} – ${humanPoint(d.end)}`;
}

/** Formatters of the wall calendar by zone as asked for (see {@link localDayNumber}). */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** Zones kept: a story's and a few readers'; a zone's name may be spelt in any case, so the list is bounded. */
const DAY_FORMATS_KEPT = 64;

/** Day number of "today" in an IANA zone, from an instant. Uses Intl only to read the wall calendar. */
export function localDayNumber(instant: Date, timeZone: string): number {
	// Made once per zone: a new Intl.DateTimeFormat is the costliest part of a /briefing without a date.
	let f = dayFormats.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
		if (dayFormats.size >= DAY_FORMATS_KEPT) dayFormats.clear();
		dayFormats.set(timeZone, f);
	}
	const parts = f.formatToParts(instant);
	const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
	const era = parts.find((p) => p.type === 'era');
	const year = get('year');
	return dayNumber(era && /B/u.test(era.value) ? 1 - year : year, get('month'), get('day'));
}
