/**
 * The timeline and the briefing's windows over a built file (format.ts): the SELECTs of
 * sql-filters.ts run, their totals exact where the file answers them at once and capped elsewhere.
 * Rowids are ords in date order, so every list here is a walk along an index that stops at its LIMIT.
 */
import type { Claim, StoryEvent } from '../model.js';
import { dayNumber } from '../partial-date.js';
import type { EventFilter, TimelineFilter, TimelinePage } from '../queries.js';
import { ordOf } from './format.js';
import { eventFilter, timelineQuery, type OrdQuery } from './sql-filters.js';
import { ORD_END, STATUS, type Reader } from './sql-reader.js';
import { COUNT_CAP } from './sql-search.js';

/** What a view's timeline totals are read from besides the rows. */
export interface Totals {
	/** Visible events. */
	readonly events: number;
	/** Events per status code in the file (index in eventStatuses), drafts included. */
	readonly statuses: readonly number[];
	/** Rows of the driving table a capped count reads at most (SqlSnapshotOptions.scanBudget). */
	readonly scanBudget: number;
	/** How many visible events carry a tag. */
	tagCount(tag: string): number;
}

const eventsAt = (r: Reader, ords: readonly number[]): StoryEvent[] => r.eventsAt(ords);

/** Events in date order that pass every filter. */
export function timeline(r: Reader, t: Totals, filter: TimelineFilter): StoryEvent[] {
	const q = timelineQuery(r, filter, t.tagCount);
	if (!q) return [];
	return eventsAt(r, r.stmt(`${q.sql} ORDER BY ${q.ord}`).pluck().all(q.params) as number[]);
}

/** The last `count` events of {@link timeline}, in date order, found by walking back from the end. */
export function latest(r: Reader, t: Totals, filter: TimelineFilter, count: number): StoryEvent[] {
	const q = timelineQuery(r, filter, t.tagCount);
	if (!q || count <= 0) return [];
	const ords = r
		.stmt(`${q.sql} ORDER BY ${q.ord} DESC LIMIT ?`)
		.pluck()
		.all(...q.params, Math.floor(count)) as number[];
	return eventsAt(r, ords.reverse());
}

/**
 * One page of {@link timeline} (1-based; the last page when `page` is past the end), with how many
 * events pass and the first and the last of them. The total is exact where the file answers it at
 * once (see {@link exactTotal}); otherwise counting stops past {@link COUNT_CAP} and the page is
 * `capped` (its total a lower bound, its last page that of the counted events). A page past the
 * middle is read from the end.
 */
export function timelinePage(r: Reader, t: Totals, filter: TimelineFilter, page: number, perPage: number): TimelinePage {
	const q = timelineQuery(r, filter, t.tagCount);
	if (!q) return { total: 0, pages: 0, page: 0, events: [] };
	let total = exactTotal(r, t, filter);
	let capped = false;
	if (total === undefined) {
		// Counted among the first rows of the driving table only: with filters that few of its rows
		// pass, counting to the cap could walk all of them.
		const c = q.countWithin(t.scanBudget, COUNT_CAP);
		total = r.stmt(c.sql).pluck().get(c.params) as number;
		if (total > COUNT_CAP) {
			total = COUNT_CAP;
			capped = true;
		} else if ((r.stmt(c.driven.sql).pluck().get(c.driven.params) as number) > t.scanBudget) capped = true;
	}
	const pages = Math.ceil(total / perPage);
	const shown = Math.min(page, pages);
	const from = Math.max(0, (shown - 1) * perPage);
	const count = Math.max(0, Math.min(total, shown * perPage) - from);
	let ords: number[] = [];
	if (count && !capped && from > total / 2) {
		ords = (
			r
				.stmt(`${q.sql} ORDER BY ${q.ord} DESC LIMIT ? OFFSET ?`)
				.pluck()
				.all(...q.params, count, total - from - count) as number[]
		).reverse();
	} else if (count)
		ords = r
			.stmt(`${q.sql} ORDER BY ${q.ord} LIMIT ? OFFSET ?`)
			.pluck()
			.all(...q.params, count, from) as number[];
	// The first and the last event are the page's own on the first and the last page (no statement).
	let first: number | undefined;
	let last: number | undefined;
	if (total) {
		first = from === 0 && ords.length ? ords[0]! : (r.stmt(`${q.sql} ORDER BY ${q.ord} LIMIT 1`).pluck().get(q.params) as number);
		last =
			!capped && ords.length && from + ords.length === total
				? ords[ords.length - 1]!
				: (r.stmt(`${q.sql} ORDER BY ${q.ord} DESC LIMIT 1`).pluck().get(q.params) as number);
	}
	return {
		total,
		pages,
		page: shown,
		events: eventsAt(r, ords),
		...(first !== undefined && last !== undefined ? { first: r.eventAt(first), last: r.eventAt(last) } : {}),
		...(capped ? { capped: true as const } : {}),
	};
}

