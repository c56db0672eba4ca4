/**
 * Platform localization: Discord name_localizations / description_localizations for the Discord
 * locales sitrep speaks (ru; az and fa are not Discord locales), idempotent deploys that compare
 * them, Telegram command menus per language_code, and the reader's language from each platform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { createConfig } from '../../src/config.js';
import { Core } from '../../src/core/dispatch.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { silentLogger } from '../../src/logger.js';
import { interactionLocale } from '../../src/platforms/discord/discord-adapter.js';
import { compareCommands, deployCommands } from '../../src/platforms/discord/deploy-commands.js';
import { PageStore } from '../../src/platforms/discord/page-buttons.js';
import { DISCORD_LOCALES, DISCORD_NAME, registryToJson, toSlashCommandJson } from '../../src/platforms/discord/to-slash-command-json.js';
import { commandMenus } from '../../src/platforms/telegram/telegram-adapter.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { DiscordStandIn } from '../helpers/discord-stand-in.js';
import { makeDataset } from '../scheduler/helpers/fixtures.js';

describe('Discord slash commands', () => {
	const defs = [...registry.values()].map((m) => m.data);

	it('localize names and descriptions for Russian only: Discord has no Azerbaijani or Persian locale', () => {
		expect(DISCORD_LOCALES).toEqual({ ru: 'ru' });
		for (const d of defs) {
			const json = toSlashCommandJson(d);
			expect(Object.keys(json.name_localizations ?? {}), d.name).toEqual(['ru']);
			expect(Object.keys(json.description_localizations ?? {}), d.name).toEqual(['ru']);
			const name = json.name_localizations!['ru']!;
			expect(name).toMatch(DISCORD_NAME);
			expect(name).toBe(name.toLowerCase());
			expect(json.description_localizations!['ru']!.length).toBeLessThanOrEqual(100);
			for (const o of json.options ?? []) {
				for (const n of Object.values(o.name_localizations ?? {})) {
					expect(n).toMatch(DISCORD_NAME);
					expect(n).toBe(n!.toLowerCase());
				}
				expect(Object.keys(o.description_localizations ?? {})).toEqual(['ru']);
			}
		}
		const timeline = toSlashCommandJson(registry.get('timeline')!.data);
		expect(timeline.name).toBe('timeline');
		expect(timeline.name_localizations).toEqual({ ru: 'хронология' });
		expect(timeline.description_localizations!['ru']).toMatch(/^События/u);
		// The interaction still carries the canonical names, so dispatch does not change.
		expect(timeline.options!.map((o) => o.name)).toEqual(['text', 'from', 'to', 'actor', 'tag', 'status', 'limit', 'page']);
	});

	it('treat a changed translation as a change to deploy, and unchanged ones as none', () => {
		const desired = registryToJson(defs);
		expect(compareCommands(desired, desired)).toEqual({ added: [], updated: [], removed: [] });
		const stale = desired.map((c) => (c.name === 'help' ? { ...c, description_localizations: { ru: 'старое описание' } } : c));
		expect(compareCommands(desired, stale).updated).toEqual(['help']);
		const reordered = desired.map((c) => ({ ...c, name_localizations: c.name_localizations ? { ...c.name_localizations } : null }));
		expect(compareCommands(desired, reordered).updated).toEqual([]);
	});

	describe('deploying to the Discord stand-in', () => {
		let standIn: DiscordStandIn;
		beforeAll(async () => {
			standIn = await DiscordStandIn.start();
		});
		afterAll(async () => {
			await standIn.close();
		});

		it('reads the registration with its localizations, so a second deploy sends nothing', async () => {
			const config = createConfig({
				DISCORD_TOKEN: 'i18n-token-abcdefghijkl',
				DISCORD_APP_ID: standIn.appId,
				DISCORD_API_ROOT: standIn.apiRoot,
			});
			expect((await deployCommands({ config, registry, guildId: '200000000000000007' })).changed).toBe(true);
			const again = await deployCommands({ config, registry, guildId: '200000000000000007' });
			expect(again.changed).toBe(false);
			const get = standIn.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/commands')).at(-1)!;
			expect(get.query['with_localizations']).toBe('true');
			const put = standIn.calls.filter((c) => c.method === 'PUT').at(-1)!;
			const sent = (put.body as unknown as { name: string; name_localizations?: Record<string, string> }[]).find(
				(c) => c.name === 'subscribe',
			)!;
			expect(sent.name_localizations).toEqual({ ru: 'подписаться' });
		});
	});

	it('take the reader’s language from the user, then the server', () => {
		expect(interactionLocale({ locale: 'ru', guildLocale: 'en-US' })).toBe('ru');
		expect(interactionLocale({ locale: 'en-GB', guildLocale: 'ru' })).toBe('en');
		expect(interactionLocale({ locale: 'tr', guildLocale: 'ru' })).toBe('ru');
		expect(createTranslator(interactionLocale({ locale: 'tr', guildLocale: null })).locale).toBe('en');
	});

	it('label page buttons in the reply’s language', async () => {
		const row = await new PageStore().row({ page: 2, pages: 5, prev: '/timeline page:1', next: '/timeline page:3' }, 'u1', 'ru');
		expect(row.components.map((b) => ('label' in b ? b.label : ''))).toEqual(['◀ Назад', '2 / 5', 'Вперёд ▶']);
		const fa = await new PageStore().row({ page: 2, pages: 5, prev: '/timeline page:1' }, 'u1', 'fa');
		expect(fa.components.map((b) => ('label' in b ? b.label : ''))).toEqual(['◀ قبلی', '۲ / ۵', 'بعدی ▶']);
	});
});

describe('Telegram command menus', () => {
	const core = new Core({
		registry,
		dataset: () => makeDataset(),
		clock: () => new Date(),
		logger: silentLogger(),
		services: { registry },
	});

	it('are published in English without a language_code and in ru, az and fa with theirs', () => {
		const menus = commandMenus(core, ['42']);
		expect(menus.filter((m) => m.language_code === undefined)).toHaveLength(4);
		for (const lang of ['ru', 'az', 'fa'] as const) {
			const mine = menus.filter((m) => m.language_code === lang);
			expect(mine.map((m) => m.scope.type)).toEqual(['default', 'all_private_chats', 'all_chat_administrators', 'chat']);
			for (const m of mine) {
				for (const c of m.commands) {
					expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/u);
					expect(c.description.length).toBeGreaterThan(0);
					expect(c.description.length).toBeLessThanOrEqual(256);
				}
			}
		}
		const describe = (lang: string | undefined, command: string) =>
			menus.find((m) => m.language_code === lang && m.scope.type === 'default')!.commands.find((c) => c.command === command)!
				.description;
		expect(describe(undefined, 'timeline')).toBe(registry.get('timeline')!.data.description);
		expect(describe('ru', 'timeline')).toMatch(/^События/u);
		expect(describe('az', 'timeline')).toMatch(/^Hadisələr/u);
		expect(describe('fa', 'timeline')).toMatch(/^رویدادها/u);
	});

	it('answer in the language_code the update carries', async () => {
		const r = await core.handle({
			line: '/subscriptions',
			requester: { platform: 'telegram', userId: '5', displayName: 'x', isChannelAdmin: false, isOwner: false },
			place: { platform: 'telegram', channelId: '5', kind: 'private' },
			locale: 'az',
		});
		expect(renderPlainText(r.reply)).toContain('Gündəlik brifinqlər burada mövcud deyil');
	});
});
