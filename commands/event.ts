import { defineCommand } from '../src/core/command.js';
import {
	actorName,
	claimBlock,
	claimsByClaimant,
	eventLine,
	eventSummary,
	eventTitle,
	sourcesBlock,
	statusLabel,
} from '../src/core/present.js';
import { heading, italic, para, type Block } from '../src/core/reply.js';
import { en } from '../src/i18n/messages/index.js';
import { roleLabel, tagLabel } from '../src/i18n/slugs.js';
import { countryName } from '../src/images/sides.js';

export default defineCommand({
	data: {
		name: 'event',
		description: en['cmd.event.description'],
		access: 'everyone',
		options: [{ name: 'id', type: 'event', description: en['cmd.event.opt.id'], required: true }],
		examples: ['/event yekaterinburg-raids', '/event sputnik-azerbaijan-raid'],
	},
	execute({ args, dataset, i18n }) {
		const e = args.id;
		const blocks: Block[] = [heading(eventTitle(e, i18n))];
		// The place in the reader's language (or English with the untranslated note), its country by the locale's name for it.
		const placeName = e.location ? i18n.content(e.location.name, e.location.names) : undefined;
		// A place that is the country itself ("Azerbaijan") is not followed by its country again.
		const withCountry = e.location?.country !== undefined && e.location.name !== countryName(e.location.country, 'en');
		const place =
			e.location && placeName !== undefined
				? withCountry
					? i18n.t('event.placeCountry', { place: placeName, country: countryName(e.location.country!, i18n.locale) })
					: placeName
				: undefined;
		const actors = e.actors.map((a) => {
			const name = actorName(dataset, a.actorId, i18n);
			return a.role ? i18n.t('event.actorRole', { name, role: roleLabel(i18n, a.role, dataset) }) : name;
		});
		const fields = [
			{ name: i18n.t('event.date'), value: i18n.date(e.date) },
			...(place !== undefined ? [{ name: i18n.t('event.place'), value: place }] : []),
			{ name: i18n.t('event.status'), value: statusLabel(e.status, i18n) },
			{ name: i18n.t('event.actors'), value: i18n.list(actors) },
			...(e.tags.length ? [{ name: i18n.t('event.tags'), value: i18n.list(e.tags.map((t) => tagLabel(i18n, t, dataset))) }] : []),
			{ name: i18n.t('field.id'), value: e.id },
		];
		blocks.push({ kind: 'fields', fields });
		blocks.push(para(eventSummary(e, i18n)));
		if (e.note) blocks.push(para(...i18n.spans('event.note', { note: i18n.content(e.note, e.notes) })));
		const claims = dataset.claimsOf(e);
		if (claims.length) {
			blocks.push(heading(i18n.t('event.claims')));
			for (const [, list] of claimsByClaimant(claims)) for (const c of list) blocks.push(claimBlock(dataset, c, i18n));
		}
		blocks.push(heading(i18n.t('event.sources')));
		blocks.push(sourcesBlock(dataset, e.sourceIds, i18n));
		const related = e.related.map((r) => ({ r, ev: dataset.event(r.eventId)! }));
		const incoming = dataset.eventsRelatedTo(e.id);
		if (related.length || incoming.length) {
			blocks.push(heading(i18n.t('event.related')));
			for (const { r, ev } of related) {
				blocks.push(para(italic(i18n.t(`event.relation.${r.type}`))));
				blocks.push(eventLine(dataset, ev, i18n));
			}
			if (incoming.length) blocks.push(para(italic(i18n.t('event.followedBy'))));
			for (const ev of incoming.slice(0, 5)) blocks.push(eventLine(dataset, ev, i18n));
		}
		return { blocks };
	},
});
