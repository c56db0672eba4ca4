/** The console's history file: bounded, oldest first, and never an error that stops the chat. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, loadHistory, saveHistory } from '../../../src/platforms/console/history.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-hist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('console history', () => {
	it('keeps at most HISTORY_LIMIT commands, newest kept, in shell order', async () => {
		const file = path.join(dir, 'nested', 'history');
		const newestFirst = Array.from({ length: HISTORY_LIMIT + 50 }, (_, i) => `/search n${HISTORY_LIMIT + 49 - i}`);
		await saveHistory(file, newestFirst);
		const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
		expect(lines).toHaveLength(HISTORY_LIMIT);
		expect(lines.at(-1)).toBe(`/search n${HISTORY_LIMIT + 49}`);
		expect(await loadHistory(file)).toEqual(newestFirst.slice(0, HISTORY_LIMIT));
	});

	it('drops over-long and control-character lines from a hand-edited file, and bounds what it loads', async () => {
		const file = path.join(dir, 'edited');
		writeFileSync(
			file,
			['/help', 'x'.repeat(5000), '/a\u001b[2J', '', ...Array.from({ length: 900 }, (_, i) => `/event e${i}`)].join('\n'),
		);
		const h = await loadHistory(file);
		expect(h).toHaveLength(HISTORY_LIMIT);
		expect(h[0]).toBe('/event e899');
		expect(h.some((l) => l.includes('\u001b') || l.length > 1000)).toBe(false);
	});

	it('treats a missing or unwritable file as no history', async () => {
		expect(await loadHistory(path.join(dir, 'none'))).toEqual([]);
		writeFileSync(path.join(dir, 'file'), '');
		await expect(saveHistory(path.join(dir, 'file', 'history'), ['/help'])).resolves.toBeUndefined();
	});
});
