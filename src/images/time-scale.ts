/**
 * The date axis: which tick unit fits a span (days, weeks, months or years) and where the ticks go.
 * Works on day numbers (partial-date.ts), so no JS Date and no timezone is involved.
 */
import { civilFromDay, dayNumber } from '../dataset/partial-date.js';

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

function yearText(year: number): string {
	return year <= 0 ? `${1 - year} BCE` : String(year);
}

/**
 * Picks the tick unit and step for the inclusive day range [fromDay, toDay] and lists the ticks
 * inside it. Up to three weeks: days; up to four months: weeks (Mondays); up to four years: months;
 * beyond that: years.
 */
export function chooseScale(fromDay: number, toDay: number): AxisScale {
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
			ticks.push({ day: d, label: m === 1 || ticks.length === 0 ? `${MONTHS[m - 1]!} ${yearText(y)}` : MONTHS[m - 1]! });
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
	for (let d = dayNumber(y, 1, 1); d <= toDay; y += step, d = dayNumber(y, 1, 1)) ticks.push({ day: d, label: yearText(y) });
	return { unit: 'year', step, ticks };
}

/** "27 Jun"; the first tick and every 1 January carry the year. */
function dayLabel(day: number, first: boolean): string {
	const { year, month, day: dom } = civilFromDay(day);
	const base = `${dom} ${MONTHS[month - 1]!}`;
	return first || (month === 1 && dom === 1) ? `${base} ${yearText(year)}` : base;
}
