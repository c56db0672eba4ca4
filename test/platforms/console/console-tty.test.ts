/**
 * The console as a terminal user meets it, in a pseudo-terminal: styled and wrapped answers, the
 * plain text under NO_COLOR, Tab completion, history across runs, leaving with /quit, Ctrl-D and
 * Ctrl-C, pictures inline only where the terminal says it can show them, and paging when asked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/core/dispatch.js';
import { CONSOLE_PLACE, CONSOLE_REQUESTER } from '../../../src/platforms/console/console-chat.js';
import { renderPlainText } from '../../../src/render/plain-text.js';
import { testCore } from '../../helpers/core.js';
import { loadSnapshot } from '../../helpers/dataset-fixture.js';
import { NOW } from './plain-golden.js';
import { startConsole, type ConsoleSession } from './pty.js';

const PROMPT = 'sitrep> ';
const sessions: ConsoleSession[] = [];
afterEach(() => {
	for (const s of sessions.splice(0)) s.close();
});

function open(...args: Parameters<typeof startConsole>): ConsoleSession {
	const s = startConsole(...args);
	sessions.push(s);
	return s;
}

/** Types a command and waits for its answer; returns the raw bytes of the answer and where it ended. */
async function ask(s: ConsoleSession, line: string, from: number): Promise<{ answer: string; at: number }> {
	s.type(`${line}\r`);
	const echoed = await s.waitFor(new RegExp(`${line.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&')}\r*\n`, 'u'), from);
	const at = await s.waitFor(PROMPT, echoed);
	const raw = s.raw().slice(echoed, at - PROMPT.length);
	// readline redraws the prompt from column 1 after clearing below it.
	const redraw = '\u001b[1G\u001b[0J';
	return { answer: raw.endsWith(redraw) ? raw.slice(0, -redraw.length) : raw, at };
}

let core: Core;
beforeAll(async () => {
	core = testCore(await loadSnapshot('data'), NOW);
});

async function plain(line: string): Promise<string> {
	return renderPlainText((await core.handle({ line, requester: CONSOLE_REQUESTER, place: CONSOLE_PLACE })).reply);
}

