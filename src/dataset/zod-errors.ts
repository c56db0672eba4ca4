/**
 * The loader's error messages for records that fail their schema: zod's issues in the editors' words
 * (file, line, column, field path, what to do).
 */
import type { z } from 'zod';
import { formatPath, type DatasetError } from './errors.js';
import type { ParsedFile } from './safe-yaml.js';

/**
 * The parsed value of a record: the record itself when the fast check passed (zod would return an
 * equal value), else zod's output, else undefined after adding zod's errors.
 */
export function valid<S extends z.ZodType>(
	fastOk: boolean,
	item: unknown,
	schema: S,
	file: string,
	parsed: ParsedFile,
	key: string,
	i: number,
	errors: DatasetError[],
): z.output<S> | undefined {
	if (fastOk) return item as z.output<S>;
	// reportInput (for "expected X, got Y") costs a third of the time; only failures need it.
	let r = schema.safeParse(item);
	if (!r.success) r = schema.safeParse(item, { reportInput: true });
	if (r.success) return r.data;
	errors.push(...zodErrors(r.error, file, parsed, [key, i]));
	return undefined;
}

/** Every issue of `error` as a dataset error, its place found in `parsed` under `prefix`. */
export function zodErrors(error: z.ZodError, file: string, parsed: ParsedFile, prefix: PropertyKey[]): DatasetError[] {
	const out: DatasetError[] = [];
	for (const issue of error.issues) {
		const p = [...prefix, ...(issue.path as PropertyKey[])];
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) {
				const { line, col } = parsed.locate(p, key);
				out.push({
					file,
					line,
					col,
					path: formatPath([...p, key]),
					message: `unknown field "${key}"; check the spelling against data/schema.json`,
				});
			}
			continue;
		}
		const { line, col } = parsed.locate(p);
		out.push({ file, line, col, path: formatPath(p), message: describeIssue(issue) });
	}
	return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
	if (issue.code === 'invalid_type') {
		const expected = issue.expected;
		if (issue.input === undefined) return `required field is missing (expected ${expected})`;
		return `expected ${expected}, got ${describe(issue.input)}`;
	}
	if (issue.code === 'invalid_value') return `${issue.message.replace(/^Invalid option: expected one of /u, 'expected one of ')}`;
	if (issue.code === 'invalid_union') return `${issue.message}`;
	return issue.message;
}

/** A value as a message names it: "a list", "text "…"", "number 3". */
export function describe(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'a list';
	if (typeof v === 'object') return 'a map';
	if (typeof v === 'string') return `text "${v.length > 30 ? `${v.slice(0, 30)}…` : v}"`;
	return `${typeof v} ${String(v)}`;
}
