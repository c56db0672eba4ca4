/**
 * The Telegram platform: telegraf updates in, CommandRequests to the core, replies out through the
 * paced sender. Works in private chats, groups, supergroups and channels; `/cmd@otherbot` is left to
 * the other bot. Long polling by default, webhook mode when configured.
 */
import { randomBytes } from 'node:crypto';
import { Telegraf, type Context } from 'telegraf';
import type { BotCommand, BotCommandScope, Chat, Message, Update, User } from 'telegraf/types';
import type { Access, Place, Requester } from '../../core/command.js';
import type { ConnectionState, PlatformSender } from '../../core/delivery.js';
import type { Reply } from '../../core/reply.js';
import type { Core } from '../../core/dispatch.js';
import { genericFailure, slowDownReply } from '../../core/error-reply.js';
import { CommandRateLimiter, DEFAULT_FLOOD_LIMITS, ReplyQueue, type FloodLimits, type OnDrop } from '../../core/flood.js';
import type { Config } from '../../config.js';
import { rawCommandDescription } from '../../i18n/command-text.js';
import { LOCALES, type Locale } from '../../i18n/locale.js';
import { createTranslator, english } from '../../i18n/translator.js';
import type { Logger } from '../../logger.js';
import type { PageKeyTable, UpdateDeduplicator } from '../../store/store.js';
import type { Membership } from '../../scheduler/membership.js';
import { renderPlainText } from '../../render/plain-text.js';
import { NOOP_KEY, PAGE_KEY_PREFIX, PageKeyStore } from './page-keys.js';
import { DEFAULT_PACING, Pacer, type PacingOptions } from './pacer.js';
import { loggableError, retryAfterMs } from './send-errors.js';
import { TelegramSender, type DeliverOptions } from './telegram-sender.js';
import { startWebhookServer, type StartWebhook, type WebhookServer } from './webhook-server.js';

/** GroupAnonymousBot: the sender of messages an anonymous admin posts "as the group". */
export const ANONYMOUS_ADMIN_ID = 1087968824;

// my_chat_member: the bot added to or removed from a chat, so a removal pauses its subscription at once.
const ALLOWED_UPDATES = ['message', 'channel_post', 'callback_query', 'my_chat_member'] as const;

/** The answers to a stale or foreign page button, in English; the presser gets them in their language. */
export const PAGE_EXPIRED = english('telegram.pageExpired');
export const PAGE_FOREIGN = english('telegram.pageForeign');

/** Knobs for tests and unusual deployments; the defaults follow Telegram's guidance. */
export interface TelegramTuning {
	readonly pacing?: Partial<PacingOptions>;
	/** How long paging buttons keep working. */
	readonly pageTtlMs?: number;
	/** Most pages remembered at once. */
	readonly maxPages?: number;
	/** Interface the webhook server binds, over TELEGRAM_WEBHOOK_HOST (127.0.0.1 when neither is set). */
	readonly webhookHost?: string;
	/** How long stop() waits for replies still being sent. */
	readonly drainMs?: number;
	/** Clock for page expiry. */
	readonly now?: () => number;
	/** The per-user command rate and per-chat reply queue bounds. */
	readonly flood?: Partial<FloodLimits>;
}

export interface TelegramPlatform {
	readonly sender: PlatformSender;
	/** Whether updates are arriving: polling that stopped for good is down; a webhook is up while its server listens. */
	connection(): ConnectionState;
	/** The bot's @username, without the "@". */
	readonly botUsername: string;
	/** Stops receiving, lets replies in flight finish (bounded), then stops sending. Idempotent. */
	stop(): Promise<void>;
	/** Webhook mode: the port the update server listens on. */
	readonly webhookPort?: number;
	/** Webhook mode: the interface it listens on. */
	readonly webhookAddress?: string;
	/** Replies waiting to be sent (bounded by the per-chat queue cap). */
	waitingReplies(): number;
}

