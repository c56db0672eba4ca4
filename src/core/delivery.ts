/**
 * The port between the briefing scheduler and a platform: send one reply to one channel and say
 * how it went, classifying the platform's errors so that nothing is dropped silently.
 *
 * A reply goes out as one or more platform messages, its "parts" (part k of n, 1-based). A sender
 * reports each part as it goes (see {@link SendProgress}), so that the delivery ledger knows which
 * parts a chat already has, which request was on the wire when a process died, and which platform
 * message shows which part (to edit it later).
 */
import type { Platform } from './command.js';
import type { Reply } from './reply.js';

/** One delivered part of a reply: part `part` of `parts`, and the platform message id(s) that show it. */
export interface SentPart {
	/** 1-based. */
	readonly part: number;
	readonly parts: number;
	/** Usually one id; several when the platform splits one part (never so far). */
	readonly messageIds: readonly string[];
}

export type SendOutcome =
	/** Delivered; the platform's message ids, in order, and the same ids per part when the sender tracks parts. */
	| { readonly kind: 'sent'; readonly messageIds: readonly string[]; readonly parts?: readonly SentPart[] }
	/** Will never succeed as is (blocked, kicked, missing access): pause the subscription with the reason. */
	| { readonly kind: 'permanent'; readonly reason: string }
	/** The chat moved (Telegram group → supergroup): move the subscription and send again. */
	| { readonly kind: 'migrated'; readonly newChannelId: string }
	/** May succeed later (429, 5xx, network). Whether anything reached the chat is unknown when `uncertain`. */
	| { readonly kind: 'transient'; readonly reason: string; readonly retryAfterMs?: number; readonly uncertain?: boolean };

/**
 * How a caller follows and resumes a multi-part send. Every hook may be slow (a database write); the
 * sender awaits it. A hook that throws stops the send and is reported as a transient failure: certain
 * when it came from `onWire` (that part was not sent), uncertain when from `onSent` (it was, unrecorded).
 */
export interface SendProgress {
	/** Parts 1..`skipParts` reached the chat in an earlier attempt: they are not sent again. */
	readonly skipParts?: number;
	/**
	 * Called when part `part` of `parts` has its turn (pacing done) and right before its request goes
	 * on the wire: a process that dies after this and before {@link onSent} may have delivered it.
	 * Called again when the same part is retried (a 429, a fallback to plain text).
	 */
	onWire?(part: number, parts: number): Promise<void>;
	/** Called once part `part` of `parts` has reached the chat, with its message ids. */
	onSent?(sent: SentPart): Promise<void>;
}

/** How an edit of a pushed message went (see {@link PlatformSender.edit}). */
export type EditOutcome =
	/** The parts whose text changed were edited (`edited` of them; 0 when nothing showed a difference). */
	| { readonly kind: 'edited'; readonly edited: number }
	/** The corrected reply would take a different number of messages: nothing was edited. */
	| { readonly kind: 'layout' }
	/** The platform will never accept this edit (message deleted, too old, no rights). */
	| { readonly kind: 'refused'; readonly reason: string }
	/** May work later; `uncertain` when a part may have been edited. */
	| { readonly kind: 'transient'; readonly reason: string; readonly uncertain?: boolean };

export interface PlatformSender {
	readonly platform: Platform;
	/**
	 * True when send() reports every part through its SendProgress hooks: a delivery cut by a crash
	 * can then be resumed after the parts that went out. Without it, a cut delivery is uncertain.
	 */
	readonly tracksParts?: boolean;
	/**
	 * Sends `reply` to `channelId`, split within the platform's limits, part by part in order,
	 * skipping the parts `progress.skipParts` says were delivered; into the forum topic `threadId`
	 * when given (Telegram; a Discord thread is a channel of its own). Never throws.
	 */
	send(channelId: string, reply: Reply, progress?: SendProgress, threadId?: string): Promise<SendOutcome>;
	/**
	 * Sends a direct message to a user (the bot's owners are told of paused subscriptions this
	 * way). Absent on platforms without direct messages. Never throws.
	 */
	sendToUser?(userId: string, reply: Reply): Promise<SendOutcome>;
	/**
	 * Edits a message this bot pushed, whose parts are `messageIds` and which shows `before`, so that
	 * it shows `after` instead: each part whose rendering differs is edited in place (Telegram
	 * editMessageText, Discord message edit). Never throws. Absent on platforms that cannot edit.
	 */
	edit?(
		channelId: string,
		messageIds: readonly string[],
		before: Reply,
		after: Reply,
		onWire?: () => Promise<void>,
	): Promise<EditOutcome>;
	/**
	 * Sends `reply` as an answer to message `toMessageId` (still sent when that one is gone). Never
	 * throws. `onWire` (in edit too) is awaited right before each request goes out, after pacing.
	 */
	sendReply?(channelId: string, toMessageId: string, reply: Reply, onWire?: () => Promise<void>): Promise<SendOutcome>;
}

/** A platform connection (gateway, polling) as its adapter sees it, for /healthz and /metrics. */
export interface ConnectionState {
	readonly up: boolean;
	/** Epoch milliseconds of the last change (when it went down, when it came up). */
	readonly since: number;
	/** Why it is down, for the operator (never a token or a URL carrying one). */
	readonly reason?: string;
}
