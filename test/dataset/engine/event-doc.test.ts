import { describe, expect, it } from 'vitest';
import { DateCheck, eventDoc, eventOfDoc } from '../../../src/dataset/engine/event-doc.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import type { StoryEvent } from '../../../src/dataset/model.js';
import { parsePartialDate } from '../../../src/dataset/partial-date.js';

async function demoEvents(): Promise<StoryEvent[]> {
	const r = await loadDataset('data');
	if (!r.ok) throw new Error('the demo data does not load');
	return [...r.snapshot.eachEvent()];
}

describe('event documents', () => {
	it('read back as the record exactly, its JSON byte for byte, and shorter than the record', async () => {
		const dates = new DateCheck();
		const events = await demoEvents();
		let stored = 0;
		let whole = 0;
		for (const e of events) {
			const doc = eventDoc(e, dates);
			expect(JSON.stringify(eventOfDoc(doc))).toBe(JSON.stringify(e));
			expect(eventOfDoc(doc)).toEqual(e);
			stored += doc.length;
			whole += JSON.stringify(e).length;
		}
		// The demo has events with related events, claims, translations, ranges and approximate dates.
		expect(events.some((e) => e.related.length > 0 && e.claimIds.length > 0 && Object.keys(e.titles).length > 0)).toBe(true);
		expect(events.some((e) => e.date.end !== undefined || e.date.approximate)).toBe(true);
		// The parsed date alone is about a hundred bytes more than its text.
		expect(stored).toBeLessThan(whole - 80 * events.length);
	});

	it('puts each empty field back in its place, whichever of them are empty', async () => {
		const dates = new DateCheck();
		const [e] = (await demoEvents()).filter((x) => x.claimIds.length > 0 && x.related.length > 0);
		const fields = ['related', 'claimIds', 'titles', 'summaries', 'notes'] as const;
		// Every subset of the five fields emptied.
		for (let mask = 0; mask < 32; mask++) {
			const x = { ...e! } as Record<string, unknown>;
			fields.forEach((f, i) => {
				if (mask & (1 << i)) x[f] = Array.isArray(x[f]) ? [] : {};
			});
			const doc = eventDoc(x as unknown as StoryEvent, dates);
			expect(JSON.stringify(eventOfDoc(doc))).toBe(JSON.stringify(x));
		}
	});

	it('keeps a date whose text does not parse back to it whole', async () => {
		const [e] = await demoEvents();
		const parsed = parsePartialDate('2025-03-04');
		if (!parsed.ok) throw new Error('the date does not parse');
		// A date unlike what its text says (no loader makes one; the document must still be exact).
		const odd: StoryEvent = { ...e!, date: { ...parsed.value, latestDay: parsed.value.latestDay + 3 } };
		const doc = eventDoc(odd, new DateCheck());
		expect(JSON.parse(doc)).toMatchObject({ date: { latestDay: parsed.value.latestDay + 3 } });
		expect(eventOfDoc(doc)).toEqual(odd);
	});

	it('reads a date text once into a frozen date that events share, and stays right past the dates it keeps', async () => {
		const [e] = await demoEvents();
		const doc = (date: string) =>
			eventDoc({ ...e!, date: (parsePartialDate(date) as { value: StoryEvent['date'] }).value }, new DateCheck());
		const a = eventOfDoc(doc('~2025-06-27/2025-07-03'));
		const b = eventOfDoc(doc('~2025-06-27/2025-07-03'));
		expect(b.date).toBe(a.date);
		expect(Object.isFrozen(a.date) && Object.isFrozen(a.date.start) && Object.isFrozen(a.date.end)).toBe(true);
		// More distinct texts than are kept (128), then the first again: each reads as its own text parses.
		for (let day = 0; day < 300; day += 1) {
			const text = new Date(Date.UTC(2000, 0, 1 + day)).toISOString().slice(0, 10);
			expect(eventOfDoc(doc(text)).date).toEqual((parsePartialDate(text) as { value: unknown }).value);
		}
		expect(eventOfDoc(doc('~2025-06-27/2025-07-03')).date).toEqual(a.date);
		// The empty lists and maps put back are shared and frozen: no record can change another's.
		const empty = eventOfDoc(eventDoc({ ...e!, related: [], claimIds: [], titles: {}, summaries: {}, notes: {} }, new DateCheck()));
		expect(Object.isFrozen(empty.related) && Object.isFrozen(empty.titles)).toBe(true);
		expect(() => eventOfDoc(JSON.stringify({ ...JSON.parse(doc('2025-06-27')), date: '2025-13-01' }))).toThrow(/does not parse/u);
	});
});
