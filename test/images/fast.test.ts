/** What keeps the pictures fast: the event cap, text drawn as outlines, and the picture cache. */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n/translator.js';
import { MAX_IMAGE_EVENTS, timelineAttachment } from '../../src/images/attach.js';
import { clearGlyphMasks, glyphMaskCount } from '../../src/images/glyph-raster.js';
import { GlyphSink, outlinable } from '../../src/images/glyphs.js';
import { clearImageCache, closeImageWorkers, relationsImage, timelineImage } from '../../src/images/index.js';
import { drawRelations, layoutRelations, relationsSvg } from '../../src/images/relations-svg.js';
import { renderPng, renderPngOffThread, type PictureJob } from '../../src/images/render-png.js';
import { ARABIC_FAMILY, ARABIC_FONT_FILES, FONT_FAMILY, FONT_FILES } from '../../src/images/svg.js';
import { layoutTimeline } from '../../src/images/timeline-layout.js';
import { drawTimeline, timelineSvg } from '../../src/images/timeline-svg.js';
import { silentLogger } from '../../src/logger.js';
import { demoDataset } from '../helpers/dataset-fixture.js';
import { assertWellFormedXml, decodePng, pngSize } from './helpers.js';
import { syntheticDataset } from './synthetic.js';

afterAll(closeImageWorkers);

