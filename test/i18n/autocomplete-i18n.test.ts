/** Discord autocomplete labels in the interaction's language; values stay dataset ids. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { stripBidiMarks } from '../../src/i18n/bidi.js';
import { MAX_CHOICES, suggest } from '../../src/core/complete.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

let ds: DatasetSnapshot;
beforeAll(async () => {
	ds = await demoDataset();
});

describe('autocomplete labels', () => {
	it('name actors in the reader’s language, keeping the id as the value', () => {
		expect(suggest(ds, 'actor', 'Aliyev', 'ru')[0]).toEqual({ name: 'Ильхам Алиев (ilham-aliyev)', value: 'ilham-aliyev' });
		expect(suggest(ds, 'actor', 'Aliyev', 'az')[0]).toEqual({ name: 'İlham Əliyev (ilham-aliyev)', value: 'ilham-aliyev' });
		expect(suggest(ds, 'actor', 'Aliyev')[0]).toEqual({ name: 'Ilham Aliyev (ilham-aliyev)', value: 'ilham-aliyev' });
	});

	it('give events a localized date and the translated title', () => {
		const raid = ds.event('yekaterinburg-raids')!;
		const [ru] = suggest(ds, 'event', 'yekaterinburg-raids', 'ru');
		expect(ru?.value).toBe('yekaterinburg-raids');
		expect(ru?.name).toMatch(/^27 июн/u);
		expect(ru?.name).toContain(raid.titles['ru']!.slice(0, 40));
		expect(ru!.name.length).toBeLessThanOrEqual(100);
		const fa = suggest(ds, 'event', 'yekaterinburg-raids', 'fa')[0]!;
		expect(stripBidiMarks(fa.name)).toMatch(/^۲۷ /u);
		// English as before: "27 Jun 2025 · Title".
		expect(suggest(ds, 'event', 'yekaterinburg-raids')[0]?.name.startsWith(`27 Jun 2025 · ${raid.title.slice(0, 40)}`)).toBe(true);
	});

	it('count a tag’s events with the language’s plural', () => {
		const n = ds.tags().find((t) => t.tag === 'diplomacy')!.count;
		const form = { one: 'событие', few: 'события', many: 'событий', other: 'события' }[
			new Intl.PluralRules('ru').select(n) as 'one' | 'few' | 'many' | 'other'
		];
		// The tag's label in the reader's language (data/vocabulary.yaml); the value stays the slug.
		expect(suggest(ds, 'tag', 'diplomacy', 'ru')[0]).toMatchObject({ name: `дипломатия (${n} ${form})`, value: 'diplomacy' });
		expect(suggest(ds, 'tag', 'diplomacy', 'en')[0]?.name).toBe(`diplomacy (${n} events)`);
		expect(stripBidiMarks(suggest(ds, 'tag', 'diplomacy', 'fa')[0]!.name)).toMatch(/^دیپلماسی \([۰-۹]+ رویداد\)$/u);
		// Outlets by any of their names, each with its label in the reader's language.
		expect(suggest(ds, 'outlet', 'ТАСС', 'ru')[0]).toEqual({ name: 'ТАСС — государственное СМИ России', value: 'tass' });
		expect(suggest(ds, 'outlet', 'meduz', 'en')[0]).toEqual({ name: 'Meduza — independent media', value: 'meduza' });
		expect(suggest(ds, 'outlet', '', 'fa').length).toBe(25);
		// Typed in the reader's language, the label finds the tag too.
		expect(suggest(ds, 'tag', 'Екатерин', 'ru')[0]?.value).toBe('yekaterinburg');
	});

	it('stay within Discord’s limits in every language', () => {
		for (const locale of ['en', 'ru', 'az', 'fa']) {
			for (const type of ['actor', 'event', 'tag', 'outlet'] as const) {
				const choices = suggest(ds, type, '', locale);
				expect(choices.length).toBeLessThanOrEqual(MAX_CHOICES);
				for (const c of choices) expect([...c.name].length, `${locale} ${c.name}`).toBeLessThanOrEqual(100);
			}
		}
	});
});
