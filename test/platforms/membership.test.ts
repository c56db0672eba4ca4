/**
 * Membership changes act at once, through the real clients: a Telegram group upgraded to a
 * supergroup moves its subscription when the service message arrives; the bot removed from a
 * Telegram chat or a Discord server pauses the subscriptions there on that event, and the owners
 * are told. A real SQLite store.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Update } from 'telegraf/types';
import { createConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { startDiscord } from '../../src/platforms/discord/discord-adapter.js';
import { startTelegram } from '../../src/platforms/telegram/telegram-adapter.js';
import { createMembership } from '../../src/scheduler/membership.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import type { Subscription, SubscriptionInput } from '../../src/store/store.js';
import { DiscordStandIn, GUILD, TEXT_CHANNEL } from '../helpers/discord-stand-in.js';
import { BOT, people, places, TelegramStandIn, testConfig, testCore } from '../helpers/telegram-stand-in.js';
import { tempDir } from '../scheduler/helpers/fixtures.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

const NOW = new Date('2025-07-01T04:00:00Z');
const input = (over: Partial<SubscriptionInput>): SubscriptionInput => ({
	platform: 'telegram',
	channelId: '-4001',
	time: '09:00',
	timezone: 'Asia/Baku',
	quiet: false,
	createdBy: 'test',
	...over,
});

function setup() {
	const t = tempDir();
	const stores = openSqliteStores(path.join(t.dir, 'sitrep.db'));
	cleanups.push(t.cleanup, () => stores.close());
	const told: { subscription: Subscription; reason: string }[] = [];
	const membership = createMembership({
		subscriptions: stores.subscriptions,
		logger: silentLogger(),
		onPaused: (subscription, reason) => Promise.resolve(void told.push({ subscription, reason })),
	});
	return { stores, told, membership };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await sleep(10);
	}
}

describe('Telegram', () => {
	async function start() {
		const { stores, told, membership } = setup();
		const standIn = await TelegramStandIn.start();
		const platform = await startTelegram({
			core: await testCore(),
			config: testConfig(standIn),
			logger: silentLogger(),
			membership,
			tuning: { pacing: { perChatIntervalMs: 0, group: { count: 1000, windowMs: 1000 }, global: { count: 1000, windowMs: 1000 } } },
		});
		cleanups.push(
			() => standIn.close(),
			() => platform.stop(),
		);
		return { stores, told, standIn };
	}

	it('moves the subscription when a group becomes a supergroup, not at the next send', async () => {
		const { stores, standIn } = await start();
		const { subscription } = await stores.subscriptions.upsert(input({ channelId: String(places.group.id) }), NOW);
		standIn.push({
			message: { message_id: 7, date: 0, chat: places.group, from: people.alice, migrate_to_chat_id: places.supergroup.id },
		} as unknown as Omit<Update, 'update_id'>);
		await until(async () => (await stores.subscriptions.getById(subscription.id))?.channelId === String(places.supergroup.id));
		// The twin message in the new supergroup finds nothing left to move.
		standIn.push({
			message: { message_id: 1, date: 0, chat: places.supergroup, migrate_from_chat_id: places.group.id },
		} as unknown as Omit<Update, 'update_id'>);
		await sleep(100);
		expect(await stores.subscriptions.list()).toMatchObject([
			{ id: subscription.id, channelId: String(places.supergroup.id), status: 'active' },
		]);
	});

	it('pauses the subscription when the bot is removed from the chat, and tells the owners once', async () => {
		const { stores, told, standIn } = await start();
		await stores.subscriptions.upsert(input({ channelId: String(places.supergroup.id) }), NOW);
		const member = (status: string) => ({ user: BOT, status });
		standIn.push({
			my_chat_member: {
				chat: places.supergroup,
				from: people.alice,
				date: 0,
				old_chat_member: member('member'),
				new_chat_member: member('kicked'),
			},
		} as unknown as Omit<Update, 'update_id'>);
		await until(async () => (await stores.subscriptions.get('telegram', String(places.supergroup.id)))?.status === 'paused');
		expect(await stores.subscriptions.get('telegram', String(places.supergroup.id))).toMatchObject({
			pauseReason: 'removed from the chat',
		});
		standIn.push({
			my_chat_member: {
				chat: places.supergroup,
				from: people.alice,
				date: 0,
				old_chat_member: member('kicked'),
				new_chat_member: member('left'),
			},
		} as unknown as Omit<Update, 'update_id'>);
		await sleep(100);
		expect(told.map((t) => [t.subscription.channelId, t.reason])).toEqual([[String(places.supergroup.id), 'removed from the chat']]);
	});
});

describe('Discord', () => {
	it('pauses the subscriptions of a server the bot is removed from, and tells the owners', async () => {
		const { stores, told, membership } = setup();
		const standIn = await DiscordStandIn.start();
		const config = createConfig({
			DISCORD_TOKEN: 'stand-in.discord.token',
			DISCORD_APP_ID: standIn.appId,
			DISCORD_API_ROOT: standIn.apiRoot,
		});
		const platform = await startDiscord({ core: await testCore(), config, logger: silentLogger(), membership });
		cleanups.push(
			() => standIn.close(),
			() => platform.stop(),
		);
		await stores.subscriptions.upsert(input({ platform: 'discord', channelId: TEXT_CHANNEL, guildId: GUILD }), NOW);
		await stores.subscriptions.upsert(
			input({ platform: 'discord', channelId: '300000000000000777', guildId: '200000000000000777' }),
			NOW,
		);
		standIn.dispatch('GUILD_DELETE', { id: GUILD });
		await until(async () => (await stores.subscriptions.get('discord', TEXT_CHANNEL))?.status === 'paused');
		expect(await stores.subscriptions.get('discord', TEXT_CHANNEL)).toMatchObject({ pauseReason: 'removed from the server' });
		expect(await stores.subscriptions.get('discord', '300000000000000777')).toMatchObject({ status: 'active' });
		expect(told.map((t) => t.subscription.channelId)).toEqual([TEXT_CHANNEL]);
	});
});
