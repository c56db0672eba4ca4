/**
 * The SELECTs of the timeline and the briefing windows over the events table (format.ts): rowids are
 * ords in date order, so a date range is an ord range and a page is a walk along it.
 */
import type { EventFilter, TimelineFilter } from '../queries.js';
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
	/**
	 * Counts the events that pass among the first `budget` rows of the driving table, up to `cap + 1`:
	 * `driven` tells whether the table had more rows than that (then the count is a lower bound).
	 */
	countWithin(budget: number, cap: number): { readonly sql: string; readonly params: unknown[]; readonly driven: OrdQuery };
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
	// The driving table, its ord column and its own conditions; then the lookups, written with `{o}`
	// for the ord they look up (the driver's column, or a subquery's `d.o`).
	let table: string;
	let ord: string;
	const dWhere: string[] = [];
	const dParams: unknown[] = [];
	const joins: string[] = [];
	const jParams: unknown[] = [];
	const rest: string[] = [];
	const rParams: unknown[] = [];
	let tagDone = false;
	if (filter.actorId !== undefined) {
		[table, ord] = ['event_actors a', 'a.ord'];
		dWhere.push('a.actor = ?');
		dParams.push(filter.actorId);
	} else if (filter.tag !== undefined && (expr === undefined || tagCount(filter.tag) < SHORT_LIST)) {
		[table, ord] = ['event_tags g', 'g.ord'];
		tagDone = true;
		dWhere.push('g.tag = ?');
		dParams.push(filter.tag);
	} else if (expr !== undefined) [table, ord] = ['event_text t', 't.rowid'];
	else if (filter.fromDay !== undefined) return overlapQuery(r, filter.fromDay, filter.toDay, status);
	else [table, ord] = ['events e', 'e.ord'];
	if (expr !== undefined) {
		if (ord === 't.rowid') {
			dWhere.push('t.event_text MATCH ?');
			dParams.push(expr);
		} else {
			joins.push('CROSS JOIN event_text t ON t.rowid = {o}');
			rest.push('t.event_text MATCH ?');
			rParams.push(expr);
		}
	}
	if (filter.tag !== undefined && !tagDone) {
		joins.push('CROSS JOIN event_tags g ON g.tag = ? AND g.ord = {o}');
		jParams.push(filter.tag);
	}
	const view = r.now !== HIDDEN_ALWAYS;
	const row = ord === 'e.ord' ? dWhere : rest;
	const rowParams = ord === 'e.ord' ? dParams : rParams;
	if ((view || status !== undefined || filter.fromDay !== undefined) && ord !== 'e.ord') joins.push('CROSS JOIN events e ON e.ord = {o}');
	if (view) {
		row.push('e.hide_at <= ?');
		rowParams.push(r.now);
	}
	if (status !== undefined) {
		row.push('e.status = ?');
		rowParams.push(status);
	}
	if (filter.fromDay !== undefined) {
		// Events that start up to the longest span before fromDay may still overlap it.
		dWhere.push(`${ord} >= ?`);
		dParams.push(ordOf(filter.fromDay - r.maxSpan, 0));
		row.push('e.last_day >= ?');
		rowParams.push(filter.fromDay);
	}
	if (filter.toDay !== undefined) {
		dWhere.push(`${ord} < ?`);
		dParams.push(Math.min(ORD_END, ordOf(filter.toDay + 1, 0)));
	}
	const at = (o: string): string => joins.map((j) => j.replaceAll('{o}', o)).join(' ');
	const whereOf = (conds: readonly string[]): string => (conds.length ? ` WHERE ${conds.join(' AND ')}` : '');
	const driven = `SELECT ${ord} FROM ${table}${whereOf(dWhere)}`;
	return {
		sql: `SELECT ${ord} FROM ${table} ${at(ord)}${whereOf([...dWhere, ...rest])}`,
		params: [...jParams, ...dParams, ...rParams],
		ord,
		text: expr !== undefined,
		countWithin: (budget, cap) => ({
			sql: `SELECT count(*) FROM (SELECT 1 FROM (${driven} ORDER BY ${ord} LIMIT ${Math.floor(budget)}) d ${at('d.o')}${whereOf(rest)} LIMIT ${Math.floor(cap) + 1})`.replace(
				`SELECT ${ord} FROM`,
				`SELECT ${ord} AS o FROM`,
			),
			params: [...dParams, ...jParams, ...rParams],
			driven: { sql: `SELECT count(*) FROM (${driven} LIMIT ${Math.floor(budget) + 1})`, params: dParams },
		}),
	};
}

