/**
 * The SELECTs of the timeline and the briefing windows over the events table (format.ts): rowids are
 * ords in date order, so a date range is an ord range and a page is a walk along it.
 */
import type { EventFilter, TimelineFilter } from '../queries.js';
import { ordOf } from './format.js';
import { ORD_END, STATUS, type Reader } from './sql-reader.js';
import { textFilter } from './sql-search.js';

/** A SELECT of ords (no ORDER BY) and its parameters. */
export interface OrdQuery {
	readonly sql: string;
	readonly params: unknown[];
}

/** A timeline's SELECT: `ord` is the column to order by; `text` when an FTS5 match drives it. */
export interface TimelineQuery extends OrdQuery {
	readonly ord: string;
	readonly text: boolean;
}

/**
 * The SELECT of the ords that pass a filter (no ORDER BY): `ord` is the column to order by. With a
 * text filter the FTS5 table drives (it walks its matches in rowid, that is date, order and stops
 * at a LIMIT), and the other filters are point lookups; without, SQLite picks the narrowest index.
 * Undefined when nothing can pass (an unknown status).
 */
export function timelineQuery(r: Reader, filter: TimelineFilter): { sql: string; params: unknown[]; ord: string; text: boolean } | undefined {
	const params: unknown[] = [];
	const where: string[] = [];
	const joins: string[] = [];
	let from: string;
	let ord: string;
	const text = filter.text !== undefined;
	if (text) {
		const expr = textFilter(r, filter.text!);
		if (!expr) return undefined;
		// CROSS JOIN keeps the FTS table outermost: its rowid order is the date order wanted.
		from = 'event_text t CROSS JOIN events e ON e.ord = t.rowid';
		ord = 't.rowid';
		where.push('t.event_text MATCH ?');
		params.push(expr);
	} else {
		from = 'events e';
		ord = 'e.ord';
	}
	if (filter.actorId !== undefined) {
		joins.push(`${text ? 'CROSS ' : ''}JOIN event_actors a ON a.actor = ? AND a.ord = e.ord`);
		params.splice(text ? 0 : params.length, 0, filter.actorId);
	}
	if (filter.tag !== undefined) {
		joins.push(`${text ? 'CROSS ' : ''}JOIN event_tags g ON g.tag = ? AND g.ord = e.ord`);
		params.splice(text ? (filter.actorId !== undefined ? 1 : 0) : params.length, 0, filter.tag);
	}
	where.push(`e.hide_at <= ?`);
	params.push(r.now);
	if (filter.status !== undefined) {
		const code = STATUS.get(filter.status);
		if (code === undefined) return undefined;
		where.push('e.status = ?');
		params.push(code);
	}
	if (filter.fromDay !== undefined) {
		// Events that start up to the longest span before fromDay may still overlap it.
		where.push(`${ord} >= ?`, 'e.last_day >= ?');
		params.push(ordOf(filter.fromDay - r.maxSpan, 0), filter.fromDay);
	}
	if (filter.toDay !== undefined) {
		where.push(`${ord} < ?`);
		params.push(Math.min(ORD_END, ordOf(filter.toDay + 1, 0)));
	}
	return { sql: `SELECT ${ord} FROM ${from} ${joins.join(' ')} WHERE ${where.join(' AND ')}`, params, ord, text };
}

export function eventFilter(r: Reader, filter: EventFilter, lo: number, hi: number): { sql: string; params: unknown[] } | undefined {
	const joins: string[] = [];
	const where = ['e.ord >= ?', 'e.ord < ?', 'e.hide_at <= ?'];
	const params: unknown[] = [];
	if (filter.actorId !== undefined) {
		joins.push('JOIN event_actors a ON a.actor = ? AND a.ord = e.ord');
		params.push(filter.actorId);
	}
	if (filter.tag !== undefined) {
		joins.push('JOIN event_tags g ON g.tag = ? AND g.ord = e.ord');
		params.push(filter.tag);
	}
	params.push(lo, hi, r.now);
	if (filter.status !== undefined) {
		const code = STATUS.get(filter.status);
		if (code === undefined) return undefined;
		where.push('e.status = ?');
		params.push(code);
	}
	return { sql: `SELECT e.ord FROM events e ${joins.join(' ')} WHERE ${where.join(' AND ')}`, params };
}