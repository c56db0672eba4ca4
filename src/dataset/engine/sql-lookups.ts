/**
 * Lookups of /source and autocomplete, from the engine's indexes. What cites an outlet: its sources (sources.outlet), the events that cite
 * one of them (event_sources) and the claims that do (claims.source) — the first few of each and how
 * many there are, without a walk over every event.
 */
import type { Actor, Claim, Source, StoryEvent } from '../model.js';
import { deepFreeze } from './records.js';
import type { Reader } from './sql-reader.js';

export interface OutletCitations {
	/** The first of each (sources and claims in dataset order, events in date order). */
	readonly sources: readonly Source[];
	readonly events: readonly StoryEvent[];
	readonly claims: readonly Claim[];
	/** How many there are in all (visible events and their claims only). */
	readonly counts: { readonly sources: number; readonly events: number; readonly claims: number };
}

/** The first `limit` sources, events and claims that cite `outletId`, and how many there are. */
export function outletCitations(r: Reader, outletId: string, limit: number): OutletCitations {
	const lim = Math.max(0, Math.floor(limit));
	const sources = (r.stmt('SELECT doc FROM sources WHERE outlet = ? ORDER BY n LIMIT ?').pluck().all(outletId, lim) as string[]).map(
		(d) => deepFreeze(JSON.parse(d) as Source),
	);
	const nSources = r.stmt('SELECT count(*) FROM sources WHERE outlet = ?').pluck().get(outletId) as number;
	const cited =
		'SELECT DISTINCT x.ord FROM sources o JOIN event_sources x ON x.source = o.id JOIN events e ON e.ord = x.ord WHERE o.outlet = ? AND e.hide_at <= ?';
	const ords = r.stmt(`${cited} ORDER BY x.ord LIMIT ?`).pluck().all(outletId, r.now, lim) as number[];
	const nEvents = r.stmt(`SELECT count(*) FROM (${cited})`).pluck().get(outletId, r.now) as number;
	const claimRows =
		'FROM sources o JOIN claims c ON c.source = o.id JOIN events e ON e.ord = c.event_ord WHERE o.outlet = ? AND e.hide_at <= ?';
	const claims = (
		r.stmt(`SELECT c.n AS n, c.doc AS doc ${claimRows} ORDER BY c.n LIMIT ?`).all(outletId, r.now, lim) as { n: number; doc: string }[]
	).map((x) => r.claimAt(x.n, x.doc));
	const nClaims = r.stmt(`SELECT count(*) ${claimRows}`).pluck().get(outletId, r.now) as number;
	return { sources, events: r.eventsAt(ords), claims, counts: { sources: nSources, events: nEvents, claims: nClaims } };
}

/** Up to `limit` visible events whose id begins with `prefix`, by id (autocomplete), from the id index. */
export function eventsWithIdPrefix(r: Reader, prefix: string, limit: number): StoryEvent[] {
	if (!prefix || limit <= 0) return [];
	const ords = r
		.stmt('SELECT ord FROM events WHERE id >= ? AND id < ? AND hide_at <= ? ORDER BY id LIMIT ?')
		.pluck()
		.all(prefix, `${prefix}\u{10ffff}`, r.now, Math.floor(limit)) as number[];
	return r.eventsAt(ords);
}

/**
 * The records read from one dataset file, for reload diffs (nothing for a file not in the snapshot).
 * Its events are made one at a time as they are iterated, so a caller can give the event loop a turn
 * between them (a file may hold hundreds).
 */
export function recordsOfFile(r: Reader, name: string): { events: Iterable<StoryEvent>; actors: Actor[]; sources: Source[] } {
	const n = r.stmt('SELECT n FROM files WHERE name = ?').pluck().get(name) as number | undefined;
	if (n === undefined) return { events: [], actors: [], sources: [] };
	const ords = r.stmt('SELECT ord FROM events WHERE file = ? AND hide_at <= ? ORDER BY ord').pluck().all(n, r.now) as number[];
	const actors = (r.stmt('SELECT n, doc FROM actors WHERE file = ? ORDER BY n').all(n) as { n: number; doc: string }[]).map((x) =>
		r.actorAt(x.n, x.doc),
	);
	const sources = (r.stmt('SELECT doc FROM sources WHERE file = ? ORDER BY n').pluck().all(n) as string[]).map((d) =>
		deepFreeze(JSON.parse(d) as Source),
	);
	return {
		events: (function* () {
			for (const o of ords) yield r.eventAt(o);
		})(),
		actors,
		sources,
	};
}

/**
 * The dataset files and the SHA-256 of each, in load order; undefined for a snapshot made from
 * records (fromRecords), whose file is no file. A reload diffs only the records of changed files.
 */
export function fileDigests(r: Reader): ReadonlyMap<string, string> | undefined {
	const rows = r.stmt('SELECT name, digest FROM files ORDER BY n').all() as { name: string; digest: string }[];
	if (rows.some((x) => x.digest === '-')) return undefined;
	return new Map(rows.map((x) => [x.name, x.digest]));
}