/**
 * The events that overlap [fromDay, toDay] (toDay open when undefined) and have `status`, when the
 * events table drives: those that begin before fromDay and last into it, from the index of events
 * longer than a day (`events_spanning`, which holds every column filtered here), then every event
 * that begins in the range, a walk along the rowid. The first part's ords all come before the
 * second's; SQLite merges the two in ord order and stops at a LIMIT. (One walk from the longest
 * span's days before fromDay, checking each event's last day, read every event of those days.)
 */
function overlapQuery(r: Reader, fromDay: number, toDay: number | undefined, status: number | undefined): TimelineQuery {
	const begin = ordOf(fromDay, 0);
	const end = toDay === undefined ? ORD_END : Math.min(ORD_END, ordOf(toDay + 1, 0));
	const spanning = (cols: string) =>
		`SELECT e.ord AS ${cols} FROM events e INDEXED BY events_spanning WHERE e.last_day > e.first_day AND e.ord >= ? AND e.ord < ? AND e.last_day >= ?`;
	const spanParams = [ordOf(fromDay - r.maxSpan, 0), Math.min(begin, end), fromDay];
	const within = (cols: string) => `SELECT e.ord AS ${cols} FROM events e WHERE e.ord >= ? AND e.ord < ?`;
	const withinParams = [begin, end];
	const rest: string[] = [];
	const rParams: unknown[] = [];
	if (r.isView) {
		rest.push('e.hide_at <= ?');
		rParams.push(r.now);
	}
	if (status !== undefined) {
		rest.push('e.status = ?');
		rParams.push(status);
	}
	const and = rest.map((c) => ` AND ${c}`).join('');
	const driven = `${spanning('o')} UNION ALL ${within('o')}`;
	const drivenParams = [...spanParams, ...withinParams];
	return {
		sql: `${spanning('ord')}${and} UNION ALL ${within('ord')}${and}`,
		params: [...spanParams, ...rParams, ...withinParams, ...rParams],
		ord: 'ord',
		text: false,
		countWithin: (budget, cap) => ({
			sql: rest.length
				? `SELECT count(*) FROM (SELECT 1 FROM (${driven} ORDER BY o LIMIT ${Math.floor(budget)}) d CROSS JOIN events e ON e.ord = d.o WHERE ${rest.join(' AND ')} LIMIT ${Math.floor(cap) + 1})`
				: `SELECT count(*) FROM (SELECT 1 FROM (${driven} ORDER BY o LIMIT ${Math.floor(budget)}) d LIMIT ${Math.floor(cap) + 1})`,
			params: [...drivenParams, ...rParams],
			driven: { sql: `SELECT count(*) FROM (${driven} LIMIT ${Math.floor(budget) + 1})`, params: drivenParams },
		}),
	};
}

/**
 * The SELECT of the ords in [lo, hi) that pass a briefing's filters (undefined for an unknown status).
 * The full snapshot asks nothing of `hide_at` (every row passes): a status filter is then answered
 * by the status index alone, without reading an events row.
 */
export function eventFilter(r: Reader, filter: EventFilter, lo: number, hi: number): OrdQuery | undefined {
	const joins: string[] = [];
	const where = ['e.ord >= ?', 'e.ord < ?'];
	const params: unknown[] = [];
	if (filter.actorId !== undefined) {
		joins.push('JOIN event_actors a ON a.actor = ? AND a.ord = e.ord');
		params.push(filter.actorId);
	}
	if (filter.tag !== undefined) {
		joins.push('JOIN event_tags g ON g.tag = ? AND g.ord = e.ord');
		params.push(filter.tag);
	}
	params.push(lo, hi);
	if (r.isView) {
		where.push('e.hide_at <= ?');
		params.push(r.now);
	}
	if (filter.status !== undefined) {
		const code = STATUS.get(filter.status);
		if (code === undefined) return undefined;
		where.push('e.status = ?');
		params.push(code);
	}
	return { sql: `SELECT e.ord FROM events e ${joins.join(' ')} WHERE ${where.join(' AND ')}`, params };
}
