/**
 * The TimelineJS Google Sheets template saved as CSV. Each row becomes a TimelineJS slide and goes
 * through the JSON importer, so both paths map dates, HTML and sources the same way.
 */
import { CsvError, parseCsvWithHeader } from './csv.js';
import type { ImportIssue, ImportResult } from './draft.js';
import { importTimelineJs, type TimelineImportOptions, type TimelineSlide } from './timelinejs.js';

/** The template's columns, as the Knight Lab sheet names them. */
export const TIMELINE_SHEET_COLUMNS = [
	'Year',
	'Month',
	'Day',
	'Time',
	'End Year',
	'End Month',
	'End Day',
	'End Time',
	'Display Date',
	'Headline',
	'Text',
	'Media',
	'Media Credit',
	'Media Caption',
	'Media Thumbnail',
	'Type',
	'Group',
	'Background',
] as const;

export function importTimelineJsCsv(text: string, options: TimelineImportOptions = {}): ImportResult {
	const { header, rows } = parseCsvWithHeader(text);
	const lower = header.map((h) => h.toLowerCase());
	for (const need of ['year', 'headline']) {
		if (!lower.includes(need))
			throw new CsvError(
				1,
				`the header has no "${need[0]!.toUpperCase()}${need.slice(1)}" column; expected the TimelineJS sheet columns: ${TIMELINE_SHEET_COLUMNS.join(', ')}`,
			);
	}
	const col = (values: Record<string, string>, name: string): string => {
		const i = lower.indexOf(name.toLowerCase());
		return i < 0 ? '' : (values[header[i]!] ?? '').trim();
	};
	let title: TimelineSlide | undefined;
	const events: TimelineSlide[] = [];
	const lineOf: number[] = [];
	const report: ImportIssue[] = [];
	for (const { line, values } of rows) {
		const type = col(values, 'Type').toLowerCase();
		const slide: TimelineSlide = {
			text: { headline: col(values, 'Headline'), text: col(values, 'Text') },
			...(col(values, 'Group') ? { group: col(values, 'Group') } : {}),
			...(col(values, 'Display Date') ? { display_date: col(values, 'Display Date') } : {}),
			...(col(values, 'Media')
				? { media: { url: col(values, 'Media'), credit: col(values, 'Media Credit'), caption: col(values, 'Media Caption') } }
				: {}),
		};
		if (type === 'title') {
			title = slide;
			continue;
		}
		if (type === 'era') {
			report.push({ where: `line ${line}`, message: 'eras are not events; skipped' });
			continue;
		}
		const date = (prefix: string) => ({
			year: col(values, `${prefix}Year`),
			month: col(values, `${prefix}Month`),
			day: col(values, `${prefix}Day`),
		});
		const start = date('');
		const end = date('End ');
		events.push({ ...slide, start_date: start as never, ...(end.year ? { end_date: end as never } : {}) });
		lineOf.push(line);
	}
	const r = importTimelineJs({ ...(title ? { title } : {}), events }, options);
	// Point the report at CSV lines rather than JSON indexes.
	const mapped = r.report.map((i) => {
		const m = /^events\[(\d+)\](.*)$/u.exec(i.where);
		return m ? { where: `line ${lineOf[Number(m[1])] ?? '?'}${m[2] ? ` (${m[2].replace(/^\./u, '')})` : ''}`, message: i.message } : i;
	});
	return { draft: r.draft, report: [...report, ...mapped] };
}
