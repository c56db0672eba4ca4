/** Actor roles and claim topics through the catalog, humanized (and counted as English) when unknown. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { humanizeSlug, roleLabel, topicLabel } from '../../src/i18n/slugs.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

let ds: DatasetSnapshot;
beforeAll(async () => {
	ds = await demoDataset();
});

describe('role and topic slugs', () => {
	it('come from the catalog in each language', () => {
		expect(roleLabel(createTranslator('ru'), 'delegation-head')).toBe('глава делегации');
		expect(roleLabel(createTranslator('az'), 'speaker')).toBe('çıxış edən');
		expect(topicLabel(createTranslator('fa'), 'cause-of-death')).toBe('علت مرگ');
		expect(topicLabel(createTranslator('en'), 'detainee-count')).toBe('number of detainees');
	});

	it('fall back to the humanized slug, counted as untranslated outside English', () => {
		const ru = createTranslator('ru');
		expect(topicLabel(ru, 'sputnik-raid-grounds')).toBe('sputnik raid grounds');
		expect(roleLabel(ru, 'foreign_minister')).toBe('foreign minister');
		expect(ru.untranslated).toBe(2);
		const en = createTranslator('en');
		expect(roleLabel(en, 'foreign_minister')).toBe('foreign minister');
		expect(en.untranslated).toBe(0);
		expect(humanizeSlug('a--b_c')).toBe('a b c');
	});

	it('cover every role of the demo story in every language', () => {
		const roles = new Set(ds.events.flatMap((e) => e.actors.map((a) => a.role).filter((r): r is string => r !== undefined)));
		expect(roles.size).toBeGreaterThan(10);
		for (const locale of ['ru', 'az', 'fa'] as const) {
			const i18n = createTranslator(locale);
			for (const r of roles) roleLabel(i18n, r);
			expect(i18n.untranslated, locale).toBe(0);
		}
	});
});
