/**
 * What a start costs the event-version store: `recordSnapshot` of the dataset into a store that has
 * recorded it before (a second start), with the store's note of recorded dataset versions (what a
 * start does now) and without it (what every start did before: a pass over every event's version).
 * Main-thread CPU, statements and fingerprint rows sent, /proc/self/io bytes read.
 *
 *   npx tsx bench/record-versions.ts --dir /tmp/sitrep-bench/story-1000000-seed1 --cache /tmp/sitrep-bench-cache
 *
 * The store is a fresh SQLite file in a temporary directory, recorded once first (not measured).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/dataset/load-dataset.js';
import { SqlEventVersions } from '../src/store/sql-small-stores.js';
import type { SqlExecutor, Steps } from '../src/store/sql.js';
import { openDatabase } from '../src/store/sqlite/open-database.js';
import { sqliteExecutor } from '../src/store/sqlite/sqlite-executor.js';

const { values } = parseArgs({ options: { dir: { type: 'string' }, cache: { type: 'string' }, rounds: { type: 'string', default: '2' } } });
if (!values.dir || !values.cache) throw new Error('usage: --dir STORY --cache DATASET_CACHE [--rounds N]');

const readBytes = (): number => Number(/read_bytes: (\d+)/u.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);

/** Counts the statements run and the fingerprint rows passed to them (each page is one JSON parameter). */
function counting(sql: SqlExecutor): { executor: SqlExecutor; statements: () => number; rows: () => number; reset(): void } {
	let statements = 0;
	let rows = 0;
	const count = (params: readonly unknown[] = []): void => {
		statements++;
		for (const p of params) if (typeof p === 'string' && p.startsWith('[[')) rows += (JSON.parse(p) as unknown[]).length;
	};
	// Each step of a unit of work counted as it passes to the real executor.
	function* counted<T>(steps: Steps<T>): Steps<T> {
		let next = steps.next();
		while (!next.done) {
			count(next.value.params);
			next = steps.next(yield next.value);
		}
		return next.value;
	}
	const executor: SqlExecutor = {
		...sql,
		dialect: sql.dialect,
		get: (q, p) => (count(p), sql.get(q, p)),
		all: (q, p) => (count(p), sql.all(q, p)),
		run: (q, p) => (count(p), sql.run(q, p)),
		grouped: (work) => sql.grouped(() => counted(work())),
		transaction: (work) => sql.transaction(() => counted(work())),
	};
	return { executor, statements: () => statements, rows: () => rows, reset: () => void (statements = rows = 0) };
}

const loaded = await loadDataset(values.dir, { cacheDir: values.cache });
if (!loaded.ok) throw new Error('the story does not load');
const snapshot = loaded.snapshot;
const tmp = mkdtempSync(path.join(tmpdir(), 'sitrep-record-versions-'));
try {
	const db = openDatabase(path.join(tmp, 'sitrep.db'));
	const sql = sqliteExecutor(db);
	const first = Date.now();
	await new SqlEventVersions(sql).recordSnapshot(snapshot, new Date());
	console.log(`${snapshot.version}: first recording ${Date.now() - first} ms (not measured further)`);
	for (let round = 1; round <= Number(values.rounds); round++) {
		for (const mode of ['without the note (before)', 'with the note (after)'] as const) {
			if (mode.startsWith('without')) db.prepare('DELETE FROM event_versions_recorded').run();
			// A new store object, as a new process has: nothing remembered in memory.
			const c = counting(sql);
			const store = new SqlEventVersions(c.executor);
			const bytes = readBytes();
			const cpu = process.cpuUsage();
			const t0 = performance.now();
			const pass = await store.recordSnapshot(snapshot, new Date());
			const wall = performance.now() - t0;
			const used = process.cpuUsage(cpu);
			console.log(
				`round ${round}, ${mode}: pass ${pass}, wall ${wall.toFixed(1)} ms, CPU ${((used.user + used.system) / 1000).toFixed(1)} ms, ` +
					`statements ${c.statements()}, fingerprint rows sent ${c.rows()}, bytes read ${readBytes() - bytes}`,
			);
		}
	}
	db.close();
} finally {
	rmSync(tmp, { recursive: true, force: true });
}
