import { defineCommand } from '../src/core/command.js';
import { para } from '../src/core/reply.js';
import { EXPORT_FORMATS, exportDataset } from '../src/interop/index.js';

export default defineCommand({
	data: {
		name: 'export',
		description: 'The dataset as a file: TimelineJS JSON, iCalendar or CSV',
		access: 'everyone',
		options: [{ name: 'format', type: 'choice', description: 'timelinejs, ics or csv', required: true, choices: EXPORT_FORMATS }],
		examples: ['/export format:ics', '/export timelinejs'],
	},
	execute({ args, dataset }) {
		const r = exportDataset(dataset, args.format);
		const c = dataset.counts;
		return {
			blocks: [para(`${r.fileName}: ${c.events} events, ${c.sources} sources (dataset version ${dataset.version}).`), ...r.notes.map((n) => para({ text: n, mark: 'italic' }))],
			file: { name: r.fileName, content: new TextEncoder().encode(r.content), mime: r.mime },
		};
	},
});
