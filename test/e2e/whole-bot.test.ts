/**
 * The whole bot as an operator runs it: `node bin/sitrep.js start` in a child process, with the
 * real telegraf and discord.js clients talking to local stand-ins over real sockets, the SQLite
 * store in a temp dir, the ops endpoints, SIGHUP reload and SIGTERM shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordStandIn, user } from '../helpers/discord-stand-in.js';
import { people, places, TelegramStandIn, TOKEN as TELEGRAM_TOKEN } from '../helpers/telegram-stand-in.js';

const DISCORD_TOKEN = 'whole-bot-discord-token-0123456789abcdef';
let tg: TelegramStandIn;
let dc: DiscordStandIn;
let bot: ChildProcess;
let logs = '';
let dir: string;
let opsPort = 0;

function waitForLog(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
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
	dc = await DiscordStandIn.start();
	dir = mkdtempSync(path.join(tmpdir(), 'sitrep-bot-'));
	cpSync('data', path.join(dir, 'data'), { recursive: true });
	const env = {
		...process.env,
		TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
		TELEGRAM_API_ROOT: tg.apiRoot,
		DISCORD_TOKEN,
		DISCORD_APP_ID: dc.appId,
		DISCORD_API_ROOT: dc.apiRoot,
		SITREP_DATA: path.join(dir, 'data'),
		SITREP_DB: path.join(dir, 'var', 'sitrep.db'),
		SITREP_OPS_PORT: '0',
		SITREP_OWNERS: `telegram:${people.alice.id}`,
		LOG_LEVEL: 'info',
		SITREP_NOW: '',
	};
	bot = spawn(process.execPath, ['bin/sitrep.js', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	bot.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
	bot.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
	const m = await waitForLog(/"port":(\d+),"msg":"Ops endpoints listening/);
	opsPort = Number(m[1]);
	await waitForLog(/Discord platform started/);
}, 60_000);

afterAll(async () => {
	if (bot.exitCode === null) bot.kill('SIGKILL');
	await tg.close();
	await dc.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('the bot process', () => {
	it('answers on Telegram and on Discord', async () => {
		tg.message(places.private(people.bob), people.bob, '/timeline limit:3');
		const sent = await tg.waitFor(() => tg.calls.find((c) => c.method === 'sendMessage'), 10_000);
		expect(JSON.stringify(sent)).toMatch(/Timeline/);
		const i = dc.command({ name: 'actor', options: { name: 'Peskov' }, user: user('100000000000000009') });
		const call = await dc.waitFor((c) => c.path.startsWith(`/interactions/${i.id}/`) || c.path.includes(i.token), 10_000);
		expect(call.status).toBeLessThan(300);
	});

	it('serves /healthz and /metrics', async () => {
		const health = (await (await fetch(`http://127.0.0.1:${opsPort}/healthz`)).json()) as {
			ok: boolean;
			platforms: string[];
			dataset: { events: number };
		};
		expect(health.ok).toBe(true);
		expect(health.platforms.sort()).toEqual(['discord', 'telegram']);
		expect(health.dataset.events).toBeGreaterThan(30);
		const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
		expect(metrics).toMatch(/sitrep_commands_total\{platform="telegram",command="timeline",outcome="ok"\} \d+/);
		expect(metrics).toMatch(/sitrep_command_duration_seconds_bucket/);
		expect(metrics).toMatch(/sitrep_event_loop_delay_p99_seconds/);
	});

	it('reloads the dataset on SIGHUP', async () => {
		const story = path.join(dir, 'data', 'story.yaml');
		writeFileSync(story, readFileSync(story, 'utf8').replace(/title: .*/, 'title: Reloaded title'));
		bot.kill('SIGHUP');
		await waitForLog(/"trigger":"signal","result":"swapped"/);
		// Readers see the new snapshot: /help names the story by its reloaded title.
		const before = tg.calls.length;
		tg.message(places.private(people.bob), people.bob, '/help');
		const help = await tg.waitFor(() => tg.calls.slice(before).find((c) => c.method === 'sendMessage'), 10_000);
		expect(JSON.stringify(help)).toContain('Reloaded title');
		expect(JSON.stringify(help)).not.toContain('The 2025 Russia–Azerbaijan rift');
	});

	it('never writes a token to its logs', () => {
		expect(logs).not.toContain(TELEGRAM_TOKEN);
		expect(logs).not.toContain(DISCORD_TOKEN);
		expect(logs).not.toContain(TELEGRAM_TOKEN.split(':')[1]);
	});

	it('names the platform once in each log line (issue #18)', () => {
		const lines = logs.split('\n').filter((l) => l.startsWith('{'));
		expect(lines.filter((l) => l.includes('"platform":"telegram"')).length).toBeGreaterThan(0);
		for (const l of lines) expect(l.match(/"platform":/gu)?.length ?? 0, l).toBeLessThanOrEqual(1);
	});

	it('stops cleanly on SIGTERM: exit code 0, store closed', async () => {
		const exited = new Promise<number | null>((resolve) => bot.once('exit', (code) => resolve(code)));
		bot.kill('SIGTERM');
		expect(await exited).toBe(0);
		expect(logs).toMatch(/"msg":"Stopped"/);
	}, 20_000);
});
