/**
 * CommandDefinition → Discord application command JSON. The same neutral definition that drives
 * /help and the Telegram menu becomes a typed slash command, so the two can never disagree.
 */
import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	InteractionContextType,
	PermissionFlagsBits,
	type APIApplicationCommandBasicOption,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandDefinition, OptionDefinition, OptionType } from '../../core/command.js';
import { MAX_VALUE } from '../../core/option-values.js';
import { commandLabel, optionLabel, rawCommandDescription, rawOptionDescription } from '../../i18n/command-text.js';
import type { Locale } from '../../i18n/locale.js';

/** Where commands are registered: guild commands update at once (development), global ones everywhere. */
export type CommandScope = 'global' | 'guild';

/** Option types whose values are looked up in the dataset as the user types. */
export const AUTOCOMPLETE_TYPES: ReadonlySet<OptionType> = new Set<OptionType>(['actor', 'event', 'tag', 'outlet']);

/** Manage Guild (1 << 5) as Discord expects it: a decimal string. */
export const MANAGE_GUILD = PermissionFlagsBits.ManageGuild.toString();

/**
 * sitrep's interface languages that are Discord client locales, with Discord's code. Azerbaijani and
 * Persian are not Discord locales (Discord offers no az or fa client), so their readers see the
 * English names and descriptions in the command picker and get replies in their language through a
 * pinned language; English is the default text and needs no entry.
 */
export const DISCORD_LOCALES: Readonly<Partial<Record<Locale, string>>> = { ru: 'ru' };

/** Discord's rule for chat-input command and option names. */
export const DISCORD_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

/** A localization map for the Discord locales where the text differs from the default and is valid. */
function localizations(text: (locale: Locale) => string, base: string, valid: (s: string) => boolean): Record<string, string> | undefined {
	const out: Record<string, string> = {};
	for (const [locale, discord] of Object.entries(DISCORD_LOCALES) as [Locale, string][]) {
		const value = text(locale);
		if (value !== base && valid(value)) out[discord] = value;
	}
	return Object.keys(out).length ? out : undefined;
}

const validName = (s: string) => DISCORD_NAME.test(s) && s === s.toLowerCase();
const validDescription = (s: string) => s.length >= 1 && s.length <= 100;

/** Longest value an autocompleted option may carry: a dataset id or a few words. */
const REFERENCE_MAX = 100;
/** Dates such as "2025-07-03/2025-07-04" or "~2025-10-20" are short; a little slack for typos. */
const DATE_MAX = 40;

function optionJson(def: CommandDefinition, o: OptionDefinition): APIApplicationCommandBasicOption {
	const names = localizations((l) => optionLabel(l, def, o), o.name, validName);
	const descriptions = localizations((l) => rawOptionDescription(l, def, o), o.description, validDescription);
	const base = {
		name: o.name,
		...(names ? { name_localizations: names } : {}),
		description: o.description,
		...(descriptions ? { description_localizations: descriptions } : {}),
		required: o.required === true,
	};
	switch (o.type) {
		case 'integer':
			return {
				...base,
				type: ApplicationCommandOptionType.Integer,
				...(o.min !== undefined ? { min_value: o.min } : {}),
				...(o.max !== undefined ? { max_value: o.max } : {}),
			};
		case 'boolean':
			return { ...base, type: ApplicationCommandOptionType.Boolean };
		case 'choice':
			return { ...base, type: ApplicationCommandOptionType.String, choices: (o.choices ?? []).map((c) => ({ name: c, value: c })) };
		case 'date':
			return { ...base, type: ApplicationCommandOptionType.String, max_length: DATE_MAX };
		case 'actor':
		case 'event':
		case 'tag':
		case 'outlet':
			// Autocomplete is a suggestion only: Discord accepts any typed value, and the core re-validates it.
			return { ...base, type: ApplicationCommandOptionType.String, autocomplete: true, max_length: REFERENCE_MAX };
		case 'text':
			return { ...base, type: ApplicationCommandOptionType.String, max_length: MAX_VALUE };
	}
}

/**
 * The application command for one definition.
 *
 * Access mapping (the core re-checks at run time; this only decides who sees the command):
 * - everyone: visible to all, in servers and in DMs with the bot.
 * - channel_admin: Manage Guild by default, servers only (a DM has no admins; server admins can
 *   re-grant it under Server Settings → Integrations, hence the run-time check).
 * - owner: "0" hides it from everyone but server administrators; owners usually run it in a DM
 *   with the bot, where default_member_permissions does not apply. Owner ids are checked at run time.
 *
 * Names and descriptions carry name_localizations and description_localizations for the Discord
 * locales sitrep speaks ({@link DISCORD_LOCALES}), from the message catalog.
 *
 * `contexts` and `integration_types` only mean something for global commands, so guild-scoped
 * registrations leave them out (Discord would not echo them back, breaking the idempotence check).
 */
export function toSlashCommandJson(
	def: CommandDefinition,
	scope: CommandScope = 'global',
): RESTPostAPIChatInputApplicationCommandsJSONBody {
	const defaultPermissions = def.access === 'channel_admin' ? MANAGE_GUILD : def.access === 'owner' ? '0' : null;
	const contexts =
		def.access === 'channel_admin' ? [InteractionContextType.Guild] : [InteractionContextType.Guild, InteractionContextType.BotDM];
	const names = localizations((l) => commandLabel(l, def), def.name, validName);
	const descriptions = localizations((l) => rawCommandDescription(l, def), def.description, validDescription);
	return {
		type: ApplicationCommandType.ChatInput,
		name: def.name,
		...(names ? { name_localizations: names } : {}),
		description: def.description,
		...(descriptions ? { description_localizations: descriptions } : {}),
		options: def.options.map((o) => optionJson(def, o)),
		default_member_permissions: defaultPermissions,
		nsfw: false,
		...(scope === 'global' ? { contexts, integration_types: [ApplicationIntegrationType.GuildInstall] } : {}),
	};
}

/** Every command of a registry, in registry order. */
export function registryToJson(
	definitions: Iterable<CommandDefinition>,
	scope: CommandScope = 'global',
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
	return [...definitions].map((d) => toSlashCommandJson(d, scope));
}