const OPTIONS = {
	font: { fontFiles: [FONT_FILES.normal, FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
} satisfies ResvgRenderOptions;

/** Mean absolute difference per channel (0–255) between two renderings of the same size. */
function meanDiff(a: string, b: string): number {
	const pa = new Resvg(a, OPTIONS).render().pixels;
	const pb = new Resvg(b, OPTIONS).render().pixels;
	expect(pa.length).toBe(pb.length);
	let sum = 0;
	for (let i = 0; i < pa.length; i++) sum += Math.abs(pa[i]! - pb[i]!);
	return sum / pa.length;
}

describe('the event cap', () => {
	const ds = syntheticDataset(1000, 3650, 7);

	it('draws the earliest events and says how many more there are, from which date', () => {
		const l = layoutTimeline(ds, [...ds.eachEvent()].reverse(), { maxEvents: 40 });
		expect(l.marks).toHaveLength(40);
		expect(l.omitted).toBe(960);
		const sorted = [...ds.eachEvent()].sort((a, b) => a.date.earliestDay - b.date.earliestDay);
		const latestDrawn = Math.max(...l.marks.map((m) => m.event.date.earliestDay));
		expect(latestDrawn).toBeLessThanOrEqual(sorted[40]!.date.earliestDay);
		expect(l.footer?.lines.at(-1)).toMatch(/^\+960 more events from \d+ \w{3} \d{4} on, not drawn$/u);
		const svg = timelineSvg(ds, [...ds.eachEvent()], { maxEvents: 40 });
		assertWellFormedXml(svg);
		expect(svg).toContain('+960 more events from');
		expect(l.height).toBeLessThan(1400);
	});

	it('leaves a result within the cap whole', () => {
		const l = layoutTimeline(ds, [...ds.eachEvent()].slice(0, 12), { maxEvents: 40 });
		expect(l.omitted).toBe(0);
		expect(l.marks).toHaveLength(12);
		expect(l.footer).toBeUndefined();
	});

	it('is applied to the pictures commands attach, and the alt text says so', async () => {
		clearImageCache();
		const [img] = await timelineAttachment(
			{ services: { images: true }, dataset: ds, logger: silentLogger() },
			[...ds.eachEvent()],
			'All',
		);
		expect(img!.alt).toMatch(
			new RegExp(`^Timeline of ${MAX_IMAGE_EVENTS} events .* ${1000 - MAX_IMAGE_EVENTS} more events are not drawn\\.$`, 'u'),
		);
		expect(pngSize(img!.png).width).toBe(1200);
	});
});

describe('text as glyph outlines', async () => {
	const ds = await demoDataset();

	it('outlines only text that needs no shaping, in glyphs the font has', () => {
		expect(outlinable('Putin phones Aliyev; Сафаров, Səfərov ⚠ ✎ … · – 27 Jun 2025')).toBe(true);
		expect(outlinable('ایران')).toBe(false);
		expect(outlinable('۲۰۲۵')).toBe(false);
		expect(outlinable('e\u0301')).toBe(false);
		expect(outlinable('a\u2068b\u2069')).toBe(false);
		expect(outlinable('中')).toBe(false);
	});

	it('draws the demo timeline without <text>, looking the same as resvg’s own text', () => {
		const text = timelineSvg(ds, [...ds.eachEvent()], { title: 'Demo' });
		const outlines = timelineSvg(ds, [...ds.eachEvent()], { title: 'Demo', text: 'outlines' });
		assertWellFormedXml(outlines);
		expect(outlines).not.toContain('<text');
		expect(outlines).toBe(timelineSvg(ds, [...ds.eachEvent()], { title: 'Demo', text: 'outlines' }));
		// Same geometry; glyph for glyph the same outlines, up to kerning pairs and rounding.
		expect(meanDiff(text, outlines)).toBeLessThan(0.05);
	});

	it('draws the relations picture the same way, anchors included', () => {
		const text = relationsSvg(ds, 'ilham-aliyev');
		const outlines = relationsSvg(ds, 'ilham-aliyev', { text: 'outlines' });
		assertWellFormedXml(outlines);
		expect(outlines).not.toContain('<text');
		expect(meanDiff(text, outlines)).toBeLessThan(0.05);
	});
});

describe('the picture cache', async () => {
	const ds = await demoDataset();

	it('answers the same question with the same picture, and another question with another', async () => {
		clearImageCache();
		const events = [...ds.eachEvent()].slice(0, 5);
		const a = await timelineImage(ds, events, 'Five');
		expect(await timelineImage(ds, events, 'Five')).toBe(a);
		expect(await timelineImage(ds, events.slice(0, 4), 'Five')).not.toBe(a);
		expect(await timelineImage(ds, events, 'Five!')).not.toBe(a);
		const r = await relationsImage(ds, 'ilham-aliyev');
		expect(await relationsImage(ds, 'ilham-aliyev')).toBe(r);
		clearImageCache();
		expect(await timelineImage(ds, events, 'Five')).not.toBe(a);
	});

	it('does not keep a failure', async () => {
		await expect(relationsImage(ds, 'nobody')).rejects.toThrow(RangeError);
	});
});

describe('text blended in from glyph masks', async () => {
	const ds = await demoDataset();
	const job = (draw: (sink: GlyphSink) => string): PictureJob => {
		const sink = new GlyphSink();
		const svg = draw(sink);
		return { svg, glyphs: sink.job(), opaque: true };
	};

	it('leaves no plain text in the SVG and draws it the same as resvg’s own text', () => {
		const timeline = job((sink) => drawTimeline(layoutTimeline(ds, [...ds.eachEvent()], { title: 'Demo' }), sink));
		expect(timeline.svg).not.toContain('<text');
		expect(timeline.glyphs!.draws.length / 5).toBeGreaterThan(1000);
		const text = decodePng(renderPng(timelineSvg(ds, [...ds.eachEvent()], { title: 'Demo' })));
		const blended = decodePng(renderPng(timeline));
		let sum = 0;
		for (let i = 0; i < text.rgba.length; i++) sum += Math.abs(text.rgba[i]! - blended.rgba[i]!);
		// Quarter-pixel glyph positions and rounding: a fraction of a level per channel on average.
		expect(sum / text.rgba.length).toBeLessThan(0.5);
		const relations = job((sink) => drawRelations(layoutRelations(ds, 'ilham-aliyev'), sink));
		expect(relations.svg).not.toContain('<text');
		const a = decodePng(renderPng(relationsSvg(ds, 'ilham-aliyev')));
		const b = decodePng(renderPng(relations));
		sum = 0;
		for (let i = 0; i < a.rgba.length; i++) sum += Math.abs(a.rgba[i]! - b.rgba[i]!);
		expect(sum / a.rgba.length).toBeLessThan(0.5);
	});

	it('gives the same bytes with a cold or a warm mask cache, and on or off the thread', async () => {
		const picture = job((sink) => drawTimeline(layoutTimeline(ds, [...ds.eachEvent()].slice(0, 15), { title: 'Fifteen' }), sink));
		clearGlyphMasks();
		const cold = Buffer.from(renderPng(picture));
		expect(glyphMaskCount()).toBeGreaterThan(50);
		expect(Buffer.from(renderPng(picture)).equals(cold)).toBe(true);
		expect(Buffer.from(await renderPngOffThread(picture)).equals(cold)).toBe(true);
	});

	it('leaves Persian to resvg, in the small Arabic-script font, with the same pixels as the full font', () => {
		const fa = createTranslator('fa');
		const layout = layoutTimeline(ds, [...ds.eachEvent()].slice(0, 8), { title: 'گاه‌شمار', i18n: fa });
		const outlined = drawTimeline(layout, 'outlines');
		expect(outlined).toContain(`font-family="&apos;${ARABIC_FAMILY}&apos;, &apos;DejaVu Sans&apos;"`);
		expect(outlined).toContain('گاه‌شمار');
		const full = new Resvg(outlined.replaceAll(`&apos;${ARABIC_FAMILY}&apos;, `, ''), OPTIONS).render().pixels;
		const subset = new Resvg(outlined, {
			font: { ...OPTIONS.font, fontFiles: [ARABIC_FONT_FILES.normal, ARABIC_FONT_FILES.bold, FONT_FILES.normal, FONT_FILES.bold] },
		}).render().pixels;
		expect(subset.equals(full)).toBe(true);
	});

	it('keeps shaped Persian lines as sprites, drawn as resvg draws them', () => {
		const fa = createTranslator('fa');
		const layout = layoutTimeline(ds, [...ds.eachEvent()].slice(0, 8), { title: 'گاه‌شمار', i18n: fa });
		const picture = job((sink) => drawTimeline(layout, sink));
		expect(picture.svg).not.toContain('<text');
		const texts = picture.glyphs!.texts!;
		expect(texts.some((t) => t.markup.includes('گاه‌شمار') && t.markup.includes(ARABIC_FAMILY))).toBe(true);
		clearGlyphMasks();
		const cold = decodePng(renderPng(picture));
		const warm = decodePng(renderPng(picture));
		expect(warm.rgba.equals(cold.rgba)).toBe(true);
		const direct = decodePng(renderPng(drawTimeline(layout, 'outlines')));
		let sum = 0;
		for (let i = 0; i < direct.rgba.length; i++) sum += Math.abs(direct.rgba[i]! - warm.rgba[i]!);
		expect(sum / direct.rgba.length).toBeLessThan(0.5);
	});
});
