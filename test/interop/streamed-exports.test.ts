/**
 * Exports are meant to be whole but are streamed: every export of the demo story made through a
 * snapshot that refuses the record arrays (helpers/bounded-snapshot.ts) and allows only the
 * eachEvent/eachActor/eachSource/eachClaim streams is byte for byte the export of the plain snapshot.
 */
import { describe, expect, it } from 'vitest';
import { exportDataset } from '../../src/interop/index.js';
import { icsSkipped } from '../../src/interop/ics.js';
import { boundedSnapshot } from '../helpers/bounded-snapshot.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

describe('streamed exports', () => {
	it.each(['csv', 'ics', 'timelinejs'] as const)('%s is the same through the streams', async (format) => {
		const demo = await demoDataset();
		const guard = boundedSnapshot(demo, Infinity);
		expect(exportDataset(guard.dataset, format)).toEqual(exportDataset(demo, format));
		// Read from the streams indeed: every event at least once.
		expect(guard.streamed()).toBeGreaterThanOrEqual(demo.counts.events);
	});

	it('the calendar’s skipped events come from the stream too', async () => {
		const demo = await demoDataset();
		expect(icsSkipped(boundedSnapshot(demo, Infinity).dataset)).toEqual(icsSkipped(demo));
	});
});
