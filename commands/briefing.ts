import { composeBriefing } from '../src/briefing/compose-briefing.js';
import { msg, UserFacingError } from '../src/core/errors.js';
import { defineCommand } from '../src/core/command.js';
import { isoFromDay, localDayNumber } from '../src/dataset/partial-date.js';
import { en } from '../src/i18n/messages/index.js';
import { imagesEnabled, timelineAttachment } from '../src/images/attach.js';

export default defineCommand({
	data: {
		name: 'briefing',
		description: en['cmd.briefing.description'],
		access: 'everyone',
		options: [
			{ name: 'date', type: 'date', description: en['cmd.briefing.opt.date'] },
			{ name: 'since', type: 'date', description: en['cmd.briefing.opt.since'] },
			{ name: 'actor', type: 'actor', description: en['cmd.briefing.opt.actor'] },
			{ name: 'tag', type: 'tag', description: en['cmd.briefing.opt.tag'] },
		],
		examples: ['/briefing', '/briefing date:2025-06-30', '/briefing date:2025-07-04 since:2025-06-27'],
	},
	async execute(ctx) {
		const { args, dataset, now, i18n } = ctx;
		if (args.date && args.date.start.precision !== 'day') {
			throw new UserFacingError('BAD_VALUE', msg('briefing.oneDay'));
		}
		const day = args.date ? args.date.earliestDay : localDayNumber(now, dataset.story.timezone);
		const sinceDay = args.since?.earliestDay;
		if (sinceDay !== undefined && sinceDay > day) {
			throw new UserFacingError('BAD_VALUE', msg('briefing.sinceAfter'));
		}
		// The briefing keeps its own Translator (it is composed the same way for the scheduler) and
		// notes untranslated text itself.
		const briefing = composeBriefing(dataset, {
			day,
			...(sinceDay !== undefined ? { sinceDay } : {}),
			...(args.actor ? { actorId: args.actor.id } : {}),
			...(args.tag ? { tag: args.tag } : {}),
			locale: i18n.locale,
		});
		if (!imagesEnabled(ctx.services)) return briefing.reply;
		// The picture shows the events the briefing lists, in date order (each one's position read once).
		const ids = new Set(briefing.reply.blocks.flatMap((b) => (b.kind === 'event' ? [b.id] : [])));
		const events = [...ids]
			.flatMap((id) => {
				const event = dataset.event(id);
				return event ? [{ event, at: dataset.positionOf(id)! }] : [];
			})
			.sort((x, y) => x.at - y.at)
			.map((x) => x.event);
		const images = await timelineAttachment(ctx, events, i18n.t('briefing.imageTitle', { date: isoFromDay(day) }));
		return images.length ? { ...briefing.reply, images } : briefing.reply;
	},
});
