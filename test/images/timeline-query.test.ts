/**
 * The /timeline picture asked by its question (attach.ts timelineFilterAttachment): the same picture
 * and alt text as one drawn from the whole listed result, and on a second ask the cache answers
 * before any event is listed.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MAX_IMAGE_EVENTS, timelineAttachment, timelineFilterAttachment } from '../../src/images/attach.js';
import { clearImageCache, closeImageWorkers } from '../../src/images/index.js';
import { silentLogger } from '../../src/logger.js';
import type { TimelineFilter } from '../../src/dataset/snapshot.js';
import { syntheticDataset } from './synthetic.js';

afterAll(closeImageWorkers);

describe('the /timeline picture by its question', () => {
	const ds = syntheticDataset(600, 3650, 11);
	const ctx = { services: { images: true }, dataset: ds, logger: silentLogger() };
	const filters: TimelineFilter[] = [
		{},
		{ fromDay: [...ds.eachEvent()][100]!.date.earliestDay },
		{ status: 'disputed' },
		{ toDay: [...ds.eachEvent()][20]!.date.latestDay },
	];

	it('draws what the whole listed result draws: the same PNG and alt text, the rest counted', async () => {
		for (const filter of filters) {
			const all = ds.timeline(filter);
			clearImageCache();
			const [byList] = await timelineAttachment(ctx, all, 'T');
			clearImageCache();
			const [byQuery] = await timelineFilterAttachment(ctx, filter, 'T');
			expect(byQuery!.alt, JSON.stringify(filter)).toBe(byList!.alt);
			expect(Buffer.compare(Buffer.from(byQuery!.png), Buffer.from(byList!.png)), JSON.stringify(filter)).toBe(0);
			if (all.length > MAX_IMAGE_EVENTS) expect(byQuery!.alt).toContain(`${all.length - MAX_IMAGE_EVENTS} more events`);
		}
	});

	it('finds a picture already drawn before listing any event, and lists only the head to draw one', async () => {
		clearImageCache();
		// The snapshot is frozen: count its listings through a view of it that forwards every call.
		const page = vi.fn();
		const listAll = vi.fn();
		const watched = new Proxy(ds, {
			get(target, prop) {
				const v = Reflect.get(target, prop, target) as unknown;
				if (typeof v !== 'function') return v;
				return (...args: unknown[]) => {
					if (prop === 'timelinePage') page(...args);
					if (prop === 'timeline') listAll(...args);
					return (v as (...a: unknown[]) => unknown).apply(target, args);
				};
			},
		});
		const ctx = { services: { images: true }, dataset: watched, logger: silentLogger() };
		const [first] = await timelineFilterAttachment(ctx, { status: 'disputed', fromDay: 0 }, 'Again');
		expect(page).toHaveBeenCalledTimes(1);
		expect(page.mock.calls[0]![2]).toBe(MAX_IMAGE_EVENTS + 1);
		// The same question, its filter written in another order: no listing at all.
		const [second] = await timelineFilterAttachment(ctx, { fromDay: 0, status: 'disputed' }, 'Again');
		expect(second).toBe(first);
		expect(page).toHaveBeenCalledTimes(1);
		expect(listAll).not.toHaveBeenCalled();
		// Another question is another picture.
		const [other] = await timelineFilterAttachment(ctx, { status: 'confirmed' }, 'Again');
		expect(other).not.toBe(first);
	});

	it('draws nothing with pictures off', async () => {
		expect(await timelineFilterAttachment({ ...ctx, services: {} }, {}, 'T')).toEqual([]);
	});
});
