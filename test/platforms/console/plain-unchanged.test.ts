/**
 * Piped output and `npx sitrep ask` stay byte-identical to the fixtures recorded before the
 * terminal renderer existed, including with NO_COLOR and a colour-forcing environment (neither
 * may style text that is not going to a terminal).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASK_CASES, FIXTURE_DIR, PIPED_LINES, PIPED_LINES_FA, runAsk, runPiped, serialize } from './plain-golden.js';

const fixture = (name: string) => readFileSync(path.join(FIXTURE_DIR, `${name}.txt`), 'utf8');

describe('plain output when piped', () => {
	it('npm start answers a piped session exactly as before', () => {
		expect(serialize(runPiped(PIPED_LINES))).toBe(fixture('piped-en'));
	}, 120_000);

	it('with NO_COLOR, and with FORCE_COLOR and a colour terminal named, it is still the plain text', () => {
		expect(serialize(runPiped(PIPED_LINES, { NO_COLOR: '1' }))).toBe(fixture('piped-en'));
		expect(
			serialize(
				runPiped(PIPED_LINES, {
					FORCE_COLOR: '3',
					TERM: 'xterm-kitty',
					KITTY_WINDOW_ID: '1',
					TERM_PROGRAM: 'iTerm.app',
					COLORTERM: 'truecolor',
				}),
			),
		).toBe(fixture('piped-en'));
	}, 180_000);

	it('Persian answers keep their order and isolation marks', () => {
		expect(serialize(runPiped(PIPED_LINES_FA, { SITREP_LOCALE: 'fa' }))).toBe(fixture('piped-fa'));
	}, 120_000);

	it.each(ASK_CASES)(
		'npx sitrep ask: $name',
		({ name, args }) => {
			expect(serialize(runAsk(args))).toBe(fixture(name));
			expect(serialize(runAsk(args, { NO_COLOR: '1', FORCE_COLOR: '3' }))).toBe(fixture(name));
		},
		120_000,
	);
});