describe('the console in a terminal', () => {
	it('styles and wraps answers to the terminal width, with sources as hyperlinks', async () => {
		const s = open({ cols: 70, env: { VTE_VERSION: '7600' } });
		const start = await s.waitFor(PROMPT);
		const { answer } = await ask(s, '/event azal-crash-aktau', start);
		expect(answer).toContain('\u001b[1mAzerbaijan Airlines Embraer 190');
		expect(answer).toContain(
			'\u001b]8;;https://www.themoscowtimes.com/2025/10/10/azerbaijan-frees-sputnik-editor-after-putin-blames-deadly-plane-crash-on-russian-missiles-a90775\u0007\u001b[4mThe Moscow Times',
		);
		expect(answer).toContain('\u001b[33m\u001b[1m ⚠');
		const lines = stripVTControlCharacters(answer).replace(/\r/gu, '').split('\n');
		expect(lines.length).toBeGreaterThan(10);
		for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(70);
		// The event line's continuation sits under its title.
		const i = lines.findIndex((l) => l.startsWith('• 28 Dec 2024  Putin apologises'));
		expect(lines[i + 1]).toMatch(/^ {15}\S/u);
		expect(stripVTControlCharacters(answer)).not.toMatch(/^## |\*\*|<https?:/mu);
		s.type('/quit\r');
		expect((await s.exited).exitCode).toBe(0);
	}, 180_000);

	it('prints the plain text byte for byte with NO_COLOR, in a terminal too', async () => {
		const s = open({ cols: 70, env: { NO_COLOR: '1', VTE_VERSION: '7600' } });
		let at = await s.waitFor(PROMPT);
		for (const line of ['/event azal-crash-aktau', '/search drone', '/help']) {
			const r = await ask(s, line, at);
			at = r.at;
			// The terminal driver turns each \n into \r\n; nothing else differs.
			expect(r.answer).toBe(`${await plain(line)}\n\n`.replace(/\n/gu, '\r\n'));
		}
		s.type('\u0004');
		expect((await s.exited).exitCode).toBe(0);
	}, 180_000);

	it('keeps Persian in order: each wrapped line a whole right-to-left paragraph', async () => {
		const s = open({ cols: 60, env: { SITREP_LOCALE: 'fa' } });
		const { answer } = await ask(s, '/timeline limit:3', await s.waitFor(PROMPT));
		const lines = stripVTControlCharacters(answer).replace(/\r/gu, '').split('\n');
		expect(lines.some((l) => l.includes('هواپیمای امبرائر'))).toBe(true);
		for (const l of lines) {
			expect([...l].filter((c) => c === '\u2068').length, JSON.stringify(l)).toBe([...l].filter((c) => c === '\u2069').length);
			// Only a word wider than the window (the saved picture's path) may overrun it, alone on its line.
			if (
				l
					.replace(/[\u200f\u2066-\u2069]/gu, '')
					.trim()
					.includes(' ')
			)
				expect(stringWidth(l), l).toBeLessThanOrEqual(60);
			// Lines of a Persian answer that begin with a Latin run start with a right-to-left mark.
			if (/^[\s\u2068•]*[A-Za-z]/u.test(l) && /[\u0600-\u06ff]/u.test(l))
				expect(l.startsWith('\u200f'), JSON.stringify(l)).toBe(true);
		}
		s.type('/quit\r');
		expect((await s.exited).exitCode).toBe(0);
	}, 180_000);

	it('completes /act⇥ to /actor and /actor Pezesh⇥ to the actor id, then answers', async () => {
		const s = open();
		let at = await s.waitFor(PROMPT);
		s.type('/act\t');
		at = await s.waitFor(/\/actor $/u, at);
		s.type('Pezesh\t');
		at = await s.waitFor('/actor masoud-pezeshkian', at);
		s.type('\r');
		await s.waitFor(/Masoud Pezeshkian[\s\S]*sitrep> /u, at);
		s.type('\u0003');
		expect((await s.exited).exitCode).toBe(0);
		expect(s.text()).not.toMatch(/Error|at .*\.ts:\d+/u);
	}, 180_000);

	it('keeps history across runs, bounded, in the file it is given', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-history-'));
		try {
			const first = open({ dir });
			let at = await first.waitFor(PROMPT);
			at = (await ask(first, '/help timeline', at)).at;
			first.type('\u0004');
			expect((await first.exited).exitCode).toBe(0);
			expect(readFileSync(path.join(dir, 'history'), 'utf8')).toBe('/help timeline\n');

			const second = open({ dir });
			at = await second.waitFor(PROMPT);
			second.type('\u001b[A');
			await second.waitFor(/sitrep> \/help timeline$/mu, at);
			second.type('\u0003');
			expect((await second.exited).exitCode).toBe(0);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 180_000);

	it('shows pictures inline in kitty and iTerm2, and only the saved path elsewhere', async () => {
		const cases: { env: Record<string, string>; inline: string | undefined }[] = [
			{ env: { TERM: 'xterm-kitty' }, inline: '\u001b_Ga=T,f=100,q=2,c=80,m=1;' },
			{ env: { TERM_PROGRAM: 'iTerm.app' }, inline: '\u001b]1337;File=inline=1;width=80;size=' },
			{ env: { TERM: 'xterm-256color' }, inline: undefined },
			{ env: { TERM: 'xterm-kitty', TMUX: '/tmp/tmux-1/default,1,0' }, inline: undefined },
		];
		for (const c of cases) {
			const s = open({ env: c.env });
			const { answer } = await ask(s, '/timeline limit:3', await s.waitFor(PROMPT));
			expect(stripVTControlCharacters(answer)).toMatch(/\[image saved: .*timeline\.png\]/u);
			if (c.inline) expect(answer, JSON.stringify(c.env)).toContain(c.inline);
			else expect(answer, JSON.stringify(c.env)).not.toMatch(/\u001b_G|\u001b\]1337;/u); // eslint-disable-line no-control-regex
			s.type('/quit\r');
			expect((await s.exited).exitCode).toBe(0);
		}
	}, 300_000);

	it('pages a long answer only when asked (--pager or SITREP_PAGER)', async () => {
		const pager = `sed 's/^/PAGED: /'`;
		const hows: { env: Record<string, string>; args?: string[] }[] = [
			{ env: { SITREP_PAGER: pager } },
			{ env: { PAGER: pager }, args: ['--pager'] },
		];
		for (const how of hows) {
			const s = open({ rows: 20, ...how });
			let at = await s.waitFor(PROMPT);
			at = await (async () => {
				s.type('/timeline\r');
				return s.waitFor(/PAGED: [\s\S]*sitrep> /u, at);
			})();
			expect(s.text()).toMatch(/PAGED: .*Timeline/u);
			// A short answer is not paged.
			const short = await ask(s, '/subscriptions', at);
			expect(stripVTControlCharacters(short.answer)).not.toContain('PAGED');
			s.type('/quit\r');
			expect((await s.exited).exitCode).toBe(0);
		}
		const plainRun = open({ rows: 20, env: { PAGER: pager } });
		const { answer } = await ask(plainRun, '/timeline', await plainRun.waitFor(PROMPT));
		expect(answer).not.toContain('PAGED');
		plainRun.type('/quit\r');
		await plainRun.exited;
	}, 300_000);

	it('says so and prints the answer when the pager cannot run', async () => {
		const s = open({ rows: 20, env: { SITREP_PAGER: 'no-such-pager-xyz' } });
		const { answer } = await ask(s, '/timeline', await s.waitFor(PROMPT));
		const text = stripVTControlCharacters(answer);
		expect(text).toContain('The pager “no-such-pager-xyz” could not show this answer');
		expect(text).toMatch(/Timeline/u);
		s.type('/quit\r');
		expect((await s.exited).exitCode).toBe(0);
	}, 180_000);
});
