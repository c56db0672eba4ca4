/**
 * The text syntax shared by the console and Telegram:
 *   /timeline from:2025-06-27 to:2025-07-01 actor:kremlin limit:5
 *   /actor "Masoud Pezeshkian"
 *   /timeline@sitrep_bot tag:media
 * Values may be quoted ("…", '…', “…”, «…»); words that are not `name:value` are positional and,
 * joined, fill the command's first option.
 */
import { msg, UserFacingError } from './errors.js';

export interface ParsedLine {
	readonly command: string;
	/** The bot named in `/cmd@bot`, lowercased, if any. */
	readonly botName?: string;
	readonly positional: readonly string[];
	readonly named: ReadonlyMap<string, string>;
}

/** Longest command line accepted; Telegram's own limit is 4096. */
export const MAX_LINE = 4096;

const OPEN_CLOSE: Record<string, string> = { '"': '"', "'": "'", '“': '”', '«': '»', '„': '“' };

/** Splits a line into words, honouring quotes and backslash escapes inside quotes. */
export function splitWords(input: string): { text: string; quoted: boolean; startsQuoted: boolean }[] {
	const words: { text: string; quoted: boolean; startsQuoted: boolean }[] = [];
	let i = 0;
	while (i < input.length) {
		while (i < input.length && /\s/u.test(input[i]!)) i++;
		if (i >= input.length) break;
		let text = '';
		let quoted = false;
		const startsQuoted = OPEN_CLOSE[input[i]!] !== undefined;
		while (i < input.length && !/\s/u.test(input[i]!)) {
			const ch = input[i]!;
			const close = OPEN_CLOSE[ch];
			if (close !== undefined) {
				quoted = true;
				i++;
				let closed = false;
				while (i < input.length) {
					const c = input[i]!;
					if (c === '\\' && i + 1 < input.length && (input[i + 1] === close || input[i + 1] === '\\')) {
						text += input[i + 1];
						i += 2;
						continue;
					}
					if (c === close) {
						closed = true;
						i++;
						break;
					}
					text += c;
					i++;
				}
				if (!closed)
					throw new UserFacingError(
						'BAD_SYNTAX',
						msg('error.quoteOpen', { quote: ch }),
						msg('error.quoteOpen.hint', { example: '/actor "Masoud Pezeshkian"' }),
					);
			} else {
				text += ch;
				i++;
			}
		}
		words.push({ text, quoted, startsQuoted });
	}
	return words;
}

/**
 * Removes control characters (a pasted line may carry them), bidi marks and isolates included, and
 * normalises Unicode. Input only: replies may carry isolates and marks for right-to-left layout
 * (src/i18n/bidi.ts), and a line pasted back from a reply is read as if they were not there.
 */
export function cleanInput(input: string): string {
	// eslint-disable-next-line no-control-regex -- removing control characters is the point
	return input.normalize('NFC').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, ' ');
}

/**
 * Parses one command line. `isOption` tells which `name:` prefixes are options of the command, so
 * that a URL or a word with a colon is still positional text.
 */
export function parseLine(input: string, isOption: (command: string, name: string) => boolean): ParsedLine {
	if (input.length > MAX_LINE)
		throw new UserFacingError('BAD_SYNTAX', msg('error.lineTooLong', { length: input.length, limit: MAX_LINE }));
	const line = cleanInput(input).trim();
	if (!line.startsWith('/')) throw new UserFacingError('BAD_SYNTAX', msg('error.noSlash'), msg('error.tryHelp', { help: '/help' }));
	const words = splitWords(line.slice(1));
	const head = words.shift();
	if (!head || head.quoted) throw new UserFacingError('BAD_SYNTAX', msg('error.noName'), msg('error.tryHelp', { help: '/help' }));
	const at = head.text.indexOf('@');
	const command = (at >= 0 ? head.text.slice(0, at) : head.text).toLowerCase();
	const botName = at >= 0 ? head.text.slice(at + 1).toLowerCase() : undefined;
	const positional: string[] = [];
	const named = new Map<string, string>();
	for (const w of words) {
		const m = w.startsQuoted ? null : /^([a-z][a-z0-9_]{0,31}):(.*)$/su.exec(w.text);
		if (m && !m[2]!.startsWith('//')) {
			const name = m[1]!;
			if (isOption(command, name)) {
				if (named.has(name)) throw new UserFacingError('BAD_SYNTAX', msg('error.optionTwice', { option: name }));
				named.set(name, m[2]!);
				continue;
			}
			throw new UserFacingError(
				'UNKNOWN_OPTION',
				msg('error.noSuchOption', { command: `/${command}`, option: name }),
				msg('error.noSuchOption.hint', { help: `/help ${command}` }),
			);
		}
		positional.push(w.text);
	}
	return botName === undefined ? { command, positional, named } : { command, botName, positional, named };
}

/** Quotes a value for a command line when it needs it. */
export function quoteValue(value: string): string {
	return /^[^\s"'“”«»„\\]+$/u.test(value) ? value : `"${value.replace(/["\\]/gu, (c) => `\\${c}`)}"`;
}
