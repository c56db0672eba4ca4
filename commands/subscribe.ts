import { defineCommand } from '../src/core/command.js';
import { actorName } from '../src/core/present.js';
import { heading, para } from '../src/core/reply.js';
import { describeSubscription, parseTime, parseTimeZone } from '../src/scheduler/schedule-input.js';
import { subscriptionDefaultsOf, subscriptionStoreOf } from '../src/store/services.js';

export default defineCommand({
	data: {
		name: 'subscribe',
		description: 'Get the briefing in this chat every day at a set local time; again to change it',
		access: 'channel_admin',
		options: [
			{ name: 'time', type: 'text', description: 'Local time, HH:MM in 24-hour form (default 08:00), e.g. 18:30' },
			{ name: 'timezone', type: 'text', description: "IANA timezone, e.g. Europe/London (default: the story's)" },
			{ name: 'actor', type: 'actor', description: 'Only events involving this actor' },
			{ name: 'tag', type: 'tag', description: 'Only events with this tag' },
			{ name: 'quiet', type: 'boolean', description: 'Skip days without new events (true or false)' },
			{ name: 'reset', type: 'boolean', description: 'Start from the defaults instead of keeping earlier settings' },
		],
		examples: ['/subscribe', '/subscribe time:18:30 timezone:Europe/London', '/subscribe time:07:00 actor:kremlin quiet:true'],
	},
	async execute({ args, services, place, requester, now, dataset }) {
		const store = subscriptionStoreOf(services);
		const defaults = subscriptionDefaultsOf(services);
		const time = args.time !== undefined ? parseTime(args.time) : undefined;
		const timezone = args.timezone !== undefined ? parseTimeZone(args.timezone) : undefined;
		// Subscribing again changes only what is given, so /subscribe alone resumes a paused subscription.
		const existing = args.reset ? undefined : await store.get(place.platform, place.channelId);
		const actorId = args.actor?.id ?? existing?.actorId;
		const tag = args.tag ?? existing?.tag;
		const result = await store.upsert(
			{
				platform: place.platform,
				channelId: place.channelId,
				...(place.guildId ? { guildId: place.guildId } : {}),
				time: time ?? existing?.time ?? defaults.time,
				timezone: timezone ?? existing?.timezone ?? defaults.timezone ?? dataset.story.timezone,
				...(actorId ? { actorId } : {}),
				...(tag ? { tag } : {}),
				quiet: args.quiet ?? existing?.quiet ?? false,
				createdBy: `${requester.platform}:${requester.userId}`,
			},
			now,
		);
		const sub = result.subscription;
		const title = result.created ? 'Subscribed: a daily briefing in this chat' : result.resumed ? 'Resumed: the daily briefing in this chat' : 'Updated: the daily briefing in this chat';
		return {
			blocks: [
				heading(title),
				{ kind: 'fields', fields: describeSubscription(sub, now, (id) => actorName(dataset, id)) },
				para('Change it with /subscribe again, see it with /subscriptions, stop it with /unsubscribe.'),
			],
		};
	},
});
