/**
 * Dataset text in the reader's language: the translation when the dataset has one, else the English
 * original with a note, once per reply. Names fall back silently; interface text never falls back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { composeBriefing } from '../../src/briefing/compose-briefing.js';
import type { Core } from '../../src/core/dispatch.js';
import { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { localDayNumber } from '../../src/dataset/partial-date.js';
import { createTranslator, pick } from '../../src/i18n/translator.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { testCore } from '../helpers/core.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

const NOTE = {
	ru: '(Часть текста ещё не переведена на русский и показана на английском.)',
	az: '(Mətnin bir hissəsi hələ Azərbaycan dilinə tərcümə olunmayıb və ingiliscə göstərilir.)',
	fa: '(بخشی از این متن هنوز به فارسی ترجمه نشده و به انگلیسی نمایش داده می\u200cشود.)',
} as const;
const count = (text: string, part: string) => text.split(part).length - 1;

let ds: DatasetSnapshot;
let core: Core;
/**
 * The demo story is translated whole (test/dataset/demo-translations.test.ts); in this copy one event
 * keeps only its Russian summary and its Azerbaijani title, as an event added before the translators
 * reach it would, to show the fallback.
 */
let partial: DatasetSnapshot;
beforeAll(async () => {
	ds = await demoDataset();
	core = testCore(ds);
	const raid = ds.event('yekaterinburg-raids')!;
	const untranslated = new Set(raid.claimIds);
	const only = (r: Readonly<Record<string, string>>, ...langs: string[]) =>
		Object.fromEntries(Object.entries(r).filter(([k]) => langs.includes(k)));
	partial = DatasetSnapshot.fromRecords(
		ds.story,
		[...ds.eachActor()],
		[...ds.eachSource()],
		ds
			.timeline()
			.map((e) => (e.id === raid.id ? { ...e, titles: only(e.titles, 'az'), summaries: only(e.summaries, 'ru'), notes: {} } : e)),
		[...ds.eachClaim()].map((c) => (untranslated.has(c.id) ? { ...c, translations: {} } : c)),
		ds.version,
		ds.loadedAt,
	);
});
const askPartial = async (line: string, locale: string) =>
	renderPlainText(
		(
			await testCore(partial).handle({
				line,
				requester: { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: false, isOwner: false },
				place: { platform: 'console', channelId: 'c', kind: 'console' },
				locale,
			})
		).reply,
	);
const ask = async (line: string, locale: string) =>
	renderPlainText(
		(
			await core.handle({
				line,
				requester: { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: false, isOwner: false },
				place: { platform: 'console', channelId: 'c', kind: 'console' },
				locale,
			})
		).reply,
	);

describe('the Translator and dataset text', () => {
	it('takes the translation for the reader, by exact tag or by base language', () => {
		expect(pick({ ru: 'Кремль' }, 'ru')).toBe('Кремль');
		expect(pick({ 'ru-RU': 'Кремль' }, 'ru')).toBe('Кремль');
		expect(pick({ 'az-Latn': 'Kreml' }, 'az')).toBe('Kreml');
		expect(pick({ ru: '  ' }, 'ru')).toBeUndefined();
		const t = createTranslator('ru');
		expect(t.content('The Kremlin', { ru: 'Кремль' })).toBe('Кремль');
		expect(t.untranslated).toBe(0);
		expect(t.content('Kremlin says', { az: 'Kreml deyir' })).toBe('Kremlin says');
		expect(t.untranslated).toBe(1);
		// A name left as written is normal, not a missing translation.
		expect(t.name('Meduza', {})).toBe('Meduza');
		expect(t.untranslated).toBe(1);
		const english = createTranslator('en');
		expect(english.content('The Kremlin', { ru: 'Кремль' })).toBe('The Kremlin');
		expect(english.untranslated).toBe(0);
	});

	it('chooses the locale from hints and falls back to English', () => {
		expect(createTranslator('ru-RU').locale).toBe('ru');
		expect(createTranslator('fa_IR').locale).toBe('fa');
		expect(createTranslator('de').locale).toBe('en');
		expect(createTranslator(undefined).locale).toBe('en');
	});

	it('writes plurals, numbers and dates per language', () => {
		expect([1, 2, 5, 21].map((n) => createTranslator('ru').t('timeline.range', { n, first: 'a', last: 'b' }))).toEqual([
			'1 событие, с a по b',
			'2 события, с a по b',
			'5 событий, с a по b',
			'21 событие, с a по b',
		]);
		expect(createTranslator('en').t('timeline.range', { n: 1, first: 'a', last: 'b' })).toBe('1 event, a to b');
		expect(createTranslator('fa').t('actor.events', { n: 12 })).toBe('رویدادها (۱۲)');
		expect(createTranslator('az').t('export.summary', { file: 'f', events: 3, sources: 1, version: 'v' })).toBe(
			'f: 3 hadisə, 1 mənbə (məlumat bazasının versiyası v).',
		);
		expect(createTranslator('en').number(4096)).toBe('4096');
		expect(createTranslator('ru').number(12345)).toBe('12\u00a0345');
		const raid = ds.event('yekaterinburg-raids')!;
		expect(createTranslator('en').date(raid.date)).toBe('27 Jun 2025');
		expect(createTranslator('az').date(raid.date)).toBe('27 iyun 2025');
		expect(createTranslator('ru').date(raid.date)).toMatch(/^27 июн/u);
	});
});

