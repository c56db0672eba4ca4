import { defineCommand } from '../src/core/command.js';
import { actorName } from '../src/core/present.js';
import { heading, para } from '../src/core/reply.js';
import { LOCALES } from '../src/i18n/locale.js';
import { en } from '../src/i18n/messages/index.js';
import { tagLabel } from '../src/i18n/slugs.js';
import { describeSubscription, parseQuietHours, parseTime, parseTimeZone } from '../src/scheduler/schedule-input.js';
import { ALERT_LEVELS } from '../src/store/store.js';
import { subscriptionDefaultsOf, subscriptionStoreOf } from '../src/store/services.js';

export default defineCommand({
	data: {
		name: 'subscribe',
		description: en['cmd.subscribe.description'],
		access: 'channel_admin',
		options: [
			{ name: 'time', type: 'text', description: en['cmd.subscribe.opt.time'] },
			{ name: 'timezone', type: 'text', description: en['cmd.subscribe.opt.timezone'] },
			{ name: 'actor', type: 'actor', description: en['cmd.subscribe.opt.actor'] },
			{ name: 'tag', type: 'tag', description: en['cmd.subscribe.opt.tag'] },
			{ name: 'quiet', type: 'boolean', description: en['cmd.subscribe.opt.quiet'] },
			{ name: 'reset', type: 'boolean', description: en['cmd.subscribe.opt.reset'] },
			{ name: 'language', type: 'choice', description: en['cmd.subscribe.opt.language'], choices: LOCALES },
			{ name: 'alerts', type: 'choice', description: en['cmd.subscribe.opt.alerts'], choices: ALERT_LEVELS },
			{ name: 'quiet_hours', type: 'text', description: en['cmd.subscribe.opt.quiet_hours'] },
		],
		examples: [
			'/subscribe',
			'/subscribe time:18:30 timezone:Europe/London',
			'/subscribe time:07:00 actor:kremlin quiet:true',
			'/subscribe language:ru',
			'/subscribe alerts:breaking quiet_hours:22:00-07:00',
		],
	},
	async execute({ args, services, place, requester, now, dataset, i18n }) {
		const store = subscriptionStoreOf(services);
		const defaults = subscriptionDefaultsOf(services);
		const time = args.time !== undefined ? parseTime(args.time) : undefined;
		const timezone = args.timezone !== undefined ? parseTimeZone(args.timezone) : undefined;
		// null: quiet_hours:off clears them; undefined: not given, keep what there was.
		const quietHours = args.quiet_hours !== undefined ? parseQuietHours(args.quiet_hours) : undefined;
		// Subscribing again changes only what is given, so /subscribe alone resumes a paused subscription.
		const existing = args.reset ? undefined : await store.get(place.platform, place.channelId);
		const actorId = args.actor?.id ?? existing?.actorId;
		const tag = args.tag ?? existing?.tag;
		// English is the default: pinning it stores nothing, so the column stays "no pin".
		const language = args.language ?? existing?.language;
		const alerts = args.alerts ?? existing?.alerts ?? 'off';
		const keptQuietHours = quietHours === undefined ? existing?.quietHours : (quietHours ?? undefined);
		const result = await store.upsert(
			{
				platform: place.platform,
				channelId: place.channelId,
				...(place.guildId ? { guildId: place.guildId } : {}),
				...(place.threadId ? { threadId: place.threadId } : {}),
				time: time ?? existing?.time ?? defaults.time,
				timezone: timezone ?? existing?.timezone ?? defaults.timezone ?? dataset.story.timezone,
				...(actorId ? { actorId } : {}),
				...(tag ? { tag } : {}),
				quiet: args.quiet ?? existing?.quiet ?? false,
				...(language && language !== 'en' ? { language } : {}),
				alerts,
				...(keptQuietHours ? { quietHours: keptQuietHours } : {}),
				createdBy: `${requester.platform}:${requester.userId}`,
			},
			now,
		);
		const sub = result.subscription;
		const title = i18n.t(result.created ? 'subscribe.created' : result.resumed ? 'subscribe.resumed' : 'subscribe.updated');
		return {
			blocks: [
				heading(title),
				{
					kind: 'fields',
					fields: describeSubscription(
						sub,
						now,
						(id) => actorName(dataset, id, i18n),
						i18n,
						(tag) => tagLabel(i18n, tag, dataset),
					),
				},
				para(i18n.t('subscribe.footer')),
			],
		};
	},
});