/** The timeline's total where the file answers it without counting rows: no filter, one tag, one status, one actor. */
function exactTotal(r: Reader, t: Totals, filter: TimelineFilter): number | undefined {
	const set = (['fromDay', 'toDay', 'actorId', 'tag', 'status', 'text'] as const).filter((k) => filter[k] !== undefined);
	if (set.length === 0) return t.events;
	if (set.every((k) => k === 'fromDay' || k === 'toDay')) return overlapCount(r, filter.fromDay, filter.toDay);
	if (set.length > 1) return undefined;
	const hidden = (join: string, param: unknown): number =>
		r.isView
			? (r.stmt(`SELECT count(*) FROM events e ${join} WHERE e.hide_at <> 0 AND e.hide_at > ?`).pluck().get(param, r.now) as number)
			: 0;
	if (filter.tag !== undefined) return t.tagCount(filter.tag);
	if (filter.status !== undefined) {
		const code = STATUS.get(filter.status);
		return code === undefined ? 0 : (t.statuses[code] ?? 0) - hidden('JOIN (SELECT ? AS code) x ON e.status = x.code', code);
	}
	if (filter.actorId !== undefined) {
		const all = r.stmt('SELECT count(*) FROM event_actors WHERE actor = ?').pluck().get(filter.actorId) as number;
		return all - hidden('JOIN event_actors a ON a.actor = ? AND a.ord = e.ord', filter.actorId);
	}
	return undefined;
}

/**
 * How many visible events overlap [fromDay, toDay] (either end open when undefined), on the summary
 * rows and the indexes: those that begin in the range from `day_counts` (less a view's hidden ones,
 * from the index of hidden events), and those that begin before it and last into it from the index of
 * events longer than a day. No events row is read.
 */
function overlapCount(r: Reader, fromDay: number | undefined, toDay: number | undefined): number {
	const upto = r.stmt('SELECT upto FROM day_counts WHERE day <= ? ORDER BY day DESC LIMIT 1').pluck();
	const begun = (day: number | undefined): number =>
		day === undefined ? 0 : ((upto.get(Math.min(Number.MAX_SAFE_INTEGER, day)) as number | undefined) ?? 0);
	const begin = fromDay === undefined ? -1 : ordOf(fromDay, 0);
	const end = toDay === undefined ? ORD_END : Math.min(ORD_END, ordOf(toDay + 1, 0));
	let n = 0;
	if (begin < end) {
		n = (toDay === undefined ? begun(Number.MAX_SAFE_INTEGER) : begun(toDay)) - (fromDay === undefined ? 0 : begun(fromDay - 1));
		if (r.isView)
			n -= r
				.stmt('SELECT count(*) FROM events WHERE hide_at <> 0 AND hide_at > ? AND ord >= ? AND ord < ?')
				.pluck()
				.get(r.now, begin, end) as number;
	}
	if (fromDay !== undefined) {
		const view = r.isView ? ' AND e.hide_at <= ?' : '';
		n += r
			.stmt(
				`SELECT count(*) FROM events e INDEXED BY events_spanning WHERE e.last_day > e.first_day AND e.ord >= ? AND e.ord < ? AND e.last_day >= ?${view}`,
			)
			.pluck()
			.get(ordOf(fromDay - r.maxSpan, 0), Math.min(begin, end), fromDay, ...(r.isView ? [r.now] : [])) as number;
	}
	return n;
}

/** The SELECT of the events that begin (by their earliest day) in [fromDay, toDay] and pass the filters. */
function window(r: Reader, fromDay: number, toDay: number, filter: EventFilter): OrdQuery | undefined {
	if (fromDay > toDay) return undefined;
	return eventFilter(r, filter, ordOf(fromDay, 0), Math.min(ORD_END, ordOf(toDay + 1, 0)));
}

/** Events that begin (by their earliest day) in [fromDay, toDay], in date order, that pass the filters. */
export function startingBetween(r: Reader, fromDay: number, toDay: number, filter: EventFilter, limit: number): StoryEvent[] {
	const q = limit > 0 ? window(r, fromDay, toDay, filter) : undefined;
	if (!q) return [];
	const cap = Number.isFinite(limit) ? Math.floor(limit) : -1;
	return eventsAt(
		r,
		r
			.stmt(`${q.sql} ORDER BY e.ord LIMIT ?`)
			.pluck()
			.all(...q.params, cap) as number[],
	);
}

/** Windows of up to this many days are counted day by day when nothing filters them (see countStartingBetween). */
const DAYS_BY_RANK = 31;

