/**
 * The date axis: which tick unit fits a span (days, weeks, months or years) and where the ticks go.
 * Works on day numbers (partial-date.ts), so no JS Date and no timezone is involved.
 */
import { civilFromDay, dayNumber } from '../dataset/partial-date.js';
import { formatNumber } from '../i18n/format.js';
import type { Locale } from '../i18n/locale.js';
import type { Translator } from '../i18n/translator.js';
import { ENGLISH } from './sides.js';

export type TickUnit = 'day' | 'week' | 'month' | 'year';

export interface Tick {
	/** Day number the tick marks; for day and week ticks the tick sits at the middle of that day. */
	readonly day: number;
	readonly label: string;
}

export interface AxisScale {
	readonly unit: TickUnit;
	/** Units per tick (2 = every other day, 5 = every five years…). */
	readonly step: number;
	readonly ticks: readonly Tick[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const YEAR_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
/** Most ticks on an axis; at ~1150 px that leaves ≥ 80 px per label. */
const MAX_TICKS = 14;

// Intl tags as src/i18n/dates.ts uses them: Gregorian months for every locale, Persian digits for Persian.
const TAG: Record<Locale, string> = { en: 'en-GB', ru: 'ru', az: 'az-Latn', fa: 'fa-u-ca-gregory' };
const formats = new Map<string, Intl.DateTimeFormat>();

/** Tick label writers for one locale. English keeps its compact fixed forms ("27 Jun 2025", "Sep"). */
interface Labels {
	year(year: number): string;
	month(year: number, month: number, withYear: boolean): string;
	day(year: number, month: number, day: number, withYear: boolean): string;
}

function labelsFor(i18n: Translator): Labels {
	const locale = i18n.locale;
	const year = (y: number): string =>
		y <= 0 ? i18n.t('image.axis.bce', { year: 1 - y }) : locale === 'en' ? String(y) : formatNumber(locale, y);
	if (locale === 'en') {
		return {
			year,
			month: (y, m, withYear) => (withYear ? `${MONTHS[m - 1]!} ${year(y)}` : MONTHS[m - 1]!),
			day: (y, m, d, withYear) => (withYear ? `${d} ${MONTHS[m - 1]!} ${year(y)}` : `${d} ${MONTHS[m - 1]!}`),
		};
	}
	// Azerbaijani abbreviations ("iyn") are not what readers write; its month names are short anyway.
	const month = locale === 'az' ? 'long' : 'short';
	const intl = (y: number, m: number, d: number, opts: Intl.DateTimeFormatOptions): string => {
		const key = `${locale}:${JSON.stringify(opts)}`;
		let f = formats.get(key);
		if (!f) formats.set(key, (f = new Intl.DateTimeFormat(TAG[locale], { ...opts, timeZone: 'UTC', calendar: 'gregory' })));
		// A carrier for Intl only, at noon UTC and formatted in UTC, so no timezone can move the day.
		const date = new Date(0);
		date.setUTCFullYear(y, m - 1, d);
		date.setUTCHours(12);
		return f.format(date);
	};
	// Intl writes years 1 to 9999; beyond them the year is written on its own.
	const inRange = (y: number): boolean => y >= 1 && y <= 9999;
	return {
		year,
		month: (y, m, withYear) =>
			!inRange(y)
				? withYear
					? `${intl(2000, m, 1, { month })} ${year(y)}`
					: intl(2000, m, 1, { month })
				: intl(y, m, 1, withYear ? { month, year: 'numeric' } : { month }),
		day: (y, m, d, withYear) =>
			!inRange(y)
				? `${intl(2000, m, d, { day: 'numeric', month })}${withYear ? ` ${year(y)}` : ''}`
				: intl(y, m, d, withYear ? { day: 'numeric', month, year: 'numeric' } : { day: 'numeric', month }),
	};
}

/**
 * Picks the tick unit and step for the inclusive day range [fromDay, toDay] and lists the ticks
 * inside it. Up to three weeks: days; up to four months: weeks (Mondays); up to four years: months;
 * beyond that: years. Labels are in the translator's language ("27 Jun", "27 июн.", "۲۷ ژوئن"); the
 * first tick and every 1 January carry the year.
 */
export function chooseScale(fromDay: number, toDay: number, i18n: Translator = ENGLISH): AxisScale {
	const labels = labelsFor(i18n);
	const dayLabel = (day: number, first: boolean): string => {
		const { year, month, day: dom } = civilFromDay(day);
		return labels.day(year, month, dom, first || (month === 1 && dom === 1));
	};
	const span = Math.max(1, toDay - fromDay + 1);
	if (span <= 21) {
		const step = span <= MAX_TICKS ? 1 : 2;
		const ticks: Tick[] = [];
		for (let d = fromDay; d <= toDay; d += step) ticks.push({ day: d, label: dayLabel(d, ticks.length === 0) });
		return { unit: 'day', step, ticks };
	}
	if (span <= 122) {
		const step = span <= 7 * MAX_TICKS ? 1 : 2;
		// 1970-01-01 (day 0) was a Thursday; day 4 is a Monday.
		let d = fromDay + ((((4 - fromDay) % 7) + 7) % 7);
		const ticks: Tick[] = [];
		for (; d <= toDay; d += 7 * step) ticks.push({ day: d, label: dayLabel(d, ticks.length === 0) });
		return { unit: 'week', step, ticks };
	}
	if (span <= 4 * 366) {
		const months = span / 30.44;
		const step = [1, 2, 3, 4, 6].find((s) => months / s <= MAX_TICKS) ?? 6;
		const start = civilFromDay(fromDay);
		let y = start.year;
		let m = start.month;
		if (start.day !== 1) [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
		while ((m - 1) % step !== 0) [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
		const ticks: Tick[] = [];
		for (let d = dayNumber(y, m, 1); d <= toDay; d = dayNumber(y, m, 1)) {
			ticks.push({ day: d, label: labels.month(y, m, m === 1 || ticks.length === 0) });
			for (let i = 0; i < step; i++) [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
		}
		return { unit: 'month', step, ticks };
	}
	const years = span / 365.2425;
	const step = YEAR_STEPS.find((s) => years / s <= MAX_TICKS) ?? YEAR_STEPS[YEAR_STEPS.length - 1]!;
	const first = civilFromDay(fromDay);
	let y = first.month === 1 && first.day === 1 ? first.year : first.year + 1;
	y = Math.ceil(y / step) * step;
	const ticks: Tick[] = [];
	for (let d = dayNumber(y, 1, 1); d <= toDay; y += step, d = dayNumber(y, 1, 1)) ticks.push({ day: d, label: labels.year(y) });
	return { unit: 'year', step, ticks };
}
