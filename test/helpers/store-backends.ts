/**
 * The store backends the store tests run against: SQLite always, PostgreSQL when
 * SITREP_TEST_DATABASE_URL points at a server where that role may create databases (.ci/run starts
 * one). Each test file gets its own random database, dropped at the end; each fresh() call a new
 * schema in it, so tests never see each other's rows.
 *
 *   const backends = useStoreBackends();
 *   describe.each(titled(backends))('%s', (_title, backend) => { … backend.fresh() … });
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach } from 'vitest';
import { openPostgresStores, type PostgresStores } from '../../src/store/postgres/postgres-stores.js';
import { openSqliteStores, type SqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import type { Stores } from '../../src/store/stores.js';
import { tempDir } from '../scheduler/helpers/fixtures.js';

/** The admin URL of the test server, when there is one. */
export const PG_ADMIN_URL: string | undefined = process.env['SITREP_TEST_DATABASE_URL'] || undefined;

/** Why PostgreSQL cases are skipped, shown in their titles. */
export const PG_SKIP_REASON = PG_ADMIN_URL
	? undefined
	: 'skipped: SITREP_TEST_DATABASE_URL is not set; .ci/run starts a PostgreSQL and sets it';

/** One empty database (SQLite) or schema (PostgreSQL) that several connections may open. */
export interface FreshStore {
	/** The SQLite file, or the postgres:// URL selecting the schema: what a child process opens. */
	readonly target: string;
	/** Opens another connection to it, migrated; closed after the test. */
	open(): Promise<Stores>;
}

export interface StoreBackend {
	readonly name: 'sqlite' | 'postgres';
	/** The describe title: the name, and why it is skipped when it is. */
	readonly title: string;
	readonly skip: boolean;
	fresh(): Promise<FreshStore>;
}

/** Registers cleanup hooks for the current test file and returns both backends. */
export function useStoreBackends(): StoreBackend[] {
	const cleanups: (() => unknown)[] = [];
	afterEach(async () => {
		while (cleanups.length) await cleanups.pop()!();
	});
	let database: Promise<{ url: string; admin: pg.Client }> | undefined;
	afterAll(async () => {
		if (!database) return;
		const { url, admin } = await database;
		await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(new URL(url).pathname.slice(1))} WITH (FORCE)`);
		await admin.end();
	});
	let schemas = 0;

	const sqlite: StoreBackend = {
		name: 'sqlite',
		title: 'sqlite',
		skip: false,
		fresh: () => {
			const t = tempDir('sitrep-store-');
			cleanups.push(t.cleanup);
			const file = path.join(t.dir, 'sitrep.db');
			return Promise.resolve({
				target: file,
				open: () => {
					const stores: SqliteStores = openSqliteStores(file);
					cleanups.push(() => stores.close());
					return Promise.resolve(stores);
				},
			});
		},
	};

	const postgres: StoreBackend = {
		name: 'postgres',
		title: PG_SKIP_REASON ? `postgres (${PG_SKIP_REASON})` : 'postgres',
		skip: PG_SKIP_REASON !== undefined,
		fresh: async () => {
			database ??= createDatabase();
			const { url } = await database;
			const schema = `t${++schemas}`;
			const setup = new pg.Client({ connectionString: url });
			await setup.connect();
			await setup.query(`CREATE SCHEMA ${schema}`);
			await setup.end();
			const target = withSchema(url, schema);
			return {
				target,
				open: async () => {
					const stores: PostgresStores = await openPostgresStores(target, { maxConnections: 4 });
					cleanups.push(() => stores.close());
					return stores;
				},
			};
		},
	};
	return [sqlite, postgres];
}

/** [title, backend] pairs for describe.each('… %s'): `$title` would be cut short in the report. */
export function titled(backends: readonly StoreBackend[]): [string, StoreBackend][] {
	return backends.map((b) => [b.title, b]);
}

/** `url` with its connections' search_path set to `schema`. */
export function withSchema(url: string, schema: string): string {
	const u = new URL(url);
	u.searchParams.set('options', `-c search_path=${schema}`);
	return u.toString();
}

/** Creates a database with a random name on the test server; the caller drops it. */
export async function createDatabase(): Promise<{ url: string; admin: pg.Client }> {
	if (!PG_ADMIN_URL) throw new Error(PG_SKIP_REASON);
	const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
	// A dropped admin connection fails the drop in afterAll, not the whole run.
	admin.on('error', () => undefined);
	await admin.connect();
	const name = `sitrep_test_${randomBytes(6).toString('hex')}`;
	await admin.query(`CREATE DATABASE ${name}`);
	const u = new URL(PG_ADMIN_URL);
	u.pathname = `/${name}`;
	return { url: u.toString(), admin };
}
