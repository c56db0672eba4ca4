import { defineCommand } from '../src/core/command.js';
import { relationsAttachment } from '../src/images/attach.js';
import { actorName, claimBlocks, describeActorType, eventLines } from '../src/core/present.js';
import { heading, para, type Block, type Span } from '../src/core/reply.js';
import { en } from '../src/i18n/messages/index.js';

const MAX_EVENTS = 8;
const MAX_CLAIMS = 4;

export default defineCommand({
	data: {
		name: 'actor',
		description: en['cmd.actor.description'],
		access: 'everyone',
		options: [{ name: 'name', type: 'actor', description: en['cmd.actor.opt.name'], required: true }],
		examples: ['/actor Pezeshkian', '/actor "Ilham Aliyev"', '/actor kremlin'],
	},
	async execute(ctx) {
		const { args, dataset, i18n } = ctx;
		const a = args.name;
		const name = (x: { name: string; names: Readonly<Record<string, string>> }) => i18n.name(x.name, x.names);
		const blocks: Block[] = [heading(name(a)), para(i18n.content(a.description, a.descriptions))];
		const fields = [{ name: i18n.t('actor.type'), value: describeActorType(a, i18n) }];
		if (a.country) fields.push({ name: i18n.t('actor.country'), value: a.country });
		if (a.aliases.length) fields.push({ name: i18n.t('actor.aliases'), value: i18n.list(a.aliases.slice(0, 12)) });
		if (a.affiliations.length) {
			dataset.actorNames(a.affiliations); // read together; actorName finds them in the snapshot's cache
			fields.push({ name: i18n.t('actor.affiliations'), value: i18n.list(a.affiliations.map((id) => actorName(dataset, id, i18n))) });
		}
		const members = dataset.membersOf(a.id);
		if (members.length) {
			const names = i18n.list(members.slice(0, 10).map(name));
			fields.push({
				name: i18n.t('actor.members'),
				value: members.length > 10 ? i18n.t('actor.membersMore', { names, n: members.length - 10 }) : names,
			});
		}
		if (a.wikidata) fields.push({ name: i18n.t('actor.wikidata'), value: a.wikidata });
		fields.push({ name: i18n.t('field.id'), value: a.id });
		blocks.push({ kind: 'fields', fields });

		// The first events and their count, as a timeline page: an actor in thousands of events is not listed whole.
		const { events, total, capped } = dataset.timelinePage({ actorId: a.id }, 1, MAX_EVENTS);
		if (total) {
			blocks.push(heading(i18n.t(capped ? 'actor.events.capped' : 'actor.events', { n: total })));
			blocks.push(...eventLines(dataset, events, i18n));
			if (total > MAX_EVENTS)
				blocks.push(
					para(
						i18n.t(capped ? 'actor.eventsMore.capped' : 'actor.eventsMore', {
							n: total - MAX_EVENTS,
							command: `/timeline actor:${a.id}`,
						}),
					),
				);
		} else blocks.push(para(i18n.t('actor.noEvents')));

		// The first claims and their count: an actor of many claims is not read whole.
		const claims = dataset.claimsByPage(a.id, MAX_CLAIMS);
		if (claims.total) {
			blocks.push(heading(i18n.t('actor.claims', { n: claims.total })));
			blocks.push(...claimBlocks(dataset, claims.claims, i18n));
			if (claims.total > MAX_CLAIMS)
				blocks.push(para(i18n.t('actor.claimsMore', { n: claims.total - MAX_CLAIMS, command: `/search ${a.id}` })));
		}
		const co = dataset.coActors(a.id);
		if (co.length) {
			blocks.push(heading(i18n.t('actor.coActors')));
			const separator: Span = { text: i18n.t('list.separator') };
			blocks.push(
				para(
					...co.flatMap((c, i) => [
						...(i ? [separator] : []),
						...i18n.spans('actor.coActor', { name: name(c.actor), n: c.shared }),
					]),
				),
			);
		}
		const images = await relationsAttachment(ctx, a.id);
		return { blocks, ...(images.length ? { images } : {}) };
	},
});
