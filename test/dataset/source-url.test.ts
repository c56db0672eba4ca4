/**
 * Credentials in source URLs (issue #18): refused by validation with a clear message, whichever
 * path (the fast check or zod) validates the file; an "@" after the host is fine.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { BASE_FILES, cleanupDatasets, writeDataset } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

const withUrl = (url: string, ext = 'yaml'): Record<string, string | null> =>
	ext === 'json'
		? {
				'sources.yaml': null,
				'sources.json': JSON.stringify({
					sources: [{ id: 'wire-1', publisher: 'Wire', url, language: 'en', affiliation: 'independent' }],
				}),
			}
		: { 'sources.yaml': BASE_FILES['sources.yaml']!.replace('https://example.org/1', url) };

describe('source URLs', () => {
	for (const ext of ['yaml', 'json']) {
		for (const url of ['https://user:pass@example.org/1', 'http://token@example.org/a', 'https://:secret@example.org/']) {
			it(`refuses ${url} (${ext})`, async () => {
				const r = await loadDataset(writeDataset(withUrl(url, ext)));
				expect(r.ok).toBe(false);
				if (r.ok) return;
				const e = r.errors.find((x) => x.path === 'sources[0].url');
				expect(e?.message).toMatch(/must not contain a user name or password/u);
				expect(e?.message).not.toContain(url.split('@')[0]!.slice(8));
			});
		}
		it(`accepts an @ in the path or query (${ext})`, async () => {
			const r = await loadDataset(writeDataset(withUrl('https://example.org/@wire/status/1?by=a@b', ext)));
			expect(r.ok ? r.snapshot.source('wire-1')?.url : r.errors).toBe('https://example.org/@wire/status/1?by=a@b');
		});
	}
});
