/**
 * The Discord platform: a discord.js gateway client (Guilds intent only, no message content) that
 * turns slash commands, autocomplete and paging buttons into core requests and core replies into
 * embeds. Every interaction is acknowledged exactly once; mentions are disabled client-wide and on
 * every payload; no single API error can take the process down.
 */
import {
	Client,
	Events,
	GatewayIntentBits,
	InteractionContextType,
	MessageFlags,
	Options,
	PermissionFlagsBits,
	RESTEvents,
	Routes,
	type AutocompleteInteraction,
	type ButtonInteraction,
	type ChatInputCommandInteraction,
	type Interaction,
	type InteractionReplyOptions,
	type RESTGetAPIGatewayBotResult,
	type APIActionRowComponent,
	type APIButtonComponent,
} from 'discord.js';
import type { Config } from '../../config.js';
import type { Place, Requester } from '../../core/command.js';
import type { ConnectionState, PlatformSender } from '../../core/delivery.js';
import type { Membership } from '../../scheduler/membership.js';
import type { Core, HandleResult } from '../../core/dispatch.js';
import { genericFailure, slowDownReply } from '../../core/error-reply.js';
import { CommandRateLimiter, DEFAULT_FLOOD_LIMITS, type FloodLimits, type OnDrop } from '../../core/flood.js';
import { para, type Paging, type Reply } from '../../core/reply.js';
import { toLocale } from '../../i18n/locale.js';
import { localizeReplyCommands } from '../../i18n/command-text.js';
import { createTranslator } from '../../i18n/translator.js';
import type { Logger } from '../../logger.js';
import type { PageKeyTable } from '../../store/store.js';
import { suggest } from '../../core/complete.js';
import { restApiBase } from './deploy-commands.js';
import { createDiscordSender, describeError } from './discord-sender.js';
import { linkRow, PageStore } from './page-buttons.js';
import { renderDiscord, type DiscordMessage } from './render-discord.js';
import { AUTOCOMPLETE_TYPES } from './to-slash-command-json.js';

export interface DiscordOptions {
	readonly core: Core;
	readonly config: Config;
	readonly logger: Logger;
	/** Pauses the subscriptions of a server the bot is removed from, when Discord says so. */
	readonly membership?: Membership;
	/** Defer an answer that is not ready after this long (the hard deadline is 3 s). Default 1500. */
	readonly deferAfterMs?: number;
	/** Commands that are deferred at once because their work may approach the deadline. */
	readonly deferImmediately?: readonly string[];
	/** How long paging buttons work. Default 30 minutes. */
	readonly pageTtlMs?: number;
	/** Where paging keys live: the shared store's, so a press reaching another process turns the page. Default: memory. */
	readonly pages?: PageKeyTable;
	/** A REST rate limit longer than this fails the call (the sender reports it transient) instead of waiting. */
	readonly maxRateLimitWaitMs?: number;
	/** Refuse to start when fewer gateway sessions than this remain today (Discord resets the token at 0). */
	readonly minSessionStarts?: number;
	/** Give up waiting for the gateway after this long. Default 30 s. */
	readonly readyTimeoutMs?: number;
	/** The per-user command rate (the reply queue does not apply: each answer is its interaction's response). */
	readonly flood?: Partial<FloodLimits>;
	/** Counts commands refused by the flood bounds. */
	readonly onDrop?: OnDrop;
}

export interface DiscordPlatform {
	readonly sender: PlatformSender;
	/** The gateway connection: down from a disconnect until it is ready or resumed again. */
	connection(): ConnectionState;
	readonly client: Client<true>;
	/** Time from login to ClientReady, in milliseconds. */
	readonly readyMs: number;
	stop(): Promise<void>;
}

const NO_MENTIONS = { parse: [] as [] };

/** The answer to a page button that no longer works, in the presser's language. */
function expired(locale: string | undefined): Reply {
	const i18n = createTranslator(locale);
	return {
		blocks: [para({ text: i18n.t('discord.expired'), mark: 'bold' }), para(i18n.t('discord.expired.hint'))],
		ephemeral: true,
		locale: i18n.locale,
	};
}

/** The answer to someone pressing another person's page buttons, in the presser's language. */
function notYours(locale: string | undefined): Reply {
	const i18n = createTranslator(locale);
	return {
		blocks: [para({ text: i18n.t('discord.notYours'), mark: 'bold' }), para(i18n.t('discord.notYours.hint'))],
		ephemeral: true,
		locale: i18n.locale,
	};
}

