/**
 * A local stand-in for Discord: REST and gateway on one 127.0.0.1 port (node:http + ws), enough for
 * the real, unmodified discord.js client to log in, receive interactions and answer them. Every
 * REST call is recorded with its decoded path and parsed body (JSON or multipart payload_json), so
 * tests assert on the JSON discord.js puts on the wire. Errors can be injected per route.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	ApplicationCommandOptionType,
	ApplicationIntegrationType,
	ApplicationCommandType,
	ChannelType,
	ComponentType,
	GatewayDispatchEvents,
	GatewayOpcodes,
	InteractionContextType,
	InteractionType,
	Locale,
	MessageType,
	PermissionFlagsBits,
	type APIApplicationCommandAutocompleteGuildInteraction,
	type APIApplicationCommandInteractionDataBasicOption,
	type APIChatInputApplicationCommandDMInteraction,
	type APIChatInputApplicationCommandGuildInteraction,
	type APIInteractionGuildMember,
	type APIMessage,
	type APIMessageComponentButtonInteraction,
	type APIUser,
	type ApplicationFlags,
	type ChannelFlags,
	type GuildMemberFlags,
	type RoleFlags,
	type GuildSystemChannelFlags,
	type UserFlags,
	type GatewayGuildCreateDispatchData,
	type GatewayReadyDispatchData,
} from 'discord.js';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedCall {
	readonly method: string;
	/** Decoded path below /api/v10, e.g. /webhooks/1/tok/messages/@original. */
	readonly path: string;
	readonly query: Readonly<Record<string, string>>;
	readonly authorization: string | undefined;
	/** JSON body, or payload_json of a multipart body. */
	readonly body: Record<string, unknown> | undefined;
	readonly files: readonly { readonly field: string; readonly name: string; readonly size: number }[];
	readonly status: number;
	readonly at: number;
}

export interface Injection {
	readonly method?: string;
	readonly path: RegExp;
	readonly status: number;
	readonly body: unknown;
	readonly headers?: Readonly<Record<string, string>>;
	/** How many matching calls fail (default 1). */
	times?: number;
	/** Only calls this accepts match (e.g. a channel that refuses uploads: calls with files). */
	readonly when?: (call: {
		readonly body: Record<string, unknown> | undefined;
		readonly files: readonly { readonly name: string }[];
	}) => boolean;
}

export interface StandInOptions {
	readonly appId?: string;
	readonly botId?: string;
	readonly guildIds?: readonly string[];
	readonly sessionsRemaining?: number;
	/** The `shards` GET /gateway/bot recommends (default 1). */
	readonly recommendedShards?: number;
}

