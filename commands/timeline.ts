import { defineCommand } from '../src/core/command.js';
import { timelineAttachment } from '../src/images/attach.js';
import { eventLine } from '../src/core/present.js';
import { heading, para } from '../src/core/reply.js';
import { eventStatuses } from '../src/dataset/schema.js';
import { formatHuman } from '../src/dataset/partial-date.js';

export default defineCommand({
	data: {
		name: 'timeline',
		description: 'Events in date order, filtered by dates, actor, tag, status or words',
		access: 'everyone',
		options: [
			{ name: 'text', type: 'text', description: 'Words the events must contain' },
			{ name: 'from', type: 'date', description: 'From this date (2025-06-27, 2025-06, 2025 or today)' },
			{ name: 'to', type: 'date', description: 'Up to this date, inclusive' },
			{ name: 'actor', type: 'actor', description: 'Only events involving this actor (any spelling)' },
			{ name: 'tag', type: 'tag', description: 'Only events with this tag' },
			{ name: 'status', type: 'choice', description: 'Only events with this status', choices: eventStatuses },
			{ name: 'limit', type: 'integer', description: 'Events per page (1-25, default 10)', min: 1, max: 25 },
			{ name: 'page', type: 'integer', description: 'Page number', min: 1, max: 100000 },
		],
		examples: ['/timeline from:2025-06-27 to:2025-07-01', '/timeline actor:kremlin limit:5', '/timeline tag:sputnik status:disputed'],
	},
	async execute(ctx) {
		const { args, dataset, commandLine } = ctx;
		const fromDay = args.from?.earliestDay;
		const toDay = args.to?.latestDay;
		if (fromDay !== undefined && toDay !== undefined && toDay < fromDay) {
			return { blocks: [para({ text: `"from" (${args.from!.text}) is after "to" (${args.to!.text}).`, mark: 'bold' }), para('Swap them, e.g. /timeline from:2025-06-27 to:2025-07-01')], ephemeral: true };
		}
		const events = dataset.timeline({
			...(fromDay !== undefined ? { fromDay } : {}),
			...(toDay !== undefined ? { toDay } : {}),
			...(args.actor ? { actorId: args.actor.id } : {}),
			...(args.tag ? { tag: args.tag } : {}),
			...(args.status ? { status: args.status } : {}),
			...(args.text ? { text: args.text } : {}),
		});
		const filters = [
			args.text && `words "${args.text}"`,
			args.from && `from ${formatHuman(args.from)}`,
			args.to && `to ${formatHuman(args.to)}`,
			args.actor && `actor ${args.actor.name}`,
			args.tag && `tag ${args.tag}`,
			args.status && `status ${args.status}`,
		].filter((x): x is string => Boolean(x));
		if (events.length === 0) {
			const first = dataset.events[0];
			const last = dataset.events.at(-1);
			const span = first && last ? ` The dataset runs from ${formatHuman(first.date)} to ${formatHuman(last.date)}.` : ' The dataset has no events yet.';
			const widen = filters.length > 1 ? ' Drop a filter or widen the dates.' : filters.length === 1 ? ' Try a wider filter, or /timeline alone.' : '';
			return { blocks: [para(`No events match ${filters.length ? filters.join(', ') : 'the dataset'}.${span}${widen}`)] };
		}
		const limit = args.limit ?? 10;
		const pages = Math.ceil(events.length / limit);
		const page = Math.min(args.page ?? 1, pages);
		const shown = events.slice((page - 1) * limit, page * limit);
		const title = `Timeline${filters.length ? `: ${filters.join(', ')}` : ''}`;
		const range = `${events.length} ${events.length === 1 ? 'event' : 'events'}, ${formatHuman(events[0]!.date)} to ${formatHuman(events.at(-1)!.date)}`;
		const blocks = [heading(title), para({ text: range, mark: 'italic' }), ...shown.map((e) => eventLine(dataset, e))];
		blocks.push(para({ text: 'Details of one event: /event ID. Markers: ⚠ disputed, ✎ corrected, ◌ single source.', mark: 'italic' }));
		// The picture shows the whole result, on the first page only: later pages edit the same message.
		const images = page === 1 ? await timelineAttachment(ctx, events, title) : [];
		return {
			blocks,
			...(images.length ? { images } : {}),
			...(pages > 1
				? {
						paging: {
							page,
							pages,
							...(page > 1 ? { prev: commandLine({ page: String(page - 1) }) } : {}),
							...(page < pages ? { next: commandLine({ page: String(page + 1) }) } : {}),
						},
					}
				: {}),
		};
	},
});
