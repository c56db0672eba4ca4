/**
 * "Open on the web": with a public URL, answers link to the page for exactly what was asked and
 * event lines to their pages, through the real discord.js and telegraf clients against the
 * stand-ins, and as a plain line in the console.
 */
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import { commandModules } from '../../commands/index.js';
import { createConfig } from '../../src/config.js';
import type { CommandModule } from '../../src/core/command.js';
import { Core } from '../../src/core/dispatch.js';
import { createRegistry } from '../../src/core/registry.js';
import { webPathFor } from '../../src/core/web-links.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { startDiscord, type DiscordPlatform } from '../../src/platforms/discord/discord-adapter.js';
import { startTelegram, type TelegramPlatform } from '../../src/platforms/telegram/telegram-adapter.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { DiscordStandIn, user, type RecordedCall } from '../helpers/discord-stand-in.js';
import {
	checkTelegramHtml,
	people,
	places,
	TelegramStandIn,
	testConfig,
	TOKEN as TG_TOKEN,
	type StoredMessage,
} from '../helpers/telegram-stand-in.js';

const PUBLIC = 'https://sitrep.example.org/story';
const silent = pino({ level: 'silent' });
let demo: DatasetSnapshot;

function linkedCore(dataset: DatasetSnapshot): Core {
	const registry = createRegistry(commandModules as unknown as CommandModule[]);
	return new Core({
		registry,
		dataset: () => dataset,
		clock: () => new Date('2025-07-10T09:00:00Z'),
		logger: silent,
		services: { registry },
		publicUrl: PUBLIC,
	});
}

const ask = (core: Core, line: string, locale?: string) =>
	core.handle({
		line,
		requester: { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: false, isOwner: false },
		place: { platform: 'console', channelId: 'c', kind: 'console' },
		...(locale ? { locale } : {}),
	});

beforeAll(async () => {
	const r = await loadDataset(path.resolve('data'));
	if (!r.ok) throw new Error('demo dataset invalid');
	demo = r.snapshot;
});

describe('the link of each answer', () => {
	it.each([
		['/timeline actor:Kremlin from:2025-06', `${PUBLIC}/timeline?from=2025-06&actor=kremlin`],
		['/event sputnik-azerbaijan-raid', `${PUBLIC}/events/sputnik-azerbaijan-raid`],
		['/actor Peskov', `${PUBLIC}/actors/dmitry-peskov`],
		['/search "sputnik raid"', `${PUBLIC}/search?q=sputnik+raid`],
		['/briefing date:2025-06-30', `${PUBLIC}/briefing?date=2025-06-30`],
	])('%s links to %s', async (line, url) => {
		const r = await ask(linkedCore(demo), line);
		expect(r.outcome.kind).toBe('ok');
		expect(r.reply.link?.url).toBe(url);
		expect(r.reply.link?.label).toBe('Open on the web');
	});

	it('keeps the reader language, links event lines, and leaves errors and commands without pages alone', async () => {
		const core = linkedCore(demo);
		const ru = await ask(core, '/timeline limit:3', 'ru');
		expect(ru.reply.link).toEqual({ url: `${PUBLIC}/timeline?limit=3&lang=ru`, label: 'Открыть на сайте' });
		const events = ru.reply.blocks.filter((b) => b.kind === 'event');
		expect(events).toHaveLength(3);
		for (const e of events) expect(e.kind === 'event' && e.url).toBe(`${PUBLIC}/events/${e.kind === 'event' ? e.id : ''}?lang=ru`);
		expect((await ask(core, '/timeline from:nonsense')).reply.link).toBeUndefined();
		expect((await ask(core, '/help')).reply.link).toBeUndefined();
		expect(webPathFor('subscribe', {})).toBeUndefined();
	});

	it('the console shows the link as a plain line', async () => {
		const r = await ask(linkedCore(demo), '/event sputnik-azerbaijan-raid');
		expect(renderPlainText(r.reply)).toMatch(
			/\nOpen on the web: https:\/\/sitrep\.example\.org\/story\/events\/sputnik-azerbaijan-raid$/u,
		);
	});
});

