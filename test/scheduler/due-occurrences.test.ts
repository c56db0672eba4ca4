import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dueOccurrences } from '../../src/scheduler/due-occurrences.js';
import { wallTimeAt, formatWallClock } from '../../src/scheduler/zoned-time.js';
import type { Subscription } from '../../src/store/store.js';
import { sub } from './helpers/fixtures.js';

const MIN = 60_000;

/**
 * Ticks every minute over [from, to] and records, per occurrence key, the first tick it was due at
 * and every scheduled instant ever reported for it.
 */
function simulate(subs: readonly Subscription[], from: string, to: string, catchup = 120) {
	const fired = new Map<string, { firstDue: string; scheduled: Set<string>; localDate: string; subId: number }>();
	for (let t = Date.parse(from); t <= Date.parse(to); t += MIN) {
		const { due } = dueOccurrences(subs, new Date(t), catchup);
		for (const o of due) {
			expect(o.scheduledInstant.getTime()).toBeLessThanOrEqual(t);
			const k = `${o.subscription.id}|${o.localDate}`;
			const f = fired.get(k) ?? {
				firstDue: new Date(t).toISOString(),
				scheduled: new Set<string>(),
				localDate: o.localDate,
				subId: o.subscription.id,
			};
			f.scheduled.add(o.scheduledInstant.toISOString());
			fired.set(k, f);
		}
	}
	return fired;
}

