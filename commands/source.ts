import { defineCommand } from '../src/core/command.js';
import { claimBlock, eventLine, sourcesBlock } from '../src/core/present.js';
import { heading, para, type Block } from '../src/core/reply.js';
import { en } from '../src/i18n/messages/index.js';
import { outletLabel, outletName } from '../src/i18n/outlets.js';

const MAX_EVENTS = 8;
const MAX_CLAIMS = 6;
const MAX_SOURCES = 10;

export default defineCommand({
	data: {
		name: 'source',
		description: en['cmd.source.description'],
		access: 'everyone',
		options: [{ name: 'name', type: 'outlet', description: en['cmd.source.opt.name'], required: true }],
		examples: ['/source TASS', '/source "The Moscow Times"', '/source report-az'],
	},
	execute({ args, dataset, i18n }) {
		const o = args.name;
		const blocks: Block[] = [heading(outletName(o, i18n)), para(i18n.content(o.note, o.notes))];
		const fields = [{ name: i18n.t('source.kind'), value: outletLabel(o, i18n) }];
		if (o.country) fields.push({ name: i18n.t('source.country'), value: o.country });
		if (o.url) fields.push({ name: i18n.t('source.site'), value: o.url });
		fields.push({ name: i18n.t('field.id'), value: o.id });
		blocks.push({ kind: 'fields', fields });

		const cited = dataset.outletCitations(o.id, Math.max(MAX_EVENTS, MAX_CLAIMS, MAX_SOURCES));
		const n = cited.counts;
		if (!n.events && !n.claims) blocks.push(para(i18n.t('source.none')));
		if (n.claims) {
			blocks.push(heading(i18n.t('source.claims', { n: n.claims })));
			for (const c of cited.claims.slice(0, MAX_CLAIMS)) blocks.push(claimBlock(dataset, c, i18n));
			if (n.claims > MAX_CLAIMS) blocks.push(para(i18n.t('source.claimsMore', { n: n.claims - MAX_CLAIMS })));
		}
		if (n.events) {
			blocks.push(heading(i18n.t('source.events', { n: n.events })));
			for (const e of cited.events.slice(0, MAX_EVENTS)) blocks.push(eventLine(dataset, e, i18n));
			if (n.events > MAX_EVENTS) blocks.push(para(i18n.t('source.eventsMore', { n: n.events - MAX_EVENTS })));
		}
		if (n.sources) {
			blocks.push(heading(i18n.t('source.articles', { n: n.sources })));
			blocks.push(
				sourcesBlock(
					dataset,
					cited.sources.slice(0, MAX_SOURCES).map((s) => s.id),
					i18n,
				),
			);
		}
		return { blocks };
	},
});
