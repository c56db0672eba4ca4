/**
 * Broken datasets, each with its exact error: file, line, column where it matters, field path and
 * the words of the message. Every case starts from a valid base and breaks one thing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { baseEventBody, cases, EV, event } from '../helpers/broken-datasets.js';
import { cleanupDatasets, writeDataset } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

describe('broken datasets report their exact error', () => {
	it('has at least 25 cases', () => {
		expect(cases.length).toBeGreaterThanOrEqual(25);
	});
	for (const c of cases) {
		it(c.name, async () => {
			const r = await loadDataset(writeDataset(c.files));
			expect(r.ok).toBe(false);
			if (r.ok) return;
			for (const want of c.expect) {
				const found = r.errors.find((e) => e.file === want.file && e.path === want.path && want.message.test(e.message));
				expect(
					found,
					`no error ${JSON.stringify({ ...want, message: String(want.message) })} in ${JSON.stringify(r.errors, null, 1)}`,
				).toBeDefined();
				expect(found!.line).toBe(want.line);
				if (want.col !== undefined) expect(found!.col).toBe(want.col);
			}
		});
	}
});

describe('all errors are reported, not only the first', () => {
	it('reports problems in several events and files at once', async () => {
		const r = await loadDataset(
			writeDataset({
				[EV]: event(baseEventBody.replace('2025-06-27', '2025-02-30').replace('[wire-1]', '[nope]')),
				'events/2025-06-28-b.yaml':
					'events:\n  - id: second\n    date: 2025-06-31\n    title: t\n    summary: s\n    actors: [{ actor: ghost }]\n    sources: [wire-1]\n    status: confirmed\n',
			}),
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const paths = r.errors.map((e) => `${e.file}:${e.path}`);
		expect(paths).toEqual(expect.arrayContaining([`${EV}:events[0].date`, 'events/2025-06-28-b.yaml:events[0].date']));
	});
});
