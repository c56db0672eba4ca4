/**
 * The pieces the store logic is written once with: SQL steps and their drivers, the executors,
 * batches as one JSON parameter, and migrations rendered per dialect.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationSql, type Migration } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { pgPlaceholders } from '../../src/store/postgres/pg-executor.js';
import { all, driveSync, get, jsonRows, jsonTable, run, type Steps } from '../../src/store/sql.js';
import { sqliteExecutor } from '../../src/store/sqlite/sqlite-executor.js';

const dbs: Database.Database[] = [];
afterEach(() => {
	while (dbs.length) dbs.pop()!.close();
});

function memory(): Database.Database {
	const db = new Database(':memory:');
	dbs.push(db);
	db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL, f INTEGER NOT NULL)');
	return db;
}

describe('SQL steps', () => {
	it('number PostgreSQL placeholders in order of appearance', () => {
		expect(pgPlaceholders('UPDATE t SET a = ?, b = ? WHERE c IN (SELECT x FROM y WHERE z = ?)')).toBe(
			'UPDATE t SET a = $1, b = $2 WHERE c IN (SELECT x FROM y WHERE z = $3)',
		);
	});

	it('throw a failing statement into the unit of work, which may handle it', () => {
		function* work(): Steps<string> {
			try {
				yield* run('bad');
				return 'not reached';
			} catch (err) {
				return `caught ${(err as Error).message}`;
			}
		}
		expect(
			driveSync(work(), () => {
				throw new Error('no such table');
			}),
		).toBe('caught no such table');
	});

	it('read a batch from one JSON parameter on SQLite: numbers, text, flags and NULL', async () => {
		const x = sqliteExecutor(memory());
		const table = jsonTable('sqlite', [
			['a', 'int'],
			['b', 'text'],
			['c', 'boolean'],
		]);
		const rows = await x.all(`SELECT a, b, c FROM ${table} AS t`, [
			jsonRows([
				[1, 'one', true],
				[2, null, false],
			]),
		]);
		expect(rows).toEqual([
			{ a: 1, b: 'one', c: 1 },
			{ a: 2, b: null, c: 0 },
		]);
	});

	it('run a unit of work atomically: a throw rolls back every statement', async () => {
		const x = sqliteExecutor(memory());
		function* twoThenFail(): Steps<void> {
			yield* run('INSERT INTO t (k, v, f) VALUES (?, ?, ?)', [1, 'a', true]);
			yield* run('INSERT INTO t (k, v, f) VALUES (?, ?, ?)', [2, 'b', false]);
			throw new Error('changed my mind');
		}
		await expect(x.transaction(twoThenFail)).rejects.toThrow('changed my mind');
		expect(await x.all('SELECT * FROM t')).toEqual([]);
		await x.transaction(() => run('INSERT INTO t (k, v, f) VALUES (?, ?, ?)', [1, 'a', true]));
		expect(await x.transaction(() => get<{ f: number }>('SELECT f FROM t WHERE k = ?', [1]))).toEqual({ f: 1 });
	});

	it('group writes of one turn into one commit on SQLite; one failing write fails its group', async () => {
		const x = sqliteExecutor(memory());
		const insert = (k: number) => x.grouped(() => run('INSERT INTO t (k, v, f) VALUES (?, ?, ?)', [k, `v${k}`, false]));
		expect(await Promise.all([insert(1), insert(2), insert(3)])).toEqual([1, 1, 1]);
		const results = await Promise.allSettled([insert(4), insert(1)]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect((await x.transaction(() => all<{ k: number }>('SELECT k FROM t ORDER BY k'))).map((r) => r.k)).toEqual([1, 2, 3]);
	});
});

describe('migrations rendered per dialect', () => {
	it('give SQLite none of PostgreSQL’s words, and PostgreSQL none of SQLite’s', () => {
		for (const m of MIGRATIONS) {
			expect(migrationSql(m, 'sqlite')).not.toMatch(/TIMESTAMPTZ|JSONB|BOOLEAN|COLLATE "C"|IDENTITY|BIGSERIAL| ~ /u);
			expect(migrationSql(m, 'postgres')).not.toMatch(/WITHOUT ROWID|AUTOINCREMENT|GLOB/u);
		}
	});

	it('take one text as it is for both', () => {
		const m: Migration = { version: 99, name: 'plain', sql: 'ALTER TABLE t ADD COLUMN note TEXT' };
		expect(migrationSql(m, 'sqlite')).toBe(migrationSql(m, 'postgres'));
	});
});
