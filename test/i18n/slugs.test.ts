/**
 * Actor roles, claim topics and tags: the dataset's own labels first, then the catalog, humanized (and
 * counted as English) when neither has one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { humanizeSlug, roleLabel, tagLabel, topicLabel } from '../../src/i18n/slugs.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { cleanupDatasets, demoDataset, loadFixture } from '../helpers/dataset-fixture.js';

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
		const roles = new Set([...ds.eachEvent()].flatMap((e) => e.actors.map((a) => a.role).filter((r): r is string => r !== undefined)));
		expect(roles.size).toBeGreaterThan(10);
		for (const locale of ['ru', 'az', 'fa'] as const) {
			const i18n = createTranslator(locale);
			for (const r of roles) roleLabel(i18n, r);
			expect(i18n.untranslated, locale).toBe(0);
		}
	});

	it("take the dataset's labels first, in the reader's language, then the catalog", async () => {
		const own = await loadFixture({
			'vocabulary.yaml':
				'topics:\n  - id: cause-of-death\n    label: how they died\n    labels: { ru: как они погибли }\nroles:\n  - id: envoy\n    label: envoy\n',
		});
		cleanupDatasets();
		expect(topicLabel(createTranslator('en'), 'cause-of-death', own)).toBe('how they died');
		expect(topicLabel(createTranslator('ru'), 'cause-of-death', own)).toBe('как они погибли');
		// No Persian label in the dataset: the catalog's, not the dataset's English.
		expect(topicLabel(createTranslator('fa'), 'cause-of-death', own)).toBe('علت مرگ');
		const az = createTranslator('az');
		expect(roleLabel(az, 'envoy', own)).toBe('envoy');
		expect(az.untranslated).toBe(1);
	});

	it('cover every topic and tag of the demo story in every language, readable (not slugs)', () => {
		const topics = new Set([...ds.eachClaim()].map((c) => c.topic).filter((t): t is string => t !== undefined));
		const tags = new Set([...ds.eachEvent()].flatMap((e) => e.tags));
		expect(topicLabel(createTranslator('en'), 'sputnik-raid-grounds', ds)).toBe('grounds for the Sputnik Azerbaijan raid');
		expect(tagLabel(createTranslator('ru'), 'yekaterinburg', ds)).toBe('Екатеринбург');
		for (const locale of ['ru', 'az', 'fa'] as const) {
			const i18n = createTranslator(locale);
			for (const t of topics) expect(topicLabel(i18n, t, ds), `${locale} ${t}`).not.toBe(humanizeSlug(t));
			for (const t of tags) tagLabel(i18n, t, ds);
			expect(i18n.untranslated, locale).toBe(0);
		}
	});
});
