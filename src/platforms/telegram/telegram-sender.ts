/**
 * Sending replies to Telegram: render to HTML, send each message through the pacer, attach paging
 * buttons, fall back to plain text when Telegram cannot parse our HTML, and report the result as a
 * SendOutcome. Used for command answers and, through PlatformSender, for scheduled briefings.
 */
import { TelegramError, type Telegram } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { EditOutcome, PlatformSender, SendOutcome, SendProgress, SentPart } from '../../core/delivery.js';
import type { ImageAttachment, Paging, Reply } from '../../core/reply.js';
import { createTranslator } from '../../i18n/translator.js';
import type { Logger } from '../../logger.js';
import { NOOP_KEY, type PageKeyStore } from './page-keys.js';
import type { Pacer } from './pacer.js';
import { captionHtml, htmlToPlain, renderTelegram, TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT } from './render-telegram.js';
import { classifySendError, isCantParseEntities, isNotModified, isPictureRefused, loggableError } from './send-errors.js';

export interface DeliverOptions {
	/** Answer this message (groups), so the reply is visibly tied to its command. */
	readonly replyTo?: number;
	/** The user whose request this is: only they may turn its pages. Undefined lets anyone in the chat. */
	readonly pageOwner?: string;
	/** A forum topic (message_thread_id): every message of the reply goes there. */
	readonly threadId?: number;
}

interface TextExtra {
	readonly message_thread_id?: number;
	readonly reply_markup?: InlineKeyboardMarkup;
	readonly reply_parameters?: { readonly message_id: number; readonly allow_sending_without_reply: boolean };
}

/**
 * Renderings of replies sent to many chats at once (an alert, a correction and its reply): the same
 * Reply object is rendered once, not once per chat. A memo rather than sender state: the rendering is
 * a pure function of an immutable Reply, the same for every sender, and it is dropped with the reply.
 */
const rendered = new WeakMap<Reply, string[]>();
function renderShared(reply: Reply): string[] {
	let html = rendered.get(reply);
	if (!html) rendered.set(reply, (html = renderTelegram(reply)));
	return html;
}

/** Group, supergroup and channel ids are negative; users' are positive. */
export const isGroupChat = (chatId: string): boolean => chatId.startsWith('-');

/** A hook of SendProgress failed: the send stops; `afterSend` when the part it concerns did go out. */
class ProgressError extends Error {
	override readonly name = 'ProgressError';
	constructor(
		override readonly cause: unknown,
		readonly afterSend: boolean,
	) {
		super(progressFailure(cause));
	}
}

/** Why a send stopped when its progress could not be recorded: for the ledger and the operator. */
function progressFailure(cause: unknown): string {
	return `could not record the delivery's progress: ${cause instanceof Error ? cause.message : String(cause)}`;
}

/**
 * One part of a reply, sent when its turn comes; `wire` is called inside the pacing slot, right
 * before each request. Returns the message ids it produced (none for a picture Telegram refused).
 */
type PlannedPart = (wire: () => Promise<void>) => Promise<number[]>;

export class TelegramSender implements PlatformSender {
	readonly platform = 'telegram' as const;
	/** send() reports every message through SendProgress, so a cut briefing can be resumed. */
	readonly tracksParts = true;

	constructor(
		private readonly telegram: Telegram,
		private readonly pacer: Pacer,
		private readonly pages: PageKeyStore,
		private readonly logger: Logger,
		private readonly token: string,
	) {}

	/** PlatformSender: a briefing or any other unprompted message. Never throws. */
	send(channelId: string, reply: Reply, progress?: SendProgress, threadId?: string): Promise<SendOutcome> {
		const topic = threadId !== undefined && /^\d+$/u.test(threadId) ? Number(threadId) : undefined;
		return this.deliver(channelId, reply, topic !== undefined ? { threadId: topic } : {}, progress);
	}

	/** A user's private chat with the bot has the user's id (they must have started the bot). */
	sendToUser(userId: string, reply: Reply): Promise<SendOutcome> {
		return this.deliver(userId, reply, {});
	}

