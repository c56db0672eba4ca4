/** What `sitrep validate --languages` reports: every piece of dataset text without a translation. */
import { afterAll, describe, expect, it } from 'vitest';
import { missingTranslations } from '../../src/i18n/coverage.js';
import { boundedSnapshot } from '../helpers/bounded-snapshot.js';
import { cleanupDatasets, demoDataset, loadFixture } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

const FILES = {
	'story.yaml':
		'story:\n  title: T\n  summary: S\n  timezone: Asia/Baku\n  status: developing\n  titles: { ru: Т, fa: ت }\n  summaries: { ru-RU: С }\n',
	'outlets.yaml':
		"outlets:\n  - id: al-ahed\n    name: Al-Ahed\n    kind: affiliated\n    party: Hezbollah\n    parties: { ru: «Хезболла» }\n    note: Hezbollah's site.\n    notes: { ru: Сайт «Хезболлы». }\n",
	'sources.yaml': 'sources:\n  - id: wire-1\n    outlet: al-ahed\n    url: https://example.org/1\n    language: en\n',
	'vocabulary.yaml': 'topics:\n  - id: odd-topic\n    label: an odd topic\n    labels: { ru: странная тема }\n',
	'events/2025-06-27-first.yaml': `events:
  - id: first
    date: 2025-06-27
    title: First
    titles: { ru: Первое, fa: اول }
    summary: S
    summaries: { ru: С }
    actors: [{ actor: alpha-ministry, role: envoy }]
    tags: [diplomacy]
    sources: [wire-1]
    status: disputed
    claims:
      - { id: c1, by: alpha-ministry, stance: asserts, topic: odd-topic, text: A, source: wire-1, translations: { ru: А } }
      - { id: c2, by: beta-agency, stance: disputes, topic: cause-of-death, text: B, source: wire-1 }
`,
};

describe('missing translations', () => {
	it('lists each field to add, per language, and counts a regional tag (ru-RU) or a catalog label as translated', async () => {
		const ds = await loadFixture(FILES);
		const line = (m: { lang: string; kind: string; id: string; field: string }) => `${m.lang} ${m.kind} ${m.id} ${m.field}`;
		const ru = missingTranslations(ds, ['ru']).map(line);
		expect(ru).toEqual([
			'ru claim c2 translations',
			'ru actor alpha-ministry names',
			'ru actor alpha-ministry descriptions',
			'ru actor beta-agency names',
			'ru actor beta-agency descriptions',
			'ru tag diplomacy tags: (no label yet)',
			'ru role envoy roles: (no label yet)',
		]);
		const fa = missingTranslations(ds, ['en', 'fa']).map(line);
		expect(fa).toContain('fa story story summaries');
		expect(fa).toContain('fa event first summaries');
		expect(fa).not.toContain('fa event first titles');
		expect(fa).toContain('fa outlet al-ahed notes');
		expect(fa).toContain('fa outlet al-ahed parties');
		expect(fa).toContain('fa topic odd-topic labels');
		// cause-of-death has a Persian catalog label.
		expect(fa.some((l) => l.includes('cause-of-death'))).toBe(false);
		expect(fa.some((l) => l.startsWith('en '))).toBe(false);
		expect(missingTranslations(ds, ['fa'])[1]).toMatchObject({ kind: 'event', file: 'events/2025-06-27-first.yaml' });
	});

	it("finds nothing missing in the demo story's outlets, topics and tags", async () => {
		const ds = await demoDataset();
		const mine = missingTranslations(ds, ['ru', 'az', 'fa']).filter(
			(m) => m.kind === 'outlet' || m.kind === 'topic' || m.kind === 'tag' || m.kind === 'role',
		);
		expect(mine).toEqual([]);
	});
});

describe('missing translations, streamed', () => {
	it('are found from the record streams, never the whole arrays: the same report', async () => {
		const demo = await demoDataset();
		const guard = boundedSnapshot(demo, Infinity);
		expect(missingTranslations(guard.dataset, ['ru', 'az', 'fa'])).toEqual(missingTranslations(demo, ['ru', 'az', 'fa']));
		expect(guard.streamed()).toBeGreaterThan(demo.counts.events);
	});
});
