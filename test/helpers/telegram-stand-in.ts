/**
 * A Bot API stand-in on 127.0.0.1 for end-to-end tests of the real telegraf client: real long
 * polling (offset, timeout, 409 on a second poller), the methods the bot uses, Bot-API-shaped errors
 * on demand, multipart uploads, a record of every call, and an HTML check as strict as Telegram's.
 * Also the small harness the Telegram tests share (core, config, captured logs).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import type { Chat, Update, User } from 'telegraf/types';
import { commandModules } from '../../commands/index.js';
import type { Config } from '../../src/config.js';
import type { CommandModule } from '../../src/core/command.js';
import { Core } from '../../src/core/dispatch.js';
import { createRegistry } from '../../src/core/registry.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import type { Logger } from '../../src/logger.js';

export interface ApiError {
	readonly error_code: number;
	readonly description: string;
	readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number };
}

/** Errors exactly as Telegram words them. */
export const apiErrors = {
	tooManyRequests: (seconds: number): ApiError => ({
		error_code: 429,
		description: `Too Many Requests: retry after ${seconds}`,
		parameters: { retry_after: seconds },
	}),
	blocked: (): ApiError => ({ error_code: 403, description: 'Forbidden: bot was blocked by the user' }),
	kicked: (): ApiError => ({ error_code: 403, description: 'Forbidden: bot was kicked from the group chat' }),
	cantParse: (): ApiError => ({
		error_code: 400,
		description: 'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
	}),
	migrated: (to: number): ApiError => ({
		error_code: 400,
		description: 'Bad Request: group chat was upgraded to a supergroup chat',
		parameters: { migrate_to_chat_id: to },
	}),
	serverError: (): ApiError => ({ error_code: 500, description: 'Internal Server Error' }),
};

export interface Call {
	readonly method: string;
	readonly params: Record<string, unknown>;
	readonly files: Record<string, { name: string; size: number; type: string }>;
	/** performance.now() when the call arrived. */
	readonly at: number;
	error?: ApiError;
}

export interface StoredMessage {
	readonly chat: Chat;
	readonly message_id: number;
	text: string;
	parse_mode?: string;
	reply_markup?: { inline_keyboard: { text: string; callback_data?: string }[][] };
}

const TAGS = new Set([
	'b',
	'strong',
	'i',
	'em',
	'u',
	'ins',
	's',
	'strike',
	'del',
	'span',
	'tg-spoiler',
	'a',
	'tg-emoji',
	'code',
	'pre',
	'blockquote',
]);
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Parses Telegram HTML as the Bot API does: the visible text, or the error Telegram would give. */
export function checkTelegramHtml(html: string): { ok: true; text: string } | { ok: false; error: string } {
	const stack: string[] = [];
	const offset = (i: number) => Buffer.byteLength(html.slice(0, i));
	let text = '';
	for (let i = 0; i < html.length;) {
		const c = html[i]!;
		if (c === '<') {
			const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*>/u.exec(
				html.slice(i),
			);
			if (!m) return { ok: false, error: `Unclosed start tag at byte offset ${offset(i)}` };
			const name = m[2]!.toLowerCase();
			if (m[1]) {
				const top = stack.pop();
				if (top !== name)
					return {
						ok: false,
						error: `Unmatched end tag at byte offset ${offset(i)}, expected "</${top ?? ''}>", found "</${name}>"`,
					};
			} else {
				if (!TAGS.has(name)) return { ok: false, error: `Unsupported start tag "${name}" at byte offset ${offset(i)}` };
				if (name === 'a' && !/\shref\s*=/u.test(m[3]!))
					return { ok: false, error: `Tag "a" must have attribute "href" at byte offset ${offset(i)}` };
				if (name === 'span' && !/class\s*=\s*"tg-spoiler"/u.test(m[3]!))
					return { ok: false, error: `Tag "span" must have class "tg-spoiler" at byte offset ${offset(i)}` };
				stack.push(name);
			}
			i += m[0].length;
			continue;
		}
		if (c === '&') {
			const m = /^&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/u.exec(html.slice(i, i + 12));
			const name = m?.[1];
			if (!m || !name || (!name.startsWith('#') && NAMED[name] === undefined))
				return { ok: false, error: `Can't find end of the entity starting at byte offset ${offset(i)}` };
			text += name.startsWith('#x')
				? String.fromCodePoint(parseInt(name.slice(2), 16))
				: name.startsWith('#')
					? String.fromCodePoint(Number(name.slice(1)))
					: NAMED[name];
			i += m[0].length;
			continue;
		}
		text += c;
		i++;
	}
	if (stack.length) return { ok: false, error: `Can't find end tag corresponding to start tag "${stack.at(-1)!}"` };
	return { ok: true, text };
}