	/**
	 * Sends a reply: its messages in order, then its images and file, each one a part reported to
	 * `progress`. Never throws.
	 */
	async deliver(chatId: string, reply: Reply, options: DeliverOptions, progress: SendProgress = {}): Promise<SendOutcome> {
		const ids: string[] = [];
		const parts: SentPart[] = [];
		try {
			const plan = this.plan(chatId, reply, options);
			const skip = Math.max(0, progress.skipParts ?? 0);
			for (const [i, send] of plan.entries()) {
				const part = i + 1;
				if (part <= skip) continue;
				const wire = async () => {
					try {
						await progress.onWire?.(part, plan.length);
					} catch (err) {
						throw new ProgressError(err, false);
					}
				};
				const messageIds = (await send(wire)).map(String);
				const sent: SentPart = { part, parts: plan.length, messageIds };
				ids.push(...messageIds);
				parts.push(sent);
				try {
					await progress.onSent?.(sent);
				} catch (err) {
					throw new ProgressError(err, true);
				}
			}
			return { kind: 'sent', messageIds: ids, parts };
		} catch (err) {
			if (err instanceof ProgressError) {
				this.logger.error(
					{ chat: chatId, err: loggableError(err.cause, this.token), afterSend: err.afterSend },
					"Could not record a Telegram delivery's progress; stopping it",
				);
				return { kind: 'transient', reason: err.message, ...(err.afterSend ? { uncertain: true } : {}) };
			}
			// With progress recorded, the parts already sent are never sent again, so they do not make a retry uncertain.
			const outcome = classifySendError(err, this.token, ids.length, progress.onSent !== undefined);
			const log = { chat: chatId, outcome, err: loggableError(err, this.token) };
			if (outcome.kind === 'migrated') this.logger.info(log, 'Telegram chat moved to a supergroup');
			else this.logger.warn(log, 'Telegram send failed');
			return outcome;
		}
	}

	/**
	 * The messages of a reply, in order. A picture with a short answer: the answer is the photo's
	 * caption (Telegram allows 1024 characters), and whatever does not fit follows as text. A paged
	 * answer stays a text message, because only text can be edited in place by the page buttons.
	 */
	private plan(chatId: string, reply: Reply, options: DeliverOptions): PlannedPart[] {
		const plan: PlannedPart[] = [];
		const thread = options.threadId !== undefined ? { message_thread_id: options.threadId } : {};
		const images = [...(reply.images ?? [])];
		const first = !reply.paging ? images.shift() : undefined;
		let messages: string[];
		if (first) {
			const pieces = renderTelegram(reply, { limit: TELEGRAM_CAPTION_LIMIT });
			const caption = pieces.shift() ?? '';
			plan.push(async (wire) => {
				try {
					// With nothing after the photo, the photo carries the "Open on the web" button.
					const photoMarkup = messages.length === 0 ? await this.markup(chatId, reply, options.pageOwner) : undefined;
					return [await this.sendPhoto(chatId, first, caption, wire, options.replyTo, options.threadId, photoMarkup)];
				} catch (err) {
					if (!isPictureRefused(err)) throw err;
					// The words never wait on a picture: the caption goes out as a text message.
					this.logger.warn(
						{ chat: chatId, err: loggableError(err, this.token) },
						'Telegram refused the picture; sending its caption as text',
					);
					const extra: TextExtra = {
						...thread,
						...(options.replyTo !== undefined
							? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
							: {}),
					};
					return [await this.sendHtml(chatId, caption, extra, wire)];
				}
			});
			messages = packPieces(pieces, TELEGRAM_TEXT_LIMIT);
		} else messages = reply.paging ? renderTelegram(reply, { singleMessage: true }) : renderShared(reply);
		for (const [i, html] of messages.entries()) {
			const last = i === messages.length - 1;
			plan.push(async (wire) => {
				const markup = last ? await this.markup(chatId, reply, options.pageOwner) : undefined;
				const extra: TextExtra = {
					...thread,
					...(markup ? { reply_markup: markup } : {}),
					...(i === 0 && !first && options.replyTo !== undefined
						? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
						: {}),
				};
				return this.sendHtml(chatId, html, extra, wire).then((id) => [id]);
			});
		}
		for (const image of images) {
			plan.push(async (wire) => {
				try {
					return [await this.sendPhoto(chatId, image, captionHtml(image.alt), wire, undefined, options.threadId)];
				} catch (err) {
					// The words went out already; a further picture is let go, said in the log.
					if (!isPictureRefused(err)) throw err;
					this.logger.warn(
						{ chat: chatId, err: loggableError(err, this.token) },
						'Telegram refused a further picture; the answer went out without it',
					);
					return [];
				}
			});
		}
		if (reply.file) {
			const file = reply.file;
			plan.push(async (wire) => {
				// A file Telegram refuses (too large, no right to send media) is let go; the words went out.
				const id = await this.attachment(chatId, 'document', async () => {
					const sent = await this.pacer.run(chatId, isGroupChat(chatId), async () => {
						await wire();
						return this.telegram.sendDocument(chatId, { source: Buffer.from(file.content), filename: file.name }, thread);
					});
					return sent.message_id;
				});
				return id === undefined ? [] : [id];
			});
		}
		return plan;
	}

