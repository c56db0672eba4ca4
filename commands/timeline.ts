import { msg, UserFacingError } from '../src/core/errors.js';
import { defineCommand } from '../src/core/command.js';
import { timelineFilterAttachment } from '../src/images/attach.js';
import { timelineEnds } from '../src/core/lookup.js';
import { eventLines } from '../src/core/present.js';
import { heading, italic, para } from '../src/core/reply.js';
import { eventStatuses } from '../src/dataset/schema.js';
import { en } from '../src/i18n/messages/index.js';
import type { Actor, EventStatus } from '../src/dataset/model.js';
import type { PartialDate } from '../src/dataset/partial-date.js';
import type { TimelineFilter } from '../src/dataset/snapshot.js';

/** The snapshot filter of a /timeline request's arguments (also the web site's Atom feed's selection). */
export function timelineFilter(args: {
	readonly from?: PartialDate | undefined;
	readonly to?: PartialDate | undefined;
	readonly actor?: Actor | undefined;
	readonly tag?: string | undefined;
	readonly status?: EventStatus | undefined;
	readonly text?: string | undefined;
}): TimelineFilter {
	const fromDay = args.from?.earliestDay;
	const toDay = args.to?.latestDay;
	return {
		...(fromDay !== undefined ? { fromDay } : {}),
		...(toDay !== undefined ? { toDay } : {}),
		...(args.actor ? { actorId: args.actor.id } : {}),
		...(args.tag ? { tag: args.tag } : {}),
		...(args.status ? { status: args.status } : {}),
		...(args.text ? { text: args.text } : {}),
	};
}

export default defineCommand({
	data: {
		name: 'timeline',
		description: en['cmd.timeline.description'],
		access: 'everyone',
		options: [
			{ name: 'text', type: 'text', description: en['cmd.timeline.opt.text'] },
			{ name: 'from', type: 'date', description: en['cmd.timeline.opt.from'] },
			{ name: 'to', type: 'date', description: en['cmd.timeline.opt.to'] },
			{ name: 'actor', type: 'actor', description: en['cmd.timeline.opt.actor'] },
			{ name: 'tag', type: 'tag', description: en['cmd.timeline.opt.tag'] },
			{ name: 'status', type: 'choice', description: en['cmd.timeline.opt.status'], choices: eventStatuses },
			{ name: 'limit', type: 'integer', description: en['cmd.timeline.opt.limit'], min: 1, max: 25 },
			{ name: 'page', type: 'integer', description: en['cmd.timeline.opt.page'], min: 1, max: 100000 },
		],
		examples: ['/timeline from:2025-06-27 to:2025-07-01', '/timeline actor:kremlin limit:5', '/timeline tag:sputnik status:disputed'],
	},
	async execute(ctx) {
		const { args, dataset, commandLine, i18n } = ctx;
		const fromDay = args.from?.earliestDay;
		const toDay = args.to?.latestDay;
		if (fromDay !== undefined && toDay !== undefined && toDay < fromDay) {
			// A user error, not an answer: `ask` exits 2 and the metrics count it as one.
			throw new UserFacingError(
				'BAD_VALUE',
				msg('timeline.fromAfterTo', { from: args.from!.text, to: args.to!.text }),
				msg('timeline.fromAfterTo.hint'),
			);
		}
		const filter = timelineFilter(args);
		// One page: a long result is counted and paged without making the list of all its events.
		const limit = args.limit ?? 10;
		const {
			total,
			page,
			pages,
			capped,
			events: shown,
			first: earliest,
			last: latest,
		} = dataset.timelinePage(filter, args.page ?? 1, limit);
		const filters = [
			args.text && i18n.t('timeline.filter.text', { text: args.text }),
			args.from && i18n.t('timeline.filter.from', { date: i18n.date(args.from) }),
			args.to && i18n.t('timeline.filter.to', { date: i18n.date(args.to) }),
			args.actor && i18n.t('filter.actor', { name: i18n.name(args.actor.name, args.actor.names) }),
			args.tag && i18n.t('filter.tag', { tag: args.tag }),
			args.status && i18n.t('timeline.filter.status', { status: i18n.t(`status.${args.status}`) }),
		].filter((x): x is string => Boolean(x));
		if (total === 0) {
			const ends = timelineEnds(dataset);
			const sentences = [
				filters.length ? i18n.t('timeline.none.filtered', { filters: i18n.list(filters) }) : i18n.t('timeline.none'),
				ends
					? i18n.t('timeline.none.span', { first: i18n.date(ends.first.date), last: i18n.date(ends.last.date) })
					: i18n.t('timeline.none.empty'),
				...(filters.length > 1
					? [i18n.t('timeline.none.widenMany')]
					: filters.length === 1
						? [i18n.t('timeline.none.widenOne')]
						: []),
			];
			return { blocks: [para(sentences.join(' '))] };
		}
		const title = filters.length ? i18n.t('timeline.title.filtered', { filters: i18n.list(filters) }) : i18n.t('timeline.title');
		// A capped count is a lower bound, and the last event counted is not the last there is: no end date.
		const range = capped
			? i18n.t('timeline.range.capped', { n: total, first: i18n.date(earliest!.date) })
			: i18n.t('timeline.range', { n: total, first: i18n.date(earliest!.date), last: i18n.date(latest!.date) });
		const blocks = [heading(title), para(italic(range)), ...eventLines(dataset, shown, i18n)];
		blocks.push(para(italic(i18n.t('timeline.legend'))));
		// The picture shows the whole result, on the first page only: later pages edit the same message.
		// Asked by the question, so that a picture already drawn is found before any event is listed.
		const images = page === 1 ? await timelineFilterAttachment(ctx, filter, title) : [];
		return {
			blocks,
			...(images.length ? { images } : {}),
			...(pages > 1 || capped
				? {
						paging: {
							page,
							pages,
							...(capped ? { capped } : {}),
							...(page > 1 ? { prev: commandLine({ page: String(page - 1) }) } : {}),
							// Past a capped count there may be more pages: the next is offered.
							...(page < pages || capped ? { next: commandLine({ page: String(page + 1) }) } : {}),
						},
					}
				: {}),
		};
	},
});
