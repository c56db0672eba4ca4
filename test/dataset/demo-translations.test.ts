/**
 * The demo story is whole in the four languages the bot speaks: every event's title, summary and
 * note, every claim's text, every actor's name and description, and the story's title and summary
 * have a Russian, an Azerbaijani and a Persian version in data/, each in its language's script.
 * (Tags, dispute topics and outlet labels live elsewhere and are checked with them.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { missingTranslations } from '../../src/i18n/coverage.js';
import { loadSnapshot } from '../helpers/dataset-fixture.js';

const LANGS = ['ru', 'az', 'fa'] as const;
type Lang = (typeof LANGS)[number];

/** Prose in the language's own script: Cyrillic for Russian, Latin for Azerbaijani, Arabic for Persian. */
const SCRIPT: Record<Lang, RegExp> = { ru: /\p{Script=Cyrillic}/u, az: /\p{Script=Latin}/u, fa: /\p{Script=Arabic}/u };
/** Letters that must not appear: an Azerbaijani or Persian text with Cyrillic is a pasted Russian one. */
const FOREIGN: Record<Lang, RegExp | undefined> = {
	ru: undefined,
	az: /\p{Script=Cyrillic}|\p{Script=Arabic}/u,
	fa: /\p{Script=Cyrillic}/u,
};

let data: DatasetSnapshot;
beforeAll(async () => {
	data = await loadSnapshot('data');
});

/** Every missing or wrong translation of prose, as "where (lang): what". */
function proseProblems(where: string, english: string, translations: Readonly<Record<string, string>> | undefined): string[] {
	const out: string[] = [];
	for (const lang of LANGS) {
		const text = translations?.[lang]?.trim();
		if (!text) out.push(`${where} (${lang}): missing`);
		else if (text === english.trim()) out.push(`${where} (${lang}): the English text copied`);
		else if (!SCRIPT[lang].test(text)) out.push(`${where} (${lang}): not in the language's script`);
		else if (FOREIGN[lang]?.test(text)) out.push(`${where} (${lang}): has letters of another script`);
	}
	return out;
}

describe('the demo dataset in Russian, Azerbaijani and Persian', () => {
	it('has the story title and summary in every language', () => {
		expect([
			...proseProblems('story.title', data.story.title, data.story.titles),
			...proseProblems('story.summary', data.story.summary, data.story.summaries),
		]).toEqual([]);
		expect(data.story.languages).toEqual(expect.arrayContaining(['en', ...LANGS]));
	});

	it('has every event title, summary and editorial note in every language', () => {
		const problems = data
			.timeline()
			.flatMap((e) => [
				...proseProblems(`${e.id} title`, e.title, e.titles),
				...proseProblems(`${e.id} summary`, e.summary, e.summaries),
				...(e.note ? proseProblems(`${e.id} note`, e.note, e.notes) : []),
			]);
		expect(problems).toEqual([]);
		expect(data.timeline().length).toBeGreaterThanOrEqual(38);
	});

	it('has every claim in every language', () => {
		expect([...data.eachClaim()].length).toBeGreaterThan(30);
		expect([...data.eachClaim()].flatMap((c) => proseProblems(`claim ${c.id}`, c.text, c.translations))).toEqual([]);
	});

	it('has every actor description in every language, and every name (Persian in Persian script)', () => {
		const problems = [...data.eachActor()].flatMap((a) => {
			const out = proseProblems(`actor ${a.id} description`, a.description, a.descriptions);
			for (const lang of LANGS) {
				const name = a.names[lang]?.trim();
				// A name may be spelled as in English (Vladimir Putin in Azerbaijani; The Insider, a Latin
				// brand, in Russian), but it must be given, and a Persian reader must get it in Persian letters.
				if (!name) out.push(`actor ${a.id} name (${lang}): missing`);
				else if (lang === 'fa' && !SCRIPT.fa.test(name)) out.push(`actor ${a.id} name (fa): not in Persian script`);
				else if (lang === 'ru' && !SCRIPT.ru.test(name) && a.type !== 'media_org')
					out.push(`actor ${a.id} name (ru): not in Cyrillic`);
			}
			return out;
		});
		expect(problems).toEqual([]);
	});

	it('spells the leaders the established way in each language', () => {
		const names = (id: string) => data.actor(id)!.names;
		expect(names('ilham-aliyev')).toMatchObject({ ru: 'Ильхам Алиев', az: 'İlham Əliyev', fa: 'الهام علی‌اف' });
		expect(names('masoud-pezeshkian')).toMatchObject({ ru: 'Масуд Пезешкиан', az: 'Məsud Pezeşkian', fa: 'مسعود پزشکیان' });
		expect(names('vladimir-putin')).toMatchObject({ ru: 'Владимир Путин', fa: 'ولادیمیر پوتین' });
	});
});

describe('the demo dataset as `sitrep validate --languages ru,az,fa` sees it', () => {
	it('lacks no translation: outlets, dispute topics, tags and roles included', () => {
		expect(missingTranslations(data, [...LANGS]).map((m) => `${m.lang} ${m.kind} ${m.id}: ${m.field}`)).toEqual([]);
	});
});

describe("the demo dataset's places", () => {
	it('name every place in every language (Aktau may read the same in Azerbaijani), Russian in Cyrillic and Persian in Persian script', () => {
		const problems = data.timeline().flatMap((e) => {
			if (!e.location) return [];
			return LANGS.flatMap((lang) => {
				const name = e.location!.names?.[lang]?.trim();
				if (!name) return [`${e.id} place (${lang}): missing`];
				if (lang !== 'az' && !SCRIPT[lang].test(name)) return [`${e.id} place (${lang}): not in the language's script`];
				return [];
			});
		});
		expect(problems).toEqual([]);
		expect(data.event('azal-crash-aktau')!.location?.names).toMatchObject({ ru: 'Актау', fa: 'اکتائو' });
	});
});
