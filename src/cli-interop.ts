/** `npx sitrep import` and `npx sitrep export`: another tool's file to a dataset directory, and back. */
import { writeFile } from 'node:fs/promises';
import { DatasetLoadError } from './app.js';
import { fail, parseOptions } from './cli-output.js';
import { loadConfig } from './config.js';
import { formatDatasetError } from './dataset/errors.js';
import { loadDataset } from './dataset/load-dataset.js';
import { isTimeZone } from './dataset/schema.js';
import { visibleView } from './dataset/visible-view.js';
import { CsvError } from './interop/csv.js';
import { writeDraft } from './interop/draft.js';
import {
	EXPORT_FORMATS,
	exportDataset,
	IMPORT_FORMATS,
	ImportError,
	importFile,
	isEmptyDir,
	type ExportFormat,
	type ImportFormat,
} from './interop/index.js';
import { TimelineJsError } from './interop/timelinejs.js';

const IMPORT_USAGE = 'Usage: npx sitrep import timelinejs|timelinejs-csv|acled FILE --out DIR [--source-url URL] [--timezone ZONE]';
const EXPORT_USAGE = 'Usage: npx sitrep export timelinejs|ics|csv [--data DIR] [--out FILE]';

/** Runs `sitrep import FORMAT FILE --out DIR`. */
export async function importCommand(args: string[]): Promise<void> {
	const parsed = parseOptions(
		{
			args,
			allowPositionals: true,
			options: { out: { type: 'string' }, 'source-url': { type: 'string' }, timezone: { type: 'string' } },
		},
		IMPORT_USAGE,
	);
	if (!parsed) return;
	const [format, file] = parsed.positionals;
	if (!format || !file || !parsed.values.out) return fail(IMPORT_USAGE, 2);
	if (!(IMPORT_FORMATS as readonly string[]).includes(format))
		return fail(`Unknown import format "${format}"; use one of ${IMPORT_FORMATS.join(', ')}.\n${IMPORT_USAGE}`, 2);
	const out = parsed.values.out;
	if (!(await isEmptyDir(out))) return fail(`${out} is not empty; import into a new directory so no existing data is overwritten.`, 2);
	const tz = parsed.values.timezone;
	if (tz && !isTimeZone(tz)) return fail(`--timezone "${tz}" is not an IANA timezone such as Asia/Baku or UTC.`, 2);
	let result;
	try {
		result = await importFile(format as ImportFormat, file, {
			...(parsed.values['source-url'] ? { sourceUrl: parsed.values['source-url'] } : {}),
			...(tz ? { timezone: tz } : {}),
		});
	} catch (err) {
		if (err instanceof ImportError || err instanceof CsvError || err instanceof TimelineJsError)
			return fail(`${err instanceof CsvError ? `${file}:` : ''}${err.message}`, 1);
		throw err;
	}
	const written = await writeDraft(result.draft, out);
	for (const issue of result.report) process.stderr.write(`${file}: ${issue.where}: ${issue.message}\n`);
	const check = await loadDataset(out);
	if (!check.ok) {
		for (const e of check.errors) process.stdout.write(`${formatDatasetError(e)}\n`);
		return fail(
			`Wrote ${written.length} files to ${out}, but the result does not validate; fix the errors above (or the input) and run: npx sitrep validate ${out}`,
			1,
		);
	}
	const c = check.snapshot.counts;
	process.stdout.write(
		`${out}: imported ${c.events} events, ${c.actors} actors, ${c.sources} sources from ${file}; ${result.report.length} ${result.report.length === 1 ? 'item' : 'items'} not mapped${result.report.length ? ' (listed on stderr)' : ''}.\n`,
	);
}

/** Runs `sitrep export FORMAT [--out FILE]`: published events only. */
export async function exportCommand(args: string[]): Promise<void> {
	const parsed = parseOptions(
		{ args, allowPositionals: true, options: { out: { type: 'string' }, data: { type: 'string' } } },
		EXPORT_USAGE,
	);
	if (!parsed) return;
	const format = parsed.positionals[0];
	if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format))
		return fail(`${format ? `Unknown export format "${format}". ` : ''}${EXPORT_USAGE}`, 2);
	const config = loadConfig();
	const dir = parsed.values.data ?? config.dataDir;
	const r = await loadDataset(dir);
	if (!r.ok) return fail(new DatasetLoadError(dir, r.errors).message, 1);
	// An export is published material: drafts and events still under embargo stay out.
	const visible = visibleView(r.snapshot, config.now ? Date.parse(config.now) : Date.now()).view;
	const out = exportDataset(visible, format as ExportFormat);
	for (const n of out.notes) process.stderr.write(`${n}\n`);
	if (parsed.values.out) {
		await writeFile(parsed.values.out, out.content);
		process.stderr.write(`wrote ${parsed.values.out} (${visible.counts.events} events)\n`);
	} else process.stdout.write(out.content);
}
