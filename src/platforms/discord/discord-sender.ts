/**
 * PlatformSender for Discord channels: posts a reply over REST (no gateway needed) and classifies
 * every failure, so the scheduler can pause a subscription the bot lost access to and retry one
 * that met a rate limit or an outage.
 */
import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, RateLimitError, Routes, type APIMessage, type REST, type RawFile } from 'discord.js';
import type { EditOutcome, PlatformSender, SendOutcome, SendProgress, SentPart } from '../../core/delivery.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../logger.js';
import { linkRow } from './page-buttons.js';
import { renderDiscord, type DiscordMessage } from './render-discord.js';

/** Codes after which the same send can never succeed: Unknown Channel, Missing Access, Missing Permissions. */
const PERMANENT_CODES = new Set([10003, 50001, 50013]);

/**
 * What can be logged about a REST failure. The request URL is left out on purpose: interaction
 * routes carry the interaction token in their path.
 */
export function describeError(err: unknown): Record<string, unknown> {
	if (err instanceof DiscordAPIError)
		return { kind: 'api', status: err.status, code: err.code, method: err.method, message: err.message.slice(0, 300) };
	if (err instanceof HTTPError) return { kind: 'http', status: err.status, method: err.method };
	if (err instanceof RateLimitError) return { kind: 'rate_limit', retryAfterMs: err.retryAfter, global: err.global, route: err.route };
	if (err instanceof Error) return { kind: 'error', name: err.name, message: err.message.slice(0, 300) };
	return { kind: 'unknown', message: String(err).slice(0, 300) };
}

/** Sorts a failed channel send into permanent (pause the subscription) or transient (retry later). */
export function classifySendError(err: unknown): SendOutcome {
	if (err instanceof RateLimitError) {
		return { kind: 'transient', reason: 'rate limited by Discord', retryAfterMs: Math.max(err.retryAfter, err.timeToReset, 1000) };
	}
	if (err instanceof DiscordAPIError) {
		const code = typeof err.code === 'number' ? err.code : Number(err.code);
		const what = `Discord ${err.status} ${code}: ${err.message.slice(0, 200)}`;
		if (PERMANENT_CODES.has(code) || err.status === 403 || err.status === 404) return { kind: 'permanent', reason: what };
		// A rejected token is the bot's problem, not the channel's: never pause a subscription for it.
		if (err.status === 401) return { kind: 'transient', reason: `${what} (check DISCORD_TOKEN)` };
		if (err.status === 429) return { kind: 'transient', reason: what, retryAfterMs: 5000 };
		if (err.status >= 500) return { kind: 'transient', reason: what, uncertain: true };
		return { kind: 'permanent', reason: what };
	}
	// 5xx after discord.js' own retries, timeouts and network errors: the message may have arrived.
	if (err instanceof HTTPError) return { kind: 'transient', reason: `Discord ${err.status}`, uncertain: true };
	return {
		kind: 'transient',
		reason: err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : 'network error',
		uncertain: true,
	};
}

/**
 * A nonce derived from the channel and the exact payload, sent with enforce_nonce: a retry of the
 * same message within Discord's dedup window (discord.js' own 5xx retries, or the scheduler sending
 * the same briefing again) returns the existing message instead of posting a duplicate.
 */
export function messageNonce(channelId: string, message: DiscordMessage, part: number): string {
	const h = createHash('sha256').update(channelId).update('\n').update(String(part)).update('\n').update(JSON.stringify(message.embeds));
	for (const f of message.files) h.update(f.name).update(f.data);
	return h.digest('base64url').slice(0, 25);
}

/** The REST body and files for one channel message. allowed_mentions is set on every one. */
export function channelMessageBody(
	channelId: string,
	message: DiscordMessage,
	part: number,
): { body: Record<string, unknown>; files?: RawFile[] } {
	const body: Record<string, unknown> = {
		embeds: message.embeds,
		allowed_mentions: { parse: [] },
		nonce: messageNonce(channelId, message, part),
		enforce_nonce: true,
	};
	if (message.files.length === 0) return { body };
	body['attachments'] = message.files.map((f, i) => ({
		id: i,
		filename: f.name,
		...(f.description ? { description: f.description } : {}),
	}));
	return { body, files: message.files.map((f) => ({ name: f.name, data: Buffer.from(f.data) })) };
}

/**
 * Renderings of replies sent to many channels at once: the same Reply object is rendered once. A
 * memo rather than sender state: the rendering is a pure function of an immutable Reply, the same for
 * every sender, and it is dropped with the reply.
 */
const rendered = new WeakMap<Reply, DiscordMessage[]>();
function renderShared(reply: Reply): DiscordMessage[] {
	let messages = rendered.get(reply);
	if (!messages) rendered.set(reply, (messages = renderDiscord(reply, { paging: 'text' })));
	return messages;
}

/** The most characters of one message's content. */
const CONTENT_LIMIT = 2000;

