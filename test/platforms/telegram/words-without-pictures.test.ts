/**
 * The words never wait on a picture (Telegram): whatever happens to sendPhoto, the answer's words
 * reach the chat as text. The real telegraf client against the Bot API stand-in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineCommand, type CommandModule } from '../../../src/core/command.js';
import { heading, para, type Reply } from '../../../src/core/reply.js';
import { startTelegram, type TelegramPlatform, type TelegramTuning } from '../../../src/platforms/telegram/telegram-adapter.js';
import {
	captureLogger,
	checkTelegramHtml,
	people,
	places,
	TelegramStandIn,
	testConfig,
	testCore,
	type ApiError,
} from '../../helpers/telegram-stand-in.js';

const FAST: TelegramTuning['pacing'] = {
	perChatIntervalMs: 0,
	group: { count: 10_000, windowMs: 1000 },
	global: { count: 10_000, windowMs: 1000 },
};
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const answer: Reply = {
	blocks: [heading('The Kremlin'), para('Says the arrests in Yekaterinburg were routine & lawful.')],
	images: [{ name: 'relations.png', png, alt: 'Relations of the Kremlin' }],
};

const refusals: [string, ApiError][] = [
	[
		'a group that forbids media for members',
		{ error_code: 400, description: 'Bad Request: not enough rights to send photos to the chat' },
	],
	['a file too large', { error_code: 413, description: 'Request Entity Too Large' }],
	['a 5xx', { error_code: 500, description: 'Internal Server Error' }],
	['a Bot API server without sendPhoto', { error_code: 404, description: 'Not Found: method not found' }],
];

let standIn: TelegramStandIn;
let platform: TelegramPlatform | undefined;
let logs: ReturnType<typeof captureLogger>;
beforeEach(async () => {
	standIn = await TelegramStandIn.start();
	platform = undefined;
});
afterEach(async () => {
	await platform?.stop();
	await standIn.close();
});

/** Answers as /actor and /timeline do when pictures are on: words and a picture. */
const pictured = defineCommand({
	data: { name: 'pictured', description: 'Test: an answer with a picture', access: 'everyone', options: [], examples: ['/pictured'] },
	execute: () => answer,
}) as unknown as CommandModule;

async function start(extra: CommandModule[] = []): Promise<TelegramPlatform> {
	logs = captureLogger();
	platform = await startTelegram({
		core: await testCore(extra),
		config: testConfig(standIn),
		logger: logs.logger,
		tuning: { pacing: FAST },
	});
	return platform;
}

const text = (html: unknown): string => {
	const r = checkTelegramHtml(String(html));
	if (!r.ok) throw new Error(r.error);
	return r.text;
};

describe('the words never wait on a picture (Telegram)', () => {
	it.each(refusals)('%s: the caption goes out as a text message', async (_case, error) => {
		const p = await start();
		const chat = places.supergroup;
		standIn.fail('sendPhoto', error, { chatId: chat.id });
		const outcome = await p.sender.send(String(chat.id), answer);
		expect(outcome).toMatchObject({ kind: 'sent', parts: [{ part: 1, parts: 1, messageIds: [expect.any(String)] }] });
		const [message] = standIn.ok('sendMessage', chat.id);
		expect(text(message!.params['text'])).toBe('The Kremlin\nSays the arrests in Yekaterinburg were routine & lawful.');
		expect(logs.records().some((r) => r['msg'] === 'Telegram refused the picture; sending its caption as text')).toBe(true);
	});

	it('a further picture refused after the words went out is let go; the answer still counts as sent', async () => {
		const p = await start();
		const chat = places.supergroup;
		standIn.fail('sendPhoto', refusals[0]![1], { chatId: chat.id, skip: 1 });
		const two: Reply = { ...answer, images: [...answer.images!, { name: 'timeline.png', png, alt: 'Timeline' }] };
		const outcome = await p.sender.send(String(chat.id), two);
		expect(outcome).toMatchObject({ kind: 'sent', parts: [{ part: 1 }, { part: 2, messageIds: [] }] });
		expect(standIn.ok('sendPhoto', chat.id)).toHaveLength(1);
	});

	it('a chat that refuses everything is still a permanent failure, not a silent success', async () => {
		const p = await start();
		const chat = places.supergroup;
		standIn.fail(
			'sendPhoto',
			{ error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' },
			{ chatId: chat.id },
		);
		expect(await p.sender.send(String(chat.id), answer)).toMatchObject({ kind: 'permanent' });
		expect(standIn.ok('sendMessage', chat.id)).toHaveLength(0);
	});

	it('a command answered with a picture, in a group that forbids media: the answer arrives as text, replying to the command', async () => {
		await start([pictured]);
		const chat = places.supergroup;
		standIn.fail('sendPhoto', refusals[0]![1], { chatId: chat.id, times: 5 });
		const command = standIn.message(chat, people.alice, '/pictured');
		const message = await standIn.waitFor(() => standIn.ok('sendMessage', chat.id)[0]);
		expect(standIn.calls.filter((c) => c.method === 'sendPhoto' && c.error)).toHaveLength(1);
		expect(text(message.params['text'])).toMatch(/routine & lawful/u);
		expect(message.params['reply_parameters']).toMatchObject({
			message_id: (command as { message?: { message_id: number } }).message!.message_id,
		});
	});
});
