/**
 * Sending replies to Telegram: render to HTML, send each message through the pacer, attach paging
 * buttons, fall back to plain text when Telegram cannot parse our HTML, and report the result as a
 * SendOutcome. Used for command answers and, through PlatformSender, for scheduled briefings.
 */
import { TelegramError, type Telegram } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { PlatformSender, SendOutcome } from '../../core/delivery.js';
import type { ImageAttachment, Paging, Reply } from '../../core/reply.js';
import { createTranslator } from '../../i18n/translator.js';
import type { Logger } from '../../logger.js';
import { NOOP_KEY, type PageKeyStore } from './page-keys.js';
import type { Pacer } from './pacer.js';
import { captionHtml, htmlToPlain, renderTelegram, TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT } from './render-telegram.js';
import { classifySendError, isCantParseEntities, isNotModified, loggableError } from './send-errors.js';

export interface DeliverOptions {
	/** Answer this message (groups), so the reply is visibly tied to its command. */
	readonly replyTo?: number;
	/** The user whose request this is: only they may turn its pages. Undefined lets anyone in the chat. */
	readonly pageOwner?: string;
}

interface TextExtra {
	readonly reply_markup?: InlineKeyboardMarkup;
	readonly reply_parameters?: { readonly message_id: number; readonly allow_sending_without_reply: boolean };
}

/** Group, supergroup and channel ids are negative; users' are positive. */
export const isGroupChat = (chatId: string): boolean => chatId.startsWith('-');

export class TelegramSender implements PlatformSender {
	readonly platform = 'telegram' as const;

	constructor(
		private readonly telegram: Telegram,
		private readonly pacer: Pacer,
		private readonly pages: PageKeyStore,
		private readonly logger: Logger,
		private readonly token: string,
	) {}

	/** PlatformSender: a briefing or any other unprompted message. Never throws. */
	send(channelId: string, reply: Reply): Promise<SendOutcome> {
		return this.deliver(channelId, reply, {});
	}

