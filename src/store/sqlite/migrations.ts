/**
 * Migrations on SQLite: the shared runner (../migrate.ts) in one IMMEDIATE transaction, so two
 * processes starting at once cannot both apply the same version.
 */
import type Database from 'better-sqlite3';
import { MigrationError, migrationSteps, schemaVersionSteps, type Migration } from '../migrate.js';
import { MIGRATIONS } from '../migrations.js';
import { driveSync } from '../sql.js';
import { sqliteExecutor } from './sqlite-executor.js';

// The shared list and error, where SQLite's callers have always found them.
export { MIGRATIONS, MigrationError, type Migration };

/** The highest version applied, 0 for a new database. */
export function schemaVersion(db: Database.Database): number {
	return driveSync(schemaVersionSteps(), (step) => db.prepare(step.sql).get());
}

/** Applies every pending migration; returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, now: Date = new Date()): number[] {
	return sqliteExecutor(db).transactionSync(() => migrationSteps('sqlite', migrations, now, 'SITREP_DB'));
}
