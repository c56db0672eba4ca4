import { defineCommand } from '../src/core/command.js';
import { UserFacingError } from '../src/core/errors.js';
import { actorName } from '../src/core/present.js';
import { heading, para, type Block } from '../src/core/reply.js';
import { describeSubscription } from '../src/scheduler/schedule-input.js';
import { subscriptionStoreOf } from '../src/store/services.js';

/** Most subscriptions one reply lists; the rest are counted. */
const MAX_LISTED = 20;

export default defineCommand({
	data: {
		name: 'subscriptions',
		description: "This chat's daily briefing: when, what, and whether it is paused",
		access: 'everyone',
		options: [{ name: 'all', type: 'boolean', description: 'Every subscription on every platform (bot owners only)' }],
		examples: ['/subscriptions', '/subscriptions all:true'],
	},
	async execute({ args, services, place, requester, now, dataset }) {
		const store = subscriptionStoreOf(services);
		const name = (id: string) => actorName(dataset, id);
		if (args.all) {
			if (!requester.isOwner) throw new UserFacingError('FORBIDDEN', 'Only the bot’s owners can list every subscription.', 'Use /subscriptions to see this chat’s.');
			const all = await store.list();
			const paused = all.filter((s) => s.status === 'paused').length;
			const blocks: Block[] = [heading(`All subscriptions: ${all.length} (${all.length - paused} active, ${paused} paused)`)];
			for (const s of all.slice(0, MAX_LISTED)) {
				const filter = [s.actorId ? `actor ${name(s.actorId)}` : '', s.tag ? `tag ${s.tag}` : ''].filter(Boolean).join(', ');
				blocks.push(para(`• ${s.platform} ${s.channelId}: ${s.time} ${s.timezone}${filter ? `, ${filter}` : ''}${s.quiet ? ', quiet' : ''}${s.status === 'paused' ? ` — paused: ${s.pauseReason ?? 'no reason'}` : ''}`));
			}
			if (all.length > MAX_LISTED) blocks.push(para(`… and ${all.length - MAX_LISTED} more.`));
			return { blocks, ephemeral: true };
		}
		const sub = await store.get(place.platform, place.channelId);
		if (!sub) return { blocks: [para({ text: 'This chat has no daily briefing.', mark: 'bold' }), para('An admin can start one with /subscribe, e.g. /subscribe time:08:00')] };
		return {
			blocks: [heading(sub.status === 'paused' ? 'Daily briefing in this chat: paused' : 'Daily briefing in this chat'), { kind: 'fields', fields: describeSubscription(sub, now, name) }],
		};
	},
});
