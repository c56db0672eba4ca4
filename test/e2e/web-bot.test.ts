/**
 * The bot process with its one HTTP listener: `node bin/sitrep.js start` with SITREP_WEB_PORT and
 * every route on it (site, /healthz, /metrics, the Telegram webhook), the real telegraf client in
 * webhook mode against the stand-in, and SITREP_PUBLIC_URL so that answers link to their pages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people, places, TelegramStandIn, TOKEN, type StoredMessage } from '../helpers/telegram-stand-in.js';

let tg: TelegramStandIn;
let bot: ChildProcess;
let logs = '';
let dir: string;
let port: number;
const PUBLIC = 'https://sitrep.example.org';

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const p = (server.address() as net.AddressInfo).port;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return p;
}

function waitForLog(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const timer = setInterval(() => {
			const m = pattern.exec(logs);
			if (m) {
				clearInterval(timer);
				resolve(m);
			} else if (Date.now() - started > timeoutMs) {
				clearInterval(timer);
				reject(new Error(`no log line matching ${pattern} in:\n${logs.slice(-3000)}`));
			}
		}, 50);
	});
}

beforeAll(async () => {
	tg = await TelegramStandIn.start();
	dir = mkdtempSync(path.join(tmpdir(), 'sitrep-webbot-'));
	cpSync('data', path.join(dir, 'data'), { recursive: true });
	port = await freePort();
	const env = {
		...process.env,
		TELEGRAM_BOT_TOKEN: TOKEN,
		TELEGRAM_API_ROOT: tg.apiRoot,
		TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
		TELEGRAM_WEBHOOK_SECRET: 'web-bot-secret',
		SITREP_WEB_PORT: String(port),
		SITREP_WEB_ROUTES: 'site,healthz,metrics,webhook',
		SITREP_PUBLIC_URL: PUBLIC,
		SITREP_DATA: path.join(dir, 'data'),
		SITREP_DB: path.join(dir, 'var', 'sitrep.db'),
		LOG_LEVEL: 'info',
		SITREP_NOW: '',
	};
	bot = spawn(process.execPath, ['bin/sitrep.js', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	bot.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
	bot.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
	await waitForLog(/Telegram bot receiving updates by webhook/u);
}, 60_000);

afterAll(async () => {
	if (bot && bot.exitCode === null) {
		bot.kill('SIGTERM');
		await new Promise((resolve) => bot.once('exit', resolve));
	}
	await tg?.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the bot with SITREP_WEB_PORT', () => {
	it('serves the site, /healthz and /metrics on the one port, and nothing on the old webhook port', async () => {
		const page = await fetch(`http://127.0.0.1:${port}/events/sputnik-azerbaijan-raid`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('<h1>Azerbaijani police raid Sputnik');
		expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
		expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('sitrep_commands_total');
		expect(logs).toMatch(/"msg":"Telegram webhook mounted on the web server"/u);
		// TELEGRAM_WEBHOOK_PORT's default listener (8443) is not started: updates arrive on the web port.
		expect(logs).toMatch(new RegExp(`"port":${port},"msg":"Telegram bot receiving updates by webhook"`, 'u'));
		expect(logs).not.toContain('"port":8443');
	});

	it('takes Telegram updates on the web port and answers with an Open-on-the-web button', async () => {
		const alice = places.private(people.alice);
		expect(tg.webhook).toEqual({ url: `http://127.0.0.1:${port}/telegram/hook`, secret: 'web-bot-secret' });
		const update = tg.message(alice, people.alice, '/event sputnik-azerbaijan-raid');
		expect(await tg.deliverWebhook(update)).toBe(200);
		const call = await tg.waitFor(() => tg.ok('sendMessage', alice.id).find((c) => c.params['reply_markup']));
		const buttons = (call.params['reply_markup'] as StoredMessage['reply_markup'])!.inline_keyboard.flat();
		expect(buttons).toEqual([{ text: 'Open on the web', url: `${PUBLIC}/events/sputnik-azerbaijan-raid` }]);
	});
});
