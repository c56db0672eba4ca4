import { defineCommand } from '../src/core/command.js';
import { italic, para } from '../src/core/reply.js';
import type { DatasetSnapshot } from '../src/dataset/snapshot.js';
import { en } from '../src/i18n/messages/index.js';
import type { Translator } from '../src/i18n/translator.js';
import { icsSkipped } from '../src/interop/ics.js';
import { EXPORT_FORMATS, exportDataset, type ExportFormat } from '../src/interop/index.js';

/** Skipped event ids a note lists before counting the rest. */
const LISTED = 10;

/**
 * The notes /export attaches, in the reader's language: what the format cannot hold, and, for a
 * reader of another language, that the file's text is the English original. exportDataset words its
 * own notes in English for `sitrep export` (an operator's terminal); test/commands/export.test.ts
 * checks that each of them has its counterpart here.
 */
export function exportNotes(dataset: DatasetSnapshot, format: ExportFormat, i18n: Translator): string[] {
	const skipped = format === 'ics' ? icsSkipped(dataset) : [];
	const ids = i18n.list(skipped.slice(0, LISTED));
	return [
		...(skipped.length
			? [
					i18n.t('export.note.icsSkipped', {
						n: skipped.length,
						ids: skipped.length > LISTED ? i18n.t('export.note.idsMore', { ids, n: skipped.length - LISTED }) : ids,
					}),
				]
			: []),
		...(i18n.locale !== 'en' ? [i18n.t('export.note.english')] : []),
	];
}

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
			blocks: [
				para(i18n.t('export.summary', { file: r.fileName, events: c.events, sources: c.sources, version: dataset.version })),
				...exportNotes(dataset, args.format, i18n).map((n) => para(italic(n))),
			],
			file: { name: r.fileName, content: new TextEncoder().encode(r.content), mime: r.mime },
		};
	},
});
