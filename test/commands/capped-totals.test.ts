/**
 * Capped totals: when the engine stops counting (a page with `capped: true`), /search and /timeline
 * say "1000+" (the locale's digits and words), the page count reads "page 1 of 100+" and a next page
 * is offered, in every renderer and all four languages, and the timeline picture's note and alt text
 * say the omitted count is a lower bound. Uncapped pages keep their exact wording.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Place, Requester } from '../../src/core/command.js';
import { registry } from '../../commands/index.js';
import { Core } from '../../src/core/dispatch.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { clearImageCache, timelineSvgImageOf } from '../../src/images/index.js';
import { layoutTimeline } from '../../src/images/timeline-layout.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { silentLogger } from '../../src/logger.js';
import { PageStore } from '../../src/platforms/discord/page-buttons.js';
import { renderDiscord } from '../../src/platforms/discord/render-discord.js';
import { renderTelegram } from '../../src/platforms/telegram/render-telegram.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { cappedSnapshot } from '../helpers/capped-snapshot.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

let demo: DatasetSnapshot;
let capped: DatasetSnapshot;
beforeAll(async () => {
	demo = await demoDataset();
	capped = cappedSnapshot(demo);
});

const requester: Requester = { platform: 'console', userId: 'u1', displayName: 'tester', isChannelAdmin: false, isOwner: false };
const place: Place = { platform: 'console', channelId: 'c1', kind: 'console' };

async function reply(dataset: DatasetSnapshot, line: string, locale: string) {
	const core = new Core({
		registry,
		dataset: () => dataset,
		clock: () => new Date('2025-07-01T09:00:00+04:00'),
		logger: silentLogger(),
		services: { registry },
	});
	const r = await core.handle({ line, requester, place, locale });
	expect(r.outcome.kind).toBe('ok');
	return r.reply;
}

/** What each language says for a capped count of 1000 search results, 1000 events, and page 1 of 100. */
const EXPECTED = {
	en: {
		search: '1000+ results, best first; showing 8',
		timeline: /1000\+ events, from \S+ \S+ \d{4} on/u,
		footer: 'Page 1 of 100+',
		label: '1 / 100+',
	},
	ru: {
		search: 'Более 1000 результатов, сначала лучшие; показано 8',
		timeline: /Более 1000 событий, начиная с /u,
		footer: 'Страница 1 из 100+',
		label: '1 / 100+',
	},
	az: {
		search: '1000+ nəticə, ən uyğunları əvvəldə; 8 göstərilir',
		timeline: /1000\+ hadisə, .+ tarixindən başlayaraq/u,
		footer: 'Səhifə 1 / 100+',
		label: '1 / 100+',
	},
	fa: {
		search: 'بیش از ۱۰۰۰ نتیجه، مرتبط‌ترین‌ها در آغاز؛ ۸ مورد نمایش داده می‌شود',
		timeline: /بیش از ۱۰۰۰ رویداد، از .+ به بعد/u,
		footer: 'صفحهٔ ۱ از ۱۰۰ یا بیشتر',
		label: '۱ از ۱۰۰ یا بیشتر',
	},
} as const;

/** Without the direction marks a right-to-left reply carries, to compare words. */
const plain = (s: string) => s.replace(/[\u200e\u200f\u2066-\u2069]/gu, '');

describe.each(Object.entries(EXPECTED))('capped totals in %s', (locale, want) => {
	it('/search says the count is at least so many', async () => {
		const r = await reply(capped, '/search Aliyev', locale);
		expect(plain(renderPlainText(r))).toContain(want.search);
		expect(plain(renderTelegram(r).join('\n'))).toContain(want.search);
		expect(plain(JSON.stringify(renderDiscord(r)))).toContain(want.search);
	});

	it('/timeline says so, gives no last date, and pages as "of 100+" with a next page', async () => {
		const r = await reply(capped, '/timeline', locale);
		const text = plain(renderPlainText(r));
		expect(text).toMatch(want.timeline);
		expect(text).toContain(want.footer);
		expect(r.paging).toMatchObject({ page: 1, pages: 100, capped: true, next: '/timeline page:2' });
		expect(plain(renderTelegram(r).join('\n'))).toContain(want.footer);
		expect(plain(JSON.stringify(renderDiscord(r)))).toContain(want.footer);
		const row = await new PageStore().row(r.paging!, 'u1', locale);
		expect(plain(JSON.stringify(row))).toContain(want.label);
	});

	it('the last counted page still offers the next (more may exist past the cap)', async () => {
		const r = await reply(capped, '/timeline page:100', locale);
		expect(r.paging?.next).toBe('/timeline page:101');
	});

	it('/actor says its events are at least so many', async () => {
		const i18n = createTranslator(locale);
		const text = plain(renderPlainText(await reply(capped, '/actor kremlin', locale)));
		expect(text).toContain(plain(i18n.t('actor.events.capped', { n: 1000 })));
		expect(text).toContain(plain(i18n.t('actor.eventsMore.capped', { n: 992, command: '/timeline actor:kremlin' })));
		const exact = plain(renderPlainText(await reply(demo, '/actor kremlin', locale)));
		expect(exact).toContain(plain(i18n.t('actor.events', { n: demo.eventsOf('kremlin').length })));
	});

	it('an uncapped answer keeps its exact count', async () => {
		const text = plain(renderPlainText(await reply(demo, '/search Aliyev', locale)));
		expect(text).not.toContain(want.search);
		expect(text).not.toMatch(/\d\+|بیش از|Более/u);
	});

	it('the timeline picture says the omitted count is a lower bound', async () => {
		clearImageCache();
		const i18n = createTranslator(locale);
		const page = capped.timelinePage({}, 1, 11);
		const layout = layoutTimeline(demo, page.events, { title: 'T', i18n, maxEvents: 10, total: page.total, capped: true });
		expect(layout.omitted).toBe(990);
		expect(layout.omittedCapped).toBe(true);
		const note = i18n.t('image.timeline.more.capped', { n: 990, date: i18n.date(page.events[10]!.date) });
		expect(layout.footer?.lines.map(plain)).toContain(plain(note));
		const image = await timelineSvgImageOf(
			demo,
			{ key: 'capped', head: () => ({ events: page.events, total: page.total, capped: true }) },
			'T',
			i18n,
			{ maxEvents: 10 },
		);
		expect(plain(image.alt)).toContain(plain(i18n.t('image.alt.more.capped', { n: 990 })));
		// Uncapped: the exact wording.
		const exact = layoutTimeline(demo, page.events, { title: 'T', i18n, maxEvents: 10, total: 990 + 10 });
		expect(exact.omittedCapped).toBeUndefined();
	});
});
