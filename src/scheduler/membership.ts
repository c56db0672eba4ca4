/**
 * Membership changes act at once: the bot removed from a chat or a guild pauses the subscriptions
 * there when the platform says so (not at the next send), and a Telegram group upgraded to a
 * supergroup moves its subscription when the service message arrives. The adapters call these on
 * the platform's events; the owners are told of each pause, as they are of the scheduler's.
 */
import type { Platform } from '../core/command.js';
import { toError } from '../core/errors.js';
import type { Logger } from '../logger.js';
import type { MoveResult, Subscription, SubscriptionStore } from '../store/store.js';

export interface MembershipOptions {
	readonly subscriptions: SubscriptionStore;
	readonly logger: Logger;
	/** Told of every subscription paused here (the owners' notice). Failures are logged. */
	readonly onPaused?: (subscription: Subscription, reason: string) => Promise<void>;
	readonly now?: () => Date;
}

/** The stored pause reasons (src/i18n/pause-reasons.ts shows them in the reader's language). */
export const REMOVED_FROM_CHAT = 'removed from the chat';
export const REMOVED_FROM_SERVER = 'removed from the server';

export interface Membership {
	/** The bot left or was removed from a chat (Telegram my_chat_member "left"/"kicked"). Returns how many were paused. */
	removedFromChannel(platform: Platform, channelId: string): Promise<number>;
	/** The bot was removed from a Discord guild: every active subscription there pauses. */
	removedFromGuild(platform: Platform, guildId: string): Promise<number>;
	/** A Telegram group became a supergroup with a new chat id: its subscription follows. */
	chatMigrated(platform: Platform, fromChannelId: string, toChannelId: string): Promise<MoveResult>;
}

export function createMembership(options: MembershipOptions): Membership {
	const now = options.now ?? (() => new Date());
	const log = options.logger;
	const tell = async (subs: readonly Subscription[], reason: string) => {
		for (const s of subs) {
			try {
				await options.onPaused?.(s, reason);
			} catch (err) {
				log.error({ err: toError(err), subscription: s.id }, 'Could not tell the owners about a paused subscription');
			}
		}
	};
	return {
		async removedFromChannel(platform, channelId) {
			const sub = await options.subscriptions.get(platform, channelId);
			if (!sub || sub.status !== 'active') return 0;
			if (!(await options.subscriptions.pauseChannel(platform, channelId, REMOVED_FROM_CHAT, now()))) return 0;
			log.info({ platform, channel: channelId, subscription: sub.id }, 'Bot removed from a chat; its subscription is paused');
			await tell([sub], REMOVED_FROM_CHAT);
			return 1;
		},
		async removedFromGuild(platform, guildId) {
			const active = (await options.subscriptions.list({ platform })).filter((s) => s.guildId === guildId && s.status === 'active');
			const n = await options.subscriptions.pauseGuild(platform, guildId, REMOVED_FROM_SERVER, now());
			if (n) log.info({ platform, guild: guildId, paused: n }, 'Bot removed from a server; its subscriptions there are paused');
			await tell(active, REMOVED_FROM_SERVER);
			return n;
		},
		async chatMigrated(platform, fromChannelId, toChannelId) {
			const result = await options.subscriptions.moveChannel(platform, fromChannelId, toChannelId, now());
			if (result === 'moved')
				log.info({ platform, from: fromChannelId, to: toChannelId }, 'Chat migrated; its subscription moved with it');
			else if (result === 'conflict')
				log.warn(
					{ platform, from: fromChannelId, to: toChannelId },
					'Chat migrated to one with its own subscription; the old one stays and will pause at its next send',
				);
			return result;
		},
	};
}
