/**
 * The console's command history across runs: one line per command, oldest first, as shells keep
 * theirs. Bounded in entries and line length, so the file cannot grow without end; a missing or
 * unreadable file is an empty history, never an error that stops the chat.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Most commands kept. */
export const HISTORY_LIMIT = 500;
/** A longer line is not kept (a paste, not a command worth recalling). */
const MAX_ENTRY = 1000;

function keep(line: string): boolean {
	// eslint-disable-next-line no-control-regex -- a line with control characters is not replayed
	return line.trim() !== '' && line.length <= MAX_ENTRY && !/[\u0000-\u001f\u007f-\u009f]/u.test(line);
}

/** The history in readline's order: newest first. */
export async function loadHistory(file: string): Promise<string[]> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch {
		return [];
	}
	return text.split('\n').filter(keep).slice(-HISTORY_LIMIT).reverse();
}

/** Writes readline's history (newest first) to `file`, oldest first, at most HISTORY_LIMIT lines. */
export async function saveHistory(file: string, newestFirst: readonly string[]): Promise<void> {
	const lines = newestFirst.filter(keep).slice(0, HISTORY_LIMIT).reverse();
	try {
		await mkdir(path.dirname(file), { recursive: true });
		// Write then rename, so a crash mid-write leaves the old history rather than half of it.
		const tmp = `${file}.${process.pid}.tmp`;
		await writeFile(tmp, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
		await rename(tmp, file);
	} catch {
		// History is a convenience: a read-only directory must not interrupt the chat.
	}
}
