/** Definitions → application command JSON, and deploying it idempotently. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, InteractionContextType } from 'discord.js';
import { registry } from '../../../commands/index.js';
import { createConfig } from '../../../src/config.js';
import { defineCommand, type CommandModule } from '../../../src/core/command.js';
import { createRegistry } from '../../../src/core/registry.js';
import { compareCommands, deployCommands, restApiBase } from '../../../src/platforms/discord/deploy-commands.js';
import { MANAGE_GUILD, registryToJson, toSlashCommandJson } from '../../../src/platforms/discord/to-slash-command-json.js';
import { DiscordStandIn } from '../../helpers/discord-stand-in.js';

/** Discord's rule for chat-input command and option names (lowercase where the script has case). */
const DISCORD_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

describe('toSlashCommandJson', () => {
	const defs = [...registry.values()].map((m) => m.data);

	it.each(defs.map((d) => [d.name, d] as const))('/%s maps to a valid chat-input command', (_name, def) => {
		const json = toSlashCommandJson(def);
		expect(json.type).toBe(1);
		expect(json.name).toMatch(DISCORD_NAME);
		expect(json.name).toBe(json.name.toLowerCase());
		expect(json.description.length).toBeGreaterThanOrEqual(1);
		expect(json.description.length).toBeLessThanOrEqual(100);
		expect(json.options?.length ?? 0).toBeLessThanOrEqual(25);
		let optionalSeen = false;
		for (const [i, o] of (json.options ?? []).entries()) {
			const src = def.options[i]!;
			expect(o.name).toBe(src.name);
			expect(o.name).toMatch(DISCORD_NAME);
			expect(o.description.length).toBeGreaterThanOrEqual(1);
			expect(o.description.length).toBeLessThanOrEqual(100);
			if (o.required) expect(optionalSeen, `${def.name} ${o.name}: required after optional`).toBe(false);
			else optionalSeen = true;
			const expected = {
				text: ApplicationCommandOptionType.String,
				date: ApplicationCommandOptionType.String,
				actor: ApplicationCommandOptionType.String,
				event: ApplicationCommandOptionType.String,
				tag: ApplicationCommandOptionType.String,
				outlet: ApplicationCommandOptionType.String,
				choice: ApplicationCommandOptionType.String,
				integer: ApplicationCommandOptionType.Integer,
				boolean: ApplicationCommandOptionType.Boolean,
			}[src.type];
			expect(o.type, `${def.name} ${o.name}`).toBe(expected);
			const auto = 'autocomplete' in o ? o.autocomplete : undefined;
			expect(auto === true, `${def.name} ${o.name} autocomplete`).toBe(['actor', 'event', 'tag', 'outlet'].includes(src.type));
			if (src.type === 'choice') {
				const choices = 'choices' in o ? (o.choices ?? []) : [];
				expect(choices.map((c) => c.value)).toEqual(src.choices);
				expect(choices.length).toBeLessThanOrEqual(25);
			}
			if (src.type === 'integer') {
				expect('min_value' in o ? o.min_value : undefined).toBe(src.min);
				expect('max_value' in o ? o.max_value : undefined).toBe(src.max);
			}
			if (o.type === ApplicationCommandOptionType.String && 'max_length' in o && o.max_length !== undefined)
				expect(o.max_length).toBeLessThanOrEqual(6000);
		}
		if (def.access === 'channel_admin') {
			expect(json.default_member_permissions).toBe('32');
			expect(json.contexts).toEqual([InteractionContextType.Guild]);
		} else if (def.access === 'owner') expect(json.default_member_permissions).toBe('0');
		else {
			expect(json.default_member_permissions).toBeNull();
			expect(json.contexts).toEqual([InteractionContextType.Guild, InteractionContextType.BotDM]);
		}
	});

	it('gives subscribe and unsubscribe Manage Guild (0x20) and keeps them out of DMs', () => {
		expect(MANAGE_GUILD).toBe('32');
		for (const name of ['subscribe', 'unsubscribe']) {
			const def = registry.get(name)?.data;
			if (!def) continue;
			expect(toSlashCommandJson(def).default_member_permissions).toBe('32');
		}
	});

	it('hides owner commands from everyone but administrators', () => {
		const owner = defineCommand({
			data: { name: 'reload', description: 'Reload the dataset', access: 'owner', options: [], examples: ['/reload'] },
			execute: () => ({ blocks: [] }),
		});
		expect(toSlashCommandJson(owner.data).default_member_permissions).toBe('0');
	});

	it('leaves contexts out of guild-scoped commands', () => {
		const json = toSlashCommandJson(registry.get('timeline')!.data, 'guild');
		expect(json).not.toHaveProperty('contexts');
		expect(json).not.toHaveProperty('integration_types');
	});
});

