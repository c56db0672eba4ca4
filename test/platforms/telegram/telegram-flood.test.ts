/**
 * A flood through the real telegraf client against the stand-in: one member's commands are bounded
 * by the per-user rate (one "slow down" answer), and what waits per chat by the queue cap.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from 'telegraf/types';
import { startTelegram, type TelegramPlatform, type TelegramTuning } from '../../../src/platforms/telegram/telegram-adapter.js';
import {
	captureLogger,
	checkTelegramHtml,
	people,
	places,
	TelegramStandIn,
	testConfig,
	testCore,
	type Call,
	type StoredMessage,
} from '../../helpers/telegram-stand-in.js';

const FAST: TelegramTuning = {
	pacing: { perChatIntervalMs: 5, group: { count: 1000, windowMs: 1000 }, global: { count: 1000, windowMs: 1000 } },
};

let standIn: TelegramStandIn;
let platform: TelegramPlatform | undefined;

beforeEach(async () => {
	standIn = await TelegramStandIn.start();
	platform = undefined;
});
afterEach(async () => {
	await platform?.stop();
	await standIn.close();
});

const textOf = (call: Call): string => {
	const r = checkTelegramHtml(String(call.params['text']));
	if (!r.ok) throw new Error(r.error);
	return r.text;
};

describe('flood bounds', () => {
	it('answers one member at most the burst, then "slow down" once, and ignores the rest', async () => {
		const logs = captureLogger();
		platform = await startTelegram({
			core: await testCore(),
			config: testConfig(standIn),
			logger: logs.logger,
			tuning: { ...FAST, flood: { burst: 4, refillMs: 60_000 } },
		});
		for (let i = 1; i <= 30; i++) standIn.message(places.supergroup, people.alice, `/timeline limit:${(i % 9) + 1} page:${i}`);
		await standIn.waitFor(() => standIn.ok('sendMessage', places.supergroup.id)[4]);
		// Whatever else would come has had time to arrive.
		await new Promise((r) => setTimeout(r, 300));
		const texts = standIn.ok('sendMessage', places.supergroup.id).map(textOf);
		expect(texts).toHaveLength(5);
		expect(texts.filter((t) => t.startsWith('Timeline'))).toHaveLength(4);
		expect(texts.filter((t) => t.includes('faster than I can answer'))).toHaveLength(1);
		expect(logs.records().filter((r) => r['msg'] === 'Telegram command refused: over the per-user rate')).toHaveLength(26);
		// Another member is not held back by Alice's flood.
		standIn.message(places.supergroup, people.bob, '/help');
		await standIn.waitFor(() => standIn.ok('sendMessage', places.supergroup.id)[5]);
	});

	it('keeps at most the queue cap of replies waiting for one chat, dropping the oldest with a log line', async () => {
		const logs = captureLogger();
		// Telegram's pace for a group (a handful a minute here), so replies pile up behind the first.
		platform = await startTelegram({
			core: await testCore(),
			config: testConfig(standIn),
			logger: logs.logger,
			tuning: {
				pacing: { perChatIntervalMs: 5, group: { count: 1, windowMs: 60_000 }, global: { count: 1000, windowMs: 1000 } },
				flood: { chatQueue: 5 },
				drainMs: 10,
			},
		});
		const members: User[] = Array.from({ length: 40 }, (_, i) => ({ id: 5000 + i, is_bot: false, first_name: `M${i}` }));
		let most = 0;
		for (const m of members) {
			standIn.message(places.supergroup, m, '/help');
			await new Promise((r) => setTimeout(r, 5));
			most = Math.max(most, platform.waitingReplies());
		}
		await standIn.waitFor(
			() =>
				logs.records().filter((r) => r['msg'] === 'Reply dropped: no longer useful or too many waiting').length >= 30 || undefined,
		);
		most = Math.max(most, platform.waitingReplies());
		expect(most).toBeLessThanOrEqual(5);
		expect(platform.waitingReplies()).toBeLessThanOrEqual(5);
		expect(standIn.ok('sendMessage', places.supergroup.id)).toHaveLength(1);
		const dropped = logs.records().filter((r) => r['msg'] === 'Reply dropped: no longer useful or too many waiting');
		expect(dropped.length).toBeGreaterThanOrEqual(30);
		expect(dropped[0]).toMatchObject({ reason: 'queue_full', platform: 'telegram' });
	});

	it('bounds page turns by the same rate: one popup says slow down, no edit runs beyond it', async () => {
		const logs = captureLogger();
		platform = await startTelegram({
			core: await testCore(),
			config: testConfig(standIn),
			logger: logs.logger,
			tuning: { ...FAST, flood: { burst: 3, refillMs: 60_000 } },
		});
		const alice = places.private(people.alice);
		standIn.message(alice, people.alice, '/timeline limit:2');
		const call = await standIn.waitFor(() => standIn.ok('sendMessage', alice.id)[0]);
		const page = [...standIn.messages.values()]
			.filter((m) => m.chat.id === alice.id && m.text === call.params['text'])
			.at(-1)! as StoredMessage;
		const next = page.reply_markup!.inline_keyboard.flat().find((b) => b.text === 'Next ›')!.callback_data!;
		for (let i = 0; i < 8; i++) standIn.press(alice, people.alice, page.message_id, next);
		await standIn.waitFor(() => standIn.ok('answerCallbackQuery').length >= 8 || undefined);
		await new Promise((r) => setTimeout(r, 200));
		// Two presses were within the allowance (the command took the third token).
		expect(standIn.ok('editMessageText', alice.id).length).toBeLessThanOrEqual(2);
		const alerts = standIn.ok('answerCallbackQuery').filter((c) => c.params['show_alert'] === true);
		expect(alerts).toHaveLength(1);
		expect(String(alerts[0]!.params['text'])).toMatch(/faster than I can answer/u);
	});
});
