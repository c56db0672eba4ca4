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
import { MAX_VALUE } from '../../core/dispatch.js';

/** Where commands are registered: guild commands update at once (development), global ones everywhere. */
export type CommandScope = 'global' | 'guild';

/** Option types whose values are looked up in the dataset as the user types. */
export const AUTOCOMPLETE_TYPES: ReadonlySet<OptionType> = new Set<OptionType>(['actor', 'event', 'tag']);

/** Manage Guild (1 << 5) as Discord expects it: a decimal string. */
export const MANAGE_GUILD = PermissionFlagsBits.ManageGuild.toString();

/** Longest value an autocompleted option may carry: a dataset id or a few words. */
const REFERENCE_MAX = 100;
/** Dates such as "2025-07-03/2025-07-04" or "~2025-10-20" are short; a little slack for typos. */
const DATE_MAX = 40;

function optionJson(o: OptionDefinition): APIApplicationCommandBasicOption {
	const base = { name: o.name, description: o.description, required: o.required === true };
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
 * `contexts` and `integration_types` only mean something for global commands, so guild-scoped
 * registrations leave them out (Discord would not echo them back, breaking the idempotence check).
 */
export function toSlashCommandJson(def: CommandDefinition, scope: CommandScope = 'global'): RESTPostAPIChatInputApplicationCommandsJSONBody {
	const defaultPermissions = def.access === 'channel_admin' ? MANAGE_GUILD : def.access === 'owner' ? '0' : null;
	const contexts = def.access === 'channel_admin' ? [InteractionContextType.Guild] : [InteractionContextType.Guild, InteractionContextType.BotDM];
	return {
		type: ApplicationCommandType.ChatInput,
		name: def.name,
		description: def.description,
		options: def.options.map(optionJson),
		default_member_permissions: defaultPermissions,
		nsfw: false,
		...(scope === 'global' ? { contexts, integration_types: [ApplicationIntegrationType.GuildInstall] } : {}),
	};
}

/** Every command of a registry, in registry order. */
export function registryToJson(definitions: Iterable<CommandDefinition>, scope: CommandScope = 'global'): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
	return [...definitions].map((d) => toSlashCommandJson(d, scope));
}
