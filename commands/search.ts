import { defineCommand } from '../src/core/command.js';
import { claimBlock, claimText, eventLine, eventTitle } from '../src/core/present.js';
import { heading, italic, markMatches, para, type Block } from '../src/core/reply.js';
import { fold } from '../src/dataset/text.js';
import { en } from '../src/i18n/messages/index.js';

export default defineCommand({
	data: {
		name: 'search',
		description: en['cmd.search.description'],
		access: 'everyone',
		options: [
			{ name: 'query', type: 'text', description: en['cmd.search.opt.query'], required: true },
			{ name: 'limit', type: 'integer', description: en['cmd.search.opt.limit'], min: 1, max: 25 },
		],
		examples: ['/search heart failure', '/search sputnik', '/search Сафаров'],
	},
	execute({ args, dataset, i18n }) {
		const limit = args.limit ?? 8;
		// Only the results shown are ranked in order; the rest are counted.
		const { results, total, capped } = dataset.searchPage(args.query, limit);
		if (total === 0) {
			return { blocks: [para(i18n.t('search.none', { query: args.query }))] };
		}
		// A capped total is a lower bound (the engine stopped counting): "1000+ results".
		const count = capped
			? i18n.t('search.countCapped', { n: total, limit })
			: total > limit
				? i18n.t('search.countShown', { n: total, limit })
				: i18n.t('search.count', { n: total });
		const blocks: Block[] = [heading(i18n.t('search.title', { query: args.query })), para(italic(count))];
		for (const r of results) {
			const matched = new Set(r.matched);
			if (r.kind === 'event') {
				blocks.push(eventLine(dataset, r.event, i18n, markMatches(eventTitle(r.event, i18n), matched, fold)));
			} else if (r.kind === 'claim') {
				blocks.push(claimBlock(dataset, r.claim, i18n, markMatches(claimText(r.claim, i18n), matched, fold)));
			} else {
				const name = i18n.name(r.actor.name, r.actor.names);
				blocks.push(
					para(
						...i18n.spans('search.actor', { name, command: `/actor ${r.actor.id}` }),
						...markMatches(i18n.content(r.actor.description, r.actor.descriptions), matched, fold),
					),
				);
			}
		}
		return { blocks };
	},
});
