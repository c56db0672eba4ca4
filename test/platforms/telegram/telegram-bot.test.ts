/**
 * End to end: the real telegraf client, long polling over real sockets against the stand-in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineCommand, type CommandModule } from '../../../src/core/command.js';
import { GENERIC_FAILURE } from '../../../src/core/error-reply.js';
import { para } from '../../../src/core/reply.js';
import {
	PAGE_EXPIRED,
	PAGE_FOREIGN,
	startTelegram,
	type TelegramPlatform,
	type TelegramTuning,
} from '../../../src/platforms/telegram/telegram-adapter.js';
import {
	BOT,
	captureLogger,
	checkTelegramHtml,
	people,
	places,
	TelegramStandIn,
	testConfig,
	testCore,
	TOKEN,
	type Call,
	type StoredMessage,
} from '../../helpers/telegram-stand-in.js';

const adminNote = defineCommand({
	data: { name: 'admin_note', description: 'Test: for chat admins', access: 'channel_admin', options: [], examples: ['/admin_note'] },
	execute: ({ requester }) => ({ blocks: [para(`Admin note for ${requester.displayName}`)] }),
});
const boom = defineCommand({
	data: { name: 'boom', description: 'Test: always fails', access: 'everyone', options: [], examples: ['/boom'] },
	execute: () => {
		throw new Error('kaboom');
	},
});
const hostile = defineCommand({
	data: { name: 'hostile', description: 'Test: hostile dataset text', access: 'everyone', options: [], examples: ['/hostile'] },
	execute: () => ({
		blocks: [
			{ kind: 'heading', text: '<b>not bold</b> & <i' },
			para('@everyone look: 1 < 2 && 3 > 2'),
			{ kind: 'event', date: '2025', title: '</code><a href="x">', actors: ['@here'], status: 'disputed', id: 'x&y' },
		],
	}),
});
const extra = [adminNote, boom, hostile] as unknown as CommandModule[];

const FAST: TelegramTuning = {
	pacing: { perChatIntervalMs: 5, group: { count: 1000, windowMs: 1000 }, global: { count: 1000, windowMs: 1000 } },
};

let standIn: TelegramStandIn;
let platform: TelegramPlatform | undefined;
let logs: ReturnType<typeof captureLogger>;

async function start(
	options: { tuning?: TelegramTuning; owners?: { platform: 'telegram'; id: string }[] } = {},
): Promise<TelegramPlatform> {
	logs = captureLogger();
	platform = await startTelegram({
		core: await testCore(extra),
		config: testConfig(standIn, {}, options.owners ?? []),
		logger: logs.logger,
		tuning: { ...FAST, ...options.tuning },
	});
	return platform;
}

/** The next successful sendMessage to `chatId` after `count` earlier ones. */
const nthSent = (chatId: number, n = 1): Promise<Call> => standIn.waitFor(() => standIn.ok('sendMessage', chatId)[n - 1]);
const textOf = (call: Call): string => {
	const r = checkTelegramHtml(String(call.params['text']));
	if (!r.ok) throw new Error(r.error);
	return r.text;
};
const storedOf = (call: Call, chatId: number): StoredMessage =>
	[...standIn.messages.values()].filter((m) => m.chat.id === chatId && m.text === call.params['text']).at(-1)!;

beforeEach(async () => {
	standIn = await TelegramStandIn.start();
	platform = undefined;
});
afterEach(async () => {
	await platform?.stop();
	await standIn.close();
});

