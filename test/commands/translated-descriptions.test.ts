/**
 * /actor shows an actor's description in the reader's language (`descriptions`), and /event an
 * event's editorial note (`notes`); where the dataset has none, the English is shown with the same
 * "not yet translated" note as for titles.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/dispatch.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { TEST_REQUESTER, testCore } from '../helpers/core.js';
import { cleanupDatasets, demoDataset, loadFixture } from '../helpers/dataset-fixture.js';
import { CATALOGS } from '../../src/i18n/messages/index.js';

afterAll(cleanupDatasets);

async function askIn(core: Core, line: string, locale: string): Promise<string> {
	const r = await core.handle({
		line,
		requester: TEST_REQUESTER,
		place: { platform: 'console', channelId: 'c1', kind: 'console' },
		locale,
	});
	expect(r.outcome.kind, line).toBe('ok');
	return renderPlainText(r.reply);
}

describe('translated descriptions and notes', () => {
	it('/actor and /event in Persian, Russian and Azerbaijani show the demo story translated, with no untranslated-text note', async () => {
		const core = testCore(await demoDataset());
		const expected = {
			fa: { description: 'رئیس‌جمهور ایران.', note: 'نسبت به مقالهٔ مبنا اصلاح شده است' },
			ru: { description: 'Президент Ирана.', note: 'Исправлено по сравнению с исходной статьёй' },
			az: { description: 'İran Prezidenti.', note: 'Mənbə məqaləyə əsasən düzəldilib' },
		} as const;
		for (const [lang, want] of Object.entries(expected)) {
			const untranslated = CATALOGS[lang as keyof typeof CATALOGS]['content.untranslated'];
			const actor = await askIn(core, '/actor Pezeshkian', lang);
			expect(actor).toContain(want.description);
			expect(actor).not.toContain('President of Iran.');
			expect(actor, lang).not.toContain(untranslated);
			const event = await askIn(core, '/event pezeshkian-eco-summit-khankendi', lang);
			expect(event).toContain(want.note);
			expect(event).not.toContain('Corrected against the seed article');
			expect(event, lang).not.toContain(untranslated);
		}
	});

	it('fall back to English with the untranslated-text note when a language is missing', async () => {
		const ds = await loadFixture({
			'actors.yaml': `actors:
  - id: alpha-ministry
    name: Alpha Ministry
    type: government_body
    description: A ministry.
    names: { fa: وزارت آلفا, ru: Министерство Альфа }
    descriptions: { ru: Министерство. }
`,
			'events/2025-06-27-first.yaml': `events:
  - id: first
    date: 2025-06-27
    title: First event
    titles: { fa: رویداد نخست, ru: Первое событие }
    summary: Something happened.
    summaries: { fa: چیزی رخ داد. }
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: reported
    note: The date is disputed.
    notes: { ru: Дата оспаривается. }
`,
		});
		const core = testCore(ds);
		const fa = await askIn(core, '/actor alpha-ministry', 'fa');
		expect(fa).toContain('A ministry.');
		expect(fa).toContain(CATALOGS.fa['content.untranslated']);
		const ru = await askIn(core, '/actor alpha-ministry', 'ru');
		expect(ru).toContain('Министерство.');
		expect(ru).not.toContain(CATALOGS.ru['content.untranslated']);
		const eventFa = await askIn(core, '/event first', 'fa');
		expect(eventFa).toContain('The date is disputed.');
		expect(eventFa).toContain(CATALOGS.fa['content.untranslated']);
		const eventRu = await askIn(core, '/event first', 'ru');
		expect(eventRu).toContain('Дата оспаривается.');
	});
});
