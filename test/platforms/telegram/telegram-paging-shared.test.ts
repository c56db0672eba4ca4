/**
 * Paging through any process: two webhook bots (as two processes behind a load balancer would be),
 * each with its own connection to one SQLite file. A page sent by one is turned by a press that
 * reaches the other; with the keys in each process's memory instead, the other can only answer
 * "expired" (the case this exists for).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Update } from 'telegraf/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegram, type TelegramPlatform } from '../../../src/platforms/telegram/telegram-adapter.js';
import { openSqliteStores, type SqliteStores } from '../../../src/store/sqlite/sqlite-stores.js';
import { en } from '../../../src/i18n/messages/index.js';
import { captureLogger, people, places, TelegramStandIn, testConfig, testCore } from '../../helpers/telegram-stand-in.js';

const SECRET = 'shared-secret_1';
let standIn: TelegramStandIn;
let dir: string;
const running: TelegramPlatform[] = [];
const opened: SqliteStores[] = [];

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** One bot process: its own webhook port and, when `shared`, its own connection to the one database file. */
async function instance(shared: boolean): Promise<string> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}/telegram/hook`;
	const stores = shared ? openSqliteStores(path.join(dir, 'sitrep.db')) : undefined;
	if (stores) opened.push(stores);
	running.push(
		await startTelegram({
			core: await testCore(),
			config: testConfig(standIn, { webhook: { url, port, secret: SECRET } }),
			logger: captureLogger().logger,
			tuning: { webhookHost: '127.0.0.1', pacing: { perChatIntervalMs: 0 } },
			...(stores ? { updates: stores.updates, pages: stores.pages } : {}),
		}),
	);
	return url;
}

/** What the load balancer does: hands the update to one chosen instance. */
async function deliver(url: string, update: Update): Promise<void> {
	expect(new URL(url).hostname).toBe('127.0.0.1');
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
		body: JSON.stringify(update),
	});
	await res.arrayBuffer();
	expect(res.status).toBe(200);
}

beforeEach(async () => {
	standIn = await TelegramStandIn.start();
	dir = mkdtempSync(path.join(tmpdir(), 'sitrep-paging-'));
});
afterEach(async () => {
	while (running.length) await running.pop()!.stop();
	while (opened.length) opened.pop()!.close();
	await standIn.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('paging across processes', () => {
	const alice = places.private(people.alice);

	async function pageFrom(url: string) {
		await deliver(url, standIn.message(alice, people.alice, '/timeline limit:2'));
		const sent = await standIn.waitFor(() => standIn.ok('sendMessage', alice.id)[0]);
		const page1 = [...standIn.messages.values()].filter((m) => m.chat.id === alice.id && m.text === sent.params['text']).at(-1)!;
		const next = page1.reply_markup!.inline_keyboard.flat().find((b) => b.text === en['paging.telegram.next'])!.callback_data!;
		return { page1, next };
	}

	it('a press that reaches the other process turns the page, with the keys in the shared database', async () => {
		const a = await instance(true);
		const b = await instance(true);
		const { page1, next } = await pageFrom(a);
		await deliver(b, standIn.press(alice, people.alice, page1.message_id, next));
		const edit = await standIn.waitFor(() => standIn.ok('editMessageText', alice.id)[0]);
		expect(edit.params['message_id']).toBe(page1.message_id);
		expect(String(edit.params['text'])).toMatch(/Page 2 of \d+/u);
		// The page B made has buttons too; a press of them back on A turns it again.
		const page2 = standIn.messages.get(`${alice.id}:${page1.message_id}`)!;
		const prev = page2.reply_markup!.inline_keyboard.flat().find((btn) => btn.text === en['paging.telegram.previous'])!.callback_data!;
		await deliver(a, standIn.press(alice, people.alice, page1.message_id, prev));
		const back = await standIn.waitFor(() => standIn.ok('editMessageText', alice.id)[1]);
		expect(String(back.params['text'])).toMatch(/Page 1 of \d+/u);
		expect(standIn.ok('answerCallbackQuery').every((c) => c.params['text'] === undefined)).toBe(true);
	});

	it('without the shared store the other process can only say the page expired', async () => {
		const a = await instance(false);
		const b = await instance(false);
		const { page1, next } = await pageFrom(a);
		await deliver(b, standIn.press(alice, people.alice, page1.message_id, next));
		const answer = await standIn.waitFor(() => standIn.ok('answerCallbackQuery')[0]);
		expect(answer.params['text']).toBe(en['telegram.pageExpired']);
		expect(standIn.ok('editMessageText')).toEqual([]);
	});
});
