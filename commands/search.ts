import { defineCommand } from '../src/core/command.js';
import { claimBlock, eventLine } from '../src/core/present.js';
import { bold, heading, markMatches, para, type Block } from '../src/core/reply.js';
import { fold } from '../src/dataset/text.js';

export default defineCommand({
	data: {
		name: 'search',
		description: 'Ranked full-text search over events, claims and actors',
		access: 'everyone',
		options: [
			{ name: 'query', type: 'text', description: 'Words to find, in any spelling: sputnik raid, heart failure', required: true },
			{ name: 'limit', type: 'integer', description: 'Most results to show (1-25, default 8)', min: 1, max: 25 },
		],
		examples: ['/search heart failure', '/search sputnik', '/search Сафаров'],
	},
	execute({ args, dataset }) {
		const results = dataset.search(args.query);
		if (results.length === 0) {
			return { blocks: [para(`Nothing matches "${args.query}". Search needs every word to match: try fewer words, another spelling, or /timeline to browse.`)] };
		}
		const limit = args.limit ?? 8;
		const blocks: Block[] = [heading(`Search: ${args.query}`), para({ text: `${results.length} ${results.length === 1 ? 'result' : 'results'}, best first${results.length > limit ? `; showing ${limit}` : ''}`, mark: 'italic' })];
		for (const r of results.slice(0, limit)) {
			const matched = new Set(r.matched);
			if (r.kind === 'event') {
				blocks.push(eventLine(dataset, r.event, markMatches(r.event.title, matched, fold)));
			} else if (r.kind === 'claim') {
				blocks.push(claimBlock(dataset, r.claim, markMatches(r.claim.text, matched, fold)));
			} else {
				blocks.push(para(bold(r.actor.name), { text: ` (actor, /actor ${r.actor.id}): ` }, ...markMatches(r.actor.description, matched, fold)));
			}
		}
		return { blocks };
	},
});
