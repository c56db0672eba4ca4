import { describe, expect, it } from 'vitest';
import { addDays, formatLocalDate, instantFromLocal, localDateAt, wallTimeAt } from '../../src/scheduler/zoned-time.js';

const at = (zone: string, date: string, hour: number, minute: number) => {
	const [y, m, d] = date.split('-').map(Number) as [number, number, number];
	const r = instantFromLocal(zone, { year: y, month: m, day: d }, hour, minute);
	return { iso: r.instant.toISOString(), kind: r.kind };
};

describe('instantFromLocal', () => {
	it.each([
		// zone, local date, time, expected instant, kind
		['America/New_York', '2025-03-09', '02:30', '2025-03-09T07:00:00.000Z', 'gap'], // 02:00→03:00: fires at 03:00 EDT
		['America/New_York', '2025-03-09', '01:30', '2025-03-09T06:30:00.000Z', 'exact'],
		['America/New_York', '2025-03-09', '03:00', '2025-03-09T07:00:00.000Z', 'exact'],
		['America/New_York', '2025-03-09', '09:00', '2025-03-09T13:00:00.000Z', 'exact'],
		['America/New_York', '2025-11-02', '01:30', '2025-11-02T05:30:00.000Z', 'overlap'], // first 01:30 (EDT)
		['America/New_York', '2025-11-02', '02:30', '2025-11-02T07:30:00.000Z', 'exact'],
		['America/New_York', '2025-11-02', '09:00', '2025-11-02T14:00:00.000Z', 'exact'],
		['Europe/London', '2025-03-30', '01:30', '2025-03-30T01:00:00.000Z', 'gap'], // 01:00→02:00 BST
		['Europe/London', '2025-10-26', '01:30', '2025-10-26T00:30:00.000Z', 'overlap'],
		['Europe/London', '2025-07-01', '09:00', '2025-07-01T08:00:00.000Z', 'exact'],
		['Europe/London', '2025-12-01', '09:00', '2025-12-01T09:00:00.000Z', 'exact'],
		['Europe/Berlin', '2025-03-30', '02:30', '2025-03-30T01:00:00.000Z', 'gap'], // 02:00→03:00 CEST
		['Europe/Berlin', '2025-10-26', '02:30', '2025-10-26T00:30:00.000Z', 'overlap'],
		['Australia/Lord_Howe', '2025-10-05', '02:15', '2025-10-04T15:30:00.000Z', 'gap'], // 30-minute shift: 02:00→02:30
		['Australia/Lord_Howe', '2025-04-06', '01:45', '2025-04-05T14:45:00.000Z', 'overlap'], // 02:00→01:30
		['Australia/Melbourne', '2025-10-05', '02:30', '2025-10-04T16:00:00.000Z', 'gap'],
		['Australia/Melbourne', '2025-04-06', '02:30', '2025-04-05T15:30:00.000Z', 'overlap'],
		['America/Sao_Paulo', '2018-11-04', '00:00', '2018-11-04T03:00:00.000Z', 'gap'], // DST began at midnight
		['Asia/Baku', '2025-03-30', '09:00', '2025-03-30T05:00:00.000Z', 'exact'], // no DST since 2016
		['Asia/Baku', '2025-10-26', '04:30', '2025-10-26T00:30:00.000Z', 'exact'],
		['Asia/Kolkata', '2025-03-09', '09:00', '2025-03-09T03:30:00.000Z', 'exact'],
		['Pacific/Chatham', '2025-04-06', '03:00', '2025-04-05T13:15:00.000Z', 'overlap'], // +13:45 → +12:45 at 03:45→02:45
	])('%s %s %s → %s (%s)', (zone, date, time, iso, kind) => {
		const [h, m] = time.split(':').map(Number) as [number, number];
		expect(at(zone, date, h, m)).toEqual({ iso, kind });
	});

	it('keeps 09:00 at 09:00 local on every day of 2025', () => {
		for (const zone of [
			'America/New_York',
			'Europe/London',
			'Europe/Berlin',
			'Australia/Lord_Howe',
			'Asia/Baku',
			'America/Sao_Paulo',
		]) {
			let d = { year: 2025, month: 1, day: 1 };
			for (let i = 0; i < 365; i++, d = addDays(d, 1)) {
				const r = instantFromLocal(zone, d, 9, 0);
				const w = wallTimeAt(r.instant, zone);
				expect({ zone, date: formatLocalDate(w), hour: w.hour, minute: w.minute, kind: r.kind }).toEqual({
					zone,
					date: formatLocalDate(d),
					hour: 9,
					minute: 0,
					kind: 'exact',
				});
			}
		}
	});

	it('reads wall dates in the zone, not the host', () => {
		const instant = new Date('2025-06-30T21:30:00Z');
		expect(localDateAt(instant, 'Asia/Baku')).toBe('2025-07-01');
		expect(localDateAt(instant, 'America/New_York')).toBe('2025-06-30');
		expect(localDateAt(instant, 'Pacific/Kiritimati')).toBe('2025-07-01');
	});
});