/** How many events {@link startingBetween} gives, counted on the indexes (no record is read). */
export function countStartingBetween(r: Reader, fromDay: number, toDay: number, filter: EventFilter): number {
	const q = window(r, fromDay, toDay, filter);
	if (!q) return 0;
	if (!r.isView && Object.values(filter).every((v) => v === undefined) && toDay - fromDay < DAYS_BY_RANK) {
		// Ranks within a first day are dense (0, 1, 2, … over every event of the file, format.ts), so
		// in the full snapshot a day's count is its last ord's rank plus one: one descent of the rowid
		// tree per day instead of a walk over every event of a crowded window.
		const last = r.stmt('SELECT ord FROM events WHERE ord >= ? AND ord < ? ORDER BY ord DESC LIMIT 1').pluck();
		let n = 0;
		for (let day = fromDay; day <= toDay; day++) {
			const ord = last.get(ordOf(day, 0), ordOf(day + 1, 0)) as number | undefined;
			if (ord !== undefined) n += ord - ordOf(day, 0) + 1;
		}
		return n;
	}
	return r.stmt(`SELECT count(*) FROM (${q.sql})`).pluck().get(q.params) as number;
}

/**
 * The claims' rows (the given columns of `claims c`) of the first `eventLimit` events of
 * {@link startingBetween}, in date order and each event's claims in its order.
 */
function windowClaimRows<Row>(r: Reader, fromDay: number, toDay: number, filter: EventFilter, eventLimit: number, columns: string): Row[] {
	const q = eventLimit > 0 ? window(r, fromDay, toDay, filter) : undefined;
	if (!q) return [];
	const cap = Number.isFinite(eventLimit) ? Math.floor(eventLimit) : -1;
	return r
		.stmt(`SELECT ${columns} FROM (${q.sql} ORDER BY e.ord LIMIT ?) f CROSS JOIN claims c ON c.event_ord = f.ord ORDER BY f.ord, c.n`)
		.all(...q.params, cap) as Row[];
}

/**
 * The claims of the first `eventLimit` events of {@link startingBetween}, in date order and each
 * event's claims in its order: one statement over the claims' event index, no event record read.
 * (Claims are numbered in their event's order: the loader adds them so, and fromRecords too.)
 */
export function claimsStartingBetween(r: Reader, fromDay: number, toDay: number, filter: EventFilter, eventLimit: number): Claim[] {
	const rows = windowClaimRows<{ n: number; doc: string }>(r, fromDay, toDay, filter, eventLimit, 'c.n AS n, c.doc AS doc');
	// Most of these are not shown (the briefing shows two claims of six claimants): parsed, not kept,
	// so that they die young instead of being carried through the collector by the record cache.
	return rows.map((x) => r.claimAt(x.n, x.doc, false));
}

/**
 * What the briefing shows of {@link claimsStartingBetween}: the claims of the first `claimants`
 * claimants in the order they first appear, at most `perClaimant` each, in that list's order. Who
 * makes each claim comes from the claims' event index (format.ts `claims_event` holds it), so only the
 * claims kept are read and parsed.
 */
export function keyClaimsStartingBetween(
	r: Reader,
	fromDay: number,
	toDay: number,
	filter: EventFilter,
	eventLimit: number,
	claimants: number,
	perClaimant: number,
): Claim[] {
	const rows = windowClaimRows<{ n: number; by: string }>(r, fromDay, toDay, filter, eventLimit, 'c.n AS n, c.by_actor AS by');
	const taken = new Map<string, number>();
	const keep: number[] = [];
	for (const x of rows) {
		const had = taken.get(x.by);
		if (had === undefined ? taken.size >= claimants : had >= perClaimant) continue;
		taken.set(x.by, (had ?? 0) + 1);
		keep.push(x.n);
	}
	return r.claimsAt(keep);
}

/** The last `count` events, in date order, that begin on or before `day` and pass the filters. */
export function lastStartingBy(r: Reader, day: number, count: number, filter: EventFilter): StoryEvent[] {
	if (count <= 0) return [];
	const q = eventFilter(r, filter, -1, Math.min(ORD_END, ordOf(day + 1, 0)));
	if (!q) return [];
	const ords = r
		.stmt(`${q.sql} ORDER BY e.ord DESC LIMIT ?`)
		.pluck()
		.all(...q.params, Math.floor(count)) as number[];
	return eventsAt(r, ords.reverse());
}

/**
 * Events dated to exactly `month`-`day` (day precision, not a range) of a year before
 * `beforeYear`, in date order: "on this day in earlier years".
 */
export function onThisDay(r: Reader, month: number, day: number, beforeYear: number, limit: number): StoryEvent[] {
	const cap = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1;
	// An event on one exact day begins that day, so "a year before" is "an ord before that year's
	// first day": the md index alone answers it, without reading an events row (but a view's hide_at).
	const before = Math.min(ORD_END, ordOf(dayNumber(beforeYear, 1, 1), 0));
	const [sql, params] = r.isView
		? ['SELECT ord FROM events WHERE md = ? AND ord < ? AND hide_at <= ? ORDER BY ord LIMIT ?', [before, r.now]]
		: ['SELECT ord FROM events WHERE md = ? AND ord < ? ORDER BY ord LIMIT ?', [before]];
	const ords = r
		.stmt(sql)
		.pluck()
		.all(month * 100 + day, ...params, cap) as number[];
	return eventsAt(r, ords);
}
