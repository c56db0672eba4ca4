import { defineCommand } from '../src/core/command.js';
import { para } from '../src/core/reply.js';
import { subscriptionStoreOf } from '../src/store/services.js';

export default defineCommand({
	data: {
		name: 'unsubscribe',
		description: 'Stop the daily briefing in this chat',
		access: 'channel_admin',
		options: [],
		examples: ['/unsubscribe'],
	},
	async execute({ services, place }) {
		const store = subscriptionStoreOf(services);
		const removed = await store.remove(place.platform, place.channelId);
		if (!removed) return { blocks: [para({ text: 'This chat has no daily briefing to stop.', mark: 'bold' }), para('Start one with /subscribe')], ephemeral: true };
		return { blocks: [para({ text: `Stopped: this chat no longer gets the daily briefing at ${removed.time} (${removed.timezone}).`, mark: 'bold' }), para('/subscribe starts it again.')] };
	},
});
