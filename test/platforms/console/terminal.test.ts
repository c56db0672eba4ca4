/** Detection of what the console's terminal can show, conservative by design. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectTerminal, inlineImage, type TerminalEnv } from '../../../src/platforms/console/terminal.js';

const tty = { isTTY: true, write: () => true } as unknown as NodeJS.WritableStream;
const pipe = { write: () => true } as unknown as NodeJS.WritableStream;
const env = (e: Partial<TerminalEnv> = {}): TerminalEnv => ({ noColor: false, multiplexer: false, ...e });

describe('detectTerminal', () => {
	// supports-color reads the process environment and styles nothing on an unknown CI service (CI=true);
	// these cases describe a reader's terminal, so that variable is set aside while they run.
	const ci = process.env['CI'];
	beforeAll(() => {
		delete process.env['CI'];
	});
	afterAll(() => {
		if (ci !== undefined) process.env['CI'] = ci;
	});

	it('styles nothing when piped or under NO_COLOR', () => {
		expect(detectTerminal(pipe, env({ term: 'xterm-kitty' }))).toEqual({});
		expect(detectTerminal(tty, env({ noColor: true, term: 'xterm-kitty' }))).toEqual({});
	});

	it('shows pictures only where the terminal names itself, and never inside a multiplexer', () => {
		expect(detectTerminal(tty, env({ term: 'xterm-kitty' })).images).toBe('kitty');
		expect(detectTerminal(tty, env({ term: 'xterm-256color', kittyWindowId: '3' })).images).toBe('kitty');
		expect(detectTerminal(tty, env({ term: 'xterm-256color', termProgram: 'WezTerm' })).images).toBe('iterm');
		expect(detectTerminal(tty, env({ term: 'xterm-256color', termProgram: 'iTerm.app' })).images).toBe('iterm');
		expect(detectTerminal(tty, env({ term: 'xterm-256color' })).images).toBeUndefined();
		expect(detectTerminal(tty, env({ term: 'xterm-256color', termProgram: 'Apple_Terminal' })).images).toBeUndefined();
		const inTmux = detectTerminal(tty, env({ term: 'xterm-kitty', multiplexer: true }));
		expect(inTmux.images).toBeUndefined();
		expect(inTmux.style?.hyperlinks).toBe(false);
	});
});

describe('inlineImage', () => {
	it('sends kitty a PNG in 4096-byte base64 chunks and asks for no answer', () => {
		const png = new Uint8Array(7000).fill(7);
		const seq = inlineImage(png, 'kitty', 80);
		const chunks = [...seq.matchAll(/\u001b_G([^;]*);([^\u001b]*)\u001b\\/gu)]; // eslint-disable-line no-control-regex
		expect(chunks.map((c) => c[1])).toEqual(['a=T,f=100,q=2,c=80,m=1', 'm=1', 'm=0']);
		expect(chunks.map((c) => c[2]).join('')).toBe(Buffer.from(png).toString('base64'));
		for (const c of chunks) expect(c[2]!.length).toBeLessThanOrEqual(4096);
	});

	it('sends iTerm2 the file inline with its size and width', () => {
		expect(inlineImage(new Uint8Array([1, 2, 3]), 'iterm', 60)).toBe('\u001b]1337;File=inline=1;width=60;size=3:AQID\u0007');
	});
});
