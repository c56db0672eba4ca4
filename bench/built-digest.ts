/**
 * A digest of every table of a built dataset file, to show that a change to the build leaves the
 * file's content as it was: each ordinary table's rows in key order, and each FTS5 table's
 * vocabulary by column (term, column, documents, occurrences; the segments' layout may differ).
 *
 *   npx tsx bench/built-digest.ts FILE.sqlite      one line per table: name, rows, SHA-256 (16 hex)
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

/** One line per table of the built file: name, rows, SHA-256 (16 hex) of the rows. */
export function builtDigest(file: string): string[] {
	const db = new Database(file, { readonly: true, fileMustExist: true });
	try {
		const tables = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
			name: string;
			sql: string;
		}[];
		const fts = new Set(tables.filter((t) => /USING fts5/iu.test(t.sql)).map((t) => t.name));
		const shadow = (name: string): boolean => [...fts].some((f) => name.startsWith(`${f}_`));
		const lines: string[] = [];
		for (const { name } of tables) {
			if (shadow(name) || name.startsWith('sqlite_')) continue;
			let rows: unknown[][];
			if (fts.has(name)) {
				db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_${name} USING fts5vocab(main, ${name}, col)`);
				rows = db.prepare(`SELECT * FROM temp.v_${name} ORDER BY 1, 2`).raw().all() as unknown[][];
			} else {
				const n = (db.prepare(`SELECT count(*) FROM pragma_table_info(?)`).pluck().get(name) as number) || 1;
				rows = db
					.prepare(`SELECT * FROM "${name}" ORDER BY ${Array.from({ length: n }, (_, i) => i + 1).join(', ')}`)
					.raw()
					.all() as unknown[][];
			}
			const hash = createHash('sha256');
			for (const r of rows) hash.update(JSON.stringify(r)).update('\n');
			lines.push(`${name.padEnd(16)} ${String(rows.length).padStart(9)} ${hash.digest('hex').slice(0, 16)}`);
		}
		return lines;
	} finally {
		db.close();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const file = process.argv[2];
	if (!file) throw new Error('usage: npx tsx bench/built-digest.ts FILE.sqlite');
	for (const line of builtDigest(file)) console.log(line);
}