describe('replies', () => {
	it('show the Russian and Azerbaijani titles the demo story carries, with no note when all is translated', async () => {
		const ru = await ask('/timeline from:2025-06-27 to:2025-06-28', 'ru');
		expect(ru).toContain(ds.event('yekaterinburg-raids')!.titles['ru']!);
		expect(ru).not.toContain(NOTE.ru);
		const az = await ask('/timeline from:2025-06-27 to:2025-06-28', 'az');
		expect(az).toContain(ds.event('yekaterinburg-raids')!.titles['az']!);
		expect(az).not.toContain(NOTE.az);
	});

	it('fall back to the English original, saying so once per reply', async () => {
		const raid = ds.event('yekaterinburg-raids')!;
		for (const locale of ['ru', 'az', 'fa'] as const) {
			const text = await askPartial('/event yekaterinburg-raids', locale);
			// The Russian summary is shown; the other summaries, the note and the claims are English
			// only: shown as written…
			if (locale === 'ru') expect(text).toContain(raid.summaries['ru']!.slice(0, 60));
			else expect(text, locale).toContain(raid.summary.slice(0, 60));
			// …with one note, however many texts fell back.
			expect(count(text, NOTE[locale]), locale).toBe(1);
		}
		// No Persian title: the English title, and the note.
		const fa = await askPartial('/timeline from:2025-06-27 to:2025-06-28', 'fa');
		expect(fa).toContain(raid.title);
		expect(count(fa, NOTE.fa)).toBe(1);
	});

	it('never add the note in English', async () => {
		for (const line of ['/event yekaterinburg-raids', '/briefing date:2025-06-30', '/help'])
			expect(await ask(line, 'en')).not.toMatch(/not yet translated/u);
	});

	it('compose the briefing in the pinned language, noting untranslated text once', () => {
		const day = localDayNumber(new Date('2025-06-30T09:00:00+04:00'), 'Asia/Baku');
		const ru = composeBriefing(partial, { day, locale: 'ru' });
		expect(ru.reply.locale).toBe('ru');
		const text = renderPlainText(ru.reply);
		expect(text).toMatch(/^## Сводка на 30 июн/mu);
		expect(text).toContain('За последние 24 часа: 8 событий');
		expect(count(text, NOTE.ru)).toBe(1);
		const en = composeBriefing(ds, { day });
		expect(en.reply.locale).toBeUndefined();
		expect(renderPlainText(en.reply)).toMatch(/^## Briefing for 30 Jun 2025/mu);
	});

	it('answer a /briefing command with the note once, not twice', async () => {
		expect(count(await askPartial('/briefing date:2025-06-30', 'fa'), NOTE.fa)).toBe(1);
	});
});