describe('Telegram (real telegraf against the stand-in)', () => {
	let standIn: TelegramStandIn;
	let platform: TelegramPlatform;
	beforeAll(async () => {
		standIn = await TelegramStandIn.start();
		platform = await startTelegram({
			core: linkedCore(demo),
			config: testConfig(standIn),
			logger: silent,
			tuning: { pacing: { perChatIntervalMs: 5, group: { count: 1000, windowMs: 1000 }, global: { count: 1000, windowMs: 1000 } } },
		});
	});
	afterAll(async () => {
		await platform?.stop();
		await standIn?.close();
	});

	it('a paged answer carries its page buttons and a URL button; event ids link to their pages', async () => {
		const alice = places.private(people.alice);
		standIn.message(alice, people.alice, '/timeline limit:3 actor:kremlin');
		const call = await standIn.waitFor(() => standIn.ok('sendMessage', alice.id)[0]);
		const rows = (call.params['reply_markup'] as StoredMessage['reply_markup'])!.inline_keyboard;
		expect(rows).toHaveLength(2);
		expect(rows[1]).toEqual([{ text: 'Open on the web', url: `${PUBLIC}/timeline?actor=kremlin&limit=3` }]);
		const html = String(call.params['text']);
		expect(checkTelegramHtml(html).ok).toBe(true);
		expect([...html.matchAll(/<a href="https:\/\/sitrep\.example\.org\/story\/events\/[a-z0-9-]+">/gu)]).toHaveLength(3);
		expect(TG_TOKEN).not.toBe('');
	});

	it('an event answer carries the URL button to that event', async () => {
		const bob = places.private(people.bob);
		standIn.message(bob, people.bob, '/event sputnik-azerbaijan-raid');
		const call = await standIn.waitFor(() => standIn.ok('sendMessage', bob.id).find((c) => c.params['reply_markup']));
		const rows = (call.params['reply_markup'] as StoredMessage['reply_markup'])!.inline_keyboard;
		expect(rows.flat()).toEqual([{ text: 'Open on the web', url: `${PUBLIC}/events/sputnik-azerbaijan-raid` }]);
	});
});

describe('Discord (real discord.js against the stand-in)', () => {
	let standIn: DiscordStandIn;
	let platform: DiscordPlatform;
	beforeAll(async () => {
		standIn = await DiscordStandIn.start();
		const config = createConfig({
			DISCORD_TOKEN: 'stand-in-token-abcdefghijklmnop',
			DISCORD_APP_ID: standIn.appId,
			DISCORD_API_ROOT: standIn.apiRoot,
		});
		platform = await startDiscord({ core: linkedCore(demo), config, logger: silent, deferAfterMs: 1500 });
	});
	afterAll(async () => {
		await platform?.stop();
		await standIn?.close();
	});
	const dataOf = (c: RecordedCall) =>
		c.body?.['data'] as { embeds?: APIEmbed[]; components?: APIActionRowComponent<APIButtonComponent>[] };

	it('a paged answer has its page buttons and a link button row; event ids are masked links', async () => {
		const i = standIn.command({ name: 'timeline', options: { limit: 3, actor: 'kremlin' }, user: user('600000000000000001', 'alice') });
		const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback` && c.status < 300);
		const data = dataOf(cb);
		expect(data.components).toHaveLength(2);
		expect(data.components![1]!.components).toEqual([
			{
				type: ComponentType.Button,
				style: ButtonStyle.Link,
				label: 'Open on the web',
				url: `${PUBLIC}/timeline?actor=kremlin&limit=3`,
			},
		]);
		const text = (data.embeds ?? []).map((e) => e.description ?? '').join('\n');
		expect([...text.matchAll(/\[`[a-z0-9-]+`\]\(https:\/\/sitrep\.example\.org\/story\/events\/[a-z0-9-]+\)/gu)]).toHaveLength(3);
	});
});