export const BOT: User = { id: 777001, is_bot: true, first_name: 'sitrep', username: 'SitrepTestBot' };
export const TOKEN = '777001:AAH-test-token-for-the-stand-in-only';

export const people = {
	alice: { id: 1001, is_bot: false, first_name: 'Alice', username: 'alice', language_code: 'en' },
	bob: { id: 1002, is_bot: false, first_name: 'Bob', username: 'bob' },
	anonymousAdmin: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
} satisfies Record<string, User>;

export const places = {
	private: (u: User): Chat => ({ id: u.id, type: 'private', first_name: u.first_name }),
	group: { id: -4001, type: 'group', title: 'Desk' } as Chat,
	supergroup: { id: -1004002, type: 'supergroup', title: 'Newsroom' } as Chat,
	channel: { id: -1004003, type: 'channel', title: 'Briefings' } as Chat,
};

export class TelegramStandIn {
	readonly calls: Call[] = [];
	readonly messages = new Map<string, StoredMessage>();
	webhook?: { url: string; secret?: string };
	/** setMyCommands menus by scope type ('chat:<id>' for one chat), with '@<language_code>' appended when one is given. */
	readonly commands = new Map<string, unknown[]>();
	private readonly server: http.Server;
	private updates: Update[] = [];
	private nextUpdate = 1;
	private nextMessage = 100;
	private readonly chats = new Map<string, Chat>();
	private readonly members = new Map<string, string>();
	private failures: { method: string; chatId?: string; error: ApiError; times: number; skip: number }[] = [];
	private poll?: { deliver: (status: number, body: unknown) => void };

	private constructor() {
		this.server = http.createServer((req, res) => void this.route(req, res));
	}

	static async start(): Promise<TelegramStandIn> {
		const s = new TelegramStandIn();
		await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
		for (const c of [places.group, places.supergroup, places.channel]) s.chats.set(String(c.id), c);
		return s;
	}

	get apiRoot(): string {
		return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async close(): Promise<void> {
		this.poll?.deliver(200, { ok: true, result: [] });
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	/** getChatMember's answer for this user in this chat ('member' unless set). */
	setMember(chatId: number, userId: number, status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked'): void {
		this.members.set(`${chatId}:${userId}`, status);
	}

	/** After `skip` good ones, the next `times` calls of `method` (to `chatId`, if given) fail with `error`. */
	fail(method: string, error: ApiError, options: { times?: number; skip?: number; chatId?: number | string } = {}): void {
		this.failures.push({
			method,
			error,
			times: options.times ?? 1,
			skip: options.skip ?? 0,
			...(options.chatId !== undefined ? { chatId: String(options.chatId) } : {}),
		});
	}

	addChat(chat: Chat): void {
		this.chats.set(String(chat.id), chat);
	}

	/** Queues an update for getUpdates and wakes a waiting poll. */
	push(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
		const u = { ...update, update_id: update.update_id ?? this.nextUpdate++ } as Update;
		this.updates.push(u);
		if (this.poll) {
			const p = this.poll;
			this.poll = undefined;
			p.deliver(200, { ok: true, result: this.updates.slice(0, 100) });
		}
		return u;
	}

	/** A user writes `text` in `chat` (a message update, with its bot_command entity). */
	message(chat: Chat, from: User | undefined, text: string, extra: { sender_chat?: Chat } = {}): Update {
		this.chats.set(String(chat.id), chat);
		const command = /^\/\S+/u.exec(text);
		const msg = {
			message_id: this.nextMessage++,
			date: Math.floor(Date.now() / 1000),
			chat,
			...(from ? { from } : {}),
			...extra,
			text,
			...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
		};
		return this.push((chat.type === 'channel' ? { channel_post: msg } : { message: msg }) as Omit<Update, 'update_id'>);
	}

	/** `from` presses the inline button with `data` on message `messageId` in `chat`. */
	press(chat: Chat, from: User, messageId: number, data: string): Update {
		const stored = this.messages.get(`${chat.id}:${messageId}`);
		const message = { message_id: messageId, date: Math.floor(Date.now() / 1000), chat, from: BOT, text: stored?.text ?? '' };
		return this.push({ callback_query: { id: `cb${this.nextUpdate}`, from, chat_instance: `ci${chat.id}`, data, message } } as Omit<
			Update,
			'update_id'
		>);
	}

	/** POSTs an update to the registered webhook (127.0.0.1 only), as Telegram would. */
	async deliverWebhook(update: Update, secret: string | undefined = this.webhook?.secret): Promise<number> {
		if (!this.webhook) throw new Error('No webhook is set');
		const url = new URL(this.webhook.url);
		if (url.hostname !== '127.0.0.1') throw new Error(`Refusing to send to ${url.hostname}`);
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
			body: JSON.stringify(update),
		});
		await res.arrayBuffer();
		return res.status;
	}

