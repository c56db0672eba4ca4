import { defineCommand } from '../src/core/command.js';
import { actorName, claimBlock, claimsByClaimant, eventLine, sourcesBlock, STATUS_LABEL } from '../src/core/present.js';
import { heading, para, type Block } from '../src/core/reply.js';
import { formatHuman } from '../src/dataset/partial-date.js';

const RELATION: Record<string, string> = { response_to: 'In response to', caused_by: 'Caused by', part_of: 'Part of', follows: 'Follows', context: 'Context' };

export default defineCommand({
	data: {
		name: 'event',
		description: 'One event in full: date, place, actors, summary, claims by side, sources',
		access: 'everyone',
		options: [{ name: 'id', type: 'event', description: 'The event id shown in /timeline, or words from its title', required: true }],
		examples: ['/event yekaterinburg-raids', '/event sputnik-azerbaijan-raid'],
	},
	execute({ args, dataset }) {
		const e = args.id;
		const blocks: Block[] = [heading(e.title)];
		const fields = [
			{ name: 'Date', value: formatHuman(e.date) },
			...(e.location ? [{ name: 'Place', value: e.location.name + (e.location.country ? ` (${e.location.country})` : '') }] : []),
			{ name: 'Status', value: STATUS_LABEL[e.status] },
			{ name: 'Actors', value: e.actors.map((a) => `${actorName(dataset, a.actorId)}${a.role ? ` (${a.role.replace(/[-_]/gu, ' ')})` : ''}`).join(', ') },
			...(e.tags.length ? [{ name: 'Tags', value: e.tags.join(', ') }] : []),
			{ name: 'Id', value: e.id },
		];
		blocks.push({ kind: 'fields', fields });
		blocks.push(para(e.summary));
		if (e.note) blocks.push(para({ text: 'Editor’s note: ', mark: 'bold' }, { text: e.note, mark: 'italic' }));
		const claims = dataset.claimsOf(e);
		if (claims.length) {
			blocks.push(heading('Who says what'));
			for (const [, list] of claimsByClaimant(claims)) for (const c of list) blocks.push(claimBlock(dataset, c));
		}
		blocks.push(heading('Sources'));
		blocks.push(sourcesBlock(dataset, e.sourceIds));
		const related = e.related.map((r) => ({ r, ev: dataset.event(r.eventId)! }));
		const incoming = dataset.events.filter((x) => x.related.some((r) => r.eventId === e.id));
		if (related.length || incoming.length) {
			blocks.push(heading('Related events'));
			for (const { r, ev } of related) {
				blocks.push(para({ text: `${RELATION[r.type] ?? r.type}:`, mark: 'italic' }));
				blocks.push(eventLine(dataset, ev));
			}
			if (incoming.length) blocks.push(para({ text: 'Followed by:', mark: 'italic' }));
			for (const ev of incoming.slice(0, 5)) blocks.push(eventLine(dataset, ev));
		}
		return { blocks };
	},
});
