/**
 * The SELECTs of the timeline and the briefing windows over the events table (format.ts): rowids are
 * ords in date order, so a date range is an ord range and a page is a walk along it.
 */
import type { EventFilter, TimelineFilter } from '../snapshot.js';
import { HIDDEN_ALWAYS, ordOf } from './format.js';
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

/** A tag carried by fewer events than this drives a text timeline: its list is walked, the text checked per event. */
const SHORT_LIST = 2000;

/**
 * The SELECT of the ords that pass a filter (no ORDER BY): `ord` is the column to order by. The
 * table that drives is the narrowest at hand — an actor's events, a rare tag's events, else the
 * text's FTS5 matches (walked in rowid, that is date, order, stopping at a LIMIT), else the events —
 * and every other filter is a point lookup (CROSS JOIN keeps SQLite from reordering the tables).
 * The events row is read only when a filter needs one of its columns, or in a view (`hide_at`).
 * Undefined when nothing can pass (an unknown status, or a text without words). `tagCount`: how
 * many events carry a tag.
 */
export function timelineQuery(r: Reader, filter: TimelineFilter, tagCount: (tag: string) => number): TimelineQuery | undefined {
	const from: string[] = [];
	const fromParams: unknown[] = [];
	const where: string[] = [];
	const whereParams: unknown[] = [];
	let status: number | undefined;
	if (filter.status !== undefined) {
		status = STATUS.get(filter.status);
		if (status === undefined) return undefined;
	}
	let expr: string | undefined;
	if (filter.text !== undefined) {
		expr = textFilter(r, filter.text);
		if (!expr) return undefined;
	}
	// The driving table and its ord column.
	let ord: string;
	let tagDone = false;
	if (filter.actorId !== undefined) {
		from.push('event_actors a');
		ord = 'a.ord';
		where.push('a.actor = ?');
		whereParams.push(filter.actorId);
	} else if (filter.tag !== undefined && (expr === undefined || tagCount(filter.tag) < SHORT_LIST)) {
		from.push('event_tags g');
		ord = 'g.ord';
		tagDone = true;
		where.push('g.tag = ?');
		whereParams.push(filter.tag);
	} else if (expr !== undefined) {
		from.push('event_text t');
		ord = 't.rowid';
	} else {
		from.push('events e');
		ord = 'e.ord';
	}
	if (expr !== undefined) {
		if (ord !== 't.rowid') from.push(`CROSS JOIN event_text t ON t.rowid = ${ord}`);
		where.push('t.event_text MATCH ?');
		whereParams.push(expr);
	}
	if (filter.tag !== undefined && !tagDone) {
		from.push(`CROSS JOIN event_tags g ON g.tag = ? AND g.ord = ${ord}`);
		fromParams.push(filter.tag);
	}
	const needRow = r.now !== HIDDEN_ALWAYS || status !== undefined || filter.fromDay !== undefined;
	if (needRow && ord !== 'e.ord') from.push(`CROSS JOIN events e ON e.ord = ${ord}`);
	if (r.now !== HIDDEN_ALWAYS) {
		where.push('e.hide_at <= ?');
		whereParams.push(r.now);
	}
	if (status !== undefined) {
		where.push('e.status = ?');
		whereParams.push(status);
	}
	if (filter.fromDay !== undefined) {
		// Events that start up to the longest span before fromDay may still overlap it.
		where.push(`${ord} >= ?`, 'e.last_day >= ?');
		whereParams.push(ordOf(filter.fromDay - r.maxSpan, 0), filter.fromDay);
	}
	if (filter.toDay !== undefined) {
		where.push(`${ord} < ?`);
		whereParams.push(Math.min(ORD_END, ordOf(filter.toDay + 1, 0)));
	}
	return {
		sql: `SELECT ${ord} FROM ${from.join(' ')}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
		params: [...fromParams, ...whereParams],
		ord,
		text: expr !== undefined,
	};
}

/** The SELECT of the ords in [lo, hi) that pass a briefing's filters (undefined for an unknown status). */
export function eventFilter(r: Reader, filter: EventFilter, lo: number, hi: number): OrdQuery | undefined {
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