/** Polling that ended with an error, worded for the operator (/healthz), not for readers. */
function pollingStopped(message: string): ConnectionState {
	return { up: false, since: Date.now(), reason: `polling stopped: ${message.slice(0, 200)}` };
}

/**
 * Starts the Telegram platform. Resolves once the bot is receiving updates. In webhook mode,
 * `updates` (the store's) lets several processes behind one webhook URL handle each update once, and
 * `pages` (the store's) lets any of them turn a page whose buttons another one sent.
 */
export async function startTelegram(opts: {
	core: Core;
	config: Config;
	logger: Logger;
	tuning?: TelegramTuning;
	updates?: UpdateDeduplicator;
	pages?: PageKeyTable;
	membership?: Membership;
	startWebhook?: StartWebhook;
	/** Counts commands refused and replies dropped by the flood bounds. */
	onDrop?: OnDrop;
}): Promise<TelegramPlatform> {
	const tg = opts.config.telegram;
	if (!tg) throw new Error('Telegram is not configured: set TELEGRAM_BOT_TOKEN in .env');
	const tuning = opts.tuning ?? {};
	const logger = opts.logger.child({ platform: 'telegram' });
	const bot = new Telegraf(tg.token, {
		telegram: { ...(tg.apiRoot ? { apiRoot: tg.apiRoot } : {}), webhookReply: false },
		handlerTimeout: 30_000,
	});
	bot.botInfo = await bot.telegram.getMe();
	const username = bot.botInfo.username;

	const pacer = new Pacer({ ...DEFAULT_PACING, ...tuning.pacing }, retryAfterMs);
	const pages = new PageKeyStore({
		ttlMs: tuning.pageTtlMs ?? 6 * 60 * 60 * 1000,
		maxEntries: tuning.maxPages ?? 20_000,
		...(tuning.now ? { now: tuning.now } : {}),
		...(opts.pages ? { table: opts.pages } : {}),
	});
	const sender = new TelegramSender(bot.telegram, pacer, pages, logger, tg.token);
	const owners = new Set(opts.config.owners.filter((o) => o.platform === 'telegram').map((o) => o.id));
	const flood = { ...DEFAULT_FLOOD_LIMITS, ...tuning.flood };
	const limiter = new CommandRateLimiter(flood, 'telegram', opts.onDrop);
	const replies = new ReplyQueue(flood, 'telegram', logger, opts.onDrop);
	const adapter = new TelegramAdapter(opts.core, bot, sender, pages, logger, tg.token, owners, limiter, replies, opts.membership);
	adapter.install();

	for (const menu of commandMenus(opts.core, owners)) {
		try {
			await bot.telegram.setMyCommands(menu.commands, {
				scope: menu.scope,
				...(menu.language_code ? { language_code: menu.language_code } : {}),
			});
		} catch (err) {
			// An owner who never opened a chat with the bot has no chat to scope a menu to.
			const level = menu.scope.type === 'chat' ? 'debug' : 'warn';
			logger[level](
				{ err: loggableError(err, tg.token), scope: menu.scope.type, language: menu.language_code },
				'Could not publish a command menu (setMyCommands); the commands still work',
			);
		}
	}

	let webhook: WebhookServer | undefined;
	let polling: Promise<void> | undefined;
	let connection: ConnectionState = { up: true, since: Date.now() };
	if (tg.webhook) {
		const secret = tg.webhook.secret ?? randomBytes(32).toString('base64url');
		// Its own listener, unless the composition root mounts it on the web server.
		webhook = await (opts.startWebhook ?? startWebhookServer)({
			path: new URL(tg.webhook.url).pathname,
			secret,
			port: tg.webhook.port,
			// The configured interface (TELEGRAM_WEBHOOK_HOST, loopback by default); never all of them unasked.
			host: tuning.webhookHost ?? tg.webhook.host ?? '127.0.0.1',
			logger,
			...(opts.updates ? { deduplicator: opts.updates } : {}),
			onUpdate: (update) => adapter.track(bot.handleUpdate(update)),
		});
		try {
			// Not bot.launch({ webhook }): it always registers an https:// URL built from a domain.
			await bot.telegram.setWebhook(tg.webhook.url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
		} catch (err) {
			await webhook.close();
			throw err;
		}
		logger.info({ username, host: webhook.address, port: webhook.port }, 'Telegram bot receiving updates by webhook');
	} else {
		await new Promise<void>((resolve, reject) => {
			// launch() resolves only when polling ends; the callback says it has started.
			polling = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }, () => resolve());
			polling.then(
				() => logger.info('Telegram polling stopped'),
				(err: unknown) => {
					logger.error({ err: loggableError(err, tg.token) }, 'Telegram polling failed; the bot no longer receives updates');
					connection = pollingStopped(loggableError(err, tg.token).message);
					reject(err);
				},
			);
		});
		logger.info({ username }, 'Telegram bot receiving updates by long polling');
	}

	let stopping: Promise<void> | undefined;
	const stop = async () => {
		if (webhook) await webhook.close();
		if (polling) {
			const ended = polling.then(
				() => true,
				() => true,
			);
			// launch() reports ready before it has created its poller; until then bot.stop() throws.
			for (;;) {
				try {
					bot.stop('shutdown');
					break;
				} catch {
					if (await Promise.race([ended, new Promise<false>((r) => setTimeout(() => r(false), 10))])) break;
				}
			}
			// After a failed poll telegraf sleeps (5 s, or a 429's retry_after) before it sees the stop.
			await Promise.race([ended, new Promise((r) => setTimeout(r, 1000).unref())]);
		}
		await adapter.drain(tuning.drainMs ?? 5000);
		replies.close();
		pacer.close();
	};
	return {
		sender,
		connection: () => connection,
		botUsername: username,
		stop: () => (stopping ??= stop()),
		waitingReplies: () => replies.waiting(),
		...(webhook ? { webhookPort: webhook.port, webhookAddress: webhook.address } : {}),
	};
}

