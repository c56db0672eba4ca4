/**
 * The connection a build writes its new file through, on whichever thread writes it (build-run.ts on
 * the loader's thread, write-worker.ts on a thread of its own).
 */
import Database from 'better-sqlite3';

/**
 * Page cache of a build, per database (the file and its staging tables), in KiB. Twice as much saved
 * no CPU and raised the peak memory of a reload (bench/README.md, "Peak memory, round five").
 */
const CACHE_KB = 4 * 1024;

/** Opens `file` (new) for a build: to be written by one EngineWriter made with `closesAfterFinish`, then closed. */
export function openBuildFile(file: string): Database.Database {
	const db = new Database(file);
	// The build writes index b-trees in an order of their own (by actor, by tag, FTS segments) and reads
	// the staged events back in date order: SQLite's default page cache of 2 MB makes that
	// re-read pages from the file again and again. A few MB each for the file and the staging tables
	// (a larger cache cost memory and saved no CPU: bench/README.md, "After the switch").
	db.pragma(`cache_size = ${-CACHE_KB}`);
	db.pragma(`temp.cache_size = ${-CACHE_KB}`);
	// One writer, and nobody may read a file before it is renamed into place: no file locking needed.
	db.pragma('locking_mode = EXCLUSIVE');
	return db;
}