	/** PlatformSender: a correction reply, tied to the message it corrects. Never throws. */
	sendReply(channelId: string, toMessageId: string, reply: Reply, onWire?: () => Promise<void>): Promise<SendOutcome> {
		const to = Number(toMessageId);
		return this.deliver(channelId, reply, Number.isSafeInteger(to) ? { replyTo: to } : {}, onWire ? { onWire: () => onWire() } : {});
	}

	/**
	 * PlatformSender: edits the text messages of a pushed reply in place, the parts whose HTML
	 * changed, each through the pacer. Never throws.
	 */
	async edit(
		chatId: string,
		messageIds: readonly string[],
		before: Reply,
		after: Reply,
		onWire?: () => Promise<void>,
	): Promise<EditOutcome> {
		const was = renderShared(before);
		const now = renderShared(after);
		if (now.length !== was.length || now.length !== messageIds.length) return { kind: 'layout' };
		let edited = 0;
		for (let i = 0; i < now.length; i++) {
			if (now[i] === was[i]) continue;
			const id = Number(messageIds[i]);
			try {
				await this.editHtml(chatId, id, now[i]!, {}, onWire);
				edited++;
			} catch (err) {
				if (isNotModified(err)) continue;
				const outcome = classifySendError(err, this.token);
				this.logger.warn(
					{ chat: chatId, message: id, outcome, err: loggableError(err, this.token) },
					'Telegram correction edit failed',
				);
				if (outcome.kind === 'transient')
					return { kind: 'transient', reason: outcome.reason, ...(outcome.uncertain || edited > 0 ? { uncertain: true } : {}) };
				return { kind: 'refused', reason: outcome.kind === 'permanent' ? outcome.reason : 'the chat moved' };
			}
		}
		return { kind: 'edited', edited };
	}

	/** Replaces a paged message with another page (a button press). Never throws. */
	async editPage(chatId: string, messageId: number, reply: Reply, pageOwner: string | undefined): Promise<SendOutcome> {
		const html = renderTelegram(reply, { singleMessage: true })[0] ?? '';
		const markup = await this.markup(chatId, reply, pageOwner);
		try {
			await this.editHtml(chatId, messageId, html, markup ? { reply_markup: markup } : {});
			return { kind: 'sent', messageIds: [String(messageId)] };
		} catch (err) {
			if (isNotModified(err)) return { kind: 'sent', messageIds: [String(messageId)] };
			const outcome = classifySendError(err, this.token);
			this.logger.warn({ chat: chatId, outcome, err: loggableError(err, this.token) }, 'Telegram page edit failed');
			return outcome;
		}
	}

	/**
	 * Edits one message's text through the pacer; a 400 "can't parse entities" is edited once more as
	 * plain text. `wire` is awaited right before each request (after pacing).
	 */
	private async editHtml(
		chatId: string,
		messageId: number,
		html: string,
		extra: { reply_markup?: InlineKeyboardMarkup },
		wire: () => Promise<void> = noWire,
	): Promise<void> {
		const edit = (text: string, parse: boolean) =>
			this.pacer.run(chatId, isGroupChat(chatId), async () => {
				await wire();
				return this.telegram.editMessageText(chatId, messageId, undefined, text, {
					link_preview_options: { is_disabled: true },
					...extra,
					...(parse ? { parse_mode: 'HTML' as const } : {}),
				});
			});
		try {
			await edit(html, true);
		} catch (err) {
			if (!isCantParseEntities(err)) throw err;
			this.logger.warn(
				{ chat: chatId, err: loggableError(err, this.token), html: html.slice(0, 300) },
				'Telegram rejected our HTML; editing as plain text',
			);
			await edit(htmlToPlain(html), false);
		}
	}

	/** One message; a 400 "can't parse entities" is sent once more as plain text, never dropped. */
	private async sendHtml(chatId: string, html: string, extra: TextExtra, wire: () => Promise<void> = noWire): Promise<number> {
		const base = { ...extra, link_preview_options: { is_disabled: true } };
		const send = (text: string, parse: boolean) =>
			this.pacer.run(chatId, isGroupChat(chatId), async () => {
				await wire();
				return this.telegram.sendMessage(chatId, text, { ...base, ...(parse ? { parse_mode: 'HTML' as const } : {}) });
			});
		try {
			return (await send(html, true)).message_id;
		} catch (err) {
			if (!isCantParseEntities(err)) throw err;
			// A renderer bug, not the reader's problem: say so in the log and deliver the words anyway.
			this.logger.warn(
				{ chat: chatId, err: loggableError(err, this.token), html: html.slice(0, 300) },
				'Telegram rejected our HTML; resending as plain text',
			);
			return (await send(htmlToPlain(html), false)).message_id;
		}
	}