/**
 * The command menus Telegram shows, from the same registry the core dispatches on. Everyone sees the
 * commands anyone may run; chat admins (and everyone in a private chat, which they administer) also
 * see admin commands; each owner's private chat lists every command. Access is still checked on
 * every run: a menu only hides, it never grants.
 *
 * Each menu is published once without a language (English, for everyone else) and once per other
 * interface language with its `language_code`, the descriptions taken from the message catalog.
 */
export function commandMenus(
	core: Core,
	ownerIds: Iterable<string>,
): { scope: BotCommandScope; commands: BotCommand[]; language_code?: Locale }[] {
	const owners = [...ownerIds];
	return LOCALES.flatMap((locale) => {
		const list = (allowed: readonly Access[]) =>
			[...core.registry.values()]
				.filter((m) => allowed.includes(m.data.access))
				.map((m) => ({ command: m.data.name, description: rawCommandDescription(locale, m.data) }));
		const admin = list(['everyone', 'channel_admin']);
		const language = locale === 'en' ? {} : { language_code: locale };
		return [
			{ scope: { type: 'default' } as const, commands: list(['everyone']), ...language },
			{ scope: { type: 'all_private_chats' } as const, commands: admin, ...language },
			{ scope: { type: 'all_chat_administrators' } as const, commands: admin, ...language },
			...owners.map((id) => ({
				scope: { type: 'chat', chat_id: Number(id) } as const,
				commands: list(['everyone', 'channel_admin', 'owner']),
				...language,
			})),
		];
	});
}

type TextMessage = Message.TextMessage;

class TelegramAdapter {
	private readonly inFlight = new Set<Promise<unknown>>();

	constructor(
		private readonly core: Core,
		private readonly bot: Telegraf,
		private readonly sender: TelegramSender,
		private readonly pages: PageKeyStore,
		private readonly logger: Logger,
		private readonly token: string,
		private readonly owners: ReadonlySet<string>,
		private readonly limiter: CommandRateLimiter,
		private readonly replies: ReplyQueue,
		private readonly membership?: Membership,
	) {}

