import { describe, expect, it } from 'vitest';
import {
	civilFromDay,
	compareDates,
	dayNumber,
	isoFromDay,
	daysInMonth,
	formatHuman,
	localDayNumber,
	parsePartialDate,
	plainDate,
} from '../../src/dataset/partial-date.js';

/** Deterministic PRNG (mulberry32) so generated cases are the same on every run. */
function rng(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

describe('parsePartialDate', () => {
	it('keeps day, month and year precision', () => {
		const d = parsePartialDate('2025-06-27');
		const m = parsePartialDate('2025-06');
		const y = parsePartialDate('2025');
		expect(d.ok && d.value.start.precision).toBe('day');
		expect(m.ok && m.value.start.precision).toBe('month');
		expect(y.ok && y.value.start.precision).toBe('year');
		expect(m.ok && [m.value.earliestDay, m.value.latestDay]).toEqual([dayNumber(2025, 6, 1), dayNumber(2025, 6, 30)]);
		expect(parsePartialDate(2025).ok).toBe(true);
	});

	it('reads approximate dates and ranges', () => {
		const a = parsePartialDate('~2025-10-20');
		expect(a.ok && a.value.approximate).toBe(true);
		expect(a.ok && formatHuman(a.value)).toBe('c. 20 Oct 2025');
		const r = parsePartialDate('2025-07-03/2025-07-04');
		expect(r.ok && r.value.latestDay - r.value.earliestDay).toBe(1);
		expect(r.ok && r.value.text).toBe('2025-07-03/2025-07-04');
		expect(parsePartialDate('c. 2025-02').ok).toBe(true);
	});

	it('uses astronomical years: -0054 is 55 BCE', () => {
		const r = parsePartialDate('-0054');
		expect(r.ok && r.value.start.year).toBe(-54);
		expect(r.ok && formatHuman(r.value)).toBe('55 BCE');
	});

	it('never shifts a day whatever the host timezone: no JS Date is involved', () => {
		const r = parsePartialDate('2025-06-27');
		expect(r.ok && formatHuman(r.value)).toBe('27 Jun 2025');
	});

	it('accepts exactly the days that exist, over 5,000 generated dates', () => {
		const rand = rng(42);
		for (let i = 0; i < 5000; i++) {
			const year = Math.floor(rand() * 4000) - 500;
			const month = 1 + Math.floor(rand() * 13); // 13 is invalid on purpose
			const day = 1 + Math.floor(rand() * 31);
			const y = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
			const text = `${y}-${pad(month)}-${pad(day)}`;
			const r = parsePartialDate(text);
			const valid = month <= 12 && day <= daysInMonth(year, month);
			expect(r.ok, text).toBe(valid);
			if (r.ok) {
				expect(r.value.text).toBe(text);
				expect(r.value.earliestDay).toBe(dayNumber(year, month, day));
			}
		}
	});

	it('agrees with the proleptic Gregorian calendar of Date.UTC for years 1-9999', () => {
		const rand = rng(7);
		for (let i = 0; i < 5000; i++) {
			const year = 1 + Math.floor(rand() * 9998);
			const month = 1 + Math.floor(rand() * 12);
			const day = 1 + Math.floor(rand() * daysInMonth(year, month));
			const utc = new Date(0);
			utc.setUTCFullYear(year, month - 1, day);
			expect(dayNumber(year, month, day)).toBe(Math.floor(utc.getTime() / 86_400_000));
		}
	});

	it('round-trips day numbers across ±400,000 days', () => {
		const rand = rng(99);
		for (let i = 0; i < 5000; i++) {
			const n = Math.floor(rand() * 800_000) - 400_000;
			const { year, month, day } = civilFromDay(n);
			expect(dayNumber(year, month, day)).toBe(n);
		}
	});

	it('rejects malformed input with a message that shows the expected form', () => {
		for (const bad of [
			'',
			'2025-6-27',
			'27/06/2025',
			'2025-00',
			'2025-02-29',
			'2024-02-30',
			'yesterday',
			'2025-06-27T10:00',
			'2025/2024',
			'1/2/3',
		]) {
			const r = parsePartialDate(bad);
			expect(r.ok, bad).toBe(false);
			if (!r.ok) expect(r.message.length).toBeGreaterThan(10);
		}
		expect(parsePartialDate('2024-02-29').ok).toBe(true);
	});

	it('orders by first day, then by last day', () => {
		const p = (t: string) => {
			const r = parsePartialDate(t);
			if (!r.ok) throw new Error(r.message);
			return r.value;
		};
		const sorted = ['2025-06-27', '2025-06', '2025', '2025-06-01']
			.map(p)
			.sort(compareDates)
			.map((d) => d.text);
		expect(sorted).toEqual(['2025', '2025-06-01', '2025-06', '2025-06-27']);
	});

	it('reads the local calendar day of an instant in an IANA zone', () => {
		const instant = new Date('2025-06-27T21:30:00Z');
		expect(localDayNumber(instant, 'Asia/Baku')).toBe(dayNumber(2025, 6, 28));
		expect(localDayNumber(instant, 'America/New_York')).toBe(dayNumber(2025, 6, 27));
	});

	it('reads each zone right with its formatter kept, past the zones it keeps, and rejects an unknown zone', () => {
		const instant = new Date('2025-06-27T21:30:00Z');
		// Every zone twice over (more than the 64 formatters kept), each against a formatter made afresh.
		const zones = Intl.supportedValuesOf('timeZone');
		for (const zone of [...zones, ...zones]) {
			const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
				instant,
			);
			const [y, m, d] = parts.split('-').map(Number);
			expect(localDayNumber(instant, zone)).toBe(dayNumber(y!, m!, d!));
		}
		expect(() => localDayNumber(instant, 'Mars/Olympus_Mons')).toThrow(RangeError);
	});

	it('reads a plain day, month or year as parsePartialDate does, key for key, and leaves every other text to it', () => {
		const texts: string[] = ['0000', '0001', '9999', '2024-02-29', '2025-02-29', '2025-13', '2025-00', '2025-06-00', '2025-06-32'];
		for (let day = dayNumber(1890, 1, 1); day <= dayNumber(2110, 12, 31); day++) texts.push(isoFromDay(day));
		for (let y = 1890; y <= 2110; y++) for (let m = 1; m <= 12; m++) texts.push(`${y}-${String(m).padStart(2, '0')}`, String(y));
		texts.push(
			'~2025-06-27',
			'2025-06-27/2025-06-28',
			'2025-06..2025-07',
			'-0054',
			'20250',
			'2025-6-01',
			'2025-06-2x',
			' 2025',
			'abcd',
			'',
		);
		let plain = 0;
		for (const text of texts) {
			const fast = plainDate(text);
			const full = parsePartialDate(text);
			if (fast === undefined) {
				// Only texts that are not a plain four-digit-year date (or not a date at all) are left to the full parse.
				expect(full.ok && /^\d{4}(-\d{2}){0,2}$/u.test(text)).toBe(false);
				continue;
			}
			plain++;
			expect(full.ok).toBe(true);
			expect(JSON.stringify(fast)).toBe(JSON.stringify(full.ok && full.value));
		}
		expect(plain).toBeGreaterThan(80_000);
	});
});
