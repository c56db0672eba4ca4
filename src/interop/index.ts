/**
 * Import and export entry points shared by the CLI and the /export command.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { firstInvalidUtf8 } from '../dataset/safe-yaml.js';
import { importAcled } from './acled.js';
import { exportCsv } from './csv-export.js';
import type { ImportResult } from './draft.js';
import { exportIcs } from './ics.js';
import { exportTimelineJs, importTimelineJs } from './timelinejs.js';
import { importTimelineJsCsv } from './timelinejs-csv.js';

export const IMPORT_FORMATS = ['timelinejs', 'timelinejs-csv', 'acled'] as const;
export const EXPORT_FORMATS = ['timelinejs', 'ics', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Largest input file an import reads. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export class ImportError extends Error {
	override readonly name = 'ImportError';
}

/** Reads an input file as untrusted: size cap first, then strict UTF-8. */
export async function readImportFile(file: string): Promise<string> {
	let size: number;
	try {
		size = (await stat(file)).size;
	} catch {
		throw new ImportError(`${file}: no such file`);
	}
	if (size > MAX_IMPORT_BYTES) throw new ImportError(`${file}: ${size} bytes; the limit is ${MAX_IMPORT_BYTES}`);
	const bytes = await readFile(file);
	const bad = firstInvalidUtf8(bytes);
	if (bad >= 0) {
		const line = bytes.subarray(0, bad).toString('latin1').split('\n').length;
		throw new ImportError(`${file}:${line}: not valid UTF-8 (byte offset ${bad}); save it as UTF-8`);
	}
	return bytes.toString('utf8');
}

/** Parses JSON, turning the engine's error position into a line and column. */
export function parseJsonWithLines(text: string, file: string): unknown {
	try {
		return JSON.parse(text);
	} catch (err) {
		const msg = err instanceof Error ? err.message : String(err);
		const pos = /position (\d+)/u.exec(msg);
		if (pos) {
			const before = text.slice(0, Number(pos[1]));
			const line = before.split('\n').length;
			const col = Number(pos[1]) - before.lastIndexOf('\n');
			throw new ImportError(`${file}:${line}:${col}: not valid JSON: ${msg.replace(/ in JSON at position \d+.*$/u, '')}`);
		}
		throw new ImportError(`${file}: not valid JSON: ${msg}`);
	}
}

export async function importFile(
	format: ImportFormat,
	file: string,
	options: { sourceUrl?: string; timezone?: string } = {},
): Promise<ImportResult> {
	const text = await readImportFile(file);
	const name = file.split(/[\\/]/u).pop() ?? file;
	switch (format) {
		case 'timelinejs':
			return importTimelineJs(parseJsonWithLines(text, file), { ...options, name });
		case 'timelinejs-csv':
			return importTimelineJsCsv(text, { ...options, name });
		case 'acled':
			return importAcled(text, { ...(options.timezone ? { timezone: options.timezone } : {}), name });
	}
}

export interface ExportResult {
	readonly content: string;
	readonly fileName: string;
	readonly mime: string;
	readonly notes: readonly string[];
}

export function exportDataset(dataset: DatasetSnapshot, format: ExportFormat): ExportResult {
	const base = `sitrep-${dataset.version}`;
	switch (format) {
		case 'timelinejs':
			return {
				content: `${JSON.stringify(exportTimelineJs(dataset), null, 2)}\n`,
				fileName: `${base}.timeline.json`,
				mime: 'application/json',
				notes: [],
			};
		case 'ics': {
			const r = exportIcs(dataset);
			return {
				content: r.text,
				fileName: `${base}.ics`,
				mime: 'text/calendar',
				notes: r.skipped.length ? [`${r.skipped.length} events outside years 1–9999 left out: ${r.skipped.join(', ')}`] : [],
			};
		}
		case 'csv':
			return { content: exportCsv(dataset), fileName: `${base}.csv`, mime: 'text/csv', notes: [] };
	}
}

/** True when `dir` does not exist or is empty. */
export async function isEmptyDir(dir: string): Promise<boolean> {
	try {
		return (await readdir(dir)).length === 0;
	} catch {
		return true;
	}
}
