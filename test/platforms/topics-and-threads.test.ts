/**
 * Topics and threads, through the real clients: /subscribe in a Telegram forum topic posts the
 * briefing to that topic (message_thread_id), in a Discord thread to that thread; every message of
 * a command's answer goes where the command was asked.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Chat, Update } from 'telegraf/types';
import { commandModules } from '../../commands/index.js';
import { createConfig } from '../../src/config.js';
import type { CommandModule, Platform } from '../../src/core/command.js';
import type { PlatformSender } from '../../src/core/delivery.js';
import { Core } from '../../src/core/dispatch.js';
import { createRegistry } from '../../src/core/registry.js';
import { silentLogger } from '../../src/logger.js';
import { startDiscord } from '../../src/platforms/discord/discord-adapter.js';
import { startTelegram } from '../../src/platforms/telegram/telegram-adapter.js';
import { createTickRunner } from '../../src/scheduler/tick.js';
import { openSqliteStores, type SqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { DiscordStandIn, user } from '../helpers/discord-stand-in.js';
import { demoDataset, people, places, TelegramStandIn, testConfig } from '../helpers/telegram-stand-in.js';
import { tempDir } from '../scheduler/helpers/fixtures.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

/** The day after subscribing at 07:00 Baku for 09:00: the first briefing is due. */
const SUBSCRIBED = new Date('2025-07-01T03:00:00Z');
const DUE = new Date('2025-07-01T05:00:00Z');
const TOPIC = 77;

async function core(stores: SqliteStores, now: Date): Promise<Core> {
	const snapshot = await demoDataset();
	return new Core({
		registry: createRegistry(commandModules as unknown as CommandModule[]),
		dataset: () => snapshot,
		clock: () => now,
		logger: pino({ level: 'silent' }),
		services: { subscriptions: stores.subscriptions, defaults: { time: '09:00', timezone: 'Asia/Baku' } },
	});
}

function sqlite(): SqliteStores {
	const t = tempDir();
	const stores = openSqliteStores(path.join(t.dir, 'sitrep.db'));
	cleanups.push(t.cleanup, () => stores.close());
	return stores;
}

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe();
		if (v) return v;
		if (Date.now() > end) throw new Error('condition not met in time');
		await sleep(10);
	}
}

async function tick(stores: SqliteStores, platform: Platform, sender: PlatformSender): Promise<void> {
	const snapshot = await demoDataset();
	await createTickRunner({
		store: stores.subscriptions,
		ledger: stores.ledger,
		senders: new Map([[platform, sender]]),
		dataset: () => snapshot,
		logger: silentLogger(),
		catchupMinutes: 120,
	}).runTick(DUE);
}

describe('Telegram forum topics', () => {
	it('/subscribe in a topic: the answer and the daily briefing go to that topic', async () => {
		const stores = sqlite();
		const standIn = await TelegramStandIn.start();
		const forum = { ...places.supergroup, is_forum: true } as Chat;
		standIn.addChat(forum);
		standIn.setMember(forum.id, people.alice.id, 'administrator');
		const platform = await startTelegram({
			core: await core(stores, SUBSCRIBED),
			config: testConfig(standIn),
			logger: silentLogger(),
			tuning: { pacing: { perChatIntervalMs: 0, group: { count: 1000, windowMs: 1000 }, global: { count: 1000, windowMs: 1000 } } },
		});
		cleanups.push(
			() => standIn.close(),
			() => platform.stop(),
		);

		standIn.push({
			message: {
				message_id: 500,
				date: 0,
				chat: forum,
				from: people.alice,
				text: '/subscribe',
				entities: [{ type: 'bot_command', offset: 0, length: 10 }],
				is_topic_message: true,
				message_thread_id: TOPIC,
			},
		} as unknown as Omit<Update, 'update_id'>);
		const answer = await until(() => standIn.ok('sendMessage', forum.id)[0]);
		expect(answer.params['message_thread_id']).toBe(TOPIC);
		expect(await stores.subscriptions.get('telegram', String(forum.id))).toMatchObject({ threadId: String(TOPIC), status: 'active' });

		const before = standIn.ok('sendMessage', forum.id).length;
		await tick(stores, 'telegram', platform.sender);
		const briefing = standIn.ok('sendMessage', forum.id).slice(before);
		expect(briefing.length).toBeGreaterThan(0);
		for (const m of briefing) expect(m.params['message_thread_id']).toBe(TOPIC);
		expect(String(briefing[0]!.params['text'])).toContain('Briefing for');
	});

	it('every message of a long answer asked in a topic goes to the topic, not only the first', async () => {
		const stores = sqlite();
		const standIn = await TelegramStandIn.start();
		const forum = { ...places.supergroup, is_forum: true } as Chat;
		standIn.addChat(forum);
		const platform = await startTelegram({
			core: await core(stores, SUBSCRIBED),
			config: testConfig(standIn),
			logger: silentLogger(),
			tuning: { pacing: { perChatIntervalMs: 0, group: { count: 1000, windowMs: 1000 }, global: { count: 1000, windowMs: 1000 } } },
		});
		cleanups.push(
			() => standIn.close(),
			() => platform.stop(),
		);
		standIn.push({
			message: {
				message_id: 501,
				date: 0,
				chat: forum,
				from: people.alice,
				text: '/briefing date:2025-07-01',
				entities: [{ type: 'bot_command', offset: 0, length: 9 }],
				is_topic_message: true,
				message_thread_id: TOPIC,
			},
		} as unknown as Omit<Update, 'update_id'>);
		await until(() => standIn.ok('sendMessage', forum.id).length > 0);
		await sleep(300);
		const sent = standIn.ok('sendMessage', forum.id);
		expect(sent.length).toBeGreaterThan(1);
		for (const m of sent) expect(m.params['message_thread_id']).toBe(TOPIC);
		// A reply thread that is not a forum topic is not mistaken for one.
		standIn.push({
			message: {
				message_id: 502,
				date: 0,
				chat: forum,
				from: people.alice,
				text: '/help',
				entities: [{ type: 'bot_command', offset: 0, length: 5 }],
				message_thread_id: 400,
			},
		} as unknown as Omit<Update, 'update_id'>);
		await until(() => standIn.ok('sendMessage', forum.id).length > sent.length);
		expect(standIn.ok('sendMessage', forum.id).at(-1)!.params['message_thread_id']).toBeUndefined();
	});
});

describe('Discord threads', () => {
	it('/subscribe in a thread or forum post: the daily briefing is posted to that thread', async () => {
		const stores = sqlite();
		const standIn = await DiscordStandIn.start();
		const config = createConfig({
			DISCORD_TOKEN: 'stand-in.discord.token',
			DISCORD_APP_ID: standIn.appId,
			DISCORD_API_ROOT: standIn.apiRoot,
		});
		const platform = await startDiscord({ core: await core(stores, SUBSCRIBED), config, logger: silentLogger() });
		cleanups.push(
			() => standIn.close(),
			() => platform.stop(),
		);
		const THREAD = '310000000000000042';
		standIn.command({
			name: 'subscribe',
			user: user('600000000000000001', 'admin'),
			permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ViewChannel,
			thread: { id: THREAD, type: ChannelType.PublicThread },
		});
		const sub = await until(() => stores.subscriptions.get('discord', THREAD));
		expect(sub).toMatchObject({ channelId: THREAD, status: 'active' });
		await tick(stores, 'discord', platform.sender);
		const posts = standIn.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/u.test(c.path));
		expect(posts.length).toBeGreaterThan(0);
		expect(new Set(posts.map((c) => c.path))).toEqual(new Set([`/channels/${THREAD}/messages`]));
	});
});