describe('commands', () => {
	it('answers /timeline in a private chat with HTML and paging buttons', async () => {
		const p = await start();
		expect(p.botUsername).toBe(BOT.username);
		const alice = places.private(people.alice);
		const started = performance.now();
		standIn.message(alice, people.alice, '/timeline limit:3');
		const call = await nthSent(alice.id);
		const latency = performance.now() - started;
		expect(call.params['parse_mode']).toBe('HTML');
		expect(textOf(call)).toMatch(/^Timeline\n\d+ events, /u);
		expect(textOf(call)).toMatch(/Page 1 of \d+$/u);
		const buttons = (call.params['reply_markup'] as StoredMessage['reply_markup'])!.inline_keyboard.flat();
		expect(buttons.map((b) => b.text)).toEqual([expect.stringMatching(/^1 \/ \d+$/u), 'Next ›']);
		for (const b of buttons) expect(Buffer.byteLength(b.callback_data!)).toBeLessThanOrEqual(64);
		expect(call.params['reply_parameters']).toBeUndefined();
		expect(latency).toBeLessThan(1000);
	});

	it('answers /timeline@botname in a group, as a reply to the command', async () => {
		await start();
		const update = standIn.message(places.group, people.alice, `/timeline@${BOT.username} limit:2`);
		const call = await nthSent(places.group.id);
		expect(textOf(call)).toContain('Timeline');
		expect(call.params['reply_parameters']).toEqual({
			message_id: (update as { message: { message_id: number } }).message.message_id,
			allow_sending_without_reply: true,
		});
	});

	it('ignores commands for another bot and unknown unaddressed commands in groups', async () => {
		await start();
		standIn.message(places.supergroup, people.alice, '/timeline@OtherBot');
		standIn.message(places.supergroup, people.alice, '/weather');
		standIn.message(places.supergroup, people.alice, 'just chatting, no command');
		standIn.message(places.supergroup, people.alice, `/nosuch@${BOT.username}`);
		standIn.message(places.supergroup, people.alice, '/help');
		await nthSent(places.supergroup.id, 2);
		await new Promise((r) => setTimeout(r, 100));
		const texts = standIn.ok('sendMessage', places.supergroup.id).map(textOf);
		expect(texts).toHaveLength(2);
		expect(texts[0]).toMatch(/^There is no command \/nosuch/u);
		expect(texts[1]).toContain('/timeline');
	});

	it('works in channels and answers /start with the command list', async () => {
		await start();
		standIn.message(places.channel, undefined, '/timeline limit:1', { sender_chat: places.channel });
		expect(textOf(await nthSent(places.channel.id))).toContain('Timeline');
		const bob = places.private(people.bob);
		standIn.message(bob, people.bob, '/start');
		expect(textOf(await nthSent(bob.id))).toContain('/timeline');
	});

	it('answers every example of every registry command over the wire', async () => {
		// One member sends every example at once: more than the per-user rate allows a person.
		await start({ tuning: { flood: { burst: 1000, chatQueue: 1000 } } });
		const core = await testCore(extra);
		const examples = [...core.registry.values()].filter((m) => !extra.includes(m)).flatMap((m) => m.data.examples);
		const alice = places.private(people.alice);
		for (const line of examples) standIn.message(alice, people.alice, line);
		const calls = await standIn.waitFor(
			() => standIn.ok('sendMessage', alice.id).length >= examples.length && standIn.ok('sendMessage', alice.id),
		);
		expect(standIn.calls.filter((c) => c.error)).toEqual([]);
		for (const c of calls) expect(textOf(c)).not.toBe(GENERIC_FAILURE);
		expect(examples.length).toBeGreaterThanOrEqual(6);
	});

	it('publishes the command menus from the registry, admin and owner commands only where they apply', async () => {
		standIn.addChat(places.private(people.bob));
		await start({
			owners: [
				{ platform: 'telegram', id: String(people.bob.id) },
				{ platform: 'telegram', id: '999' },
			],
		});
		const modules = [...(await testCore(extra)).registry.values()];
		const menu = (access: string[]) =>
			modules.filter((m) => access.includes(m.data.access)).map((m) => ({ command: m.data.name, description: m.data.description }));
		// The menus without a language_code (English, for everyone else); the ru, az and fa ones are checked in test/i18n.
		expect(Object.fromEntries([...standIn.commands].filter(([k]) => !k.includes('@')))).toEqual({
			default: menu(['everyone']),
			all_private_chats: menu(['everyone', 'channel_admin']),
			all_chat_administrators: menu(['everyone', 'channel_admin']),
			[`chat:${people.bob.id}`]: menu(['everyone', 'channel_admin', 'owner']),
		});
		expect([...standIn.commands.keys()].filter((k) => k.startsWith('default@')).sort()).toEqual([
			'default@az',
			'default@fa',
			'default@ru',
		]);
		expect(menu(['everyone', 'channel_admin', 'owner'])).toHaveLength(modules.length);
		expect(menu(['everyone']).map((c) => c.command)).toContain('timeline');
		expect(menu(['everyone']).map((c) => c.command)).not.toContain('admin_note');
	});

	it('escapes hostile dataset and user text; Telegram accepts every message', async () => {
		await start();
		const alice = places.private(people.alice);
		standIn.message(alice, people.alice, '/hostile');
		standIn.message(alice, people.alice, '/timeline text:"<b>&amp; @everyone"');
		const first = textOf(await nthSent(alice.id, 1));
		const second = textOf(await nthSent(alice.id, 2));
		expect(first).toContain('<b>not bold</b> & <i');
		expect(first).toContain('@\u2060everyone look: 1 < 2 && 3 > 2');
		expect(first).toContain('</code><a href="x">');
		expect(second).toContain('"<b>&amp; @\u2060everyone"');
		expect(standIn.calls.filter((c) => c.error)).toEqual([]);
	});
});

