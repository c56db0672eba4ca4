import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetJsonSchemaText } from '../../src/dataset/json-schema.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { cleanupDatasets, writeDataset } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

describe('dataset files are untrusted input', () => {
	it('rejects a billion-laughs file in well under a second', async () => {
		const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
		for (let i = 1; i < 10; i++) {
			const prev = String.fromCharCode(96 + i);
			const cur = String.fromCharCode(97 + i);
			lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
		}
		const dir = writeDataset({ 'bomb.yaml': `${lines.join('\n')}\n` });
		const started = performance.now();
		const r = await loadDataset(dir);
		const ms = performance.now() - started;
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors.some((e) => e.file === 'bomb.yaml' && /alias/i.test(e.message))).toBe(true);
		expect(ms).toBeLessThan(1000);
	});

	it("rejects deep block nesting with a depth error, not the parser's stack overflow", async () => {
		const mapping = ['events:', ...Array.from({ length: 1200 }, (_, i) => `${' '.repeat(i + 1)}a:`), `${' '.repeat(1202)}v`].join('\n');
		const compact = `events:\n${'- '.repeat(20_000)}x`;
		for (const text of [mapping, compact]) {
			const r = await loadDataset(writeDataset({ 'deep.yaml': `${text}\n` }));
			expect(r.ok).toBe(false);
			if (r.ok) continue;
			const e = r.errors.find((x) => x.file === 'deep.yaml');
			expect(e?.message).toMatch(/^nests deeper than 24 levels$/u);
			expect(e?.line).toBeGreaterThan(1);
			expect(JSON.stringify(r.errors)).not.toMatch(/call stack/iu);
		}
	});

	it('rejects deep nesting without exhausting the stack', async () => {
		const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
		const r = await loadDataset(writeDataset({ 'deep.yaml': `events: ${deep}\n` }));
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors.find((e) => e.file === 'deep.yaml')?.message).toMatch(/nests deeper than/);
	});

	it('checks the size cap before parsing', async () => {
		const big = `events:\n${'  # padding padding padding padding padding padding padding\n'.repeat(2000)}`;
		const r = await loadDataset(writeDataset({ 'big.yaml': big }), { maxFileBytes: 10_000 });
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors[0]!.message).toMatch(/bytes; the limit is 10000 bytes/);
	});

	it('does not pollute Object.prototype through any key', async () => {
		await loadDataset(writeDataset({ 'p.yaml': '__proto__:\n  polluted: yes\nconstructor:\n  prototype:\n    polluted: yes\n' }));
		expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
	});

	it('reports a missing directory and an empty one clearly', async () => {
		const missing = await loadDataset('/nonexistent/sitrep-data');
		expect(!missing.ok && missing.errors[0]!.message).toMatch(/does not exist/);
		const empty = await loadDataset(
			writeDataset({ 'story.yaml': null, 'actors.yaml': null, 'sources.yaml': null, 'events/2025-06-27-first.yaml': null }),
		);
		expect(!empty.ok && empty.errors[0]!.message).toMatch(/holds no dataset files/);
	});

	it('accepts JSON files with the same checks and positions', async () => {
		const r = await loadDataset(
			writeDataset({
				'more.json':
					'{\n  "sources": [\n    { "id": "wire-2", "publisher": "W", "url": "ftp://x", "language": "en", "affiliation": "independent" }\n  ]\n}\n',
			}),
		);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors[0]).toMatchObject({ file: 'more.json', line: 3, path: 'sources[0].url' });
	});

	it('returns a frozen snapshot whose records cannot be changed', async () => {
		const r = await loadDataset(writeDataset());
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const e = [...r.snapshot.eachEvent()][0]!;
		expect(Object.isFrozen(e)).toBe(true);
		expect(Object.isFrozen(e.actors)).toBe(true);
		expect(() => {
			(e as { title: string }).title = 'changed';
		}).toThrow();
		// Asked again, the record is as loaded.
		expect(r.snapshot.event(e.id)!.title).not.toBe('changed');
	});
});

describe('data/schema.json', () => {
	it('is generated from the zod schema (run `npm run schema` after changing src/dataset/schema.ts)', () => {
		expect(readFileSync('data/schema.json', 'utf8')).toBe(datasetJsonSchemaText());
	});
});
