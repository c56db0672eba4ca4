/**
 * Webhook mode behind a load balancer: several webhook servers (processes) share the store's record
 * of handled update ids, so an update that reaches two of them — a redelivery routed to another
 * instance, or both at once — is handled once. Runs on SQLite and, when SITREP_TEST_DATABASE_URL is
 * set, PostgreSQL.
 */
import type { Update } from 'telegraf/types';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { startWebhookServer, type WebhookServer } from '../../../src/platforms/telegram/webhook-server.js';
import type { UpdateDeduplicator } from '../../../src/store/store.js';
import { captureLogger } from '../../helpers/telegram-stand-in.js';
import { titled, useStoreBackends } from '../../helpers/store-backends.js';

const backends = useStoreBackends();
const SECRET = 'lb_secret-1';
const servers: WebhookServer[] = [];
afterEach(async () => {
	while (servers.length) await servers.pop()!.close();
});

/** One instance behind the load balancer; `handled` collects the update ids it acted on. */
async function instance(deduplicator: UpdateDeduplicator | undefined, handled: number[], logger = silentLogger()): Promise<WebhookServer> {
	const server = await startWebhookServer({
		path: '/hook',
		secret: SECRET,
		port: 0,
		host: '127.0.0.1',
		logger,
		...(deduplicator ? { deduplicator } : {}),
		onUpdate: (u) => handled.push(u.update_id),
	});
	servers.push(server);
	return server;
}

async function post(server: WebhookServer, update: Update): Promise<number> {
	const res = await fetch(`http://127.0.0.1:${server.port}/hook`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
		body: JSON.stringify(update),
	});
	await res.arrayBuffer();
	return res.status;
}

const update = (id: number): Update =>
	({
		update_id: id,
		message: { message_id: id, date: 1751346000, chat: { id: -100, type: 'supergroup', title: 'g' }, text: '/help' },
	}) as unknown as Update;

/** Closes the servers, which waits until every answered update has been checked and handed on. */
async function settle(): Promise<void> {
	await Promise.all(servers.splice(0).map((s) => s.close()));
}

describe.each(titled(backends))('two webhook servers sharing one %s store', (_title, backend) => {
	it.skipIf(backend.skip)('handle an update posted to both once, and a redelivery to either not at all', async () => {
		const fresh = await backend.fresh();
		// Each instance has its own connection, as separate processes would.
		const [storeA, storeB] = [await fresh.open(), await fresh.open()];
		const handledA: number[] = [];
		const handledB: number[] = [];
		const a = await instance(storeA.updates, handledA);
		const b = await instance(storeB.updates, handledB);
		const statuses = await Promise.all([post(a, update(501)), post(b, update(501)), post(a, update(502)), post(b, update(503))]);
		expect(statuses).toEqual([200, 200, 200, 200]);
		// Telegram redelivers 502 (the answer was lost); the load balancer sends it to the other instance.
		expect(await post(b, update(502))).toBe(200);
		expect(await post(a, update(503))).toBe(200);
		await settle();
		// Whichever instance recorded an id first handled it; the other ignored it.
		expect([...handledA, ...handledB].sort()).toEqual([501, 502, 503]);
	});
});

describe('the webhook server’s deduplicator', () => {
	it('is what makes the difference: without one, each instance handles the update', async () => {
		const handledA: number[] = [];
		const handledB: number[] = [];
		const [a, b] = [await instance(undefined, handledA), await instance(undefined, handledB)];
		await Promise.all([post(a, update(7)), post(b, update(7))]);
		await settle();
		expect([...handledA, ...handledB]).toEqual([7, 7]);
	});

	it('falls back to the instance’s own memory when the store fails, and logs it', async () => {
		const logs = captureLogger();
		const handled: number[] = [];
		const failing: UpdateDeduplicator = { firstSeen: () => Promise.reject(new Error('connection terminated')) };
		const a = await instance(failing, handled, logs.logger);
		expect(await post(a, update(9))).toBe(200);
		expect(await post(a, update(9))).toBe(200);
		await settle();
		expect(handled).toEqual([9]);
		expect(logs.records().filter((r) => r['msg'] === 'Could not check the update id in the store; handling the update')).toHaveLength(
			1,
		);
	});

	it('asks the store once per update, with the platform and the id as text', async () => {
		const calls: [string, string][] = [];
		const handled: number[] = [];
		const recording: UpdateDeduplicator = {
			firstSeen: (platform, id) => {
				calls.push([platform, id]);
				return Promise.resolve(true);
			},
		};
		const a = await instance(recording, handled);
		await post(a, update(11));
		await post(a, update(11));
		await settle();
		expect(calls).toEqual([['telegram', '11']]);
		expect(handled).toEqual([11]);
	});
});
