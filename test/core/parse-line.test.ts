import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../src/core/errors.js';
import { parseLine, quoteValue, splitWords } from '../../src/core/parse-line.js';

const OPTIONS: Record<string, string[]> = {
	timeline: ['text', 'from', 'to', 'actor', 'limit', 'page'],
	actor: ['name'],
	search: ['query'],
};
const isOption = (c: string, n: string): boolean => OPTIONS[c]?.includes(n) ?? false;

describe('the text syntax', () => {
	it('reads named options', () => {
		const p = parseLine('/timeline from:2025-06-27 to:2025-07-01 actor:kremlin limit:5', isOption);
		expect(p.command).toBe('timeline');
		expect(Object.fromEntries(p.named)).toEqual({ from: '2025-06-27', to: '2025-07-01', actor: 'kremlin', limit: '5' });
	});

	it('reads a quoted positional value and quoted named values', () => {
		expect(parseLine('/actor "Masoud Pezeshkian"', isOption).positional).toEqual(['Masoud Pezeshkian']);
		expect(parseLine('/timeline actor:"Ilham Aliyev"', isOption).named.get('actor')).toBe('Ilham Aliyev');
		expect(parseLine('/actor «Ильхам Алиев»', isOption).positional).toEqual(['Ильхам Алиев']);
		expect(parseLine('/actor “Ilham Aliyev”', isOption).positional).toEqual(['Ilham Aliyev']);
	});

	it('reads /command@bot', () => {
		const p = parseLine('/timeline@Sitrep_Bot actor:kremlin', isOption);
		expect(p.botName).toBe('sitrep_bot');
		expect(p.command).toBe('timeline');
	});

	it('keeps URLs and unknown words with colons as text where the command takes text', () => {
		expect(parseLine('/search https://tass.com/x', isOption).positional).toEqual(['https://tass.com/x']);
		expect(parseLine('/search "note: heart"', isOption).positional).toEqual(['note: heart']);
	});

	it('rejects an unknown option and a repeated one', () => {
		expect(() => parseLine('/timeline colour:red', isOption)).toThrow(/has no option "colour"/);
		expect(() => parseLine('/timeline limit:1 limit:2', isOption)).toThrow(/given twice/);
	});

	it('rejects an unclosed quote, a missing slash and an oversized line', () => {
		expect(() => parseLine('/actor "Masoud', isOption)).toThrow(UserFacingError);
		expect(() => parseLine('timeline', isOption)).toThrow(/start with "\/"/);
		expect(() => parseLine(`/search ${'x'.repeat(5000)}`, isOption)).toThrow(/limit is 4096/);
	});

	it('turns control characters into spaces', () => {
		expect(parseLine('/actor Ali\u0000\u001b[31myev', isOption).positional).toEqual(['Ali', '[31myev']);
	});

	it('round-trips quoted values', () => {
		for (const v of ['simple', 'two words', 'with "quotes"', 'back\\slash']) {
			const [w] = splitWords(quoteValue(v));
			expect(w!.text).toBe(v);
		}
	});
});
