/**
 * Telling the bot's owners (SITREP_OWNERS) that a subscription paused: a direct message on the
 * subscription's platform, sent when the pause happens, so once per pause. /subscriptions shows the
 * same pause in the chat itself.
 */
import type { Platform } from '../core/command.js';
import type { PlatformSender } from '../core/delivery.js';
import { toError } from '../core/errors.js';
import { heading, para, type Reply } from '../core/reply.js';
import { pauseReason } from '../i18n/pause-reasons.js';
import { createTranslator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { Subscription } from '../store/store.js';

export interface OwnerNoticeOptions {
	readonly owners: readonly { readonly platform: string; readonly id: string }[];
	/** The senders, by platform: the owners of a platform are reached through its sender's sendToUser. */
	readonly senders: ReadonlyMap<Platform, PlatformSender>;
	readonly logger: Logger;
	/** The owners' language (SITREP_LOCALE); English when absent. */
	readonly locale?: string;
}

/** The notice an owner reads. */
export function pauseNotice(subscription: Subscription, reason: string, locale?: string): Reply {
	const i18n = createTranslator(locale);
	return {
		blocks: [
			heading(i18n.t('owners.paused.title')),
			para(
				i18n.t('owners.paused.body', {
					platform: subscription.platform,
					channel: subscription.channelId,
					reason: pauseReason(i18n, subscription.platform, reason),
				}),
			),
			para(i18n.t('owners.paused.hint')),
		],
		locale: i18n.locale,
	};
}

/** A function that tells the owners of the subscription's platform; never throws (failures are logged). */
export function ownerNotifier(options: OwnerNoticeOptions): (subscription: Subscription, reason: string) => Promise<void> {
	return async (subscription, reason) => {
		const sender = options.senders.get(subscription.platform);
		const owners = options.owners.filter((o) => o.platform === subscription.platform);
		if (!owners.length) return;
		if (!sender?.sendToUser) {
			options.logger.warn({ platform: subscription.platform }, 'Owners cannot be told of a paused subscription on this platform');
			return;
		}
		const notice = pauseNotice(subscription, reason, options.locale);
		for (const owner of owners) {
			try {
				const outcome = await sender.sendToUser(owner.id, notice);
				if (outcome.kind === 'sent')
					options.logger.info({ owner: owner.id, subscription: subscription.id }, 'Owner told of a paused subscription');
				else
					options.logger.warn(
						{ owner: owner.id, subscription: subscription.id, outcome },
						'Could not tell an owner of a paused subscription (have they started a chat with the bot?)',
					);
			} catch (err) {
				options.logger.error({ err: toError(err), owner: owner.id }, 'Could not tell an owner of a paused subscription');
			}
		}
	};
}
