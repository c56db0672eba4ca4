/**
 * The port between the briefing scheduler and a platform: send one reply to one channel and say
 * how it went, classifying the platform's errors so that nothing is dropped silently.
 */
import type { Platform } from './command.js';
import type { Reply } from './reply.js';

export type SendOutcome =
	/** Delivered; the platform's message ids. */
	| { readonly kind: 'sent'; readonly messageIds: readonly string[] }
	/** Will never succeed as is (blocked, kicked, missing access): pause the subscription with the reason. */
	| { readonly kind: 'permanent'; readonly reason: string }
	/** The chat moved (Telegram group → supergroup): move the subscription and send again. */
	| { readonly kind: 'migrated'; readonly newChannelId: string }
	/** May succeed later (429, 5xx, network). Whether anything reached the chat is unknown when `uncertain`. */
	| { readonly kind: 'transient'; readonly reason: string; readonly retryAfterMs?: number; readonly uncertain?: boolean };

export interface PlatformSender {
	readonly platform: Platform;
	/** Sends `reply` to `channelId`, split within the platform's limits. Never throws. */
	send(channelId: string, reply: Reply): Promise<SendOutcome>;
}