	/** Successful calls of `method`, optionally to one chat. */
	ok(method: string, chatId?: number | string): Call[] {
		return this.calls.filter(
			(c) => c.method === method && !c.error && (chatId === undefined || String(c.params['chat_id']) === String(chatId)),
		);
	}

	async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
		const end = Date.now() + timeoutMs;
		for (;;) {
			const v = probe();
			if (v !== undefined && v !== false) return v;
			if (Date.now() > end) throw new Error('waitFor: timed out');
			await new Promise((r) => setTimeout(r, 10));
		}
	}

	private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const send = (status: number, body: unknown) => {
			if (!res.writableEnded) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
		};
		const url = new URL(req.url ?? '/', this.apiRoot);
		const m = /^\/bot([^/]+)\/([A-Za-z]+)$/u.exec(url.pathname);
		if (!m) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
		if (m[1] !== TOKEN) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
		const method = m[2]!;
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
		const files: Call['files'] = {};
		const type = req.headers['content-type'] ?? '';
		if (type.startsWith('application/json') && chunks.length) Object.assign(params, JSON.parse(Buffer.concat(chunks).toString('utf8')));
		if (type.startsWith('multipart/form-data')) {
			const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData();
			for (const [k, v] of form) {
				if (typeof v === 'string') params[k] = k === 'reply_markup' ? JSON.parse(v) : v;
				else files[k] = { name: v.name, size: v.size, type: v.type };
			}
		}
		const call: Call = { method, params, files, at: performance.now() };
		this.calls.push(call);
		const fail = (error: ApiError) => {
			call.error = error;
			send(error.error_code, { ok: false, ...error });
		};
		const chatId = params['chat_id'] === undefined ? undefined : String(params['chat_id']);
		const injected = this.failures.find((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
		if (injected && injected.skip > 0) injected.skip--;
		else if (injected) {
			if (--injected.times <= 0) this.failures = this.failures.filter((f) => f !== injected);
			return fail(injected.error);
		}
		const result = this.answer(method, params, chatId, res, fail);
		if (result !== undefined) send(200, { ok: true, result });
	}

	/** The result of one call; undefined when the response was already sent (errors, long polls). */
	private answer(
		method: string,
		p: Record<string, unknown>,
		chatId: string | undefined,
		res: http.ServerResponse,
		fail: (e: ApiError) => void,
	): unknown {
		const bad = (description: string) => fail({ error_code: 400, description: `Bad Request: ${description}` });
		const chat = chatId === undefined ? undefined : this.chats.get(chatId);
		switch (method) {
			case 'getMe':
				return BOT;
			case 'getUpdates':
				return this.getUpdates(p, res, fail);
			case 'setWebhook':
				this.webhook = { url: String(p['url']), ...(p['secret_token'] ? { secret: String(p['secret_token']) } : {}) };
				return true;
			case 'deleteWebhook':
				this.webhook = undefined;
				return true;
			case 'setMyCommands': {
				const scope = (p['scope'] ?? { type: 'default' }) as { type: string; chat_id?: number };
				if (scope.type === 'chat' && !this.chats.has(String(scope.chat_id))) return bad('chat not found');
				const language = typeof p['language_code'] === 'string' ? `@${p['language_code']}` : '';
				this.commands.set(`${scope.type === 'chat' ? `chat:${scope.chat_id}` : scope.type}${language}`, p['commands'] as unknown[]);
				return true;
			}
			case 'answerCallbackQuery':
				return true;
			case 'getChatMember': {
				const status = this.members.get(`${chatId}:${String(p['user_id'])}`) ?? 'member';
				return {
					status,
					user: { id: Number(p['user_id']), is_bot: false, first_name: 'Someone' },
					...(status === 'administrator' ? { can_be_edited: false, is_anonymous: false } : {}),
				};
			}
			case 'sendMessage':
			case 'editMessageText': {
				if (!chat) return bad('chat not found');
				const checked = this.checkText(p);
				if (typeof checked !== 'string') return bad(checked.error);
				const markup = p['reply_markup'] as StoredMessage['reply_markup'];
				for (const b of markup?.inline_keyboard.flat() ?? [])
					if (b.callback_data !== undefined && (Buffer.byteLength(b.callback_data) > 64 || b.callback_data === ''))
						return bad('BUTTON_DATA_INVALID');
				if (method === 'editMessageText') {
					const old = this.messages.get(`${chatId}:${String(p['message_id'])}`);
					if (!old) return bad('message to edit not found');
					if (old.text === p['text'] && JSON.stringify(old.reply_markup) === JSON.stringify(markup))
						return bad(
							'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
						);
					Object.assign(old, { text: String(p['text']), parse_mode: p['parse_mode'], reply_markup: markup });
					return {
						message_id: old.message_id,
						date: 0,
						edit_date: Math.floor(Date.now() / 1000),
						chat,
						from: BOT,
						text: checked,
					};
				}
				const stored: StoredMessage = {
					chat,
					message_id: this.nextMessage++,
					text: String(p['text']),
					...(p['parse_mode'] ? { parse_mode: String(p['parse_mode']) } : {}),
					...(markup ? { reply_markup: markup } : {}),
				};
				this.messages.set(`${chatId}:${stored.message_id}`, stored);
				return { message_id: stored.message_id, date: Math.floor(Date.now() / 1000), chat, from: BOT, text: checked };
			}
			case 'sendPhoto':
			case 'sendDocument': {
				if (!chat) return bad('chat not found');
				const id = this.nextMessage++;
				return {
					message_id: id,
					date: Math.floor(Date.now() / 1000),
					chat,
					from: BOT,
					...(method === 'sendPhoto'
						? { photo: [{ file_id: `p${id}`, file_unique_id: `p${id}`, width: 1, height: 1 }] }
						: { document: { file_id: `d${id}`, file_unique_id: `d${id}` } }),
				};
			}
			default:
				return fail({ error_code: 404, description: 'Not Found: method not found' });
		}
	}

	/** The visible text of a sendMessage/editMessageText, or the error Telegram would give. */
	private checkText(p: Record<string, unknown>): string | { error: string } {
		const raw = String(p['text'] ?? '');
		let text = raw;
		if (p['parse_mode'] === 'HTML') {
			const r = checkTelegramHtml(raw);
			if (!r.ok) return { error: `can't parse entities: ${r.error}` };
			text = r.text;
		} else if (p['parse_mode'] !== undefined) return { error: 'unsupported parse_mode in this stand-in' };
		if (text.trim() === '') return { error: 'message text is empty' };
		if (text.length > 4096) return { error: 'message is too long' };
		return text;
	}

	private getUpdates(p: Record<string, unknown>, res: http.ServerResponse, fail: (e: ApiError) => void): unknown {
		if (this.webhook)
			return fail({
				error_code: 409,
				description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
			});
		const offset = Number(p['offset'] ?? 0);
		const limit = Math.min(100, Number(p['limit'] ?? 100));
		// An update is confirmed once getUpdates asks for a higher offset.
		if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
		const ready = this.updates.slice(0, limit);
		const timeout = Number(p['timeout'] ?? 0);
		if (ready.length || timeout <= 0) return ready;
		this.poll?.deliver(409, {
			ok: false,
			error_code: 409,
			description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
		});
		const timer = setTimeout(() => deliver(200, { ok: true, result: [] }), timeout * 1000);
		const deliver = (status: number, body: unknown) => {
			clearTimeout(timer);
			if (this.poll === entry) this.poll = undefined;
			if (!res.writableEnded) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
		};
		const entry = { deliver };
		this.poll = entry;
		res.on('close', () => deliver(200, { ok: true, result: [] }));
		return undefined;
	}
}

