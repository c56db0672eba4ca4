/**
 * Prints dueOccurrences and instantFromLocal results for a fixed table as JSON, so a test can run it
 * under several host timezones (TZ=…) and compare.
 */
import { dueOccurrences } from '../../../src/scheduler/due-occurrences.js';
import { instantFromLocal } from '../../../src/scheduler/zoned-time.js';
import { sub } from './fixtures.js';

const zones = ['America/New_York', 'Europe/London', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Baku', 'Pacific/Kiritimati'];
const subs = zones.flatMap((timezone, i) =>
	['00:00', '01:30', '02:30', '09:00', '23:45'].map((time, j) => sub({ id: i * 10 + j + 1, timezone, time })),
);
const instants = [
	'2025-03-09T07:00:00Z',
	'2025-03-30T01:00:00Z',
	'2025-10-26T00:30:00Z',
	'2025-11-02T05:30:00Z',
	'2025-10-04T15:30:00Z',
	'2025-07-01T05:00:00Z',
	'2025-07-01T10:00:00Z',
	'2025-12-31T23:50:00Z',
];
const due = instants.map((iso) => {
	const r = dueOccurrences(subs, new Date(iso), 120);
	return {
		iso,
		due: r.due.map((o) => [o.subscription.id, o.localDate, o.scheduledInstant.toISOString(), o.resolution]),
		skipped: r.skipped.map((o) => [o.subscription.id, o.localDate, o.scheduledInstant.toISOString()]),
	};
});
const resolved = zones.map((z) => instantFromLocal(z, { year: 2025, month: 3, day: 30 }, 2, 30).instant.toISOString());
process.stdout.write(
	JSON.stringify({
		hostTz: Intl.DateTimeFormat().resolvedOptions().timeZone,
		hostOffset: new Date('2025-07-01T00:00:00Z').getTimezoneOffset(),
		due,
		resolved,
	}),
);