/** 50013 Missing Permissions: here, Attach Files or Embed Links (Send Messages missing fails the plain text too). */
function isMissingPermissions(err: unknown): boolean {
	return err instanceof DiscordAPIError && Number(err.code) === 50013;
}

/** The message without its pictures and files: the embeds that carry the words. */
export function withoutAttachments(message: DiscordMessage): DiscordMessage {
	return {
		embeds: message.embeds
			.filter((e) => !e.image?.url?.startsWith('attachment://') || e.title || e.description || e.fields?.length)
			.map((e) => (e.image?.url?.startsWith('attachment://') ? { ...e, image: undefined } : e)),
		files: [],
	};
}

/** The words of a message's embeds as plain content, in pieces of at most 2,000 characters. */
export function plainContent(message: DiscordMessage): string[] {
	const lines: string[] = [];
	for (const e of message.embeds) {
		if (e.title) lines.push(`**${e.title}**`);
		if (e.description) lines.push(...e.description.split('\n'));
		for (const f of e.fields ?? []) lines.push(`**${f.name}**: ${f.value}`);
		if (e.footer?.text) lines.push(`-# ${e.footer.text}`);
	}
	const out: string[] = [];
	let current = '';
	for (const raw of lines) {
		// A line longer than a message (never from the renderer's own limits, but kept safe) is cut.
		for (let line = raw; line.length > 0; line = line.slice(CONTENT_LIMIT)) {
			const piece = line.slice(0, CONTENT_LIMIT);
			if (current && current.length + 1 + piece.length > CONTENT_LIMIT) {
				out.push(current);
				current = '';
			}
			current = current ? `${current}\n${piece}` : piece;
		}
	}
	if (current) out.push(current);
	return out;
}

/** A nonce for a plain-content message, as {@link messageNonce} is for embeds. */
function contentNonce(channelId: string, content: string, part: number, piece: number): string {
	return createHash('sha256')
		.update(channelId)
		.update('\n')
		.update(`${part}.${piece}`)
		.update('\n')
		.update(content)
		.digest('base64url')
		.slice(0, 25);
}

/**
 * Posts one part. A channel where the bot may not attach files or embed links (50013) still gets
 * the words: first without the pictures, then as plain content. Returns the message ids.
 */
async function postPart(
	rest: REST,
	logger: Logger,
	channelId: string,
	message: DiscordMessage,
	index: number,
	components: readonly unknown[] = [],
): Promise<string[]> {
	// The last message carries the "Open on the web" button, when the reply has a page.
	const post = async (body: Record<string, unknown>, files?: RawFile[]): Promise<string> => {
		if (components.length) body['components'] = components;
		return ((await rest.post(Routes.channelMessages(channelId), { body, ...(files ? { files } : {}) })) as APIMessage).id;
	};
	const full = channelMessageBody(channelId, message, index);
	try {
		return [await post(full.body, full.files)];
	} catch (err) {
		// A picture Discord refuses (too large, a rejected attachment) costs the picture, not the words.
		if (!isMissingPermissions(err) && !(message.files.length && attachmentRefused(err))) throw err;
	}
	if (message.files.length) {
		const bare = withoutAttachments(message);
		if (bare.embeds.length) {
			try {
				const id = await post(channelMessageBody(channelId, bare, index).body);
				logger.warn(
					{ channel: channelId, part: index + 1 },
					'Discord refused the attachments (Attach Files missing?); sent the words without them',
				);
				return [id];
			} catch (err) {
				if (!isMissingPermissions(err)) throw err;
			}
		}
	}
	const ids: string[] = [];
	for (const [piece, content] of plainContent(message).entries()) {
		ids.push(
			await post({
				content,
				allowed_mentions: { parse: [] },
				nonce: contentNonce(channelId, content, index, piece),
				enforce_nonce: true,
			}),
		);
	}
	logger.warn(
		{ channel: channelId, part: index + 1, messages: ids.length },
		'Discord refused embeds (Embed Links missing?); sent the words as plain content',
	);
	return ids;
}

/**
 * Discord refused what a message carries rather than the channel: a body too large (413, 40005),
 * no Attach Files permission (50013, asked once more without files), a rejected attachment (50035).
 */
function attachmentRefused(err: unknown): boolean {
	if (!(err instanceof DiscordAPIError)) return false;
	const code = typeof err.code === 'number' ? err.code : Number(err.code);
	return err.status === 413 || [40005, 50013, 50035].includes(code);
}

