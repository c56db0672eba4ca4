/** One problem in a dataset file, located as precisely as the parser allows. */
export interface DatasetError {
	/** Path relative to the dataset directory, with forward slashes. */
	readonly file: string;
	/** 1-based; 0 when the problem concerns the whole file or directory. */
	readonly line: number;
	readonly col: number;
	/** Field path such as `events[0].actors[2].actor`; empty for file-level problems. */
	readonly path: string;
	/** What was wrong and what was expected. */
	readonly message: string;
}

/** A problem with a whole file or directory (`file`), not at a place or field in it. */
export function fileError(file: string, message: string): DatasetError {
	return { file, line: 0, col: 0, path: '', message };
}

/** `FILE:LINE:COL  field.path  message`, the form `sitrep validate` prints. */
export function formatDatasetError(e: DatasetError): string {
	return `${e.file}:${e.line}:${e.col}  ${e.path || '(file)'}  ${e.message}`;
}

/**
 * An error as shown in a chat (/reload) or a log: the place, the field and the problem, with every
 * quoted value from the file left out, since a file's text may be anything (a pasted token, the
 * target of a link). `sitrep validate`, run by the editor on their own files, shows it in full.
 */
export function formatDatasetErrorWithoutValues(e: DatasetError): string {
	return `${e.file}:${e.line}:${e.col}  ${e.path || '(file)'}  ${withoutValues(e.message)}`;
}

/** The message with each quoted run ("…", '…', «…», `…`) replaced by an ellipsis. */
export function withoutValues(message: string): string {
	return message
		.replace(/"[^"\n]*"|(?<!\p{L})'[^'\n]*'(?!\p{L})|«[^»\n]*»|`[^`\n]*`/gu, (q) => `${q[0]}…${q.at(-1)}`)
		.replace(/\n[\s\S]*$/u, '');
}

/** Formats errors the way `sitrep validate` and `/reload` show them: the first `limit`, then a count of the rest. */
export function formatDatasetErrors(errors: readonly DatasetError[], limit = 20): string[] {
	const lines = errors.slice(0, limit).map(formatDatasetError);
	if (errors.length > limit) lines.push(`… and ${errors.length - limit} more`);
	return lines;
}

/** Turns a path array into `events[0].actors[2].actor`. */
export function formatPath(path: readonly PropertyKey[]): string {
	let out = '';
	for (const p of path) {
		if (typeof p === 'number') out += `[${p}]`;
		else out += out ? `.${String(p)}` : String(p);
	}
	return out;
}