	install(): void {
		this.bot.on('message', (ctx) =>
			ctx.message && 'text' in ctx.message ? this.onText(ctx.message, ctx.update.update_id) : this.onService(ctx.message),
		);
		this.bot.on('channel_post', (ctx) => ('text' in ctx.channelPost ? this.onText(ctx.channelPost, ctx.update.update_id) : undefined));
		this.bot.on('callback_query', (ctx) => this.onPress(ctx));
		this.bot.on('my_chat_member', (ctx) => {
			const u = ctx.myChatMember;
			// 'left' and 'kicked': removed (or, in a private chat, blocked); the subscription there pauses now.
			if (u.new_chat_member.status === 'left' || u.new_chat_member.status === 'kicked') {
				if (this.membership) this.track(this.membership.removedFromChannel('telegram', String(u.chat.id)));
			}
		});
		this.bot.catch((err, ctx) => this.onError(err, ctx));
	}

	/** Keeps a reply in flight known, so stop() can let it finish. */
	track(p: Promise<unknown>): void {
		const safe = p.catch((err: unknown) => this.logger.error({ err: loggableError(err, this.token) }, 'Telegram task failed'));
		this.inFlight.add(safe);
		void safe.finally(() => this.inFlight.delete(safe));
	}

	async drain(ms: number): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<void>((resolve) => {
			timer = setTimeout(resolve, ms);
		});
		await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
		clearTimeout(timer);
	}

	private async onText(msg: TextMessage, updateId: number): Promise<void> {
		const chat = msg.chat;
		const command = this.parseHead(msg.text, chat.type === 'private');
		if (!command) return;
		const log = this.logger.child({ update_id: updateId, chat: chat.id, user: msg.from?.id });
		// Before any work for the command (even the admin lookup): a flood costs one Map entry per member.
		const admission = this.limiter.admit(
			msg.from && msg.from.id !== ANONYMOUS_ADMIN_ID ? String(msg.from.id) : `chat:${msg.sender_chat?.id ?? chat.id}`,
		);
		if (admission !== 'run') {
			log.info({ command: command.name, admission }, 'Telegram command refused: over the per-user rate');
			if (admission === 'slow_down')
				this.reply(
					chat,
					slowDownReply(msg.from?.language_code),
					chat.type === 'group' || chat.type === 'supergroup' ? { replyTo: msg.message_id } : {},
				);
			return;
		}
		const topic = topicOf(msg);
		const requester = this.requester(chat, msg.from, msg.sender_chat);
		const result = await this.core.handle({
			line: command.line,
			...requester,
			place: placeOf(chat, topic),
			...(msg.from?.language_code ? { locale: msg.from.language_code } : {}),
			...this.botName(),
		});
		log.debug({ command: result.command, outcome: result.outcome.kind }, 'Telegram command answered');
		if (result.outcome.kind === 'ignored') return;
		const inGroup = chat.type === 'group' || chat.type === 'supergroup';
		const shared = chat.type === 'channel' || msg.from === undefined || msg.from.id === ANONYMOUS_ADMIN_ID;
		// Replies go through the pacer; waiting here would hold every other chat's updates behind this one.
		// Every message of the answer goes to the topic the command was asked in, not only the first (a reply).
		this.reply(chat, result.reply, {
			...(inGroup ? { replyTo: msg.message_id } : {}),
			...(shared ? {} : { pageOwner: requester.requester.userId }),
			...(topic !== undefined ? { threadId: topic } : {}),
		});
	}

	/** Queues a reply in the chat's bounded queue; stop() waits for it like any task. */
	private reply(chat: Chat, reply: Reply, options: DeliverOptions): void {
		const chatId = String(chat.id);
		this.track(this.replies.enqueue(chatId, async () => void (await this.sender.deliver(chatId, reply, options))));
	}

	private onService(msg: Message): void {
		// Telegram sends both: migrate_to_chat_id in the old group, migrate_from_chat_id in the new
		// supergroup. Whichever arrives first moves the subscription; the other finds nothing to move.
		let move: { from: string; to: string } | undefined;
		if ('migrate_to_chat_id' in msg) move = { from: String(msg.chat.id), to: String(msg.migrate_to_chat_id) };
		else if ('migrate_from_chat_id' in msg) move = { from: String(msg.migrate_from_chat_id), to: String(msg.chat.id) };
		if (!move) return;
		this.logger.info({ chat: move.from, to: move.to }, 'Telegram group upgraded to a supergroup');
		if (this.membership) this.track(this.membership.chatMigrated('telegram', move.from, move.to));
	}

	/**
	 * Whether "/cmd@bot args" is for this bot, before any work is spent on it (the flood bound counts
	 * only our commands): not when addressed to another bot, nor, in groups, an unknown command
	 * addressed to nobody (probably another bot's). The line goes to the core as written, which
	 * parses it (and the bot name) once more; only Telegram's /start becomes /help.
	 */
	private parseHead(text: string, isPrivate: boolean): { name: string; line: string } | undefined {
		const m = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)/u.exec(text);
		if (!m) return undefined;
		const name = m[1]!.toLowerCase();
		const target = m[2]?.toLowerCase();
		if (target !== undefined && target !== this.botName().botName?.toLowerCase()) return undefined;
		if (this.core.registry.has(name)) return { name, line: text };
		// Telegram sends /start when someone opens the bot; answer with the command list.
		if (name === 'start' && !this.core.registry.has('start')) return { name: 'help', line: '/help' };
		if (!isPrivate && target === undefined) return undefined;
		return { name, line: text };
	}

	/** The bot's username for the core's `/cmd@bot` check (known once telegraf has called getMe). */
	private botName(): { botName?: string } {
		const name = this.bot.botInfo?.username;
		return name ? { botName: name } : {};
	}

	/**
	 * Who asks. Admin status that needs no API call is set here; otherwise the core asks the lazy
	 * getChatMember check, and only for an admin command (never from the message text).
	 */
	private requester(
		chat: Chat,
		from: User | undefined,
		senderChat: Chat | undefined,
	): { requester: Requester; isChannelAdmin?: () => Promise<boolean> } {
		const isOwner = from !== undefined && from.id !== ANONYMOUS_ADMIN_ID && this.owners.has(String(from.id));
		const known = knownAdmin(chat, from, senderChat);
		const title = 'title' in chat ? chat.title : undefined;
		const requester: Requester = {
			platform: 'telegram',
			userId: from && from.id !== ANONYMOUS_ADMIN_ID ? String(from.id) : `chat:${senderChat?.id ?? chat.id}`,
			displayName:
				(from && from.id !== ANONYMOUS_ADMIN_ID
					? (from.username ?? [from.first_name, from.last_name].filter(Boolean).join(' '))
					: title) ?? 'unknown',
			isChannelAdmin: known === true,
			isOwner,
		};
		return known === undefined && from !== undefined
			? { requester, isChannelAdmin: () => this.fetchAdmin(chat.id, from.id) }
			: { requester };
	}

	private async fetchAdmin(chatId: number, userId: number): Promise<boolean> {
		const member = await this.bot.telegram.getChatMember(chatId, userId);
		return member.status === 'creator' || member.status === 'administrator';
	}

	private async onPress(ctx: Context<Update.CallbackQueryUpdate>): Promise<void> {
		const q = ctx.callbackQuery;
		const data = 'data' in q ? q.data : undefined;
		const answer = (text?: string, alert = false) =>
			ctx
				.answerCbQuery(text, alert ? { show_alert: true } : {})
				.catch((err: unknown) => this.logger.warn({ err: loggableError(err, this.token) }, 'answerCallbackQuery failed'));
		if (data === undefined || !data.startsWith(PAGE_KEY_PREFIX) || data === NOOP_KEY) return void (await answer());
		const msg = q.message;
		const found = msg ? await this.pages.get(data, String(msg.chat.id), String(q.from.id)) : ({ kind: 'expired' } as const);
		const i18n = createTranslator(q.from.language_code);
		// Page turns run commands too: the same per-member rate, told in the button's own popup.
		const admission = this.limiter.admit(String(q.from.id));
		if (admission !== 'run') {
			this.logger.info({ user: q.from.id, admission }, 'Telegram page turn refused: over the per-user rate');
			return void (await answer(
				admission === 'slow_down' ? i18n.t('error.slowDown').slice(0, 200) : undefined,
				admission === 'slow_down',
			));
		}
		if (!msg || found.kind === 'expired') return void (await answer(i18n.t('telegram.pageExpired')));
		if (found.kind === 'foreign') return void (await answer(i18n.t('telegram.pageForeign')));
		const chat = msg.chat;
		const result = await this.core.handle({
			line: found.entry.line,
			...this.requester(chat, q.from, undefined),
			place: placeOf(chat),
			...(q.from.language_code ? { locale: q.from.language_code } : {}),
			...this.botName(),
		});
		if (result.outcome.kind !== 'ok') {
			// Keep the page as it is for everyone else; tell only the presser why not.
			return void (await answer(renderPlainText(result.reply).slice(0, 200), true));
		}
		await answer();
		const chatId = String(chat.id);
		// A newer press on the same message replaces an edit still waiting: the reader moved past that page.
		this.track(
			this.replies.enqueue(
				chatId,
				async () => void (await this.sender.editPage(chatId, msg.message_id, result.reply, found.entry.userId)),
				`edit:${msg.message_id}`,
			),
		);
	}

	/** bot.catch: log with context, answer generically, and never throw (a throw here would stop polling). */
	private async onError(err: unknown, ctx: Context): Promise<void> {
		try {
			this.logger.error(
				{
					err: loggableError(err, this.token),
					update_id: ctx.update.update_id,
					update: ctx.updateType,
					chat: ctx.chat?.id,
					user: ctx.from?.id,
				},
				'Telegram update handler failed',
			);
			const language = ctx.from?.language_code;
			if (ctx.callbackQuery) await ctx.answerCbQuery(createTranslator(language).t('error.generic.short')).catch(() => undefined);
			else if (ctx.chat) this.reply(ctx.chat, genericFailure(language), {});
		} catch (inner) {
			this.logger.error({ err: loggableError(inner, this.token) }, 'Telegram error handler failed');
		}
	}
}