/**
 * The reader's language hint for an interaction: the user's client language when sitrep speaks it,
 * else the server's (guild_locale). Discord has no Azerbaijani or Persian client locale, so those
 * readers are reached through a pinned language (/subscribe language:…).
 */
export function interactionLocale(i: { locale: string; guildLocale?: string | null }): string {
	return toLocale(i.locale) ?? toLocale(i.guildLocale) ?? i.locale;
}

type GatewayTrouble = 'starting' | 'closed' | 'reconnecting' | 'invalidated';

/** The gateway's state while it is down, worded for the operator (/healthz), not for readers. */
function gatewayDown(why: GatewayTrouble, code?: number): ConnectionState {
	const reason = {
		starting: 'not connected yet',
		closed: `gateway closed with code ${code ?? '?'}`,
		reconnecting: 'gateway reconnecting',
		invalidated: 'session invalidated',
	}[why];
	return { up: false, since: Date.now(), reason };
}

/** Starts the Discord platform and resolves once the gateway is ready. */
export async function startDiscord(opts: DiscordOptions): Promise<DiscordPlatform> {
	const discord = opts.config.discord;
	if (!discord) throw new Error('Discord is not configured: set DISCORD_TOKEN and DISCORD_APP_ID in .env');
	const logger = opts.logger.child({ platform: 'discord' });
	const maxWait = opts.maxRateLimitWaitMs ?? 10_000;
	const client = new Client({
		intents: [GatewayIntentBits.Guilds],
		allowedMentions: NO_MENTIONS,
		rest: {
			...(discord.apiRoot ? { api: restApiBase(discord.apiRoot) } : {}),
			// A 429 without bucket headers reports its wait only in retryAfter.
			rejectOnRateLimit: (limit) => Math.max(limit.timeToReset, limit.retryAfter) > maxWait,
		},
		// Nothing reads messages or members from the cache; keep memory flat in many guilds.
		makeCache: Options.cacheWithLimits({
			...Options.DefaultMakeCacheSettings,
			MessageManager: 0,
			ReactionManager: 0,
			GuildMemberManager: { maxSize: 200, keepOverLimit: (m) => m.id === m.client.user.id },
		}),
	});

	client.on(Events.Error, (err) => logger.error({ err: describeError(err) }, 'Discord client error'));
	client.on(Events.ShardError, (err, shard) => logger.warn({ shard, err: describeError(err) }, 'Discord gateway error; reconnecting'));
	let connection: ConnectionState = gatewayDown('starting');
	const down = (why: GatewayTrouble, code?: number) => {
		if (connection.up) connection = gatewayDown(why, code);
	};
	const up = () => {
		if (!connection.up) connection = { up: true, since: Date.now() };
	};
	client.on(Events.ShardDisconnect, (event, shard) => {
		logger.warn({ shard, code: event.code }, 'Discord gateway disconnected');
		down('closed', event.code);
	});
	client.on(Events.ShardReconnecting, (shard) => {
		logger.info({ shard }, 'Discord gateway reconnecting');
		down('reconnecting');
	});
	client.on(Events.ShardResume, (shard, replayed) => {
		logger.info({ shard, replayed }, 'Discord gateway resumed');
		up();
	});
	client.on(Events.ShardReady, () => up());
	client.on(Events.Invalidated, () => down('invalidated'));
	client.on(Events.Invalidated, () => logger.error('Discord session invalidated and cannot reconnect; restart the bot'));
	client.on(Events.Warn, (message) => logger.warn({ message }, 'Discord warning'));
	client.rest.on(RESTEvents.RateLimited, (info) =>
		logger.warn({ route: info.route, ms: info.timeToReset, global: info.global, scope: info.scope }, 'Discord rate limit'),
	);

	const handler = new InteractionHandler(opts.core, opts.config, logger, {
		deferAfterMs: opts.deferAfterMs ?? 1500,
		deferImmediately: new Set(opts.deferImmediately ?? ['briefing', 'search']),
		pages: new PageStore({ ttlMs: opts.pageTtlMs ?? 30 * 60_000, ...(opts.pages ? { table: opts.pages } : {}) }),
		limiter: new CommandRateLimiter({ ...DEFAULT_FLOOD_LIMITS, ...opts.flood }, 'discord', opts.onDrop),
	});
	client.on(Events.InteractionCreate, (interaction) => void handler.route(interaction));
	// Removed from a server (an outage is GuildUnavailable, not this): its subscriptions pause now.
	const membership = opts.membership;
	if (membership) {
		client.on(Events.GuildDelete, (guild) => {
			membership
				.removedFromGuild('discord', guild.id)
				.catch((err: unknown) =>
					logger.error(
						{ err: describeError(err), guild: guild.id },
						'Could not pause the subscriptions of a server the bot left',
					),
				);
		});
	}

	const started = performance.now();
	const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
	try {
		client.rest.setToken(discord.token);
		await checkSessionBudget(client, opts.minSessionStarts ?? 50);
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error('the Discord gateway did not become ready in time')), opts.readyTimeoutMs ?? 30_000);
		});
		const login = client.login(discord.token).then(() => ready);
		// If the timeout wins, a later login failure must not surface as an unhandled rejection.
		login.catch(() => undefined);
		try {
			await Promise.race([login, timeout]);
		} finally {
			clearTimeout(timer);
		}
	} catch (err) {
		await client.destroy().catch(() => undefined);
		logger.error({ err: describeError(err) }, 'Discord login failed');
		throw new Error(`Discord login failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
	}
	const readyClient = await ready;
	const readyMs = Math.round(performance.now() - started);
	// Build the search index now so the first autocomplete is as fast as the rest.
	opts.core.dataset().search('warm up', 1);
	logger.info({ ms: readyMs, user: readyClient.user.id, guilds: readyClient.guilds.cache.size }, 'Discord ready');

	return {
		sender: createDiscordSender(client.rest, logger),
		connection: () => connection,
		client: readyClient,
		readyMs,
		async stop() {
			await client.destroy();
			logger.info('Discord client stopped');
		},
	};
}

/** Refuses to start close to Discord's daily IDENTIFY budget: at zero Discord resets the token. */
async function checkSessionBudget(client: Client, floor: number): Promise<void> {
	if (floor <= 0) return;
	const info = (await client.rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
	const limit = info.session_start_limit;
	if (limit.remaining < floor) {
		const hours = Math.ceil(limit.reset_after / 3_600_000);
		throw new Error(
			`only ${limit.remaining} of ${limit.total} gateway sessions remain today (floor ${floor}); refusing to start to protect the token. The budget resets in about ${hours} h`,
		);
	}
}

interface HandlerSettings {
	readonly deferAfterMs: number;
	readonly deferImmediately: ReadonlySet<string>;
	readonly pages: PageStore;
	readonly limiter: CommandRateLimiter;
}

type Answerable = ChatInputCommandInteraction | ButtonInteraction;

/** Routes interactions; every method answers the interaction or logs why it could not. */
class InteractionHandler {
	private readonly owners: ReadonlySet<string>;

	constructor(
		private readonly core: Core,
		config: Config,
		private readonly logger: Logger,
		private readonly settings: HandlerSettings,
	) {
		this.owners = new Set(config.owners.filter((o) => o.platform === 'discord').map((o) => o.id));
	}

	async route(interaction: Interaction): Promise<void> {
		try {
			if (interaction.isAutocomplete()) await this.autocomplete(interaction);
			else if (interaction.isChatInputCommand()) await this.command(interaction);
			else if (interaction.isButton()) await this.button(interaction);
		} catch (err) {
			await this.fail(interaction, err);
		}
	}

	private requester(i: Interaction): Requester {
		const member = i.member && 'displayName' in i.member ? i.member.displayName : undefined;
		return {
			platform: 'discord',
			userId: i.user.id,
			displayName: member ?? i.user.displayName,
			// Discord computes member.permissions for this channel at the moment of the interaction.
			isChannelAdmin: i.inGuild() && i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true,
			isOwner: this.owners.has(i.user.id),
		};
	}

	private place(i: Interaction): Place {
		const kind = i.guildId ? 'guild' : i.context === InteractionContextType.PrivateChannel ? 'group' : 'private';
		return { platform: 'discord', channelId: i.channelId ?? i.user.id, kind, ...(i.guildId ? { guildId: i.guildId } : {}) };
	}

	private async autocomplete(i: AutocompleteInteraction): Promise<void> {
		const started = performance.now();
		const focused = i.options.getFocused(true);
		const def = this.core.registry.get(i.commandName)?.data.options.find((o) => o.name === focused.name);
		let choices: { name: string; value: string }[] = [];
		try {
			if (def && AUTOCOMPLETE_TYPES.has(def.type))
				choices = suggest(this.core.dataset(), def.type, String(focused.value), interactionLocale(i));
		} catch (err) {
			this.logger.error({ err: describeError(err), command: i.commandName }, 'Autocomplete failed');
		}
		await i.respond(choices);
		this.logger.debug(
			{ command: i.commandName, option: focused.name, choices: choices.length, ms: Math.round(performance.now() - started) },
			'Autocomplete answered',
		);
	}

	/**
	 * The per-user rate, asked before any work. Discord needs every interaction acknowledged, so a
	 * refused one is still answered, privately and cheaply: the "slow down" line, never the command.
	 */
	private async refused(i: Answerable): Promise<boolean> {
		const admission = this.settings.limiter.admit(i.user.id);
		if (admission === 'run') return false;
		this.logger.info({ user: i.user.id, admission }, 'Discord interaction refused: over the per-user rate');
		await this.send(i, 'reply', slowDownReply(interactionLocale(i)));
		return true;
	}

	private async command(i: ChatInputCommandInteraction): Promise<void> {
		if (await this.refused(i)) return;
		const options: Record<string, string> = {};
		for (const o of i.options.data) if (o.value !== undefined && o.value !== null) options[o.name] = String(o.value);
		const immediate = this.settings.deferImmediately.has(i.commandName);
		await this.answer(i, 'reply', immediate, () =>
			this.core.handle({
				command: i.commandName,
				options,
				requester: this.requester(i),
				place: this.place(i),
				locale: interactionLocale(i),
			}),
		);
	}

	private async button(i: ButtonInteraction): Promise<void> {
		if (await this.refused(i)) return;
		const target = await this.settings.pages.get(i.customId);
		const locale = interactionLocale(i);
		if (target === undefined || target === 'expired') return this.send(i, 'reply', expired(locale));
		if (target.userId !== i.user.id) {
			this.logger.info({ user: i.user.id }, 'Page button pressed by someone else');
			return this.send(i, 'reply', notYours(locale));
		}
		await this.answer(i, 'update', false, () =>
			this.core.handle({ line: target.line, requester: this.requester(i), place: this.place(i), locale }),
		);
	}

	/**
	 * Runs `work` and answers with its reply, deferring first when it is slow (or at once when
	 * `immediate`). The acknowledgement is exactly one of reply / update / deferReply / deferUpdate;
	 * everything after it is editReply, deleteReply or followUp.
	 */
	private async answer(i: Answerable, mode: 'reply' | 'update', immediate: boolean, work: () => Promise<HandleResult>): Promise<void> {
		const started = performance.now();
		let deferral: Promise<unknown> | undefined;
		const defer = (): void => {
			deferral ??= mode === 'update' && i.isButton() ? i.deferUpdate() : i.deferReply();
			// Observed below; this keeps an early rejection from being reported as unhandled.
			deferral.catch(() => undefined);
		};
		if (immediate) defer();
		const timer = immediate ? undefined : setTimeout(defer, this.settings.deferAfterMs);
		let result: HandleResult;
		try {
			result = await work();
		} finally {
			clearTimeout(timer);
		}
		if (deferral) await deferral;
		await this.send(i, mode, result.reply, deferral !== undefined);
		this.logger.debug(
			{
				command: result.command,
				outcome: result.outcome.kind,
				deferred: deferral !== undefined,
				ms: Math.round(performance.now() - started),
			},
			'Interaction answered',
		);
	}

	/** The paging buttons of a reply; none (the page's words still go out) when the key store fails. */
	private async pageRow(
		paging: Paging,
		userId: string,
		locale: string | undefined,
	): Promise<APIActionRowComponent<APIButtonComponent> | undefined> {
		try {
			return await this.settings.pages.row(paging, userId, locale);
		} catch (err) {
			this.logger.warn({ err: describeError(err) }, 'Could not store the paging keys; sending the page without buttons');
			return undefined;
		}
	}

	/** Sends a rendered reply as the answer to `i`. */
	private async send(i: Answerable, mode: 'reply' | 'update', reply: Reply, deferred = false): Promise<void> {
		const ephemeral = reply.ephemeral === true;
		// Command names in the text as the reader's Discord client shows them (its locale, not the reply's).
		const messages = renderDiscord(localizeReplyCommands(reply, i.locale));
		const pageRow = reply.paging && !ephemeral ? await this.pageRow(reply.paging, i.user.id, reply.locale) : undefined;
		const rows = [...(pageRow ? [pageRow] : []), ...linkRow(reply)];
		const parts = messages.map((m, n) => toOptions(m, n === messages.length - 1 ? rows : [], ephemeral));
		const [first, ...rest] = parts;
		if (!first) return;
		if (mode === 'update' && i.isButton() && !ephemeral) {
			// Edit the pressed message in place; its old buttons go unless this page is one message.
			await this.orWithoutFiles(first, (m) => {
				const edit = { ...m, flags: undefined, components: m.components ?? [], attachments: [] };
				return deferred ? i.editReply(edit) : i.update(edit);
			});
		} else if (!deferred) {
			await this.orWithoutFiles(first, (m) => i.reply(m));
		} else if (mode === 'update') {
			// deferUpdate acknowledged a press whose answer is an error: tell only the presser.
			await this.orWithoutFiles(first, (m) => i.followUp(m));
		} else if (ephemeral) {
			// A public "thinking…" was shown but the answer is private: remove it, answer privately.
			await i
				.deleteReply()
				.catch((err: unknown) => this.logger.warn({ err: describeError(err) }, 'Could not delete the deferred reply'));
			await this.orWithoutFiles(first, (m) => i.followUp(m));
		} else {
			await this.orWithoutFiles(first, (m) => i.editReply({ ...m, flags: undefined }));
		}
		for (const part of rest) await this.orWithoutFiles(part, (m) => i.followUp(m));
	}

	/**
	 * Sends one message; when it carries files and Discord refuses what it carries (too large, no
	 * Attach Files permission, a bad attachment), logs that and sends the same message without its
	 * files, so the words still go out.
	 */
	private async orWithoutFiles<M extends { readonly files?: readonly unknown[] }>(
		message: M,
		send: (m: M) => Promise<unknown>,
	): Promise<void> {
		try {
			await send(message);
		} catch (err) {
			const status = (err as { status?: unknown }).status;
			const code = (err as { code?: unknown }).code;
			const attachmentProblem = status === 413 || (typeof code === 'number' && [40005, 50013, 50035].includes(code));
			if (!message.files?.length || !attachmentProblem) throw err;
			this.logger.warn(
				{ err: describeError(err), files: message.files.length },
				'Discord refused an attachment; the words go out without it',
			);
			const { files: _files, ...rest } = message;
			await send(rest as M);
		}
	}

	/** Last resort: log, then answer privately with a generic line if the interaction allows it. */
	private async fail(i: Interaction, err: unknown): Promise<void> {
		this.logger.error(
			{ err: describeError(err), type: i.type, command: 'commandName' in i ? i.commandName : undefined },
			'Interaction failed',
		);
		try {
			if (i.isAutocomplete()) {
				if (!i.responded) await i.respond([]);
				return;
			}
			if (!i.isRepliable()) return;
			const payload = toOptions(renderDiscord(genericFailure(interactionLocale(i)))[0]!, [], true);
			if (i.replied || i.deferred) await i.followUp(payload);
			else await i.reply(payload);
		} catch (second) {
			this.logger.warn({ err: describeError(second) }, 'Could not tell the user about the failure');
		}
	}
}

type Payload = InteractionReplyOptions & { components?: APIActionRowComponent<APIButtonComponent>[] };

/** discord.js options for one rendered message; mentions are off on every single payload. */
function toOptions(m: DiscordMessage, rows: readonly APIActionRowComponent<APIButtonComponent>[], ephemeral: boolean): Payload {
	return {
		embeds: m.embeds,
		allowedMentions: NO_MENTIONS,
		...(rows.length ? { components: [...rows] } : {}),
		...(m.files.length
			? {
					files: m.files.map((f) => ({
						attachment: Buffer.from(f.data),
						name: f.name,
						...(f.description ? { description: f.description } : {}),
					})),
				}
			: {}),
		...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
	};
}
