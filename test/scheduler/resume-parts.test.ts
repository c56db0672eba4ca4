/**
 * A briefing cut by a failure between its messages (not a crash): the retry sends only the parts
 * that are missing. The real Telegram sender against the stand-in, a real SQLite ledger.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { heading, para } from '../../src/core/reply.js';
import { silentLogger } from '../../src/logger.js';
import { startTelegram } from '../../src/platforms/telegram/telegram-adapter.js';
import { createTickRunner } from '../../src/scheduler/tick.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { apiErrors, people, places, TelegramStandIn, testConfig, testCore } from '../helpers/telegram-stand-in.js';
import { makeDataset, seedSubscriptions, tempDir } from './helpers/fixtures.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

const AT_0900 = new Date('2025-07-01T05:00:00Z');

describe('a briefing cut between its messages', () => {
	it('a 429 on part 2 is retried from part 2: part 1 is never sent twice, and nothing is uncertain', async () => {
		const t = tempDir();
		const stores = openSqliteStores(path.join(t.dir, 'sitrep.db'));
		cleanups.push(t.cleanup, () => stores.close());
		const standIn = await TelegramStandIn.start();
		const chat = { ...places.private(people.alice), id: 5001 };
		standIn.addChat(chat);
		const platform = await startTelegram({
			core: await testCore(),
			config: testConfig(standIn),
			logger: silentLogger(),
			tuning: {
				pacing: {
					perChatIntervalMs: 0,
					group: { count: 1000, windowMs: 1000 },
					global: { count: 1000, windowMs: 1000 },
					maxRetryAfterMs: 1000,
				},
			},
		});
		cleanups.push(
			() => standIn.close(),
			() => platform.stop(),
		);
		seedSubscriptions(stores.db, [{ channelId: String(chat.id) }]);
		const dataset = makeDataset();
		const runner = createTickRunner({
			store: stores.subscriptions,
			ledger: stores.ledger,
			senders: new Map([['telegram', platform.sender]]),
			dataset: () => dataset,
			logger: silentLogger(),
			catchupMinutes: 120,
			compose: () => ({
				reply: { blocks: [heading('Daily briefing'), para('alpha '.repeat(600)), para('omega '.repeat(600))] },
				newEvents: [],
				newCount: 0,
				updatedEvents: [],
			}),
		});
		standIn.fail('sendMessage', apiErrors.tooManyRequests(30), { skip: 1, times: 1 });
		expect(await runner.runTick(AT_0900)).toMatchObject({ failed: 1, uncertain: 0 });
		const key = { subscriptionId: 1, localDate: '2025-07-01' };
		expect(await stores.ledger.get(key)).toMatchObject({ status: 'failed', retryable: true });
		expect((await stores.ledger.parts(key)).map((p) => [p.part, p.status])).toEqual([
			[1, 'sent'],
			[2, 'sending'],
		]);

		expect(await runner.runTick(new Date(AT_0900.getTime() + 2 * 60_000))).toMatchObject({ sent: 1, resumed: 1 });
		const texts = [...standIn.messages.values()]
			.filter((m) => m.chat.id === chat.id)
			.map((m) => (m.text.includes('alpha') ? 'part 1' : 'part 2'));
		expect(texts).toEqual(['part 1', 'part 2']);
		const parts = await stores.ledger.parts(key);
		expect(parts.map((p) => p.status)).toEqual(['sent', 'sent']);
		expect(await stores.ledger.get(key)).toMatchObject({ status: 'sent', attempts: 2, messageIds: parts.flatMap((p) => p.messageIds) });
	});
});
