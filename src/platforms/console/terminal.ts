/**
 * What the console's terminal can show: colour (supports-color), OSC 8 hyperlinks
 * (supports-hyperlinks) and inline pictures. Styled output needs a TTY and no NO_COLOR; anything
 * else gets the plain text unchanged, so scripts reading the console see what they always saw.
 */
import type { WriteStream } from 'node:tty';
import ansiEscapes from 'ansi-escapes';
import { createSupportsColor } from 'supports-color';
import { createSupportsHyperlinks } from 'supports-hyperlinks';
import type { TerminalStyle } from '../../render/terminal-text.js';

/** Inline picture protocols the console speaks. Sixel is not among them: no terminal is guessed into it. */
export type ImageProtocol = 'kitty' | 'iterm';

/** The environment variables that describe the terminal, as src/config.ts read them. */
export interface TerminalEnv {
	/** NO_COLOR is set to a non-empty value (https://no-color.org). */
	readonly noColor: boolean;
	readonly term?: string;
	readonly termProgram?: string;
	readonly kittyWindowId?: string;
	/** Inside tmux or GNU screen, which do not pass picture protocols through unasked. */
	readonly multiplexer: boolean;
}

export interface TerminalCaps {
	/** How to style answers; absent: print the plain text. */
	readonly style?: Omit<TerminalStyle, 'width'>;
	readonly images?: ImageProtocol;
}

/** The stream's width in columns, for wrapping; 80 when it does not say. */
export function columnsOf(stream: NodeJS.WritableStream): number {
	const cols = (stream as Partial<WriteStream>).columns;
	return typeof cols === 'number' && cols > 0 ? cols : 80;
}

/**
 * Detects what `stream` can show. Pictures only where the terminal says who it is (kitty and
 * Ghostty by TERM or KITTY_WINDOW_ID; iTerm2 and WezTerm by TERM_PROGRAM) and never inside a
 * multiplexer; a wrong guess would print a screenful of base64.
 */
export function detectTerminal(stream: NodeJS.WritableStream, env: TerminalEnv): TerminalCaps {
	const tty = stream as Partial<WriteStream>;
	if (!tty.isTTY || env.noColor) return {};
	const color = createSupportsColor(tty as WriteStream, { sniffFlags: false });
	if (!color || color.level === 0) return {};
	const style = { colorLevel: color.level, hyperlinks: !env.multiplexer && createSupportsHyperlinks(tty) };
	if (env.multiplexer) return { style };
	if (env.term === 'xterm-kitty' || env.term === 'xterm-ghostty' || (env.kittyWindowId !== undefined && env.kittyWindowId !== ''))
		return { style, images: 'kitty' };
	if (env.termProgram === 'iTerm.app' || env.termProgram === 'WezTerm') return { style, images: 'iterm' };
	return { style };
}

/** kitty sends a PNG in base64 chunks of at most 4096 bytes. */
const KITTY_CHUNK = 4096;

/**
 * A PNG as the escape sequence that shows it inline, scaled to `columns` cells wide (the height
 * follows from the aspect ratio). kitty is asked not to answer (q=2): an answer would arrive on
 * stdin as if typed.
 */
export function inlineImage(png: Uint8Array, protocol: ImageProtocol, columns: number): string {
	if (protocol === 'iterm') return ansiEscapes.image(png, { width: columns });
	const data = Buffer.from(png).toString('base64');
	const parts: string[] = [];
	for (let i = 0; i < data.length; i += KITTY_CHUNK) {
		const more = i + KITTY_CHUNK < data.length ? 1 : 0;
		const head = i === 0 ? `a=T,f=100,q=2,c=${columns},m=${more}` : `m=${more}`;
		parts.push(`\u001b_G${head};${data.slice(i, i + KITTY_CHUNK)}\u001b\\`);
	}
	return parts.join('');
}
