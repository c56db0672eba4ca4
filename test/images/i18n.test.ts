/** Pictures in the reader's language: labels, months, countries, alt text; Persian shaped right to left. */
import { Resvg } from '@resvg/resvg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { dayNumber } from '../../src/dataset/partial-date.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { clearImageCache, closeImageWorkers, relationsImage, timelineImage } from '../../src/images/index.js';
import { layoutRelations, relationsSvg } from '../../src/images/relations-svg.js';
import { renderPng } from '../../src/images/render-png.js';
import { countryName, sideName } from '../../src/images/sides.js';
import { FONT_FAMILY, FONT_FILES, fontCovers } from '../../src/images/svg.js';
import { chooseScale } from '../../src/images/time-scale.js';
import { layoutTimeline } from '../../src/images/timeline-layout.js';
import { timelineSvg } from '../../src/images/timeline-svg.js';
import { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { demoDataset } from '../helpers/dataset-fixture.js';
import { assertWellFormedXml, inkedColumns, pixelStats, pngSize } from './helpers.js';

afterAll(closeImageWorkers);

const ru = createTranslator('ru');
const fa = createTranslator('fa');
const az = createTranslator('az');
const PERSIAN_DIGIT = /[۰-۹]/u;

describe('localized axis and sides', () => {
	const d = dayNumber(2025, 6, 27);
	it('writes month names the locale’s way', () => {
		expect(chooseScale(d, d + 2, ru).ticks.map((t) => t.label)).toEqual(['27 июн. 2025 г.', '28 июн.', '29 июн.']);
		expect(chooseScale(dayNumber(2024, 12, 20), dayNumber(2026, 1, 4), ru).ticks.map((t) => t.label)).toContain('янв. 2026 г.');
		expect(chooseScale(d, d + 2, az).ticks[1]!.label).toBe('28 iyun');
		const persian = chooseScale(dayNumber(2024, 12, 20), dayNumber(2026, 1, 4), fa).ticks.map((t) => t.label);
		expect(persian[0]).toBe('ژانویه ۲۰۲۵');
		expect(persian).toContain('ژوئن');
		expect(chooseScale(dayNumber(2020, 3, 1), dayNumber(2025, 3, 1), fa).ticks[0]!.label).toBe('۲۰۲۱');
		expect(chooseScale(dayNumber(-60, 1, 1), dayNumber(-40, 1, 1), ru).ticks[0]!.label).toBe('61 до н. э.');
	});

	it('has DejaVu Sans glyphs for every Persian letter and digit the pictures draw', () => {
		// The catalog writes the ezafe as ه + U+0654 (پایهٔ): DejaVu Sans lacks the precomposed ۀ (U+06C0).
		expect(fontCovers('ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیءآأؤئة\u0654۰۱۲۳۴۵۶۷۸۹،؛؟')).toBe(true);
		expect(fontCovers('ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی', 'bold')).toBe(true);
	});

	it('names countries in the reader’s language, and codes it cannot name as written', () => {
		expect(countryName('AZE')).toBe('Azerbaijan');
		expect(countryName('AZE', 'ru')).toBe('Азербайджан');
		expect(countryName('RUS', 'az')).toBe('Rusiya');
		expect(countryName('IRN', 'fa')).toBe('ایران');
		expect(countryName('XKX', 'ru')).toBe('XKX');
		expect(sideName('other', ru)).toBe('Другие');
	});
});

describe('a timeline picture in Russian and Persian', async () => {
	const ds = await demoDataset();

	it('heads an untitled picture with the story title in the reader’s language, English where none is written', () => {
		expect(layoutTimeline(ds, [...ds.eachEvent()], { i18n: ru }).title).toBe('Российско-азербайджанский разлад 2025 года');
		expect(layoutTimeline(ds, [...ds.eachEvent()], { i18n: fa }).title).toBe('شکاف روسیه و جمهوری آذربایجان در سال ۲۰۲۵');
		// A story with no Persian title is headed in English.
		const noFa = DatasetSnapshot.fromRecords(
			{ ...ds.story, titles: { ru: ds.story.titles!['ru']! } },
			[...ds.eachActor()],
			[...ds.eachSource()],
			[...ds.eachEvent()],
			[...ds.eachClaim()],
			ds.version,
			ds.loadedAt,
		);
		expect(layoutTimeline(noFa, [...noFa.eachEvent()], { i18n: fa }).title).toBe(ds.story.title);
	});

	it('draws Russian labels, months, lanes and titles', () => {
		const layout = layoutTimeline(ds, [...ds.eachEvent()], { title: 'Хронология', i18n: ru });
		const svg = timelineSvg(ds, [...ds.eachEvent()], { title: 'Хронология', i18n: ru });
		assertWellFormedXml(svg);
		expect(layout.lanes.map((l) => l.name)).toEqual(['Россия', 'Азербайджан', 'Иран', 'Другие']);
		expect(layout.subtitle).toMatch(/^38 событий · 25 дек\. 2024 г\. – 30 дек\. 2025 г\. · полосы/u);
		for (const text of ['точная дата', 'оспаривается', '>янв. 2025 г.<', '>Россия</tspan>', ' · 19 событий'])
			expect(svg).toContain(text);
		// Titles come from the dataset's Russian translations.
		const raids = layout.marks.find((m) => m.event.id === [...ds.eachEvent()].find((e) => e.titles['ru'])!.id)!;
		expect(raids.label).toMatch(/\p{Script=Cyrillic}/u);
		expect(svg).not.toMatch(/>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/u);
	});

	it('draws Persian text right to left, as text resvg shapes, and renders it', () => {
		// The demo story is all in Persian; one event left with its English title shows how Latin
		// labels are drawn in a Persian picture.
		const mixed = [...ds.eachEvent()].map((e, i) => (i === 0 ? { ...e, titles: {} } : e));
		const svg = timelineSvg(ds, mixed, { title: 'گاه‌شمار', i18n: fa, text: 'outlines' });
		assertWellFormedXml(svg);
		// Persian stays <text> (shaped by resvg), set as a right-to-left paragraph; the English labels are outlines.
		expect(svg).toMatch(/<text[^>]*>\u2067گاه‌شمار\u2069<\/text>/u);
		expect(svg).toContain('روز دقیق');
		expect(svg).toContain('روسیه');
		expect(svg).toMatch(new RegExp(`>\u2067[^<]*ژانویه ${'۲۰۲۵'}`, 'u'));
		expect(svg).toMatch(/<path transform="matrix/u);
		const layout = layoutTimeline(ds, [...ds.eachEvent()], { i18n: fa });
		expect(layout.dir).toBe('rtl');
		expect(layout.subtitle).toMatch(PERSIAN_DIGIT);
		expect(layout.lanes[0]!.head).toBe('۱۹ رویداد');
		const png = renderPng(svg);
		expect(pngSize(png)).toEqual({ width: 1200, height: layout.height });
		expect(pixelStats(svg).inked).toBeGreaterThan(0.03);
	});

	it('lays a Persian picture out right to left: title, legend (first item rightmost, swatch before text) and lane heads against the right edge', () => {
		for (const [i18n, rtl] of [
			[fa, true],
			[createTranslator('en'), false],
		] as const) {
			const layout = layoutTimeline(ds, [...ds.eachEvent()], { i18n });
			const items = layout.legend.items.filter((it) => it.y === layout.legend.items[0]!.y);
			expect(items.length).toBeGreaterThan(2);
			for (let k = 1; k < items.length; k++)
				expect(rtl ? items[k]!.x < items[k - 1]!.x : items[k]!.x > items[k - 1]!.x, i18n.locale).toBe(true);
			for (const it of items) {
				expect(it.textAnchor).toBe(rtl ? 'end' : 'start');
				expect(rtl ? it.textX < it.x : it.textX > it.x).toBe(true);
			}
			// Look at the rendered picture: where the ink is in the title, legend and first lane-head rows.
			const svg = timelineSvg(ds, [...ds.eachEvent()], { title: rtl ? 'گاه‌شمار' : 'Timeline', i18n });
			const w = layout.width;
			const title = inkedColumns(svg, 18, 50);
			const legend = inkedColumns(svg, layout.legend.y - 14, layout.legend.y + 6);
			const lane = layout.lanes[0]!;
			const head = inkedColumns(svg, lane.top + 6, lane.top + 27);
			if (rtl) {
				expect(title.right).toBeGreaterThan(w - 30);
				expect(title.left).toBeGreaterThan(w / 2);
				expect(legend.right).toBeGreaterThan(w - 30);
				expect(head.right).toBeGreaterThan(w - 30);
				expect(head.left).toBeGreaterThan(w / 2);
			} else {
				expect(title.left).toBeLessThan(30);
				expect(legend.left).toBeLessThan(30);
				expect(head.left).toBeLessThan(30);
				expect(head.right).toBeLessThan(w / 2);
			}
		}
	});

	it("mirrors the relations picture's legend for a Persian reader", () => {
		const aliyev = ds.actor('ilham-aliyev')!;
		const faSvg = relationsSvg(ds, aliyev.id, { i18n: fa });
		const enSvg = relationsSvg(ds, aliyev.id, { i18n: createTranslator('en') });
		const faLegend = inkedColumns(faSvg, 85, 105);
		const enLegend = inkedColumns(enSvg, 85, 105);
		expect(faLegend.right).toBeGreaterThan(1200 - 30);
		expect(enLegend.left).toBeLessThan(30);
		expect(1200 - faLegend.left).toBeGreaterThan(faLegend.right - faLegend.left);
	});

	it('shapes Persian: joined letters take less room than the same letters apart', () => {
		// The joined (initial, medial, final) forms DejaVu Sans has for Persian are narrower than the
		// isolated forms: a shaper that joins them draws a shorter word.
		const options = { font: { fontFiles: [FONT_FILES.normal], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY } };
		const width = (word: string): number => {
			const bbox = new Resvg(
				`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60"><text x="10" y="40" font-size="30">${word}</text></svg>`,
				options,
			).getBBox();
			return bbox?.width ?? 0;
		};
		const joined = width('رویداد');
		const apart = width([...'رویداد'].join('\u200c'));
		expect(joined).toBeGreaterThan(0);
		expect(joined).not.toBeCloseTo(apart, 0);
	});

	it('writes the alt text in the reader’s language', async () => {
		clearImageCache();
		const events = [...ds.eachEvent()].filter((e) => e.date.earliestDay >= 20266 && e.date.latestDay <= 20279);
		const img = await timelineImage(ds, events, 'Хронология', ru);
		expect(img.alt).toMatch(
			new RegExp(
				`^Хронология: ${events.length} событ[а-я]+ с 27 июн\\. 2025 г\\. по 10 июл\\. 2025 г\\., по стране первого участника: Азербайджан — \\d+, Россия — \\d+`,
				'u',
			),
		);
		expect(img.alt).toMatch(/оспаривается: \d+, исправлено: 1\.$/u);
		const persian = await timelineImage(ds, events, 'گاه‌شمار', fa);
		expect(persian.alt).toMatch(/^گاه‌شمار [۰-۹]+ رویداد از/u);
		expect(pngSize(persian.png).width).toBe(1200);
	});
});

describe('a relations picture in Russian and Persian', async () => {
	const ds = await demoDataset();

	it('draws Russian words and names', async () => {
		const layout = layoutRelations(ds, 'ilham-aliyev', { i18n: ru });
		expect(layout.title).toBe('Связи: Ильхам Алиев');
		expect(layout.subtitle).toMatch(/^Ильхам Алиев: общие события с \d+ участник/u);
		const svg = relationsSvg(ds, 'ilham-aliyev', { i18n: ru });
		expect(svg).toContain('>1 общее событие</text>');
		expect(svg).toContain('>Россия</text>');
		const img = await relationsImage(ds, 'ilham-aliyev', ru);
		expect(img.alt).toMatch(/^Ильхам Алиев — связи: .*Владимир Путин \(6\)/u);
	});

	it('draws Persian words shaped, and renders', () => {
		const svg = relationsSvg(ds, 'ilham-aliyev', { i18n: fa, text: 'outlines' });
		assertWellFormedXml(svg);
		expect(svg).toContain('روابط: ');
		expect(svg).toContain('رویداد مشترک');
		expect(pngSize(renderPng(svg)).width).toBe(1200);
	});
});