/** The shard a guild's events go to: (guild_id >> 22) % count, as Discord routes them. */
export function shardOfGuild(guildId: string, count: number): number {
	return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

export const TEXT_CHANNEL = '300000000000000001';
export const GUILD = '200000000000000001';
export const DM_CHANNEL = '500000000000000001';

export function user(id: string, name = `user${id.slice(-3)}`): APIUser {
	return { id, username: name, global_name: name, discriminator: '0', avatar: null };
}

type Json = Record<string, unknown>;
type GuildBase = Omit<APIChatInputApplicationCommandGuildInteraction, 'type' | 'data'>;
type DmBase = Omit<APIChatInputApplicationCommandDMInteraction, 'type' | 'data'>;

export class DiscordStandIn {
	readonly calls: RecordedCall[] = [];
	readonly identifies: Json[] = [];
	/** The [shard id, shard count] each open gateway connection identified with ([0, 1] without a shard). */
	readonly shardOf = new Map<WebSocket, readonly [number, number]>();
	resumes = 0;
	readonly commands = new Map<string, Json[]>();
	readonly messages = new Map<string, APIMessage>();
	private readonly originals = new Map<string, string>();
	private readonly acknowledged = new Set<string>();
	/** Which message each button press was on, so an update (type 7) edits that message. */
	private readonly pressedMessage = new Map<string, APIMessage>();
	private readonly nonces = new Map<string, string>();
	private readonly injections: Injection[] = [];
	private readonly sockets = new Set<WebSocket>();
	private seq = 0;
	private nextId = 900000000000000000n;
	private listeners: (() => void)[] = [];
	readonly appId: string;
	readonly bot: APIUser;
	readonly guildIds: readonly string[];
	sessionsRemaining: number;
	/** What GET /gateway/bot answers as `shards`; settable between tests. */
	recommendedShards: number;

	private constructor(
		private readonly server: Server,
		private readonly wss: WebSocketServer,
		options: StandInOptions,
	) {
		this.appId = options.appId ?? '100000000000000001';
		this.bot = { ...user(options.botId ?? '100000000000000002', 'sitrep'), bot: true };
		this.guildIds = options.guildIds ?? [GUILD];
		this.sessionsRemaining = options.sessionsRemaining ?? 1000;
		this.recommendedShards = options.recommendedShards ?? 1;
	}

	static async start(options: StandInOptions = {}): Promise<DiscordStandIn> {
		const server = createServer();
		const wss = new WebSocketServer({ server });
		const standIn = new DiscordStandIn(server, wss, options);
		server.on('request', (req, res) => void standIn.onRequest(req, res));
		wss.on('connection', (ws) => standIn.onSocket(ws));
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		return standIn;
	}

	get port(): number {
		return (this.server.address() as AddressInfo).port;
	}

	/** What DISCORD_API_ROOT would be set to. */
	get apiRoot(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	snowflake(): string {
		this.nextId += 1n;
		return this.nextId.toString();
	}

	/** The next matching calls answer with this error instead. */
	inject(injection: Injection): void {
		this.injections.push({ ...injection, times: injection.times ?? 1 });
	}

	/** Resolves with the first recorded call (past or future) that matches. */
	async waitFor(match: (c: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const hit = this.calls.find(match);
			if (hit) return hit;
			const left = deadline - Date.now();
			if (left <= 0)
				throw new Error(
					`no matching call within ${timeoutMs} ms; calls so far:\n${this.calls.map((c) => `${c.method} ${c.path}`).join('\n')}`,
				);
			await new Promise<void>((resolve) => {
				const t = setTimeout(resolve, left);
				this.listeners.push(() => {
					clearTimeout(t);
					resolve();
				});
			});
		}
	}

	/** Calls made on behalf of one interaction (its callback and its webhook). */
	callsOf(interaction: { id: string; token: string }): RecordedCall[] {
		return this.calls.filter(
			(c) => c.path.includes(`/${interaction.id}/${interaction.token}/`) || c.path.includes(`/${interaction.token}`),
		);
	}

	private send(ws: WebSocket, payload: Json): void {
		ws.send(JSON.stringify(payload));
	}

	/**
	 * Sends a dispatch event to every connected client, or with `shard` only to the connection(s)
	 * that identified as that shard id (throws when none is connected, so a test cannot pass by
	 * accident).
	 */
	dispatch(t: string, d: unknown, options: { shard?: number } = {}): void {
		this.seq += 1;
		const targets =
			options.shard === undefined ? [...this.sockets] : [...this.shardOf].filter(([, s]) => s[0] === options.shard).map(([ws]) => ws);
		if (targets.length === 0 && options.shard !== undefined)
			throw new Error(`no gateway connection identified as shard ${options.shard}`);
		for (const ws of targets) this.send(ws, { op: GatewayOpcodes.Dispatch, t, s: this.seq, d });
	}

	/** Asks the client to reconnect (op 7); it should come back with RESUME. */
	requestReconnect(): void {
		for (const ws of this.sockets) this.send(ws, { op: GatewayOpcodes.Reconnect, d: null });
	}

	/** Drops the connection with a close code (4000 = unknown error, resumable). */
	dropConnections(code = 4000): void {
		for (const ws of this.sockets) ws.close(code, 'stand-in drop');
	}

	private onSocket(ws: WebSocket): void {
		this.sockets.add(ws);
		ws.on('close', () => [this.sockets, this.shardOf].forEach((s) => s.delete(ws)));
		ws.on('message', (raw) => {
			const msg = JSON.parse(String(raw)) as { op: number; d: Json };
			if (msg.op === GatewayOpcodes.Heartbeat) this.send(ws, { op: GatewayOpcodes.HeartbeatAck });
			else if (msg.op === GatewayOpcodes.Identify) this.onIdentify(ws, msg.d);
			else if (msg.op === GatewayOpcodes.Resume) {
				this.resumes += 1;
				this.seq += 1;
				this.send(ws, { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Resumed, s: this.seq, d: {} });
			}
		});
		this.send(ws, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: 41_250 } });
	}

	private onIdentify(ws: WebSocket, d: Json): void {
		this.identifies.push({ ...d, token: d['token'] ? '[present]' : undefined });
		const shard: [number, number] = Array.isArray(d['shard']) ? [Number(d['shard'][0]), Number(d['shard'][1])] : [0, 1];
		this.shardOf.set(ws, shard);
		// Like Discord, a shard is only told about (and only gets events for) its own guilds.
		const guildIds = this.guildIds.filter((id) => shard[1] === 1 || shardOfGuild(id, shard[1]) === shard[0]);
		const ready: GatewayReadyDispatchData = {
			v: 10,
			user: { ...this.bot, verified: true, mfa_enabled: false, flags: 0 as UserFlags },
			guilds: guildIds.map((id) => ({ id, unavailable: true })),
			session_id: `session-${this.identifies.length}`,
			resume_gateway_url: `ws://127.0.0.1:${this.port}`,
			shard,
			application: { id: this.appId, flags: 0 as ApplicationFlags, flags_new: '0' },
		};
		this.seq += 1;
		this.send(ws, { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Ready, s: this.seq, d: ready });
		for (const id of guildIds) {
			this.seq += 1;
			this.send(ws, { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.GuildCreate, s: this.seq, d: this.guild(id) });
		}
	}

	private guild(id: string): GatewayGuildCreateDispatchData {
		const everyone = String(
			PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands,
		);
		return {
			id,
			name: 'Stand-in guild',
			icon: null,
			splash: null,
			discovery_splash: null,
			owner_id: '400000000000000001',
			afk_channel_id: null,
			afk_timeout: 300,
			verification_level: 0,
			default_message_notifications: 0,
			explicit_content_filter: 0,
			roles: [
				{
					id,
					name: '@everyone',
					color: 0,
					colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
					hoist: false,
					icon: null,
					unicode_emoji: null,
					position: 0,
					permissions: everyone,
					managed: false,
					mentionable: false,
					flags: 0 as RoleFlags,
				},
			],
			emojis: [],
			features: [],
			mfa_level: 0,
			application_id: null,
			system_channel_id: null,
			system_channel_flags: 0 as GuildSystemChannelFlags,
			rules_channel_id: null,
			vanity_url_code: null,
			description: null,
			banner: null,
			premium_tier: 0,
			preferred_locale: Locale.EnglishUS,
			public_updates_channel_id: null,
			nsfw_level: 0,
			premium_progress_bar_enabled: false,
			safety_alerts_channel_id: null,
			stickers: [],
			hub_type: null,
			incidents_data: null,
			joined_at: '2025-01-01T00:00:00.000Z',
			large: false,
			unavailable: false,
			member_count: 3,
			voice_states: [],
			members: [],
			threads: [],
			presences: [],
			stage_instances: [],
			guild_scheduled_events: [],
			soundboard_sounds: [],
			max_video_channel_users: 25,
			channels: [
				{
					id: TEXT_CHANNEL,
					type: ChannelType.GuildText,
					name: 'general',
					position: 0,
					guild_id: id,
					parent_id: null,
					nsfw: false,
					topic: null,
					last_message_id: null,
					permission_overwrites: [],
					rate_limit_per_user: 0,
					flags: 0 as ChannelFlags,
				},
			],
		};
	}

	private common(u: APIUser) {
		const id = this.snowflake();
		return {
			id,
			application_id: this.appId,
			token: `itoken-${id}`,
			version: 1 as const,
			app_permissions: String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks),
			locale: Locale.EnglishUS,
			entitlements: [],
			attachment_size_limit: 10_485_760,
			user: u,
		};
	}

	private dmBase(u: APIUser): DmBase {
		return {
			...this.common(u),
			channel: { id: DM_CHANNEL, type: ChannelType.DM },
			channel_id: DM_CHANNEL,
			authorizing_integration_owners: { [ApplicationIntegrationType.UserInstall]: u.id },
			context: InteractionContextType.BotDM,
		};
	}

	private guildBase(u: APIUser, guildId: string, permissions: bigint): GuildBase {
		const { user: _user, ...common } = this.common(u);
		const member: APIInteractionGuildMember = {
			user: u,
			roles: [],
			permissions: String(permissions),
			joined_at: '2025-01-01T00:00:00.000Z',
			deaf: false,
			mute: false,
			flags: 0 as GuildMemberFlags,
			nick: null,
			avatar: null,
			banner: null,
			premium_since: null,
			pending: false,
			communication_disabled_until: null,
		};
		return {
			...common,
			guild_id: guildId,
			guild: { id: guildId, features: [], locale: Locale.EnglishUS },
			guild_locale: Locale.EnglishUS,
			member,
			channel: { id: TEXT_CHANNEL, type: ChannelType.GuildText, guild_id: guildId, name: 'general' },
			channel_id: TEXT_CHANNEL,
			authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guildId },
			context: InteractionContextType.Guild,
		};
	}

	/** Sends a slash command. `options` values are typed like Discord sends them. */
	command(spec: {
		name: string;
		options?: Record<string, string | number | boolean>;
		user: APIUser;
		/** Member permissions in the channel; default: none beyond the basics. */
		permissions?: bigint;
		/** DM when null. */
		guildId?: string | null;
		/** Deliver on this shard's connection only (default: every connection). */
		shard?: number;
		/** The user's client locale (default en-US). */
		locale?: Locale;
		/** Asked in this thread or forum post of the guild's text channel (default: the text channel itself). */
		thread?: { id: string; type: ChannelType.PublicThread | ChannelType.PrivateThread | ChannelType.AnnouncementThread };
	}): { id: string; token: string; sentAt: number } {
		const options: APIApplicationCommandInteractionDataBasicOption[] = Object.entries(spec.options ?? {}).map(([name, value]) =>
			typeof value === 'number'
				? { name, type: ApplicationCommandOptionType.Integer, value }
				: typeof value === 'boolean'
					? { name, type: ApplicationCommandOptionType.Boolean, value }
					: { name, type: ApplicationCommandOptionType.String, value },
		);
		const guildId = spec.guildId === null ? undefined : (spec.guildId ?? this.guildIds[0]);
		const data = { id: this.snowflake(), name: spec.name, type: ApplicationCommandType.ChatInput as const, options };
		const base = guildId
			? { ...this.guildBase(spec.user, guildId, spec.permissions ?? BASIC), type: InteractionType.ApplicationCommand as const, data }
			: { ...this.dmBase(spec.user), type: InteractionType.ApplicationCommand as const, data };
		const located =
			spec.thread && guildId
				? {
						...base,
						channel_id: spec.thread.id,
						channel: { id: spec.thread.id, type: spec.thread.type, guild_id: guildId, name: 'thread', parent_id: TEXT_CHANNEL },
					}
				: base;
		const payload = (spec.locale ? { ...located, locale: spec.locale } : located) as
			APIChatInputApplicationCommandGuildInteraction | APIChatInputApplicationCommandDMInteraction;
		return this.deliver(payload, spec.shard);
	}

	/** Sends an autocomplete request with one focused option. */
	autocomplete(spec: { name: string; option: string; value: string; user: APIUser }): { id: string; token: string; sentAt: number } {
		const payload: APIApplicationCommandAutocompleteGuildInteraction = {
			...this.guildBase(spec.user, this.guildIds[0]!, BASIC),
			type: InteractionType.ApplicationCommandAutocomplete,
			data: {
				id: this.snowflake(),
				name: spec.name,
				type: ApplicationCommandType.ChatInput,
				options: [{ name: spec.option, type: ApplicationCommandOptionType.String, value: spec.value, focused: true }],
			},
		};
		return this.deliver(payload);
	}

	/** Presses a button on a message the bot sent. */
	press(spec: { message: APIMessage; customId: string; user: APIUser; permissions?: bigint }): {
		id: string;
		token: string;
		sentAt: number;
	} {
		const payload: APIMessageComponentButtonInteraction = {
			...this.guildBase(spec.user, this.guildIds[0]!, spec.permissions ?? BASIC),
			type: InteractionType.MessageComponent,
			message: spec.message,
			data: { custom_id: spec.customId, component_type: ComponentType.Button },
		};
		this.pressedMessage.set(payload.id, spec.message);
		return this.deliver(payload);
	}

	private deliver(payload: { id: string; token: string }, shard?: number): { id: string; token: string; sentAt: number } {
		const sentAt = performance.now();
		this.dispatch(GatewayDispatchEvents.InteractionCreate, payload, shard === undefined ? {} : { shard });
		return { id: payload.id, token: payload.token, sentAt };
	}

	/** The message an interaction's original response created or edited. */
	original(token: string): APIMessage | undefined {
		const id = this.originals.get(token);
		return id ? this.messages.get(id) : undefined;
	}

	private message(channelId: string, body: Json | undefined, id = this.snowflake()): APIMessage {
		const m: APIMessage = {
			id,
			channel_id: channelId,
			author: this.bot,
			content: typeof body?.['content'] === 'string' ? body['content'] : '',
			timestamp: new Date().toISOString(),
			edited_timestamp: null,
			tts: false,
			mention_everyone: false,
			mentions: [],
			mention_roles: [],
			attachments: [],
			embeds: (body?.['embeds'] as APIMessage['embeds'] | undefined) ?? [],
			components: (body?.['components'] as APIMessage['components'] | undefined) ?? [],
			pinned: false,
			type: MessageType.Default,
			flags: typeof body?.['flags'] === 'number' ? body['flags'] : 0,
		};
		this.messages.set(id, m);
		return m;
	}

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);
		const path = url.pathname
			.replace(/^\/api\/v\d+/u, '')
			.split('/')
			.map((s) => decodeURIComponent(s))
			.join('/');
		const method = req.method ?? 'GET';
		let body: Json | undefined;
		const files: { field: string; name: string; size: number }[] = [];
		const type = req.headers['content-type'] ?? '';
		if (type.startsWith('multipart/form-data')) {
			const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
			for (const [field, value] of form) {
				if (field === 'payload_json') body = JSON.parse(String(value)) as Json;
				else if (typeof value !== 'string') files.push({ field, name: value.name, size: value.size });
			}
		} else if (raw.length) body = JSON.parse(raw.toString('utf8')) as Json;

		const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
			this.calls.push({
				method,
				path,
				query: Object.fromEntries(url.searchParams),
				authorization: req.headers.authorization,
				body,
				files,
				status,
				at: performance.now(),
			});
			const listeners = this.listeners;
			this.listeners = [];
			for (const l of listeners) l();
			if (payload === undefined) {
				res.writeHead(status, headers).end();
				return;
			}
			res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
		};

		const injected = this.injections.find(
			(i) => (i.method ?? method) === method && i.path.test(path) && (i.times ?? 0) > 0 && (i.when?.({ body, files }) ?? true),
		);
		if (injected) {
			injected.times = (injected.times ?? 1) - 1;
			return reply(injected.status, injected.body, { ...(injected.headers ?? {}) });
		}
		try {
			const [status, payload] = this.route(method, path, body, url.searchParams);
			reply(status, payload);
		} catch (err) {
			reply(500, { message: String(err), code: 0 });
		}
	}

	private route(method: string, path: string, body: Json | undefined, query: URLSearchParams): [number, unknown] {
		let m: RegExpExecArray | null;
		if (method === 'GET' && path === '/gateway/bot') {
			return [
				200,
				{
					url: `ws://127.0.0.1:${this.port}`,
					shards: this.recommendedShards,
					session_start_limit: { total: 1000, remaining: this.sessionsRemaining, reset_after: 14_400_000, max_concurrency: 1 },
				},
			];
		}
		if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/u.exec(path)) && method === 'POST') {
			const [, id, token] = m as unknown as [string, string, string];
			if (this.acknowledged.has(id)) return [400, { message: 'Interaction has already been acknowledged.', code: 40060 }];
			this.acknowledged.add(id);
			const type = body?.['type'];
			const data = body?.['data'] as Json | undefined;
			if (type === 4) this.originals.set(token, this.message(TEXT_CHANNEL, data).id);
			if (type === 5) this.originals.set(token, this.message(TEXT_CHANNEL, { flags: data?.['flags'] }).id);
			const prior = this.pressedMessage.get(id);
			if (type === 7 && prior) this.originals.set(token, this.message(prior.channel_id, { ...prior, ...data }, prior.id).id);
			// A deferred update (6) makes the pressed message the one @original edits later.
			if (type === 6 && prior) this.originals.set(token, prior.id);
			return query.get('with_response') === 'true' ? [200, { interaction: { id, type: 2 } }] : [204, undefined];
		}
		if ((m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/u.exec(path))) {
			const [, , token, which] = m as unknown as [string, string, string, string];
			const id = which === '@original' ? this.originals.get(token) : which;
			if (!id) return [404, { message: 'Unknown Message', code: 10008 }];
			if (method === 'DELETE') {
				this.messages.delete(id);
				return [204, undefined];
			}
			if (method === 'PATCH') {
				const prior = this.messages.get(id);
				return [200, this.message(prior?.channel_id ?? TEXT_CHANNEL, { ...(prior ?? {}), ...body }, id)];
			}
			if (method === 'GET') return [200, this.messages.get(id)];
		}
		if ((m = /^\/webhooks\/(\d+)\/([^/]+)$/u.exec(path)) && method === 'POST') return [200, this.message(TEXT_CHANNEL, body)];
		// A DM channel with a user: the same one each time, as Discord answers.
		if (path === '/users/@me/channels' && method === 'POST')
			return [
				200,
				{
					id: `9${String(body?.['recipient_id'] ?? '').slice(1)}`,
					type: ChannelType.DM,
					recipients: [user(String(body?.['recipient_id']))],
				},
			];
		if ((m = /^\/channels\/(\d+)\/messages$/u.exec(path)) && method === 'POST') {
			const channel = m[1]!;
			const nonce = body?.['enforce_nonce'] === true && typeof body['nonce'] === 'string' ? `${channel}:${body['nonce']}` : undefined;
			const existing = nonce ? this.nonces.get(nonce) : undefined;
			if (existing && this.messages.has(existing)) return [200, this.messages.get(existing)];
			const msg = this.message(channel, body);
			if (nonce) this.nonces.set(nonce, msg.id);
			return [200, msg];
		}
		if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/u.exec(path)) && method === 'PATCH') {
			// A bot editing its own channel message (corrections); Unknown Message when it is gone.
			const prior = this.messages.get(m[2]!);
			if (!prior || prior.channel_id !== m[1]) return [404, { message: 'Unknown Message', code: 10008 }];
			const edited = this.message(m[1]!, { ...prior, ...body }, prior.id);
			return [200, { ...edited, edited_timestamp: new Date().toISOString() }];
		}
		if ((m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/u.exec(path))) {
			const key = m[2] ? `guild:${m[2]}` : 'global';
			// Like Discord: the full localization maps only with with_localizations=true.
			if (method === 'GET')
				return [
					200,
					(this.commands.get(key) ?? []).map((c) => (query.get('with_localizations') === 'true' ? c : withoutLocalizations(c))),
				];
			if (method === 'PUT') {
				const list = ((body as unknown as Json[] | undefined) ?? []).map((c) =>
					echoCommand(c, this.appId, m![2], this.snowflake()),
				);
				this.commands.set(key, list);
				return [200, list];
			}
		}
		return [404, { message: '404: Not Found', code: 0 }];
	}

	async close(): Promise<void> {
		for (const ws of this.sockets) ws.terminate();
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

/** Basic member permissions: view, send, use commands. */
export const BASIC = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands;

/** A command as Discord lists it without with_localizations: the maps left out. */
const withoutLocalizations = (c: Json): Json =>
	JSON.parse(JSON.stringify(c, (k, v: unknown) => (k.endsWith('_localizations') ? undefined : v))) as Json;

/** A command as Discord echoes it back: ids added, false flags dropped, missing localizations null. */
function echoCommand(c: Json, appId: string, guildId: string | undefined, id: string): Json {
	const options = ((c['options'] as Json[] | undefined) ?? []).map((o) => {
		const out: Json = {
			...o,
			name_localizations: o['name_localizations'] ?? null,
			description_localizations: o['description_localizations'] ?? null,
		};
		if (out['required'] === false) delete out['required'];
		if (out['autocomplete'] === false) delete out['autocomplete'];
		return out;
	});
	const out: Json = {
		id,
		application_id: appId,
		version: id,
		type: c['type'] ?? 1,
		name: c['name'],
		name_localizations: c['name_localizations'] ?? null,
		description: c['description'],
		description_localizations: c['description_localizations'] ?? null,
		default_member_permissions: c['default_member_permissions'] ?? null,
		dm_permission: true,
		nsfw: c['nsfw'] ?? false,
		integration_types: c['integration_types'] ?? [0],
		contexts: guildId ? null : (c['contexts'] ?? null),
		...(guildId ? { guild_id: guildId } : {}),
		...(options.length ? { options } : {}),
	};
	return out;
}
