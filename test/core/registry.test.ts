import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandModules, registry } from '../../commands/index.js';
import { definitionProblems } from '../../src/core/command.js';
import { createRegistry } from '../../src/core/registry.js';

describe('the command registry', () => {
	it('registers every file in commands/', () => {
		const files = readdirSync('commands')
			.filter((f) => f.endsWith('.ts') && f !== 'index.ts')
			.map((f) => f.replace(/\.ts$/, ''));
		expect([...registry.keys()].sort()).toEqual(files.sort());
		const index = readFileSync('commands/index.ts', 'utf8');
		for (const f of files) expect(index).toContain(`'./${f}.js'`);
	});

	it('holds only definitions valid on both Discord and Telegram', () => {
		for (const m of commandModules) {
			expect(definitionProblems(m.data), m.data.name).toEqual([]);
			expect(m.data.name).toMatch(/^[a-z0-9_]{1,32}$/);
			expect(m.data.description.length).toBeLessThanOrEqual(100);
		}
	});

	it('fails fast on a duplicate or invalid definition', () => {
		const [first] = commandModules;
		expect(() => createRegistry([first, first] as never)).toThrow(/two commands are named "timeline"/);
		const bad = { data: { ...first.data, name: 'Bad-Name' }, execute: first.execute };
		expect(() => createRegistry([bad] as never)).toThrow(/must match/);
	});
});