describe('dueOccurrences across DST transitions', () => {
	const cases: { zone: string; date: string; from: string; to: string; expect: Record<string, string> }[] = [
		{
			zone: 'America/New_York',
			date: '2025-03-09',
			from: '2025-03-09T04:00:00Z',
			to: '2025-03-10T05:00:00Z',
			// 02:30 does not exist: once, at 03:00 EDT.
			expect: {
				'00:00': '2025-03-09T05:00:00.000Z',
				'01:30': '2025-03-09T06:30:00.000Z',
				'02:30': '2025-03-09T07:00:00.000Z',
				'09:00': '2025-03-09T13:00:00.000Z',
			},
		},
		{
			zone: 'America/New_York',
			date: '2025-11-02',
			from: '2025-11-02T03:00:00Z',
			to: '2025-11-03T05:00:00Z',
			// 01:30 happens twice: once, the first time (EDT).
			expect: {
				'00:00': '2025-11-02T04:00:00.000Z',
				'01:30': '2025-11-02T05:30:00.000Z',
				'02:30': '2025-11-02T07:30:00.000Z',
				'09:00': '2025-11-02T14:00:00.000Z',
			},
		},
		{
			zone: 'Europe/London',
			date: '2025-03-30',
			from: '2025-03-29T23:00:00Z',
			to: '2025-03-30T23:00:00Z',
			expect: {
				'00:00': '2025-03-30T00:00:00.000Z',
				'01:30': '2025-03-30T01:00:00.000Z',
				'02:30': '2025-03-30T01:30:00.000Z',
				'09:00': '2025-03-30T08:00:00.000Z',
			},
		},
		{
			zone: 'Europe/London',
			date: '2025-10-26',
			from: '2025-10-25T22:00:00Z',
			to: '2025-10-26T23:30:00Z',
			expect: {
				'00:00': '2025-10-25T23:00:00.000Z',
				'01:30': '2025-10-26T00:30:00.000Z',
				'02:30': '2025-10-26T02:30:00.000Z',
				'09:00': '2025-10-26T09:00:00.000Z',
			},
		},
		{
			zone: 'Europe/Berlin',
			date: '2025-03-30',
			from: '2025-03-29T22:00:00Z',
			to: '2025-03-30T22:00:00Z',
			expect: {
				'00:00': '2025-03-29T23:00:00.000Z',
				'01:30': '2025-03-30T00:30:00.000Z',
				'02:30': '2025-03-30T01:00:00.000Z',
				'09:00': '2025-03-30T07:00:00.000Z',
			},
		},
		{
			zone: 'Europe/Berlin',
			date: '2025-10-26',
			from: '2025-10-25T21:00:00Z',
			to: '2025-10-26T23:00:00Z',
			expect: {
				'00:00': '2025-10-25T22:00:00.000Z',
				'01:30': '2025-10-25T23:30:00.000Z',
				'02:30': '2025-10-26T00:30:00.000Z',
				'09:00': '2025-10-26T08:00:00.000Z',
			},
		},
		{
			zone: 'Australia/Lord_Howe',
			date: '2025-10-05',
			from: '2025-10-04T13:00:00Z',
			to: '2025-10-05T13:00:00Z',
			// 02:00→02:30: 02:15 fires once at 02:30 (+11).
			expect: { '00:00': '2025-10-04T13:30:00.000Z', '02:15': '2025-10-04T15:30:00.000Z', '09:00': '2025-10-04T22:00:00.000Z' },
		},
		{
			zone: 'Australia/Lord_Howe',
			date: '2025-04-06',
			from: '2025-04-05T12:30:00Z',
			to: '2025-04-06T13:30:00Z',
			// 02:00→01:30: 01:45 fires once, the first time (+11).
			expect: { '00:00': '2025-04-05T13:00:00.000Z', '01:45': '2025-04-05T14:45:00.000Z', '09:00': '2025-04-05T22:30:00.000Z' },
		},
		{
			zone: 'Asia/Baku',
			date: '2025-03-30',
			from: '2025-03-29T19:00:00Z',
			to: '2025-03-30T20:00:00Z',
			expect: { '00:00': '2025-03-29T20:00:00.000Z', '02:30': '2025-03-29T22:30:00.000Z', '09:00': '2025-03-30T05:00:00.000Z' },
		},
		{
			zone: 'America/Sao_Paulo',
			date: '2018-11-04',
			from: '2018-11-04T02:00:00Z',
			to: '2018-11-05T02:30:00Z',
			// DST began at midnight: the day starts at 01:00, and a 00:00 briefing goes out then.
			expect: { '00:00': '2018-11-04T03:00:00.000Z', '09:00': '2018-11-04T11:00:00.000Z' },
		},
	];

	it.each(cases)('$zone on $date: each time fires once, at the right instant', (c) => {
		const subs = Object.keys(c.expect).map((time, i) =>
			sub({ id: 1000 + i, timezone: c.zone, time, effectiveFrom: '2000-01-01T00:00:00.000Z' }),
		);
		const fired = simulate(subs, c.from, c.to);
		for (const [i, time] of Object.keys(c.expect).entries()) {
			const onDate = [...fired.values()].filter((f) => f.subId === 1000 + i && f.localDate === c.date);
			expect(onDate, `${time} on ${c.date}`).toHaveLength(1);
			const f = onDate[0]!;
			// One scheduled instant for the whole day, and the first tick at or after it sends.
			expect([...f.scheduled]).toEqual([c.expect[time]]);
			expect(f.firstDue).toBe(c.expect[time]);
		}
	});

	it('keeps a 09:00 subscription at 09:00 local through a whole year of ticks at 09:00 local', () => {
		for (const zone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe']) {
			const s = sub({ timezone: zone, time: '09:00' });
			let count = 0;
			for (let t = Date.parse('2025-01-01T00:00:00Z'); t < Date.parse('2026-01-01T00:00:00Z'); t += 30 * MIN) {
				const { due } = dueOccurrences([s], new Date(t), 0);
				for (const o of due) {
					count++;
					expect(formatWallClock(wallTimeAt(o.scheduledInstant, zone))).toBe('09:00');
				}
			}
			// One due reading per day: the catch-up window (0 → one tick) is shorter than the 30-minute step.
			expect(count, zone).toBe(365);
		}
	});
});

