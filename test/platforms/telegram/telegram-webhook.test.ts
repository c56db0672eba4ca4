/**
 * Webhook mode: the bot registers its URL with setWebhook, accepts updates only with the secret
 * token, and handles a redelivered update_id once.
 */
import net from 'node:net';
import type { Update } from 'telegraf/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegram, type TelegramPlatform } from '../../../src/platforms/telegram/telegram-adapter.js';
import type { UpdateDeduplicator } from '../../../src/store/store.js';
import { captureLogger, people, places, TelegramStandIn, testConfig, testCore } from '../../helpers/telegram-stand-in.js';

let standIn: TelegramStandIn;
let platform: TelegramPlatform | undefined;

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

async function start(
	secret: string | undefined,
	updates?: UpdateDeduplicator,
): Promise<{ url: string; logs: ReturnType<typeof captureLogger> }> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}/telegram/hook`;
	const logs = captureLogger();
	// No host in the test config or tuning: the listener must choose loopback by itself.
	platform = await startTelegram({
		core: await testCore(),
		config: testConfig(standIn, { webhook: { url, port, ...(secret ? { secret } : {}) } }),
		logger: logs.logger,
		tuning: { pacing: { perChatIntervalMs: 0 } },
		...(updates ? { updates } : {}),
	});
	return { url, logs };
}

const alice = places.private(people.alice);

beforeEach(async () => {
	standIn = await TelegramStandIn.start();
	platform = undefined;
});
afterEach(async () => {
	await platform?.stop();
	await standIn.close();
});

describe('webhook mode', () => {
	it('registers the URL and secret, never polls, and answers updates it receives', async () => {
		const { url } = await start('s3cret_token-1');
		expect(platform!.webhookPort).toBe(Number(new URL(url).port));
		expect(platform!.webhookAddress).toBe('127.0.0.1');
		expect(standIn.webhook).toEqual({ url, secret: 's3cret_token-1' });
		expect(standIn.calls.find((c) => c.method === 'setWebhook')!.params['allowed_updates']).toEqual([
			'message',
			'channel_post',
			'callback_query',
			'my_chat_member',
		]);
		const update = standIn.message(alice, people.alice, '/help');
		expect(await standIn.deliverWebhook(update)).toBe(200);
		await standIn.waitFor(() => standIn.ok('sendMessage', alice.id)[0]);
		expect(standIn.calls.some((c) => c.method === 'getUpdates')).toBe(false);
	});

	it('refuses requests without the right secret token', async () => {
		const { logs } = await start('s3cret_token-1');
		const update = standIn.message(alice, people.alice, '/help');
		expect(await standIn.deliverWebhook(update, 'wrong')).toBe(401);
		expect(await standIn.deliverWebhook(update, '')).toBe(401);
		await new Promise((r) => setTimeout(r, 100));
		expect(standIn.ok('sendMessage')).toEqual([]);
		expect(logs.records().filter((r) => r['msg'] === 'Webhook request without the right secret token; refused')).toHaveLength(2);
		expect(logs.raw()).not.toContain('s3cret_token-1');
	});

	it('handles a redelivered update_id once', async () => {
		await start('s3cret_token-1');
		const update = standIn.message(alice, people.alice, '/timeline limit:1');
		expect(await standIn.deliverWebhook(update)).toBe(200);
		expect(await standIn.deliverWebhook(update)).toBe(200);
		const second = standIn.message(alice, people.alice, '/help');
		expect(await standIn.deliverWebhook(second)).toBe(200);
		await standIn.waitFor(() => standIn.ok('sendMessage', alice.id)[1]);
		await new Promise((r) => setTimeout(r, 100));
		expect(standIn.ok('sendMessage', alice.id)).toHaveLength(2);
	});

	it('checks update ids in the shared store when given one (several instances behind a load balancer)', async () => {
		const seen = new Set<string>(['telegram:41']);
		const asked: string[] = [];
		// As if another instance had already handled update 41.
		const shared: UpdateDeduplicator = {
			firstSeen: (platform, id) => {
				asked.push(id);
				const key = `${platform}:${id}`;
				const first = !seen.has(key);
				seen.add(key);
				return Promise.resolve(first);
			},
		};
		await start('s3cret_token-1', shared);
		const handledElsewhere = { ...standIn.message(alice, people.alice, '/timeline limit:1'), update_id: 41 } as Update;
		expect(await standIn.deliverWebhook(handledElsewhere)).toBe(200);
		const fresh = standIn.message(alice, people.alice, '/help');
		expect(await standIn.deliverWebhook(fresh)).toBe(200);
		await standIn.waitFor(() => standIn.ok('sendMessage', alice.id)[0]);
		await new Promise((r) => setTimeout(r, 100));
		expect(standIn.ok('sendMessage', alice.id)).toHaveLength(1);
		expect(asked).toEqual(['41', String(fresh.update_id)]);
	});

	it('makes up a strong secret when none is configured', async () => {
		const { url } = await start(undefined);
		expect(standIn.webhook?.secret).toMatch(/^[A-Za-z0-9_-]{40,256}$/u);
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(standIn.message(alice, people.alice, '/help')),
		});
		expect(res.status).toBe(401);
		expect((await fetch(url.replace('/hook', '/other'), { method: 'POST', body: '{}' })).status).toBe(404);
	});
});
