import { composeBriefing } from '../src/briefing/compose-briefing.js';
import { defineCommand } from '../src/core/command.js';
import { para } from '../src/core/reply.js';
import { isoFromDay, localDayNumber } from '../src/dataset/partial-date.js';
import { timelineAttachment } from '../src/images/attach.js';

export default defineCommand({
	data: {
		name: 'briefing',
		description: 'The briefing for a day: what is new, open disputes, key claims, on this day',
		access: 'everyone',
		options: [
			{ name: 'date', type: 'date', description: 'The day (default: today in the story timezone), e.g. 2025-06-30' },
			{ name: 'since', type: 'date', description: 'Cover events since this date instead of the last 24 hours' },
			{ name: 'actor', type: 'actor', description: 'Only events involving this actor' },
			{ name: 'tag', type: 'tag', description: 'Only events with this tag' },
		],
		examples: ['/briefing', '/briefing date:2025-06-30', '/briefing date:2025-07-04 since:2025-06-27'],
	},
	async execute(ctx) {
		const { args, dataset, now } = ctx;
		if (args.date && args.date.start.precision !== 'day') {
			return { blocks: [para({ text: 'A briefing is for one day: give a full date such as date:2025-06-30.', mark: 'bold' })], ephemeral: true };
		}
		const day = args.date ? args.date.earliestDay : localDayNumber(now, dataset.story.timezone);
		const sinceDay = args.since?.earliestDay;
		if (sinceDay !== undefined && sinceDay > day) {
			return { blocks: [para({ text: '"since" is after the briefing date; give an earlier date.', mark: 'bold' })], ephemeral: true };
		}
		const briefing = composeBriefing(dataset, {
			day,
			...(sinceDay !== undefined ? { sinceDay } : {}),
			...(args.actor ? { actorId: args.actor.id } : {}),
			...(args.tag ? { tag: args.tag } : {}),
		});
		// The picture shows the events the briefing lists, in date order.
		const ids = new Set(briefing.reply.blocks.flatMap((b) => (b.kind === 'event' ? [b.id] : [])));
		const events = dataset.events.filter((e) => ids.has(e.id));
		const images = await timelineAttachment(ctx, events, `Briefing, ${isoFromDay(day)}`);
		return images.length ? { ...briefing.reply, images } : briefing.reply;
	},
});
