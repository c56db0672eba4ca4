/**
 * Registers the registry's slash commands with Discord: one bulk overwrite (PUT), guild-scoped when
 * a guild id is given (instant, for development), global otherwise. The current registration is
 * read first and the PUT skipped when nothing changed, so running it twice changes nothing and
 * spends none of the 200-creates-a-day budget.
 */
import { REST, Routes, type RESTGetAPIApplicationCommandsResult, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Config } from '../../config.js';
import type { Registry } from '../../core/registry.js';
import type { Logger } from '../../logger.js';
import { registryToJson, type CommandScope } from './to-slash-command-json.js';

export interface DeployOptions {
	readonly config: Config;
	readonly registry: Registry;
	/** Register in this guild only (takes effect at once); global when absent. */
	readonly guildId?: string;
	readonly logger?: Logger;
	/** An existing REST client (the running bot's); a new one is made from the config otherwise. */
	readonly rest?: REST;
}

export interface DeployResult {
	readonly scope: CommandScope;
	readonly guildId?: string;
	/** False when the registration already matched and no PUT was sent. */
	readonly changed: boolean;
	readonly commands: readonly string[];
	/** Commands that were added, changed or removed (empty when unchanged). */
	readonly added: readonly string[];
	readonly updated: readonly string[];
	readonly removed: readonly string[];
}

/** `http://host:port` or `http://host:port/api` → the `api` option of discord.js' REST client. */
export function restApiBase(apiRoot: string): string {
	const root = apiRoot.replace(/\/+$/u, '');
	return root.endsWith('/api') ? root : `${root}/api`;
}

/** Makes a REST client for the configured token and API root. */
export function createRest(config: Config): REST {
	if (!config.discord) throw new Error('Discord is not configured: set DISCORD_TOKEN and DISCORD_APP_ID in .env');
	const rest = new REST({ ...(config.discord.apiRoot ? { api: restApiBase(config.discord.apiRoot) } : {}) });
	return rest.setToken(config.discord.token);
}

export async function deployCommands(options: DeployOptions): Promise<DeployResult> {
	const discord = options.config.discord;
	if (!discord) throw new Error('Discord is not configured: set DISCORD_TOKEN and DISCORD_APP_ID in .env');
	if (options.guildId !== undefined && !/^\d{5,25}$/u.test(options.guildId))
		throw new Error(`"${options.guildId}" is not a Discord guild id (a number such as 123456789012345678)`);
	const scope: CommandScope = options.guildId ? 'guild' : 'global';
	const rest = options.rest ?? createRest(options.config);
	const route = options.guildId
		? Routes.applicationGuildCommands(discord.appId, options.guildId)
		: Routes.applicationCommands(discord.appId);
	const desired = registryToJson(
		[...options.registry.values()].map((m) => m.data),
		scope,
	);
	// With the full localization dictionaries, so that a changed translation is seen as a change.
	const existing = (await rest.get(route, {
		query: new URLSearchParams({ with_localizations: 'true' }),
	})) as RESTGetAPIApplicationCommandsResult;
	const diff = compareCommands(desired, existing);
	const base = { scope, ...(options.guildId ? { guildId: options.guildId } : {}), commands: desired.map((c) => c.name) };
	if (diff.added.length + diff.updated.length + diff.removed.length === 0) {
		options.logger?.info({ scope, guild: options.guildId, count: desired.length }, 'Slash commands already up to date; nothing sent');
		return { ...base, changed: false, added: [], updated: [], removed: [] };
	}
	await rest.put(route, { body: desired });
	options.logger?.info({ scope, guild: options.guildId, ...diff }, 'Slash commands registered');
	return { ...base, changed: true, ...diff };
}

/** What a PUT of `desired` would change in `existing`, compared on the fields sitrep manages. */
export function compareCommands(
	desired: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
	existing: readonly object[],
): { added: string[]; updated: string[]; removed: string[] } {
	const have = new Map<string, unknown>();
	for (const e of existing) {
		const c = e as { name?: unknown };
		if (typeof c.name === 'string') have.set(c.name, e);
	}
	const added: string[] = [];
	const updated: string[] = [];
	for (const d of desired) {
		const e = have.get(d.name);
		if (e === undefined) added.push(d.name);
		else if (JSON.stringify(canonical(d as unknown as Json, d)) !== JSON.stringify(canonical(e as Record<string, unknown>, d)))
			updated.push(d.name);
	}
	const wanted = new Set(desired.map((d) => d.name));
	const removed = [...have.keys()].filter((n) => !wanted.has(n));
	return { added, updated, removed };
}

type Json = Record<string, unknown>;

/** A localization map in a comparable form: keys sorted, null when empty or absent. */
function localized(v: unknown): Json | null {
	if (v === null || typeof v !== 'object') return null;
	const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return entries.length ? Object.fromEntries(entries) : null;
}

/**
 * The managed fields of a command with Discord's defaults filled in. Discord echoes commands back
 * with extra fields (id, version) and drops false/empty ones, so a plain deep-equal would always
 * differ. Localizations are compared (read with with_localizations=true), an empty map being none.
 * Fields sitrep did not send (`shape`) are not compared.
 */
function canonical(c: Json, shape: RESTPostAPIChatInputApplicationCommandsJSONBody): Json {
	const out: Json = {
		type: c['type'] ?? 1,
		name: c['name'],
		name_localizations: localized(c['name_localizations']),
		description: c['description'],
		description_localizations: localized(c['description_localizations']),
		default_member_permissions: c['default_member_permissions'] ?? null,
		nsfw: c['nsfw'] ?? false,
		options: ((c['options'] as Json[] | undefined) ?? []).map(canonicalOption),
	};
	if (shape.contexts !== undefined) out['contexts'] = sorted(c['contexts']);
	if (shape.integration_types !== undefined) out['integration_types'] = sorted(c['integration_types']);
	return out;
}

function canonicalOption(o: Json): Json {
	return {
		type: o['type'],
		name: o['name'],
		name_localizations: localized(o['name_localizations']),
		description: o['description'],
		description_localizations: localized(o['description_localizations']),
		required: o['required'] ?? false,
		autocomplete: o['autocomplete'] ?? false,
		choices: ((o['choices'] as Json[] | undefined) ?? []).map((ch) => ({ name: ch['name'], value: ch['value'] })),
		min_value: o['min_value'] ?? null,
		max_value: o['max_value'] ?? null,
		min_length: o['min_length'] ?? null,
		max_length: o['max_length'] ?? null,
	};
}

function sorted(v: unknown): unknown {
	return Array.isArray(v) ? [...(v as number[])].sort((a, b) => a - b) : null;
}