// ---- Shared harness -------------------------------------------------------------------------

let dataset: Promise<DatasetSnapshot> | undefined;

/** The demo dataset, loaded once per test file. */
export function demoDataset(): Promise<DatasetSnapshot> {
	dataset ??= loadDataset(path.resolve('data'), { now: new Date('2025-07-10T09:00:00Z') }).then((r) => {
		if (!r.ok) throw new Error(`demo dataset invalid: ${JSON.stringify(r.errors.slice(0, 3))}`);
		return r.snapshot;
	});
	return dataset;
}

/** A core over the real commands plus test-only ones. */
export async function testCore(extra: readonly CommandModule[] = [], logger: Logger = pino({ level: 'silent' })): Promise<Core> {
	const snapshot = await demoDataset();
	const registry = createRegistry([...(commandModules as unknown as CommandModule[]), ...extra]);
	return new Core({ registry, dataset: () => snapshot, clock: () => new Date('2025-07-10T09:00:00Z'), logger, services: { registry } });
}

export function testConfig(
	standIn: TelegramStandIn,
	telegram: Partial<NonNullable<Config['telegram']>> = {},
	owners: Config['owners'] = [],
): Config {
	return {
		telegram: { token: TOKEN, apiRoot: standIn.apiRoot, ...telegram },
		dataDir: 'data',
		dbPath: ':memory:',
		imageDir: 'var/images',
		owners,
		watch: false,
		catchupMinutes: 120,
		defaultTime: '08:00',
		logLevel: 'debug',
		secrets: [TOKEN],
	};
}

/** A logger whose records the test can read. */
export function captureLogger(): { logger: Logger; records: () => Record<string, unknown>[]; raw: () => string } {
	const lines: string[] = [];
	const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
	return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), raw: () => lines.join('') };
}
