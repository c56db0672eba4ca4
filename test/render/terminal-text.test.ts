/** The console's terminal renderer: styled, wrapped, linked, and saying exactly what the plain text says. */
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/dispatch.js';
import type { Reply } from '../../src/core/reply.js';
import { stripBidiMarks } from '../../src/i18n/bidi.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { balanceIsolates, renderTerminal } from '../../src/render/terminal-text.js';
import { testCore } from '../helpers/core.js';
import { loadSnapshot } from '../helpers/dataset-fixture.js';

const LINES = [
	'/help',
	'/timeline limit:12',
	'/actor masoud-pezeshkian',
	'/event azal-crash-aktau',
	'/search drone',
	'/briefing',
	'/timelin',
];
const OWNER = { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: true, isOwner: true } as const;

let core: Core;
beforeAll(async () => {
	core = testCore(await loadSnapshot('data'));
});

async function reply(line: string, locale = 'en'): Promise<Reply> {
	return (await core.handle({ line, requester: OWNER, place: { platform: 'console', channelId: 'c', kind: 'console' }, locale })).reply;
}

const visible = (text: string) => stripBidiMarks(stripVTControlCharacters(text));
/** The words a reader sees, markup and layout aside. */
const words = (text: string) => visible(text).replace(/^## /gmu, '').replace(/[*_`]/gu, '').split(/\s+/u).filter(Boolean);

describe('renderTerminal', () => {
	it('says word for word what the plain text says, in every language', async () => {
		for (const locale of ['en', 'ru', 'az', 'fa']) {
			for (const line of LINES) {
				const r = await reply(line, locale);
				expect(words(renderTerminal(r, { width: 64, colorLevel: 1, hyperlinks: false })), `${locale} ${line}`).toEqual(
					words(renderPlainText(r)),
				);
			}
		}
	});

	it('wraps every line at word boundaries within the width', async () => {
		for (const width of [40, 64, 100]) {
			for (const line of LINES) {
				const text = renderTerminal(await reply(line), { width, colorLevel: 3, hyperlinks: true });
				for (const l of text.split('\n')) {
					// Only a word wider than the line itself may overrun it, alone on its line.
					if (visible(l).trim().includes(' '))
						expect(stringWidth(l), `${line} at ${width}: ${visible(l)}`).toBeLessThanOrEqual(width);
				}
			}
		}
	});

	it('indents the continuation of an event line under its title', async () => {
		const text = visible(renderTerminal(await reply('/timeline limit:5'), { width: 50, colorLevel: 1, hyperlinks: false }));
		const lines = text.split('\n');
		const first = lines.findIndex((l) => l.startsWith('• 25 Dec 2024  Azerbaijan'));
		expect(first).toBeGreaterThanOrEqual(0);
		const indent = '• 25 Dec 2024  '.length;
		expect(lines[first + 1]).toMatch(new RegExp(`^ {${indent}}\\S`, 'u'));
	});

	it('styles headings bold, notes dim and markers in colour, and links sources by outlet name', async () => {
		const text = renderTerminal(await reply('/event azal-crash-aktau'), { width: 80, colorLevel: 1, hyperlinks: true });
		expect(text.startsWith('\u001b[1mAzerbaijan Airlines')).toBe(true);
		expect(text).toContain(
			'\u001b]8;;https://www.themoscowtimes.com/2025/10/10/azerbaijan-frees-sputnik-editor-after-putin-blames-deadly-plane-crash-on-russian-missiles-a90775\u0007\u001b[4mThe Moscow Times\u001b[24m\u001b]8;;\u0007',
		);
		expect(text).toContain('\u001b[33m\u001b[1m ⚠');
		const timeline = renderTerminal(await reply('/timeline limit:3'), { width: 80, colorLevel: 1, hyperlinks: true });
		expect(timeline).toContain('\u001b[2m38 events');
		expect(timeline).not.toMatch(/^## |\*\/|<https?:/mu);
	});

	it('prints the URL after the outlet when the terminal has no hyperlinks', async () => {
		const text = visible(renderTerminal(await reply('/event azal-crash-aktau'), { width: 200, colorLevel: 1, hyperlinks: false }));
		expect(text).toContain(
			'- Caliber.az — Azerbaijani pro-government media <https://caliber.az/en/post/azerbaijan-s-fm-russia-s-closure-of-azal-crash-case-sparks-serious-questions>',
		);
	});

	it('lets no dataset text drive the terminal', () => {
		const evil: Reply = {
			blocks: [
				{ kind: 'heading', text: 'A\u001b[31mred\u001b]8;;https://x.test\u0007' },
				{ kind: 'sources', sources: [{ publisher: 'P\u009b2J', label: 'L\u001b[2J', url: 'https://ok.test/\u001b[2J' }] },
			],
		};
		const text = renderTerminal(evil, { width: 80, colorLevel: 3, hyperlinks: true });
		expect(text).not.toContain('\u001b[31m');
		expect(text).not.toContain('\u001b[2J');
		expect(text).not.toContain('\u001b]8;;https://x.test');
		expect(text).not.toContain('\u009b');
		// An unsafe URL is not made a link; it is printed as cleaned text.
		expect(text).not.toContain('\u001b]8;;https://ok.test');
	});

	it('keeps Persian in logical order with every line a complete bidi paragraph', async () => {
		for (const line of ['/timeline limit:6', '/actor masoud-pezeshkian', '/event azal-crash-aktau']) {
			const r = await reply(line, 'fa');
			const text = stripVTControlCharacters(renderTerminal(r, { width: 48, colorLevel: 1, hyperlinks: false }));
			for (const l of text.split('\n')) {
				expect([...l].filter((c) => c === '\u2068').length, JSON.stringify(l)).toBe([...l].filter((c) => c === '\u2069').length);
				// A line with Persian that starts with a Latin run is marked right-to-left.
				if (/[\u0600-\u06ff]/u.test(l) && /^[\s\u2068]*[A-Za-z]/u.test(l))
					expect(l.startsWith('\u200f'), JSON.stringify(l)).toBe(true);
			}
			expect(words(text)).toEqual(words(renderPlainText(r)));
		}
	});

	it('balanceIsolates closes an isolate at a line end and reopens it after the indent', () => {
		expect(balanceIsolates('a \u2068b c\n  d\u2069 e')).toBe('a \u2068b c\u2069\n  \u2068d\u2069 e');
	});
});
