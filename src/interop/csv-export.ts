/** CSV export: one row per event, with a header row; lists are joined with "; ". */
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { isoFromDay as isoOf } from '../dataset/partial-date.js';
import { bylineText, sourceByline } from '../i18n/outlets.js';
import { createTranslator } from '../i18n/translator.js';
import { toCsv } from './csv.js';

export const EVENT_CSV_HEADER = [
	'id',
	'date',
	'precision',
	'approximate',
	'start',
	'end',
	'title',
	'summary',
	'location',
	'country',
	'actors',
	'actor_ids',
	'tags',
	'status',
	'note',
	'source_ids',
	'source_urls',
	'claims',
	'source_outlets',
] as const;

/** The export's own words are English, like the rest of its text. */
const EN = createTranslator('en');

export function exportCsv(dataset: DatasetSnapshot): string {
	const rows: string[][] = [];
	// Streamed: the export is meant to be whole, but never needs the events as one array.
	for (const e of dataset.eachEvent()) {
		const sources = e.sourceIds.map((id) => dataset.source(id)!);
		rows.push([
			e.id,
			e.date.text,
			e.date.start.precision,
			e.date.approximate ? 'yes' : 'no',
			isoOf(e.date.earliestDay),
			isoOf(e.date.latestDay),
			e.title,
			e.summary,
			e.location?.name ?? '',
			e.location?.country ?? '',
			e.actors.map((a) => dataset.actor(a.actorId)?.name ?? a.actorId).join('; '),
			e.actors.map((a) => a.actorId).join('; '),
			e.tags.join('; '),
			e.status,
			e.note ?? '',
			sources.map((s) => s.id).join('; '),
			sources.map((s) => s.url).join('; '),
			dataset
				.claimsOf(e)
				.map((c) => `${dataset.actor(c.by)?.name ?? c.by} (${c.stance}): ${c.text}`)
				.join(' | '),
			sources.map((s) => bylineText(sourceByline(dataset, s, EN), EN)).join('; '),
		]);
	}
	return toCsv(EVENT_CSV_HEADER, rows);
}