describe('deployCommands', () => {
	let standIn: DiscordStandIn;
	beforeAll(async () => {
		standIn = await DiscordStandIn.start();
	});
	afterAll(async () => {
		await standIn.close();
	});

	const config = () =>
		createConfig({ DISCORD_TOKEN: 'deploy-token-abcdefghijkl', DISCORD_APP_ID: standIn.appId, DISCORD_API_ROOT: standIn.apiRoot });
	const puts = () => standIn.calls.filter((c) => c.method === 'PUT');

	it('registers guild-scoped commands with one PUT, then changes nothing on a second run', async () => {
		const first = await deployCommands({ config: config(), registry, guildId: '200000000000000001' });
		expect(first).toMatchObject({ scope: 'guild', changed: true });
		expect(first.added).toEqual([...registry.keys()]);
		const put = puts().at(-1)!;
		expect(put.path).toBe(`/applications/${standIn.appId}/guilds/200000000000000001/commands`);
		expect(put.authorization).toBe('Bot deploy-token-abcdefghijkl');
		expect((put.body as unknown as unknown[]).length).toBe(registry.size);

		const second = await deployCommands({ config: config(), registry, guildId: '200000000000000001' });
		expect(second.changed).toBe(false);
		expect(puts()).toHaveLength(1);
	});

	it('registers global commands separately, idempotently', async () => {
		const first = await deployCommands({ config: config(), registry });
		expect(first).toMatchObject({ scope: 'global', changed: true });
		expect(puts().at(-1)!.path).toBe(`/applications/${standIn.appId}/commands`);
		const count = puts().length;
		expect((await deployCommands({ config: config(), registry })).changed).toBe(false);
		expect(puts()).toHaveLength(count);
	});

	it('sends a PUT again when a definition changes, and reports what changed', async () => {
		const changed = createRegistry([
			...([...registry.values()].filter((m) => m.data.name !== 'help') as CommandModule[]),
			defineCommand({
				data: { name: 'ping', description: 'Is the bot there?', access: 'everyone', options: [], examples: ['/ping'] },
				execute: () => ({ blocks: [] }),
			}) as unknown as CommandModule,
		]);
		const r = await deployCommands({ config: config(), registry: changed });
		expect(r.changed).toBe(true);
		expect(r.added).toEqual(['ping']);
		expect(r.removed).toEqual(['help']);
		expect(r.updated).toEqual([]);
	});

	it('rejects a malformed guild id before any request', async () => {
		const before = standIn.calls.length;
		await expect(deployCommands({ config: config(), registry, guildId: 'not-a-guild' })).rejects.toThrow(/guild id/u);
		expect(standIn.calls.length).toBe(before);
	});

	it('compares on the fields sitrep manages, with Discord defaults filled in', () => {
		const desired = registryToJson([registry.get('search')!.data]);
		// As Discord lists them with with_localizations=true: the localization maps come back as sent.
		const echoed = desired.map((c) => ({
			...c,
			id: '1',
			version: '2',
			options: (c.options ?? []).map((o) => {
				const { required, ...rest } = o as { required?: boolean };
				return required ? o : rest;
			}),
		}));
		expect(compareCommands(desired, echoed)).toEqual({ added: [], updated: [], removed: [] });
		const edited = echoed.map((c) => ({ ...c, description: 'different' }));
		expect(compareCommands(desired, edited).updated).toEqual(['search']);
		// A translation is managed too: a changed or missing localization is a change.
		const retranslated = echoed.map((c) => ({ ...c, description_localizations: { ru: 'другое' } }));
		expect(compareCommands(desired, retranslated).updated).toEqual(['search']);
		expect(
			compareCommands(
				desired,
				echoed.map((c) => ({ ...c, name_localizations: null })),
			).updated,
		).toEqual(['search']);
	});

	it('points REST at the configured root', () => {
		expect(restApiBase('http://127.0.0.1:9999')).toBe('http://127.0.0.1:9999/api');
		expect(restApiBase('https://proxy.example/api/')).toBe('https://proxy.example/api');
	});
});
