import { afterAll, describe, expect, it } from 'vitest';
import { relationsImage, timelineImage } from '../../src/images/index.js';
import {
	closeImageWorkers,
	configureImageWorkers,
	crashImageWorkerForTests,
	imageWorkerThreadIds,
	renderPng,
	renderPngOffThread,
} from '../../src/images/render-png.js';
import { timelineSvg } from '../../src/images/timeline-svg.js';
import { demoDataset } from '../helpers/dataset-fixture.js';
import { pngSize } from './helpers.js';

afterAll(closeImageWorkers);

describe('PNG rendering', async () => {
	const ds = await demoDataset();
	const svg = timelineSvg(ds, [...ds.eachEvent()].slice(0, 12), { title: 'Twelve events' });

	it('renders off the thread to the same bytes as on it', async () => {
		const here = renderPng(svg);
		const there = await renderPngOffThread(svg);
		expect(there).toBeInstanceOf(Uint8Array);
		expect(Buffer.from(there).equals(Buffer.from(here))).toBe(true);
	});

	it('renders the same bytes every time', () => {
		expect(Buffer.from(renderPng(svg)).equals(Buffer.from(renderPng(svg)))).toBe(true);
	});

	it('runs renders concurrently in a pool of two and keeps their order straight', async () => {
		configureImageWorkers({ size: 2 });
		const svgs = [3, 5, 8, 13, 21].map((n) => timelineSvg(ds, [...ds.eachEvent()].slice(0, n), { title: `${n}` }));
		const pngs = await Promise.all(svgs.map((s) => renderPngOffThread(s)));
		pngs.forEach((png, i) => expect(Buffer.from(png).equals(Buffer.from(renderPng(svgs[i]!)))).toBe(true));
	});

	it('rejects an SVG resvg cannot parse and keeps working', async () => {
		expect(() => renderPng('<svg')).toThrow();
		await expect(renderPngOffThread('<svg')).rejects.toThrow(/resvg could not render/u);
		expect(pngSize(await renderPngOffThread(svg)).width).toBe(1200);
	});

	it('replaces a worker that dies and rejects only its own job', async () => {
		const crash = crashImageWorkerForTests();
		const after = renderPngOffThread(svg);
		await expect(crash).rejects.toThrow(/crashed on request/u);
		expect(Buffer.from(await after).equals(Buffer.from(renderPng(svg)))).toBe(true);
	});

	it('fails a render that exceeds its time limit, then recovers', async () => {
		configureImageWorkers({ timeoutMs: 1 });
		const big = timelineSvg(ds, [...ds.eachEvent()]);
		await expect(renderPngOffThread(big)).rejects.toThrow(/timed out/u);
		configureImageWorkers({ timeoutMs: 20_000 });
		expect(pngSize(await renderPngOffThread(svg)).width).toBe(1200);
	});

	it('rejects queued renders on close, and starts fresh afterwards', async () => {
		const pending = Promise.allSettled([renderPngOffThread(svg), renderPngOffThread(svg)]);
		await closeImageWorkers();
		for (const r of await pending) expect(r.status === 'rejected' && String(r.reason)).toMatch(/closed/u);
		expect(pngSize(await renderPngOffThread(svg)).width).toBe(1200);
	});

	it('ends an idle worker after its idle time, and the next picture starts another with the same bytes', async () => {
		await closeImageWorkers();
		configureImageWorkers({ size: 1, idleMs: 200 });
		try {
			const first = await renderPngOffThread(svg);
			const [started] = imageWorkerThreadIds();
			expect(started).toBeDefined();
			await expect.poll(() => imageWorkerThreadIds().length, { timeout: 10_000, interval: 50 }).toBe(0);
			const again = await renderPngOffThread(svg);
			expect(imageWorkerThreadIds()).toHaveLength(1);
			expect(imageWorkerThreadIds()[0]).not.toBe(started);
			expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
			expect(Buffer.from(again).equals(Buffer.from(renderPng(svg)))).toBe(true);
		} finally {
			configureImageWorkers({ idleMs: 60_000 });
		}
	});

	it('keeps a worker that is given work before its idle time is up', async () => {
		await closeImageWorkers();
		configureImageWorkers({ size: 1, idleMs: 1_500 });
		try {
			await renderPngOffThread(svg);
			const started = imageWorkerThreadIds();
			expect(started).toHaveLength(1);
			for (let i = 0; i < 4; i++) {
				await new Promise((r) => setTimeout(r, 500));
				await renderPngOffThread(svg);
				expect(imageWorkerThreadIds()).toEqual(started);
			}
		} finally {
			configureImageWorkers({ idleMs: 60_000 });
		}
	});
});

describe('image attachments', async () => {
	const ds = await demoDataset();

	it('makes a timeline attachment with alt text in words', async () => {
		const events = [...ds.eachEvent()].filter((e) => e.date.earliestDay >= 20266 && e.date.latestDay <= 20279);
		const img = await timelineImage(ds, events, 'Late June to early July');
		expect(img.name).toBe('timeline.png');
		expect(pngSize(img.png).width).toBe(1200);
		expect(img.alt).toMatch(
			new RegExp(
				`^Timeline of ${events.length} events from 27 Jun 2025 to 10 Jul 2025 by side of the first actor: Azerbaijan \\d+, Russia \\d+`,
				'u',
			),
		);
		expect(img.alt).toMatch(/\d+ disputed, 1 corrected\.$/u);
	});

	it('makes a relations attachment', async () => {
		const img = await relationsImage(ds, 'ilham-aliyev');
		expect(img.name).toBe('relations-ilham-aliyev.png');
		expect(pngSize(img.png)).toEqual({ width: 1200, height: 960 });
		expect(img.alt).toMatch(/^Relations of Ilham Aliyev: .*Vladimir Putin \(6\)/u);
	});

	it('describes an empty timeline', async () => {
		const img = await timelineImage(ds, [], 'Nothing');
		expect(img.alt).toBe('Timeline: Nothing. No events.');
		expect(pngSize(img.png).width).toBe(1200);
	});
});
