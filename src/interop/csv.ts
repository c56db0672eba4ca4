/**
 * CSV per RFC 4180, with the line number of every record so import errors can point at the row.
 * Quoted fields may hold commas, quotes ("") and newlines; CRLF and LF are both accepted.
 */

export interface CsvRecord {
	/** 1-based line on which the record starts. */
	readonly line: number;
	readonly fields: readonly string[];
}

export class CsvError extends Error {
	override readonly name = 'CsvError';
	constructor(
		readonly line: number,
		message: string,
	) {
		super(`line ${line}: ${message}`);
	}
}

/** Parses CSV text into records. Throws CsvError with a line number on malformed quoting. */
export function parseCsv(text: string): CsvRecord[] {
	const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	const records: CsvRecord[] = [];
	let fields: string[] = [];
	let field = '';
	let line = 1;
	let recordLine = 1;
	let i = 0;
	let quotedField = false;
	const endField = (): void => {
		fields.push(field);
		field = '';
		quotedField = false;
	};
	const endRecord = (): void => {
		endField();
		// A blank line is no record.
		if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
		fields = [];
	};
	while (i < src.length) {
		const c = src[i]!;
		if (c === '"' && field === '' && !quotedField) {
			quotedField = true;
			const startLine = line;
			i++;
			for (;;) {
				if (i >= src.length) throw new CsvError(startLine, 'a quoted field is not closed; check for a stray "');
				const q = src[i]!;
				if (q === '"') {
					if (src[i + 1] === '"') {
						field += '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (q === '\n') line++;
				field += q;
				i++;
			}
			const next = src[i];
			if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
				throw new CsvError(line, `unexpected text after a closing quote; a quote inside a quoted field is written ""`);
			}
			continue;
		}
		if (c === ',') {
			endField();
			i++;
		} else if (c === '\r' && src[i + 1] === '\n') {
			endRecord();
			i += 2;
			line++;
			recordLine = line;
		} else if (c === '\n' || c === '\r') {
			endRecord();
			i++;
			line++;
			recordLine = line;
		} else {
			if (c === '"')
				throw new CsvError(line, 'a quote in the middle of an unquoted field; quote the whole field and double the quote');
			field += c;
			i++;
		}
	}
	if (field !== '' || fields.length > 0 || quotedField) endRecord();
	return records;
}

/** Reads a CSV with a header row into objects keyed by header name (trimmed). */
export function parseCsvWithHeader(text: string): { header: string[]; rows: { line: number; values: Record<string, string> }[] } {
	const records = parseCsv(text);
	const head = records.shift();
	if (!head) throw new CsvError(1, 'the file is empty; expected a header row');
	const header = head.fields.map((h) => h.trim());
	const rows = records.map((r) => {
		if (r.fields.length > header.length && r.fields.slice(header.length).some((f) => f.trim() !== '')) {
			throw new CsvError(r.line, `has ${r.fields.length} fields but the header has ${header.length}`);
		}
		const values: Record<string, string> = Object.create(null) as Record<string, string>;
		header.forEach((h, i) => {
			values[h] = r.fields[i] ?? '';
		});
		return { line: r.line, values };
	});
	return { header, rows };
}

/** Quotes a field when it needs it. Formula-leading characters are prefixed so spreadsheets do not execute them. */
export function csvField(value: string): string {
	const safe = /^[=+\-@\t\r]/u.test(value) && !/^-?\d/u.test(value) ? `'${value}` : value;
	return /[",\r\n]/u.test(safe) ? `"${safe.replace(/"/gu, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
	return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