export function createDiscordSender(rest: REST, logger: Logger): PlatformSender {
	const sender: PlatformSender = {
		platform: 'discord',
		tracksParts: true,
		async sendToUser(userId: string, reply: Reply): Promise<SendOutcome> {
			if (!/^\d{5,25}$/u.test(userId)) return { kind: 'permanent', reason: `"${userId.slice(0, 40)}" is not a Discord user id` };
			try {
				// The DM channel (created once, then the same one is returned).
				const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
				return await sender.send(dm.id, reply);
			} catch (err) {
				const outcome = classifySendError(err);
				logger.warn({ user: userId, outcome: outcome.kind, err: describeError(err) }, 'Discord direct message failed');
				return outcome;
			}
		},
		async send(channelId: string, reply: Reply, progress: SendProgress = {}): Promise<SendOutcome> {
			if (!/^\d{5,25}$/u.test(channelId))
				return { kind: 'permanent', reason: `"${channelId.slice(0, 40)}" is not a Discord channel id` };
			const messageIds: string[] = [];
			const parts: SentPart[] = [];
			let stage: 'wire' | 'post' | 'record' = 'wire';
			try {
				const messages = reply.paging ? renderDiscord(reply, { paging: 'text' }) : renderShared(reply);
				const skip = Math.max(0, progress.skipParts ?? 0);
				for (const [index, message] of messages.entries()) {
					const part = index + 1;
					if (part <= skip) continue;
					stage = 'wire';
					await progress.onWire?.(part, messages.length);
					stage = 'post';
					const ids = await postPart(
						rest,
						logger,
						channelId,
						message,
						index,
						index === messages.length - 1 ? linkRow(reply) : [],
					);
					const done: SentPart = { part, parts: messages.length, messageIds: ids };
					messageIds.push(...ids);
					parts.push(done);
					stage = 'record';
					await progress.onSent?.(done);
				}
				return { kind: 'sent', messageIds, parts };
			} catch (err) {
				if (stage !== 'post') {
					// The ledger, not Discord, failed: before the request nothing went out; after it, the part did.
					logger.error(
						{ channel: channelId, delivered: messageIds.length, err: describeError(err) },
						"Could not record a Discord delivery's progress; stopping it",
					);
					return {
						kind: 'transient',
						reason: `could not record the delivery's progress: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`,
						...(stage === 'record' ? { uncertain: true } : {}),
					};
				}
				const outcome = classifySendError(err);
				logger.warn(
					{ channel: channelId, delivered: messageIds.length, outcome: outcome.kind, err: describeError(err) },
					'Discord channel send failed',
				);
				return outcome;
			}
		},

		async sendReply(channelId: string, toMessageId: string, reply: Reply, onWire?: () => Promise<void>): Promise<SendOutcome> {
			if (!/^\d{5,25}$/u.test(channelId))
				return { kind: 'permanent', reason: `"${channelId.slice(0, 40)}" is not a Discord channel id` };
			const messageIds: string[] = [];
			try {
				for (const [index, message] of renderShared(reply).entries()) {
					const { body, files } = channelMessageBody(channelId, message, index);
					// Only the first message answers; a gone original must not stop the correction.
					if (index === 0 && /^\d{5,25}$/u.test(toMessageId))
						body['message_reference'] = { message_id: toMessageId, fail_if_not_exists: false };
					await onWire?.();
					const sent = (await rest.post(Routes.channelMessages(channelId), { body, ...(files ? { files } : {}) })) as APIMessage;
					messageIds.push(sent.id);
				}
				return { kind: 'sent', messageIds };
			} catch (err) {
				const outcome = classifySendError(err);
				logger.warn(
					{ channel: channelId, delivered: messageIds.length, outcome: outcome.kind, err: describeError(err) },
					'Discord correction reply failed',
				);
				return outcome;
			}
		},

		async edit(
			channelId: string,
			ids: readonly string[],
			before: Reply,
			after: Reply,
			onWire?: () => Promise<void>,
		): Promise<EditOutcome> {
			const was = renderShared(before);
			const now = renderShared(after);
			if (now.length !== was.length || now.length !== ids.length) return { kind: 'layout' };
			let edited = 0;
			for (let i = 0; i < now.length; i++) {
				if (JSON.stringify(now[i]!.embeds) === JSON.stringify(was[i]!.embeds)) continue;
				try {
					await onWire?.();
					await rest.patch(Routes.channelMessage(channelId, ids[i]!), {
						body: { embeds: now[i]!.embeds, allowed_mentions: { parse: [] } },
					});
					edited++;
				} catch (err) {
					const outcome = classifySendError(err);
					logger.warn(
						{ channel: channelId, message: ids[i], outcome: outcome.kind, err: describeError(err) },
						'Discord correction edit failed',
					);
					// Unknown Message (deleted), Missing Access, Cannot edit: the reply alone goes out.
					if (outcome.kind === 'permanent') return { kind: 'refused', reason: outcome.reason };
					if (outcome.kind === 'transient')
						return {
							kind: 'transient',
							reason: outcome.reason,
							...(outcome.uncertain || edited > 0 ? { uncertain: true } : {}),
						};
					return { kind: 'refused', reason: 'unexpected outcome' };
				}
			}
			return { kind: 'edited', edited };
		},
	};
	return sender;
}
