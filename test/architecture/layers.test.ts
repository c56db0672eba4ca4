import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the lint rule is plain JavaScript, checked by its own @ts-check, without declarations.
import { layerOf } from '../../eslint-rules/layers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every source file under a folder, as a root-relative path with forward slashes. */
function sources(dir: string): string[] {
	return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
		.filter((f) => /\.(ts|mjs)$/.test(f) && !f.endsWith('.d.mts'))
		.map((f) => `${dir}/${f.split(path.sep).join('/')}`);
}

/** The project's own lint configuration, run over text that stands in for a file of the tree. */
async function lint(filePath: string, text: string): Promise<string[]> {
	const eslint = new ESLint({ cwd: ROOT });
	const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, filePath) });
	return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('layers/')).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layer rules', () => {
	it('place every module of src/ and commands/ in a layer', () => {
		const unplaced = [...sources('src'), ...sources('commands')].filter((f) => layerOf(f) === undefined);
		expect(unplaced).toEqual([]);
	});

	it('fail on an import against the layer order', async () => {
		const problems = await lint('src/i18n/scratch.ts', "import type { Reply } from '../core/reply.js';\nexport type R = Reply;\n");
		const expected = /^layers\/order: 'src\/i18n\/scratch\.ts' is in layer 'dataset, i18n' and may not import 'src\/core\/reply\.ts'/;
		expect(problems).toEqual([expect.stringMatching(expected)]);
	});

	it('fail on a reintroduced import cycle, naming its path', async () => {
		// compose-briefing.ts imports updated-since.ts; updated-since.ts importing it back closes a cycle.
		const problems = await lint(
			'src/briefing/updated-since.ts',
			"import type { Briefing } from './compose-briefing.js';\nexport type B = Briefing;\n",
		);
		const chain = 'src/briefing/updated-since.ts → src/briefing/compose-briefing.ts → src/briefing/updated-since.ts';
		expect(problems).toEqual([`layers/no-cycle: Import cycle: ${chain}. Move the shared part into a module both can import.`]);
	});

	it('pass on an import down the layers', async () => {
		expect(await lint('src/core/scratch.ts', "import type { Reply } from '../vocabulary/reply.js';\nexport type R = Reply;\n")).toEqual(
			[],
		);
	});
});
