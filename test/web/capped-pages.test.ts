/**
 * The web site over an engine that caps its counts: the timeline and search pages say "1000+", the
 * page navigation reads "Page 1 of 100+" in the reader's language and links a next page even past
 * the counted ones, and the inlined timeline picture's alt text says the omitted count is a lower
 * bound. A real server on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMAGE_EVENTS } from '../../src/images/attach.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { cappedSnapshot } from '../helpers/capped-snapshot.js';
import { demoDataset } from '../helpers/dataset-fixture.js';
import { startTestSite, type TestSite } from '../helpers/web.js';

let site: TestSite;
beforeAll(async () => {
	site = await startTestSite(cappedSnapshot(await demoDataset()));
});
afterAll(() => site.close());

const page = async (p: string) => (await fetch(`${site.base}${p}`)).text();
/** Text without tags, entities of the direction marks, or the marks. */
const words = (html: string) =>
	html
		.replace(/<[^>]+>/gu, ' ')
		.replace(/&#x?[0-9a-f]+;/giu, '')
		.replace(/[\u200e\u200f\u2066-\u2069]/gu, '');

describe('capped counts on the web', () => {
	it.each([
		['en', 'Page 1 of 100+', '1000+ events'],
		['ru', 'Страница 1 из 100+', 'Более 1000 событий'],
		['az', 'Səhifə 1 / 100+', '1000+ hadisə'],
		['fa', 'صفحهٔ ۱ از ۱۰۰ یا بیشتر', 'بیش از ۱۰۰۰ رویداد'],
	])('/timeline?lang=%s', async (lang, nav, count) => {
		// The picture draws the first MAX_IMAGE_EVENTS of the 1000+ events (the demo story has fewer: all of it).
		const drawn = Math.min(MAX_IMAGE_EVENTS, (await demoDataset()).counts.events);
		const alt = words(createTranslator(lang).t('image.alt.more.capped', { n: 1000 - drawn }));
		const html = await page(`/timeline?lang=${lang}`);
		expect(words(html)).toContain(nav);
		expect(words(html)).toContain(count);
		expect(html).toMatch(/<a rel="next" href="[^"]*page=2/u);
		// The picture's alt text (the inlined SVG's label): the omitted count is "at least".
		const labels = [...html.matchAll(/aria-label="([^"]*)"/gu)].map((m) => words(m[1]!));
		expect(labels.some((l) => l.includes(alt))).toBe(true);
		const last = await page(`/timeline?lang=${lang}&page=100`);
		expect(last).toMatch(/<a rel="next" href="[^"]*page=101/u);
	});

	it('/search says 1000+ results', async () => {
		expect(words(await page('/search?q=Aliyev'))).toContain('1000+ results');
	});
});
