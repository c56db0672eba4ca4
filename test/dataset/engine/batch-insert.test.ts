import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BatchInsert } from '../../../src/dataset/engine/batch-insert.js';

function table(): Database.Database {
	const db = new Database(':memory:');
	db.exec('CREATE TABLE t (n INTEGER NOT NULL, s TEXT, x)');
	return db;
}

describe('BatchInsert', () => {
	it('writes every row in the order given, full batches as they fill and the rest on flush', () => {
		const db = table();
		const b = new BatchInsert(db, 'INSERT INTO t (n, s, x)', 3);
		const count = (): number => db.prepare('SELECT count(*) FROM t').pluck().get() as number;
		for (let i = 0; i < 31; i++) b.run(i, `s${i}`, i % 2 ? null : i / 2);
		// Fewer than a batch: nothing written yet.
		expect(count()).toBe(0);
		b.run(31, 's31', null);
		expect(count()).toBe(32);
		for (let i = 32; i < 75; i++) b.run(i, `s${i}`, i % 2 ? null : i / 2);
		expect(count()).toBe(64);
		b.flush();
		b.flush();
		const rows = db.prepare('SELECT rowid, n, s, x FROM t ORDER BY rowid').raw().all() as unknown[][];
		expect(rows).toEqual(Array.from({ length: 75 }, (_, i) => [i + 1, i, `s${i}`, i % 2 ? null : i / 2]));
	});

	it('forgets the pending rows on discard, and refuses a row of the wrong width', () => {
		const db = table();
		const b = new BatchInsert(db, 'INSERT INTO t (n, s, x)', 3);
		b.run(1, 'a', null);
		b.discard();
		b.flush();
		expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
		expect(() => b.run(1, 'a')).toThrow(/2 values for 3 columns/);
	});
});
