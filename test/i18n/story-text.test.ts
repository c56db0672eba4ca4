/**
 * The story's title and summary in the reader's language (briefing header, the quiet-day summary,
 * /help), from the story record's translations, and English with the visible note where there is none.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeBriefing } from '../../src/briefing/compose-briefing.js';
import { dayNumber } from '../../src/dataset/partial-date.js';
import { storySchema } from '../../src/dataset/schema.js';
import { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { stripBidiMarks } from '../../src/i18n/bidi.js';
import { storySummary, storyTitle } from '../../src/i18n/story-text.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { testCore, TEST_REQUESTER } from '../helpers/core.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

const NOTE = {
	ru: '(Часть текста ещё не переведена на русский и показана на английском.)',
	fa: '(بخشی از این متن هنوز به فارسی ترجمه نشده و به انگلیسی نمایش داده می\u200cشود.)',
};
/** The demo story record as written in data/story.yaml, translations included. */
const written = storySchema.parse((parse(readFileSync('data/story.yaml', 'utf8')) as { story: unknown }).story);

let ds: DatasetSnapshot;
beforeAll(async () => {
	const demo = await demoDataset();
	// Persian is left out here to show the fallback; the demo story has it (test/dataset/demo-translations).
	const withoutFa = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'fa'));
	const story = { ...demo.story, titles: withoutFa(written.titles!), summaries: withoutFa(written.summaries!) };
	ds = DatasetSnapshot.fromRecords(
		story,
		[...demo.eachActor()],
		[...demo.eachSource()],
		[...demo.eachEvent()],
		[...demo.eachClaim()],
		demo.version,
		demo.loadedAt,
	);
});

const ask = async (line: string, locale: string) =>
	stripBidiMarks(
		renderPlainText(
			(
				await testCore(ds).handle({
					line,
					requester: TEST_REQUESTER,
					place: { platform: 'telegram', channelId: 'c', kind: 'group' },
					locale,
				})
			).reply,
		),
	);

describe('the story title and summary', () => {
	it('are taken from the translations for the reader, and counted when missing', () => {
		const ru = createTranslator('ru');
		expect(storyTitle(ru, ds.story)).toBe(written.titles!['ru']);
		expect(storySummary(ru, ds.story)).toBe(written.summaries!['ru']);
		expect(ru.untranslated).toBe(0);
		const fa = createTranslator('fa');
		expect(storyTitle(fa, ds.story)).toBe(written.title);
		expect(fa.untranslated).toBe(1);
		// A story record without translations (one loaded before they existed) reads as English.
		expect(storyTitle(createTranslator('az'), { title: 'T', summary: 'S' })).toBe('T');
	});

	it('head /help in Russian and Azerbaijani with no note; in Persian in English, saying so', async () => {
		const ru = await ask('/help', 'ru');
		expect(ru.split('\n')[0]).toBe(`## sitrep: ${written.titles!['ru']!}`);
		expect(ru).not.toContain(NOTE.ru);
		expect((await ask('/help', 'az')).split('\n')[0]).toBe(`## sitrep: ${written.titles!['az']!}`);
		const fa = await ask('/help', 'fa');
		expect(fa.split('\n')[0]).toBe(`## sitrep: ${written.title}`);
		expect(fa).toContain(NOTE.fa);
	});

	it('head the briefing, and a quiet day repeats the summary, in the reader’s language', () => {
		const day = dayNumber(2025, 8, 20);
		const quiet = composeBriefing(ds, { day, locale: 'ru' });
		expect(quiet.newEvents).toEqual([]);
		const text = renderPlainText(quiet.reply);
		expect(text).toContain(written.titles!['ru']!);
		expect(text).toContain(written.summaries!['ru']!);
		expect(text).not.toContain(written.title);
		const az = renderPlainText(composeBriefing(ds, { day, locale: 'az' }).reply);
		expect(az).toContain(written.summaries!['az']!);
		const fa = stripBidiMarks(renderPlainText(composeBriefing(ds, { day, locale: 'fa' }).reply));
		expect(fa).toContain(written.title);
		expect(fa).toContain(written.summary);
		expect(fa).toContain(NOTE.fa);
	});
});
