import { defineCommand } from '../src/core/command.js';
import { italic, para } from '../src/core/reply.js';
import { en } from '../src/i18n/messages/index.js';
import { EXPORT_FORMATS, exportDataset } from '../src/interop/index.js';

export default defineCommand({
	data: {
		name: 'export',
		description: en['cmd.export.description'],
		access: 'everyone',
		options: [{ name: 'format', type: 'choice', description: en['cmd.export.opt.format'], required: true, choices: EXPORT_FORMATS }],
		examples: ['/export format:ics', '/export timelinejs'],
	},
	execute({ args, dataset, i18n }) {
		const r = exportDataset(dataset, args.format);
		const c = dataset.counts;
		return {
			// The format's own notes (what the target format cannot hold) come from src/interop, in English.
			blocks: [para(i18n.t('export.summary', { file: r.fileName, events: c.events, sources: c.sources, version: dataset.version })), ...r.notes.map((n) => para(italic(n)))],
			file: { name: r.fileName, content: new TextEncoder().encode(r.content), mime: r.mime },
		};
	},
});
