/**
 * The bot restarted after its dataset changed while it was down, as an operator deploys an edit:
 * `node bin/sitrep.js start` in a child process against the Telegram stand-in, the dataset cache and
 * the SQLite store kept between the two runs. The second start answers from the last build at once
 * and swaps the edited files in as a reload does, so the correction reaches the chat that was alerted
 * to the old version — where a start that simply loaded the new files would have told nobody.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people, places, TelegramStandIn, TOKEN } from '../helpers/telegram-stand-in.js';

let tg: TelegramStandIn;
let dir: string;
const bots: ChildProcess[] = [];

const NEW_EVENT = (title: string): string => `events:
  - id: restart-test-event
    date: 2025-07-03
    title: ${title}
    summary: A test event added after the bot started.
    actors:
      - { actor: azerbaijan-mfa, role: authority }
    sources:
      - moscow-times-2025-06-30-cultural-events
    status: reported
    priority: breaking
`;

/** Starts the bot; its logs so far, read through `logs()`. */
function start(): { bot: ChildProcess; logs: () => string } {
	let out = '';
	const bot = spawn(process.execPath, ['bin/sitrep.js', 'start'], {
		env: {
			...process.env,
			TELEGRAM_BOT_TOKEN: TOKEN,
			TELEGRAM_API_ROOT: tg.apiRoot,
			DISCORD_TOKEN: '',
			SITREP_DATA: path.join(dir, 'data'),
			SITREP_DB: path.join(dir, 'var', 'sitrep.db'),
			SITREP_OPS_PORT: '',
			SITREP_WEB_PORT: '',
			SITREP_OWNERS: `telegram:${people.alice.id}`,
			LOG_LEVEL: 'info',
			SITREP_NOW: '',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	bot.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	bot.stderr!.on('data', (d: Buffer) => (out += d.toString()));
	bots.push(bot);
	return { bot, logs: () => out };
}

async function waitForLog(logs: () => string, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const m = pattern.exec(logs());
		if (m) return m;
		if (Date.now() > end) throw new Error(`no log line matching ${pattern} in:\n${logs().slice(-3000)}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

async function stop(bot: ChildProcess): Promise<void> {
	const exited = new Promise((resolve) => bot.once('exit', resolve));
	bot.kill('SIGTERM');
	await exited;
}

beforeAll(async () => {
	tg = await TelegramStandIn.start();
	dir = mkdtempSync(path.join(tmpdir(), 'sitrep-restart-'));
	cpSync('data', path.join(dir, 'data'), { recursive: true });
});

afterAll(async () => {
	for (const b of bots) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
	await tg.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('a restart after the dataset changed', () => {
	it('answers from the last build, swaps the edit in as a reload, and the correction reaches the alerted chat', async () => {
		const chat = places.private(people.alice);
		const first = start();
		await waitForLog(first.logs, /Telegram platform started/);
		tg.message(chat, people.alice, '/subscribe alerts:all');
		await tg.waitFor(() => tg.calls.find((c) => c.method === 'sendMessage' && /subscri/iu.test(JSON.stringify(c.params))), 20_000);

		// News lands: the reload alerts the chat.
		const file = path.join(dir, 'data', 'events', 'zz-restart-test.yaml');
		writeFileSync(file, NEW_EVENT('Original headline of the restart test'));
		first.bot.kill('SIGHUP');
		const swapped = await waitForLog(first.logs, /"trigger":"signal","result":"swapped","version":"([0-9a-f]+)"/u);
		const alert = await tg.waitFor(
			() =>
				tg.calls.find(
					(c) =>
						c.method === 'sendMessage' &&
						String(c.params['chat_id']) === String(chat.id) &&
						/Original headline/u.test(String(c.params['text'])),
				),
			30_000,
		);
		expect(alert).toBeDefined();
		await stop(first.bot);

		// Corrected while the bot is down, then started again.
		writeFileSync(file, NEW_EVENT('Corrected headline of the restart test'));
		const callsBefore = tg.calls.length;
		const second = start();
		// It answers from the build it last served…
		const loaded = await waitForLog(second.logs, /"version":"([0-9a-f]+)".*"msg":"Dataset loaded"/u);
		expect(loaded[1]).toBe(swapped[1]);
		expect(second.logs()).toContain('answering from the last build while theirs is built');
		// …swaps the corrected files in as a reload…
		await waitForLog(second.logs, /"trigger":"watch","result":"swapped"/u);
		// …and the chat that saw the old headline is told.
		const corrected = await tg.waitFor(
			() =>
				tg.calls
					.slice(callsBefore)
					.find((c) => String(c.params['chat_id']) === String(chat.id) && /Corrected headline/u.test(JSON.stringify(c.params))),
			30_000,
		);
		expect(['editMessageText', 'sendMessage']).toContain(corrected?.method);
		// Asked now, it answers with the corrected event.
		tg.message(chat, people.alice, '/event restart-test-event');
		const answer = await tg.waitFor(
			() =>
				tg.calls
					.slice(callsBefore)
					.find(
						(c) =>
							c.method === 'sendMessage' &&
							/restart test/u.test(String(c.params['text'])) &&
							!/Original/u.test(String(c.params['text'])),
					),
			20_000,
		);
		expect(String(answer?.params['text'])).toContain('Corrected headline');
		await stop(second.bot);
	}, 150_000);
});
