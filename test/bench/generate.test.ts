import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateStory, syntheticStory, writeStory, writeSyntheticStory } from '../../bench/generate.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'sitrep-generate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Relative path → bytes of every file under dir. */
function files(dir: string): Map<string, string> {
	const out = new Map<string, string>();
	for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		if (!e.isFile()) continue;
		const p = path.join(e.parentPath, e.name);
		out.set(path.relative(dir, p), readFileSync(p, 'utf8'));
	}
	return out;
}

describe('the synthetic story generator', () => {
	it('streams the same files as the in-memory writer, in JSON and YAML, lists split or whole', () => {
		for (const [format, perFile, listPerFile] of [
			['json', 70, 40],
			['yaml', 100, 5000],
		] as const) {
			const a = path.join(root, `mem-${format}`);
			const b = path.join(root, `stream-${format}`);
			writeStory(generateStory(700, 4), a, format, perFile, listPerFile);
			writeSyntheticStory(700, 4, b, format, perFile, listPerFile);
			const fa = files(a);
			expect(fa.size).toBeGreaterThan(3);
			expect(files(b)).toEqual(fa);
		}
	});

	it('gives the same story for the same seed and another for another', () => {
		expect(generateStory(300, 2)).toEqual(generateStory(300, 2));
		expect(generateStory(300, 3).events[0]).not.toEqual(generateStory(300, 2).events[0]);
	});

	it('refuses parts taken out of order', () => {
		const s = syntheticStory(10, 1);
		expect(() => s.events().next()).toThrow(/in that order/);
	});

	it('writes a three-script story with the structure of the Latin one, that the loader accepts', async () => {
		const latin = generateStory(1000, 6);
		const three = generateStory(1000, 6, { scripts: 'three' });
		expect(three.events.map((e) => [e.id, e.date, e.status, e.actors, e.tags])).toEqual(
			latin.events.map((e) => [e.id, e.date, e.status, e.actors, e.tags]),
		);
		const titles = three.events.map((e) => e.title);
		const cyrillic = titles.filter((t) => /\p{Script=Cyrillic}/u.test(t)).length;
		const persian = titles.filter((t) => /\p{Script=Arabic}/u.test(t)).length;
		expect(cyrillic).toBeGreaterThan(120);
		expect(persian).toBeGreaterThan(50);
		expect(cyrillic + persian).toBeLessThan(500);
		expect(titles.some((t) => t.includes('\u200c'))).toBe(true);
		expect(three.actors.filter((a) => /\p{Script=Cyrillic}/u.test(a.name)).length).toBeGreaterThan(10);
		for (const a of three.actors) expect(Object.keys(a.names ?? {})).toHaveLength(2);
		expect(latin.events.every((e) => /^[\p{Script=Latin}\s.]+$/u.test(e.title))).toBe(true);

		const dir = path.join(root, 'three');
		writeSyntheticStory(1000, 6, dir, 'json', 200, 5000, { scripts: 'three' });
		const r = await loadDataset(dir, {});
		if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
		expect(r.snapshot.counts.events).toBe(1000);
		const safarov = three.actors.find((a) => a.names?.['ru']?.startsWith('Сафаров'))!;
		expect(r.snapshot.resolveActor(safarov.names!['ru']!)).toMatchObject({ kind: 'found', actor: { id: safarov.id } });
	});
});