describe('dueOccurrences catch-up', () => {
	const s = sub({ time: '09:00', timezone: 'Asia/Baku' }); // 09:00 Baku = 05:00Z
	const due = (iso: string, catchup = 120, subs: Subscription[] = [s]) => dueOccurrences(subs, new Date(iso), catchup);

	it('is not due before its time', () => {
		expect(due('2025-07-01T04:59:59Z').due).toHaveLength(0);
	});
	it('is due at its time and within the window after downtime', () => {
		expect(due('2025-07-01T05:00:00Z').due.map((o) => o.localDate)).toEqual(['2025-07-01']);
		expect(due('2025-07-01T06:59:00Z').due).toHaveLength(1);
		expect(due('2025-07-01T07:00:00Z').due).toHaveLength(1); // exactly 2 h late
	});
	it('reports it skipped beyond the window', () => {
		const r = due('2025-07-01T07:01:00Z');
		expect(r.due).toHaveLength(0);
		// Yesterday's is reported too; the ledger ignores it when it was already sent.
		expect(r.skipped.map((o) => [o.localDate, o.reason])).toEqual([
			['2025-06-30', 'late'],
			['2025-07-01', 'late'],
		]);
	});
	it('honours a configured window', () => {
		expect(due('2025-07-01T05:20:00Z', 15).due).toHaveLength(0);
		expect(due('2025-07-01T05:14:00Z', 15).due).toHaveLength(1);
	});
	it('still sends in the first minute with a zero window', () => {
		expect(due('2025-07-01T05:00:00.250Z', 0).due).toHaveLength(1);
		expect(due('2025-07-01T05:01:01Z', 0).due).toHaveLength(0);
	});
	it('never sends on the next local date: yesterday’s missed briefing is skipped', () => {
		const late = sub({ time: '23:30', timezone: 'Asia/Baku' }); // 19:30Z
		const r = due('2025-07-01T20:10:00Z', 120, [late]); // 00:10 on 2 July in Baku, 40 minutes late
		expect(r.due).toHaveLength(0);
		expect(r.skipped.map((o) => o.localDate)).toEqual(['2025-07-01']);
	});
	it('ignores occurrences before the subscription took effect, and paused subscriptions', () => {
		const fresh = sub({ time: '09:00', effectiveFrom: '2025-07-01T05:30:00.000Z' });
		expect(due('2025-07-01T05:40:00Z', 120, [fresh])).toEqual({ due: [], skipped: [], invalid: [] });
		expect(due('2025-07-02T05:00:00Z', 120, [fresh]).due).toHaveLength(1);
		expect(due('2025-07-01T05:00:00Z', 120, [sub({ status: 'paused' })])).toEqual({ due: [], skipped: [], invalid: [] });
	});
	it('reports a subscription it cannot schedule without failing the others', () => {
		const bad = sub({ timezone: 'Mars/Olympus_Mons' });
		const r = due('2025-07-01T05:00:00Z', 120, [bad, s]);
		expect(r.due.map((o) => o.subscription.id)).toEqual([s.id]);
		expect(r.invalid.map((x) => x.subscription.id)).toEqual([bad.id]);
	});
});

describe('host timezone independence', () => {
	const root = path.resolve(import.meta.dirname, '../..');
	const run = (tz: string) =>
		JSON.parse(
			execFileSync(process.execPath, ['--import', 'tsx', 'test/scheduler/helpers/due-worker.ts'], {
				cwd: root,
				env: { ...process.env, TZ: tz },
				encoding: 'utf8',
			}),
		) as {
			hostTz: string;
			hostOffset: number;
			due: unknown;
			resolved: unknown;
		};

	it('gives identical results under TZ=UTC, Pacific/Kiritimati, America/Los_Angeles and Pacific/Chatham', () => {
		const results = ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles', 'Pacific/Chatham'].map(run);
		// The children really ran in different zones…
		expect(new Set(results.map((r) => r.hostOffset)).size).toBe(4);
		// …and computed the same occurrences.
		for (const r of results.slice(1)) {
			expect(r.due).toEqual(results[0]!.due);
			expect(r.resolved).toEqual(results[0]!.resolved);
		}
	});

	it('never reads the host timezone in the scheduler sources', () => {
		const dir = path.join(root, 'src/scheduler');
		for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
			const text = readFileSync(path.join(dir, f), 'utf8');
			expect(text, f).not.toMatch(
				/\.(get|set)(FullYear|Month|Date|Day|Hours|Minutes|Seconds|TimezoneOffset)\(|toLocale(Date|Time)?String|new Date\(\s*\d+\s*,/u,
			);
		}
	});
});