	/**
	 * Sends an attachment; when Telegram refuses the attachment itself (a picture it cannot process,
	 * a file too large, no right to send media in this chat), logs it and returns undefined so the
	 * words still go out. A failure of the chat as a whole (blocked, gone, moved, rate-limited) is
	 * rethrown: words would fail the same way.
	 */
	private async attachment(chatId: string, kind: 'photo' | 'document', send: () => Promise<number>): Promise<number | undefined> {
		try {
			return await send();
		} catch (err) {
			if (!attachmentRefused(err)) throw err;
			this.logger.warn(
				{ chat: chatId, kind, err: loggableError(err, this.token) },
				'Telegram refused an attachment; the words go out without it',
			);
			return undefined;
		}
	}

	/** A photo with an HTML caption; a caption Telegram cannot parse is resent as plain text. */
	private async sendPhoto(
		chatId: string,
		image: ImageAttachment,
		caption: string,
		wire: () => Promise<void>,
		replyTo?: number,
		threadId?: number,
		markup?: InlineKeyboardMarkup,
	): Promise<number> {
		const send = (text: string, parse: boolean) =>
			this.pacer.run(chatId, isGroupChat(chatId), async () => {
				await wire();
				return this.telegram.sendPhoto(
					chatId,
					{ source: Buffer.from(image.png), filename: image.name },
					{
						caption: text,
						...(threadId !== undefined ? { message_thread_id: threadId } : {}),
						...(parse ? { parse_mode: 'HTML' as const } : {}),
						...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
						...(markup ? { reply_markup: markup } : {}),
					},
				);
			});
		try {
			return (await send(caption, true)).message_id;
		} catch (err) {
			if (!isCantParseEntities(err)) throw err;
			this.logger.warn(
				{ chat: chatId, err: loggableError(err, this.token), html: caption.slice(0, 300) },
				'Telegram rejected our caption HTML; resending as plain text',
			);
			return (await send(htmlToPlain(caption), false)).message_id;
		}
	}

	/** The reply's buttons: paging, and a URL button to its web page; undefined when it has neither. */
	private async markup(chatId: string, reply: Reply, owner: string | undefined): Promise<InlineKeyboardMarkup | undefined> {
		const rows = [...((reply.paging ? await this.keyboard(chatId, reply, reply.paging, owner) : undefined)?.inline_keyboard ?? [])];
		if (reply.link && /^https?:\/\/\S+$/iu.test(reply.link.url)) rows.push([{ text: reply.link.label, url: reply.link.url }]);
		return rows.length ? { inline_keyboard: rows } : undefined;
	}

	/**
	 * Paging buttons, labelled in the reply's language; none when their keys cannot be stored (the
	 * shared store is down): the page's words still go out.
	 */
	private async keyboard(
		chatId: string,
		reply: Reply,
		paging: Paging,
		owner: string | undefined,
	): Promise<InlineKeyboardMarkup | undefined> {
		const i18n = createTranslator(reply.locale);
		const key = (line: string) => this.pages.put({ line, chatId, ...(owner !== undefined ? { userId: owner } : {}) });
		try {
			const row: InlineKeyboardButton[] = [];
			if (paging.prev) row.push({ text: i18n.t('paging.telegram.previous'), callback_data: await key(paging.prev) });
			row.push({
				text: i18n.t(paging.capped ? 'paging.label.capped' : 'paging.label', { page: paging.page, pages: paging.pages }),
				callback_data: NOOP_KEY,
			});
			if (paging.next) row.push({ text: i18n.t('paging.telegram.next'), callback_data: await key(paging.next) });
			return { inline_keyboard: [row] };
		} catch (err) {
			this.logger.warn(
				{ chat: chatId, err: loggableError(err, this.token) },
				'Could not store the paging keys; sending the page without buttons',
			);
			return undefined;
		}
	}
}

const noWire = (): Promise<void> => Promise.resolve();

/** Joins well-formed HTML pieces into as few messages of at most `limit` characters as possible. */
function packPieces(pieces: readonly string[], limit: number): string[] {
	const out: string[] = [];
	let current = '';
	for (const p of pieces) {
		if (current && current.length + 1 + p.length <= limit) current += `\n${p}`;
		else {
			if (current) out.push(current);
			current = p;
		}
	}
	if (current) out.push(current);
	return out;
}

/** Telegram refused an attachment, not the chat: a 400 or 413 about the media, with no move to a supergroup. */
function attachmentRefused(err: unknown): boolean {
	if (!(err instanceof TelegramError) || err.parameters?.migrate_to_chat_id !== undefined) return false;
	if (err.code === 413) return true;
	return (
		err.code === 400 &&
		/photo|image|media|document|file|dimensions|too (?:big|large)/iu.test(err.description) &&
		!/chat not found|blocked|kicked|deactivated|upgraded/iu.test(err.description)
	);
}
