/**
 * What is PostgreSQL's own: the shared migrations under an advisory lock, giving SQLite's tables and columns.
 * The stores' behaviour is tested on both backends in store-contract.test.ts.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migratePostgres, MigrationError, pgSchemaVersion } from '../../src/store/postgres/migrations.js';
import { openPostgresStores } from '../../src/store/postgres/postgres-stores.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { PG_SKIP_REASON, useStoreBackends } from '../helpers/store-backends.js';

const postgres = useStoreBackends().find((b) => b.name === 'postgres')!;
const pools: pg.Pool[] = [];
afterEach(async () => {
	while (pools.length) await pools.pop()!.end();
});

async function freshPool(): Promise<pg.Pool> {
	const pool = new pg.Pool({ connectionString: (await postgres.fresh()).target, max: 2 });
	pools.push(pool);
	return pool;
}

const columns = async (pool: pg.Pool) =>
	(
		await pool.query<{ t: string; c: string }>(
			'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position',
		)
	).rows.map((r) => `${r.t}.${r.c}`);

describe.skipIf(postgres.skip)(`PostgreSQL migrations${PG_SKIP_REASON ? ` (${PG_SKIP_REASON})` : ''}`, () => {
	it('build the same tables and columns as on SQLite from the one list', async () => {
		const pool = await freshPool();
		expect(await migratePostgres(pool)).toEqual(MIGRATIONS.map((m) => m.version));
		const sqlite = openSqliteStores(':memory:');
		const sqliteColumns = (
			sqlite.db
				.prepare(
					"SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
				)
				.all() as { t: string; c: string }[]
		).map((r) => `${r.t}.${r.c}`);
		sqlite.close();
		expect(await columns(pool)).toEqual(sqliteColumns);
	});

	it('record what they applied and apply nothing twice', async () => {
		const pool = await freshPool();
		expect(await pgSchemaVersion(pool)).toBe(0);
		await migratePostgres(pool);
		const applied = (await pool.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
		expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
		expect(await migratePostgres(pool)).toEqual([]);
		expect(await pgSchemaVersion(pool)).toBe(MIGRATIONS.at(-1)!.version);
	});

	it('apply a new migration in order on the next start, and a build that knows fewer refuses the database', async () => {
		const pool = await freshPool();
		await migratePostgres(
			pool,
			MIGRATIONS.filter((m) => m.version === 1),
		);
		expect(await pgSchemaVersion(pool)).toBe(1);
		const next = [...MIGRATIONS, { version: 99, name: 'test column', sql: 'ALTER TABLE subscriptions ADD COLUMN note TEXT' }];
		expect(await migratePostgres(pool, next)).toEqual([...MIGRATIONS.slice(1).map((m) => m.version), 99]);
		expect(await columns(pool)).toContain('subscriptions.note');
		await expect(migratePostgres(pool)).rejects.toThrow(MigrationError);
	});

	it('roll back a failing migration as a whole', async () => {
		const pool = await freshPool();
		await migratePostgres(pool);
		const latest = MIGRATIONS.at(-1)!.version;
		const bad = [...MIGRATIONS, { version: latest + 1, name: 'half', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM nowhere;' }];
		await expect(migratePostgres(pool, bad)).rejects.toThrow(/nowhere/u);
		expect(await pgSchemaVersion(pool)).toBe(latest);
		expect((await pool.query("SELECT to_regclass('half') AS t")).rows[0]).toEqual({ t: null });
	});

	it('let several processes start at once: each version is applied exactly once', async () => {
		const { target } = await postgres.fresh();
		const settled = await Promise.allSettled(Array.from({ length: 6 }, () => openPostgresStores(target, { maxConnections: 2 })));
		const opened = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
		try {
			expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
			const versions = (await opened[0]!.pool.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map(
				(r: { version: number }) => r.version,
			);
			expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
		} finally {
			await Promise.all(opened.map((s) => s.close()));
		}
	});

	it('fail to open with the pool closed, and without the URL’s password in the message, when the server is unreachable', async () => {
		const err = await openPostgresStores('postgres://sitrep:hunter2-secret@127.0.0.1:1/sitrep').then(
			() => undefined,
			(e: unknown) => e as Error,
		);
		expect(err).toBeInstanceOf(Error);
		expect(err!.message).not.toContain('hunter2-secret');
	});
});
