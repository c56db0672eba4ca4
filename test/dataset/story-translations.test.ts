/** The story record may carry its title and summary in other languages, as events do. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { storySchema } from '../../src/dataset/schema.js';
import { BASE_FILES, cleanupDatasets, writeDataset } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

const story = (extra: string) => ({ 'story.yaml': `${BASE_FILES['story.yaml']}${extra}` });
const errorsOf = async (extra: string) => {
	const r = await loadDataset(writeDataset(story(extra)));
	return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('story translations', () => {
	it('are accepted by the schema and the loader, keyed by language tag', async () => {
		expect(
			await errorsOf(
				'  titles:\n    ru: Тестовая история\n    az-Latn: Test hekayəsi\n  summaries:\n    ru: Небольшая история для тестов.\n',
			),
		).toEqual([]);
	});

	it('are checked like the English fields: language tags, no empty text, the same length limits', async () => {
		expect(await errorsOf('  titles:\n    Russian: Тестовая история\n')).toEqual([
			expect.stringMatching(/^story\.titles\.Russian: Invalid key/u),
		]);
		expect(await errorsOf('  titles:\n    ru: ""\n')).toEqual([expect.stringMatching(/^story\.titles\.ru: must not be empty/u)]);
		expect(await errorsOf(`  titles:\n    ru: ${'я'.repeat(201)}\n`)).toEqual([
			expect.stringMatching(/^story\.titles\.ru: must be at most 200 characters/u),
		]);
		expect(await errorsOf(`  summaries:\n    ru: ${'я'.repeat(4000)}\n`)).toEqual([]);
		expect(await errorsOf(`  summaries:\n    ru: ${'я'.repeat(4001)}\n`)).toEqual([
			expect.stringMatching(/^story\.summaries\.ru: must be at most 4000 characters/u),
		]);
		expect(await errorsOf('  taglines:\n    ru: Тест\n')).not.toEqual([]);
	});

	it('are in the demo story: its title and summary in Russian and Azerbaijani', () => {
		const demo = storySchema.parse((parse(readFileSync('data/story.yaml', 'utf8')) as { story: unknown }).story);
		for (const lang of ['ru', 'az']) {
			expect(demo.titles?.[lang], lang).toBeTruthy();
			expect(demo.summaries?.[lang], lang).toBeTruthy();
			// A translation, not a copy of the English.
			expect(demo.titles![lang]).not.toBe(demo.title);
			expect(demo.summaries![lang]!.length).toBeGreaterThan(demo.summary.length * 0.6);
		}
		expect(demo.titles!['ru']).toMatch(/\p{Script=Cyrillic}/u);
		expect(demo.summaries!['az']).toMatch(/[əğıöüşç]/u);
	});
});
