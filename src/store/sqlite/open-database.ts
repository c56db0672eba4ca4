/**
 * Opens the SQLite database: creates the file (and its directory) at first start, sets WAL mode and
 * a busy timeout so several processes can share it, and applies pending migrations.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type Migration } from './migrations.js';

export interface OpenOptions {
	/** How long a write waits for another process's lock before failing. */
	readonly busyTimeoutMs?: number;
	readonly migrations?: readonly Migration[];
}

export type SqliteDatabase = Database.Database;

/** The store connection's page cache, KiB. */
const STORE_CACHE_KB = 2048;

/** Opens `file` (or ':memory:') ready for use. */
export function openDatabase(file: string, options: OpenOptions = {}): SqliteDatabase {
	const inMemory = file === ':memory:' || file === '';
	if (!inMemory) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
	const db = new Database(file);
	try {
		db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
		if (!inMemory) db.pragma('journal_mode = WAL');
		// FULL: the 'sending' row must be on disk before the message leaves, even across a power cut;
		// the ledger batches its writes so this costs one sync per chunk, not per message.
		db.pragma('synchronous = FULL');
		db.pragma('foreign_keys = ON');
		// better-sqlite3's default page cache is 16 MB a connection, kept for the life of the bot; the
		// store's hot rows (subscriptions, the ledger's recent entries) fit in far less, and the rest is
		// read through the OS page cache (bench/README.md "Steady memory, round three").
		db.pragma(`cache_size = ${-STORE_CACHE_KB}`);
		migrate(db, options.migrations);
		return db;
	} catch (err) {
		db.close();
		throw err;
	}
}
