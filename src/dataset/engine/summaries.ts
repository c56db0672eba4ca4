/**
 * Summary rows a build writes once the events are in (format.ts `day_counts`, `actor_names`): what a
 * command would otherwise count by walking rows, or read from a larger table. Kept apart from the writer's ingest so that the cost of each is
 * its own.
 */
import type Database from 'better-sqlite3';
import { dayOfOrd, ordOf } from './format.js';

/**
 * Fills `day_counts`: for each first day with events, how many events begin on it or before. Ranks
 * within a first day are dense (format.ts ORD_DAY), so a day's count is its last ord's rank plus one:
 * two descents of the rowid tree per day, not a pass over the events.
 */
export function writeDayCounts(db: Database.Database): void {
	const next = db.prepare('SELECT ord FROM events WHERE ord >= ? ORDER BY ord LIMIT 1').pluck();
	const last = db.prepare('SELECT ord FROM events WHERE ord < ? ORDER BY ord DESC LIMIT 1').pluck();
	const insert = db.prepare('INSERT INTO day_counts (day, upto) VALUES (?, ?)');
	let upto = 0;
	for (let ord = next.get(-1) as number | undefined; ord !== undefined;) {
		const day = dayOfOrd(ord);
		const end = ordOf(day + 1, 0);
		upto += (last.get(end) as number) - ordOf(day, 0) + 1;
		insert.run(day, upto);
		ord = next.get(end) as number | undefined;
	}
}

/**
 * Fills `actor_names` from the actors' documents, in id order (the table's key: the rows are appended,
 * not inserted at random places). An actor without `names` gets `{}`, as the loader writes it.
 */
export function writeActorNames(db: Database.Database): void {
	db.exec(
		"INSERT INTO actor_names (id, name, names) SELECT id, json_extract(doc, '$.name'), coalesce(json_extract(doc, '$.names'), '{}') FROM actors ORDER BY id",
	);
}
