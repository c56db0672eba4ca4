import { defineCommand } from '../src/core/command.js';
import { relationsAttachment } from '../src/images/attach.js';
import { actorName, claimBlock, describeActorType, eventLine } from '../src/core/present.js';
import { bold, heading, para, type Block } from '../src/core/reply.js';

const MAX_EVENTS = 8;
const MAX_CLAIMS = 4;

export default defineCommand({
	data: {
		name: 'actor',
		description: 'Who an actor is, their events, the claims they made and who they appear with',
		access: 'everyone',
		options: [{ name: 'name', type: 'actor', description: 'A name, alias or spelling: Pezeshkian, Пезешкиан, kremlin', required: true }],
		examples: ['/actor Pezeshkian', '/actor "Ilham Aliyev"', '/actor kremlin'],
	},
	async execute(ctx) {
		const { args, dataset } = ctx;
		const a = args.name;
		const blocks: Block[] = [heading(a.name), para(a.description)];
		const fields = [{ name: 'Type', value: describeActorType(a) }];
		if (a.country) fields.push({ name: 'Country', value: a.country });
		if (a.aliases.length) fields.push({ name: 'Also written', value: a.aliases.slice(0, 12).join(', ') });
		if (a.affiliations.length) fields.push({ name: 'Affiliated with', value: a.affiliations.map((id) => actorName(dataset, id)).join(', ') });
		const members = dataset.actors.filter((x) => x.affiliations.includes(a.id));
		if (members.length) fields.push({ name: 'Linked actors', value: members.slice(0, 10).map((m) => m.name).join(', ') + (members.length > 10 ? ` and ${members.length - 10} more` : '') });
		if (a.wikidata) fields.push({ name: 'Wikidata', value: a.wikidata });
		fields.push({ name: 'Id', value: a.id });
		blocks.push({ kind: 'fields', fields });

		const events = dataset.eventsOf(a.id);
		if (events.length) {
			blocks.push(heading(`Events (${events.length})`));
			for (const e of events.slice(0, MAX_EVENTS)) blocks.push(eventLine(dataset, e));
			if (events.length > MAX_EVENTS) blocks.push(para(`… ${events.length - MAX_EVENTS} more: /timeline actor:${a.id}`));
		} else blocks.push(para('No events in the dataset involve this actor directly.'));

		const claims = dataset.claimsBy(a.id);
		if (claims.length) {
			blocks.push(heading(`Claims made (${claims.length})`));
			for (const c of claims.slice(0, MAX_CLAIMS)) blocks.push(claimBlock(dataset, c));
			if (claims.length > MAX_CLAIMS) blocks.push(para(`… ${claims.length - MAX_CLAIMS} more: /search ${a.id}`));
		}
		const co = dataset.coActors(a.id);
		if (co.length) {
			blocks.push(heading('Appears most with'));
			blocks.push(para(...co.flatMap((c, i) => [...(i ? [{ text: ', ' }] : []), bold(c.actor.name), { text: ` (${c.shared} ${c.shared === 1 ? 'event' : 'events'})` }])));
		}
		const images = await relationsAttachment(ctx, a.id);
		return { blocks, ...(images.length ? { images } : {}) };
	},
});
