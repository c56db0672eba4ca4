/**
 * What the tables and indexes of format 6 (issue #22, commands at 1M, round three) cost a build: on a
 * copy of a built file, each is dropped and made again as the writer makes it, and timed (wall and
 * this thread's CPU), three times; the claims' event index is timed with and without the claimant,
 * the difference being what format 6 adds to it. Only these statements are timed, so the figure holds
 * on a machine shared with other work better than two whole builds compared.
 *
 *   node --import tsx bench/format-additions.child.ts --file BUILT.sqlite
 *   (a built file of this format: the bot's cache, e.g. after `node --import tsx bench/users.child.ts
 *   --events 100000 --cache DIR`)
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { writeDayCounts } from '../src/dataset/engine/summaries.js';
import { arg, log, median, reply, round } from './lib.js';

const file = arg('file');
const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-format-additions-'));
const copy = path.join(dir, 'built.sqlite');
copyFileSync(file, copy);
const db = new Database(copy);
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.pragma('cache_size = -8192'); // the writer's page cache (build-run.ts)

const cases: Record<string, { drop: string; make: () => void }> = {
	'day_counts (writeDayCounts)': { drop: 'DELETE FROM day_counts', make: () => writeDayCounts(db) },
	events_spanning: {
		drop: 'DROP INDEX IF EXISTS events_spanning',
		make: () => db.exec('CREATE INDEX events_spanning ON events (ord, last_day, status, hide_at) WHERE last_day > first_day'),
	},
	event_actors_ord: {
		drop: 'DROP INDEX IF EXISTS event_actors_ord',
		make: () => db.exec('CREATE INDEX event_actors_ord ON event_actors (ord, actor)'),
	},
	'claims_event (event_ord, n, by_actor)': {
		drop: 'DROP INDEX IF EXISTS claims_event',
		make: () => db.exec('CREATE INDEX claims_event ON claims (event_ord, n, by_actor)'),
	},
	'claims_event as in format 5 (event_ord, n)': {
		drop: 'DROP INDEX IF EXISTS claims_event',
		make: () => db.exec('CREATE INDEX claims_event ON claims (event_ord, n)'),
	},
};
const out: Record<string, { wallMs: number; cpuMs: number }> = {};
for (const [name, c] of Object.entries(cases)) {
	const wall: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < 3; i++) {
		db.exec(c.drop);
		const t = performance.now();
		const u = process.cpuUsage();
		db.transaction(c.make)();
		const d = process.cpuUsage(u);
		wall.push(performance.now() - t);
		cpu.push((d.user + d.system) / 1000);
	}
	out[name] = { wallMs: round(median(wall), 1), cpuMs: round(median(cpu), 1) };
	log(`${name}: wall ${out[name].wallMs} ms, CPU ${out[name].cpuMs} ms (median of 3)`);
}
db.close();
rmSync(dir, { recursive: true, force: true });
reply(out);