/**
 * Admin status that needs no API call: in a private chat the user administers their own chat; only
 * admins can post in a channel; an anonymous admin posts as the group itself. A message sent on
 * behalf of another chat (a linked channel) is not an admin's. Undefined means "ask getChatMember".
 */
function knownAdmin(chat: Chat, from: User | undefined, senderChat: Chat | undefined): boolean | undefined {
	if (chat.type === 'private') return from !== undefined && from.id === chat.id;
	if (chat.type === 'channel') return true;
	if (senderChat) return from?.id === ANONYMOUS_ADMIN_ID && senderChat.id === chat.id;
	if (!from || from.is_bot) return false;
	return undefined;
}

function placeOf(chat: Chat, threadId?: number): Place {
	const kind = chat.type === 'private' ? 'private' : chat.type === 'channel' ? 'channel' : 'group';
	return { platform: 'telegram', channelId: String(chat.id), kind, ...(threadId !== undefined ? { threadId: String(threadId) } : {}) };
}

/** The forum topic a message was written in: only is_topic_message marks one (a plain reply thread is not a topic). */
function topicOf(msg: { is_topic_message?: boolean; message_thread_id?: number }): number | undefined {
	return msg.is_topic_message === true && msg.message_thread_id !== undefined ? msg.message_thread_id : undefined;
}
