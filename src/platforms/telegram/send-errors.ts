/**
 * What a failed Bot API call means for the caller. Telegraf throws TelegramError (the API's own
 * error_code, description and parameters) or node-fetch's FetchError (the network); this module turns
 * either into a SendOutcome so that nothing is dropped silently and nothing is retried blindly.
 */
import { TelegramError } from 'telegraf';
import type { SendOutcome } from '../../core/delivery.js';

/** Errors raised before a request could reach Telegram: retrying them cannot duplicate a message. */
const PRE_CONNECT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** A 429's retry_after in milliseconds; undefined for anything else. */
export function retryAfterMs(err: unknown): number | undefined {
	if (!(err instanceof TelegramError) || err.code !== 429) return undefined;
	const seconds = err.parameters?.retry_after;
	return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

/** Telegram rejected our HTML (a renderer bug, never the user's fault): resend as plain text. */
export function isCantParseEntities(err: unknown): boolean {
	return err instanceof TelegramError && err.code === 400 && /can't parse entities/iu.test(err.description);
}

/**
 * Telegram would not take a picture, though the chat takes text: a group that forbids media for
 * members ("not enough rights to send photos"), a file too large or unreadable, a 5xx (after the
 * pacer's tries), a Bot API server without sendPhoto. The words then go out as text.
 */
export function isPictureRefused(err: unknown): boolean {
	if (!(err instanceof TelegramError)) return false;
	if (err.code === 400 && err.parameters?.migrate_to_chat_id !== undefined) return false;
	if (err.code >= 500 || err.code === 404 || err.code === 413) return true;
	return (
		err.code === 400 &&
		/rights to send (photos|media|files)|SEND_(PHOTOS|MEDIA)_FORBIDDEN|PHOTO_|IMAGE_PROCESS_FAILED|file is too big|too large|wrong file|failed to get HTTP URL content/iu.test(
			err.description,
		)
	);
}

/** An edit that changes nothing; harmless (a double press). */
export function isNotModified(err: unknown): boolean {
	return err instanceof TelegramError && err.code === 400 && /message is not modified/iu.test(err.description);
}

/**
 * Classifies a failed send. `delivered` counts messages of the same reply that did go out; they make
 * a retry uncertain (it would send them again) unless `resumable`: the caller recorded them and a
 * retry sends only the rest.
 */
export function classifySendError(err: unknown, token: string, delivered = 0, resumable = false): Exclude<SendOutcome, { kind: 'sent' }> {
	const partial = delivered > 0 ? ` (after ${delivered} message${delivered === 1 ? '' : 's'} of the reply went out)` : '';
	const repeats = delivered > 0 && !resumable;
	if (err instanceof TelegramError) {
		const reason = `${err.code}: ${err.description}${partial}`;
		const migrateTo = err.parameters?.migrate_to_chat_id;
		if (err.code === 400 && migrateTo !== undefined) return { kind: 'migrated', newChannelId: String(migrateTo) };
		if (err.code === 429) {
			const wait = retryAfterMs(err);
			return {
				kind: 'transient',
				reason,
				...(wait !== undefined ? { retryAfterMs: wait } : {}),
				...(repeats ? { uncertain: true } : {}),
			};
		}
		// 5xx: Telegram may or may not have acted on the request.
		if (err.code >= 500) return { kind: 'transient', reason, uncertain: true };
		// 400 (chat not found, no rights, bad request), 401, 403 (blocked, kicked, deactivated), 404: not without a change.
		return { kind: 'permanent', reason };
	}
	const e = err instanceof Error ? err : new Error(String(err));
	const code = (e as { code?: unknown }).code;
	const reason = `${safeMessage(e, token)}${partial}`;
	if (typeof code === 'string' && PRE_CONNECT.has(code)) return { kind: 'transient', reason, ...(repeats ? { uncertain: true } : {}) };
	// The request may have reached Telegram before the connection failed: resending could duplicate it.
	return { kind: 'transient', reason, uncertain: true };
}

/** An error's message without the bot token (it is part of every Bot API URL). */
export function safeMessage(err: unknown, token: string): string {
	const message = err instanceof Error ? err.message : String(err);
	return scrub(message, token);
}

/** Removes the token (and its secret half alone) from text bound for a log. */
export function scrub(text: string, token: string): string {
	if (!token) return text;
	const secret = token.slice(token.indexOf(':') + 1);
	return text
		.split(token)
		.join('[redacted]')
		.split(encodeURIComponent(token))
		.join('[redacted]')
		.split(secret.length >= 8 ? secret : token)
		.join('[redacted]');
}

/** A loggable copy of an error, with the token scrubbed from message and stack. */
export function loggableError(err: unknown, token: string): { type: string; message: string; stack?: string; code?: unknown } {
	const e = err instanceof Error ? err : new Error(String(err));
	return {
		type: e.name,
		message: scrub(e.message, token),
		...(e.stack ? { stack: scrub(e.stack, token) } : {}),
		...((e as { code?: unknown }).code !== undefined ? { code: (e as { code?: unknown }).code } : {}),
	};
}