	/** Sends a reply: its messages in order, then its images and file. Never throws. */
	async deliver(chatId: string, reply: Reply, options: DeliverOptions): Promise<SendOutcome> {
		const ids: string[] = [];
		try {
			const images = [...(reply.images ?? [])];
			// A picture with a short answer: the answer is the photo's caption (Telegram allows 1024
			// characters), and whatever does not fit follows as text. A paged answer stays a text
			// message, because only text can be edited in place by the page buttons.
			const first = !reply.paging ? images.shift() : undefined;
			let messages: string[] | undefined;
			let captioned = false;
			if (first) {
				const pieces = renderTelegram(reply, { limit: TELEGRAM_CAPTION_LIMIT });
				const caption = pieces.shift() ?? '';
				const photoId = await this.attachment(chatId, 'photo', () => this.sendPhoto(chatId, first, caption, options.replyTo));
				if (photoId !== undefined) {
					ids.push(String(photoId));
					captioned = true;
					messages = packPieces(pieces, TELEGRAM_TEXT_LIMIT);
				}
			}
			messages ??= renderTelegram(reply, { singleMessage: reply.paging !== undefined });
			for (const [i, html] of messages.entries()) {
				const last = i === messages.length - 1;
				const extra: TextExtra = {
					...(last && reply.paging ? { reply_markup: this.keyboard(chatId, reply, reply.paging, options.pageOwner) } : {}),
					...(i === 0 && !captioned && options.replyTo !== undefined ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } } : {}),
				};
				ids.push(String(await this.sendHtml(chatId, html, extra)));
			}
			for (const image of images) {
				const id = await this.attachment(chatId, 'photo', () => this.sendPhoto(chatId, image, captionHtml(image.alt)));
				if (id !== undefined) ids.push(String(id));
			}
			if (reply.file) {
				const file = reply.file;
				const id = await this.attachment(chatId, 'document', async () => (await this.pacer.run(chatId, isGroupChat(chatId), () => this.telegram.sendDocument(chatId, { source: Buffer.from(file.content), filename: file.name }))).message_id);
				if (id !== undefined) ids.push(String(id));
			}
			return { kind: 'sent', messageIds: ids };
		} catch (err) {
			const outcome = classifySendError(err, this.token, ids.length);
			const log = { chat: chatId, outcome, err: loggableError(err, this.token) };
			if (outcome.kind === 'migrated') this.logger.info(log, 'Telegram chat moved to a supergroup');
			else this.logger.warn(log, 'Telegram send failed');
			return outcome;
		}
	}

	/** Replaces a paged message with another page (a button press). Never throws. */
	async editPage(chatId: string, messageId: number, reply: Reply, pageOwner: string | undefined): Promise<SendOutcome> {
		const html = renderTelegram(reply, { singleMessage: true })[0] ?? '';
		const extra = { link_preview_options: { is_disabled: true }, ...(reply.paging ? { reply_markup: this.keyboard(chatId, reply, reply.paging, pageOwner) } : {}) };
		const edit = (text: string, parse: boolean) =>
			this.pacer.run(chatId, isGroupChat(chatId), () => this.telegram.editMessageText(chatId, messageId, undefined, text, { ...extra, ...(parse ? { parse_mode: 'HTML' as const } : {}) }));
		try {
			try {
				await edit(html, true);
			} catch (err) {
				if (!isCantParseEntities(err)) throw err;
				this.logger.warn({ chat: chatId, err: loggableError(err, this.token), html: html.slice(0, 300) }, 'Telegram rejected our HTML; editing as plain text');
				await edit(htmlToPlain(html), false);
			}
			return { kind: 'sent', messageIds: [String(messageId)] };
		} catch (err) {
			if (isNotModified(err)) return { kind: 'sent', messageIds: [String(messageId)] };
			const outcome = classifySendError(err, this.token);
			this.logger.warn({ chat: chatId, outcome, err: loggableError(err, this.token) }, 'Telegram page edit failed');
			return outcome;
		}
	}

	/** One message; a 400 "can't parse entities" is sent once more as plain text, never dropped. */
	private async sendHtml(chatId: string, html: string, extra: TextExtra): Promise<number> {
		const base = { ...extra, link_preview_options: { is_disabled: true } };
		const send = (text: string, parse: boolean) =>
			this.pacer.run(chatId, isGroupChat(chatId), () => this.telegram.sendMessage(chatId, text, { ...base, ...(parse ? { parse_mode: 'HTML' as const } : {}) }));
		try {
			return (await send(html, true)).message_id;
		} catch (err) {
			if (!isCantParseEntities(err)) throw err;
			// A renderer bug, not the reader's problem: say so in the log and deliver the words anyway.
			this.logger.warn({ chat: chatId, err: loggableError(err, this.token), html: html.slice(0, 300) }, 'Telegram rejected our HTML; resending as plain text');
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
			this.logger.warn({ chat: chatId, kind, err: loggableError(err, this.token) }, 'Telegram refused an attachment; the words go out without it');
			return undefined;
		}
	}

	/** A photo with an HTML caption; a caption Telegram cannot parse is resent as plain text. */
	private async sendPhoto(chatId: string, image: ImageAttachment, caption: string, replyTo?: number): Promise<number> {
		const send = (text: string, parse: boolean) =>
			this.pacer.run(chatId, isGroupChat(chatId), () =>
				this.telegram.sendPhoto(chatId, { source: Buffer.from(image.png), filename: image.name }, {
					caption: text,
					...(parse ? { parse_mode: 'HTML' as const } : {}),
					...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
				}),
			);
		try {
			return (await send(caption, true)).message_id;
		} catch (err) {
			if (!isCantParseEntities(err)) throw err;
			this.logger.warn({ chat: chatId, err: loggableError(err, this.token), html: caption.slice(0, 300) }, 'Telegram rejected our caption HTML; resending as plain text');
			return (await send(htmlToPlain(caption), false)).message_id;
		}
	}

	/** Paging buttons, labelled in the reply's language. */
	private keyboard(chatId: string, reply: Reply, paging: Paging, owner: string | undefined): InlineKeyboardMarkup {
		const i18n = createTranslator(reply.locale);
		const key = (line: string) => this.pages.put({ line, chatId, ...(owner !== undefined ? { userId: owner } : {}) });
		const row: InlineKeyboardButton[] = [];
		if (paging.prev) row.push({ text: i18n.t('paging.telegram.previous'), callback_data: key(paging.prev) });
		row.push({ text: i18n.t('paging.label', { page: paging.page, pages: paging.pages }), callback_data: NOOP_KEY });
		if (paging.next) row.push({ text: i18n.t('paging.telegram.next'), callback_data: key(paging.next) });
		return { inline_keyboard: [row] };
	}
}

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
	return err.code === 400 && /photo|image|media|document|file|dimensions|too (?:big|large)/iu.test(err.description) && !/chat not found|blocked|kicked|deactivated|upgraded/iu.test(err.description);
}
