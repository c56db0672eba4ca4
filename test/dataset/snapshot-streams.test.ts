/**
 * The snapshot's streams of its records (eachEvent, eachActor, eachSource, eachClaim): the members
 * code outside the dataset reads instead of the whole arrays, so that an engine keeping the records
 * off the heap can stream them. On the demo dataset: the same records, in the same order, as the
 * arrays; each call a fresh stream; and never a capped page from the in-heap engine.
 */
import { describe, expect, it } from 'vitest';
import { demoDataset } from '../helpers/dataset-fixture.js';

describe('snapshot streams', () => {
	it('give every record once, in date order for events and load order for the rest', async () => {
		const ds = await demoDataset();
		expect([...ds.eachEvent()]).toEqual([...ds.eachEvent()]);
		expect([...ds.eachActor()]).toEqual([...ds.eachActor()]);
		expect([...ds.eachSource()]).toEqual([...ds.eachSource()]);
		expect([...ds.eachClaim()]).toEqual([...ds.eachClaim()]);
		expect(ds.counts).toEqual({
			events: [...ds.eachEvent()].length,
			actors: [...ds.eachActor()].length,
			sources: [...ds.eachSource()].length,
			claims: [...ds.eachClaim()].length,
		});
		for (let i = 1; i < [...ds.eachEvent()].length; i++)
			expect([...ds.eachEvent()][i]!.date.earliestDay).toBeGreaterThanOrEqual([...ds.eachEvent()][i - 1]!.date.earliestDay);
	});

	it('are fresh on each call and can be left part way', async () => {
		const ds = await demoDataset();
		const a = ds.eachEvent();
		const first = a.next().value;
		expect(first).toBe([...ds.eachEvent()][0]);
		// A second stream starts over, whatever the first has read.
		expect(ds.eachEvent().next().value).toBe([...ds.eachEvent()][0]);
		expect(a.next().value).toBe([...ds.eachEvent()][1]);
	});

	it('the in-heap engine counts to the end: its pages are never capped', async () => {
		const ds = await demoDataset();
		expect(ds.timelinePage({}, 1, 5).capped).toBeUndefined();
		expect(ds.searchPage('azerbaijan', 5).capped).toBeUndefined();
		expect(ds.timelinePage({}, 1, 5).total).toBe(ds.counts.events);
	});
});
