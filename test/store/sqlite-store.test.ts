import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, MigrationError, migrate, schemaVersion } from '../../src/store/sqlite/migrations.js';
import { openDatabase } from '../../src/store/sqlite/open-database.js';
import { openSqliteStores, type SqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { tempDir } from '../scheduler/helpers/fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

function fileStores(): { stores: SqliteStores; file: string } {
	const t = tempDir();
	const file = path.join(t.dir, 'nested', 'dir', 'sitrep.db');
	const stores = openSqliteStores(file);
	cleanups.push(t.cleanup, () => stores.close());
	return { stores, file };
}

// The stores' behaviour is tested on every backend in store-contract.test.ts; this file covers what
// is SQLite's own: the file, its pragmas and its migrations.

describe('openDatabase', () => {
	it('creates the file and its directory at first start, in WAL mode with a busy timeout', () => {
		const { stores, file } = fileStores();
		expect(existsSync(file)).toBe(true);
		expect(stores.db.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(Number(stores.db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
	});

	it('bounds its page cache well below the 16 MB better-sqlite3 gives a connection (negative: KiB)', () => {
		const { stores } = fileStores();
		const cache = Number(stores.db.pragma('cache_size', { simple: true }));
		expect(cache).toBeLessThan(0);
		expect(-cache).toBeLessThanOrEqual(4096);
	});

	it('records applied migrations and applies nothing twice', () => {
		const { stores, file } = fileStores();
		const versions = stores.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
		expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
		stores.close();
		const again = openDatabase(file);
		expect(migrate(again)).toEqual([]);
		expect(schemaVersion(again)).toBe(MIGRATIONS.at(-1)!.version);
		again.close();
	});

	it('applies a new migration in order on the next start', () => {
		const { stores, file } = fileStores();
		stores.close();
		const next = [...MIGRATIONS, { version: 99, name: 'test column', sql: 'ALTER TABLE subscriptions ADD COLUMN note TEXT' }];
		const db = openDatabase(file, { migrations: next });
		expect(schemaVersion(db)).toBe(99);
		expect(db.prepare("SELECT COUNT(*) AS n FROM pragma_table_info('subscriptions') WHERE name = 'note'").get()).toEqual({ n: 1 });
		db.close();
		// A build that knows fewer migrations refuses a newer database instead of corrupting it.
		expect(() => openDatabase(file)).toThrow(MigrationError);
	});

	it('applies an earlier version a database lacks, though a later one is recorded (changes developed side by side)', () => {
		const { stores, file } = fileStores();
		stores.close();
		// A database made by a build that had version 99 but not yet 98.
		const without = [...MIGRATIONS, { version: 99, name: 'later', sql: 'ALTER TABLE subscriptions ADD COLUMN later TEXT' }];
		openDatabase(file, { migrations: without }).close();
		const both = [
			...MIGRATIONS,
			{ version: 98, name: 'earlier', sql: 'ALTER TABLE subscriptions ADD COLUMN earlier TEXT' },
			without.at(-1)!,
		];
		const db = openDatabase(file, { migrations: both });
		expect(db.prepare("SELECT COUNT(*) AS n FROM pragma_table_info('subscriptions') WHERE name IN ('earlier', 'later')").get()).toEqual(
			{ n: 2 },
		);
		expect(
			(db.prepare('SELECT version FROM schema_migrations WHERE version >= 98 ORDER BY version').all() as { version: number }[]).map(
				(r) => r.version,
			),
		).toEqual([98, 99]);
		db.close();
	});

	it('rolls back a failing migration as a whole', () => {
		const db = openDatabase(':memory:');
		cleanups.push(() => db.close());
		const latest = MIGRATIONS.at(-1)!.version;
		const bad = [...MIGRATIONS, { version: latest + 1, name: 'half', sql: 'CREATE TABLE half (x); SELECT * FROM nowhere;' }];
		expect(() => migrate(db, bad)).toThrow();
		expect(schemaVersion(db)).toBe(latest);
		expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
	});
});

describe('migration 3', () => {
	it('adds the update-id table to a version-2 database, keeping its rows', async () => {
		const t = tempDir();
		cleanups.push(t.cleanup);
		const file = path.join(t.dir, 'v2.db');
		const v2 = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 2) });
		v2.prepare(
			"INSERT INTO subscriptions (platform, channel_id, time, timezone, created_by, created_at, updated_at, effective_from) VALUES ('telegram', '-100', '09:00', 'Asia/Baku', 't', 'a', 'a', 'a')",
		).run();
		expect(schemaVersion(v2)).toBe(2);
		v2.close();
		const upgraded = openSqliteStores(file);
		cleanups.push(() => upgraded.close());
		expect(schemaVersion(upgraded.db)).toBe(MIGRATIONS.at(-1)!.version);
		expect((await upgraded.subscriptions.list()).map((s) => s.channelId)).toEqual(['-100']);
		expect(await upgraded.updates.firstSeen('telegram', '1', new Date())).toBe(true);
	});
});