describe('paging with inline keyboards', () => {
	async function firstPage(chat = places.private(people.alice)) {
		standIn.message(chat, people.alice, '/timeline limit:2');
		const call = await nthSent(chat.id);
		return storedOf(call, chat.id);
	}
	const button = (m: StoredMessage, text: string) => m.reply_markup!.inline_keyboard.flat().find((b) => b.text === text)!.callback_data!;

	it('a press edits the message in place, forwards and back', async () => {
		await start();
		const alice = places.private(people.alice);
		const page1 = await firstPage(alice);
		const page1Text = page1.text;
		standIn.press(alice, people.alice, page1.message_id, button(page1, 'Next ›'));
		const edit = await standIn.waitFor(() => standIn.ok('editMessageText', alice.id)[0]);
		expect(edit.params['message_id']).toBe(page1.message_id);
		expect(textOf(edit)).toMatch(/Page 2 of \d+$/u);
		expect(standIn.ok('answerCallbackQuery')).toHaveLength(1);
		expect(standIn.ok('sendMessage', alice.id)).toHaveLength(1);
		standIn.press(alice, people.alice, page1.message_id, button(page1, '‹ Previous'));
		await standIn.waitFor(() => standIn.ok('editMessageText', alice.id)[1]);
		expect(page1.text).toBe(page1Text);
	});

	it('an expired, forged or foreign press gets a polite answer and changes nothing', async () => {
		let clock = 0;
		await start({ tuning: { pageTtlMs: 1000, now: () => clock } });
		const page1 = await firstPage(places.group);
		const next = button(page1, 'Next ›');
		standIn.press(places.group, people.bob, page1.message_id, next);
		standIn.press(places.group, people.alice, page1.message_id, 'pg:forgedkey');
		await standIn.waitFor(() => standIn.ok('answerCallbackQuery').length === 2);
		clock = 5000;
		standIn.press(places.group, people.alice, page1.message_id, next);
		const answers = await standIn.waitFor(() => standIn.ok('answerCallbackQuery').length === 3 && standIn.ok('answerCallbackQuery'));
		expect(answers.map((a) => a.params['text']).sort()).toEqual([PAGE_FOREIGN, PAGE_EXPIRED, PAGE_EXPIRED].sort());
		expect(standIn.ok('editMessageText')).toEqual([]);
	});
});

describe('admin commands check getChatMember at run time', () => {
	it('allows an administrator and refuses a member', async () => {
		await start();
		standIn.setMember(places.supergroup.id, people.alice.id, 'administrator');
		standIn.message(places.supergroup, people.alice, '/admin_note');
		expect(textOf(await nthSent(places.supergroup.id, 1))).toBe('Admin note for alice');
		standIn.message(places.supergroup, people.bob, '/admin_note');
		expect(textOf(await nthSent(places.supergroup.id, 2))).toMatch(/^\/admin_note is for admins of this chat only\./u);
		expect(standIn.ok('getChatMember').map((c) => c.params['user_id'])).toEqual([people.alice.id, people.bob.id]);
	});

	it('allows an anonymous admin, the user of a private chat and a configured owner without asking', async () => {
		await start({ owners: [{ platform: 'telegram', id: String(people.bob.id) }] });
		standIn.message(places.supergroup, people.anonymousAdmin, '/admin_note', { sender_chat: places.supergroup });
		expect(textOf(await nthSent(places.supergroup.id, 1))).toBe('Admin note for Newsroom');
		const alice = places.private(people.alice);
		standIn.message(alice, people.alice, '/admin_note');
		expect(textOf(await nthSent(alice.id))).toBe('Admin note for alice');
		standIn.message(places.group, people.bob, '/admin_note');
		expect(textOf(await nthSent(places.group.id))).toBe('Admin note for bob');
		expect(standIn.ok('getChatMember')).toEqual([]);
	});

	it('refuses a message sent on behalf of another chat (a linked channel)', async () => {
		await start();
		standIn.message(places.supergroup, { id: 136817688, is_bot: true, first_name: 'Channel' }, '/admin_note', {
			sender_chat: places.channel,
		});
		expect(textOf(await nthSent(places.supergroup.id))).toMatch(/is for admins of this chat only/u);
	});
});

describe('failures', () => {
	it('a failing command and a failing handler both answer generically, and polling goes on', async () => {
		await start();
		standIn.message(places.group, people.alice, '/boom');
		expect(textOf(await nthSent(places.group.id, 1))).toBe(GENERIC_FAILURE);
		standIn.fail('getChatMember', { error_code: 500, description: 'Internal Server Error' });
		const failing = standIn.message(places.group, people.bob, '/admin_note');
		expect(textOf(await nthSent(places.group.id, 2))).toBe(GENERIC_FAILURE);
		standIn.message(places.group, people.alice, '/help');
		expect(textOf(await nthSent(places.group.id, 3))).toContain('/timeline');
		const logged = logs.records().find((r) => r['msg'] === 'Telegram update handler failed');
		expect(logged).toMatchObject({ update_id: failing.update_id, chat: places.group.id, user: people.bob.id, update: 'message' });
		expect(logs.raw()).not.toContain(TOKEN.split(':')[1]);
	});
});
