import { defineCommand } from '../src/core/command.js';
import { para } from '../src/core/reply.js';
import { en } from '../src/i18n/messages/index.js';
import { subscriptionStoreOf } from '../src/store/services.js';

export default defineCommand({
	data: {
		name: 'unsubscribe',
		description: en['cmd.unsubscribe.description'],
		access: 'channel_admin',
		options: [],
		examples: ['/unsubscribe'],
	},
	async execute({ services, place, i18n }) {
		const store = subscriptionStoreOf(services);
		const removed = await store.remove(place.platform, place.channelId);
		if (!removed)
			return {
				blocks: [para({ text: i18n.t('unsubscribe.none'), mark: 'bold' }), para(i18n.t('unsubscribe.none.hint'))],
				ephemeral: true,
			};
		return {
			blocks: [
				para({ text: i18n.t('unsubscribe.done', { time: removed.time, zone: removed.timezone }), mark: 'bold' }),
				para(i18n.t('unsubscribe.done.hint')),
			],
		};
	},
});
