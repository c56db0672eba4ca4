import { defineCommand } from '../src/core/command.js';
import { msg, UserFacingError } from '../src/core/errors.js';
import { actorName } from '../src/core/present.js';
import { heading, para, type Block } from '../src/core/reply.js';
import { en } from '../src/i18n/messages/index.js';
import { pauseReason } from '../src/i18n/pause-reasons.js';
import { tagLabel } from '../src/i18n/slugs.js';
import { describeSubscription } from '../src/scheduler/schedule-input.js';
import { subscriptionStoreOf } from '../src/store/services.js';

/** Most subscriptions one reply lists; the rest are counted. */
const MAX_LISTED = 20;

export default defineCommand({
	data: {
		name: 'subscriptions',
		description: en['cmd.subscriptions.description'],
		access: 'everyone',
		options: [{ name: 'all', type: 'boolean', description: en['cmd.subscriptions.opt.all'] }],
		examples: ['/subscriptions', '/subscriptions all:true'],
	},
	async execute({ args, services, place, requester, now, dataset, i18n }) {
		const store = subscriptionStoreOf(services);
		const name = (id: string) => actorName(dataset, id, i18n);
		const tagName = (tag: string) => tagLabel(i18n, tag, dataset);
		if (args.all) {
			if (!requester.isOwner)
				throw new UserFacingError('FORBIDDEN', msg('subscriptions.ownersOnly'), msg('subscriptions.ownersOnly.hint'));
			const all = await store.list();
			const paused = all.filter((s) => s.status === 'paused').length;
			const blocks: Block[] = [heading(i18n.t('subscriptions.allTitle', { n: all.length, active: all.length - paused, paused }))];
			for (const s of all.slice(0, MAX_LISTED)) {
				const parts = [
					i18n.t('subscriptions.line', { platform: s.platform, channel: s.channelId, time: s.time, zone: s.timezone }),
					...(s.actorId ? [i18n.t('filter.actor', { name: name(s.actorId) })] : []),
					...(s.tag ? [i18n.t('filter.tag', { tag: tagName(s.tag) })] : []),
					...(s.quiet ? [i18n.t('subscriptions.quiet')] : []),
					...(s.language ? [i18n.t('subscriptions.language', { language: i18n.t(`lang.${s.language}`) })] : []),
					...(s.alerts !== 'off' ? [i18n.t(`subscriptions.alerts.${s.alerts}`)] : []),
					...(s.alerts !== 'off' && s.quietHours
						? [i18n.t('subscriptions.quietHours', { from: s.quietHours.slice(0, 5), to: s.quietHours.slice(6) })]
						: []),
				];
				const line = i18n.list(parts);
				blocks.push(
					para(
						s.status === 'paused'
							? `${line} ${i18n.t('subscriptions.paused', { reason: s.pauseReason ? pauseReason(i18n, s.platform, s.pauseReason) : i18n.t('subscriptions.noReason') })}`
							: line,
					),
				);
			}
			if (all.length > MAX_LISTED) blocks.push(para(i18n.t('subscriptions.more', { n: all.length - MAX_LISTED })));
			return { blocks, ephemeral: true };
		}
		const sub = await store.get(place.platform, place.channelId);
		if (!sub) return { blocks: [para({ text: i18n.t('subscriptions.none'), mark: 'bold' }), para(i18n.t('subscriptions.none.hint'))] };
		// The stored reason is the platform's English; describeSubscription shows it as given.
		const shown = sub.pauseReason ? { ...sub, pauseReason: pauseReason(i18n, sub.platform, sub.pauseReason) } : sub;
		return {
			blocks: [
				heading(i18n.t(sub.status === 'paused' ? 'subscriptions.title.paused' : 'subscriptions.title')),
				{ kind: 'fields', fields: describeSubscription(shown, now, name, i18n, tagName) },
			],
		};
	},
});
