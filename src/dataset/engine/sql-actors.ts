/**
 * Actors over a built file (format.ts): resolving what a reader typed to one (the actor_keys table),
 * and what /actor shows of one — its claims and the actors it shares events with — read in SQL
 * rather than by making every one of its events and claims a record.
 */
import type { Actor, Claim } from '../model.js';
import type { ActorMatch } from '../queries.js';
import { closest, editDistance, fold, soundKey } from '../text.js';
import type { Reader } from './sql-reader.js';
import { nameKey } from './writer.js';

/** Near-miss spellings are looked for among at most this many name keys (see resolveActor). */
const NEAR_CANDIDATES = 20_000;

/**
 * Resolves what a reader typed to an actor: an id, a name, an alias or transliteration in any
 * script, or a near-miss spelling. Returns suggestions when nothing is close enough.
 *
 * Near misses are looked for among the name keys that share the typed name's first two letters
 * (a range of the actor_keys index, at most {@link NEAR_CANDIDATES}): a scan of every name, as the
 * in-heap engine made, costs time in proportion to the actors. A typo in the first two letters is
 * left to the sound key (which ignores vowels) and to the suggestions.
 */
export function resolveActor(r: Reader, query: string): ActorMatch {
	const raw = query.trim();
	const byId = r.actor(raw.toLowerCase());
	if (byId) return { kind: 'found', actor: byId, via: 'id' };
	const key = nameKey(raw);
	if (!key) return { kind: 'none', suggestions: [] };
	const owners = r
		.stmt('SELECT k.actor FROM actor_keys k JOIN actors a ON a.id = k.actor WHERE k.kind = ? AND k.key = ? ORDER BY a.n')
		.pluck();
	const exact = owners.all(0, key) as string[];
	if (exact.length) return pick(r, exact, key, 'alias');
	const sound = owners.all(1, soundKey(key)) as string[];
	if (sound.length) return pick(r, sound, key, 'spelling');
	const max = Math.max(1, Math.floor(key.length / 4));
	const prefix = [...key].slice(0, 2).join('');
	// Lengths within the edit budget only: SQLite skips the rest of the range without handing them over.
	const candidates = r
		.stmt('SELECT key, actor FROM actor_keys WHERE kind = 0 AND key >= ? AND key < ? AND length(key) BETWEEN ? AND ? LIMIT ?')
		.all(prefix, `${prefix}\u{10ffff}`, key.length - max, key.length + max, NEAR_CANDIDATES) as { key: string; actor: string }[];
	let best = Infinity;
	let ids = new Set<string>();
	for (const c of candidates) {
		const d = boundedDistance(key, c.key, Math.min(max, best));
		if (d < best) {
			best = d;
			ids = new Set([c.actor]);
		} else if (d === best) ids.add(c.actor);
	}
	if (best <= max) return pick(r, [...ids], key, 'spelling');
	// Suggestions: the closest names among those that begin with the same letter.
	const first = [...key][0]!;
	const near = r
		.stmt('SELECT key, actor FROM actor_keys WHERE kind = 0 AND key >= ? AND key < ? LIMIT ?')
		.all(first, `${first}\u{10ffff}`, NEAR_CANDIDATES) as { key: string; actor: string }[];
	const byKey = new Map<string, string>();
	for (const c of near) if (!byKey.has(c.key)) byKey.set(c.key, c.actor);
	const suggestions = [...new Set(closest(raw, byKey.keys(), 10).map((k) => byKey.get(k)!))].slice(0, 3);
	return { kind: 'none', suggestions: suggestions.map((id) => r.actor(id)!) };
}

const rows = [new Int32Array(64), new Int32Array(64)] as [Int32Array, Int32Array];

/**
 * Levenshtein distance of `a` and `b` when it is at most `max`, else some number above `max`: text.ts
 * editDistance on two reused rows instead of two arrays per candidate (it runs for thousands of them).
 */
function boundedDistance(a: string, b: string, max: number): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	if (b.length + 1 > rows[0].length) return editDistance(a, b, max);
	let [prev, cur] = rows;
	for (let j = 0; j <= b.length; j++) prev[j] = j;
	for (let i = 1; i <= a.length; i++) {
		cur[0] = i;
		let low = i;
		const ca = a.charCodeAt(i - 1);
		for (let j = 1; j <= b.length; j++) {
			const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1));
			cur[j] = v;
			if (v < low) low = v;
		}
		if (low > max) return max + 1;
		[prev, cur] = [cur, prev];
	}
	return prev[b.length]!;
}

function pick(r: Reader, ids: readonly string[], key: string, via: 'alias' | 'spelling'): ActorMatch {
	const actors = [...new Set(ids)].map((id) => r.actor(id)!);
	if (actors.length === 1) {
		const a = actors[0]!;
		return { kind: 'found', actor: a, via: fold(a.name) === key ? 'name' : via };
	}
	// Prefer an actor whose full name is the query (e.g. "Kremlin" over people affiliated with it).
	const full = actors.filter((a) => nameKey(a.name) === key);
	if (full.length === 1) return { kind: 'found', actor: full[0]!, via: 'name' };
	return { kind: 'ambiguous', candidates: actors.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** The first `limit` claims `actorId` makes (of visible events, in dataset order), and how many there are. */
export function claimsByPage(r: Reader, actorId: string, limit: number): { claims: Claim[]; total: number } {
	// The full snapshot counts on the claimant index alone; a view reads each claim's event row.
	const [from, params] = r.isView
		? ['FROM claims c JOIN events e ON e.ord = c.event_ord WHERE c.by_actor = ? AND e.hide_at <= ?', [actorId, r.now]]
		: ['FROM claims c WHERE c.by_actor = ?', [actorId]];
	const rows = r.stmt(`SELECT c.n AS n, c.doc AS doc ${from} ORDER BY c.n LIMIT ?`).all(...params, Math.max(0, Math.floor(limit))) as {
		n: number;
		doc: string;
	}[];
	const total = r.stmt(`SELECT count(*) ${from}`).pluck().get(params) as number;
	return { claims: rows.map((x) => r.claimAt(x.n, x.doc)), total };
}

/**
 * Actors who share the most events with `actorId` (visible events), with the count of shared events,
 * most shared first, then by id: the actor's events on event_actors, and the actors of each from the
 * index by event (format.ts `event_actors_ord`), without reading an event's document. An actor is
 * listed once per event (event_actors' key), so a count of rows is a count of events.
 */
export function coActors(r: Reader, actorId: string, limit: number): { actor: Actor; shared: number }[] {
	const [view, params] = r.isView
		? ['CROSS JOIN events e ON e.ord = a.ord AND e.hide_at <= ?', [r.now, actorId, actorId]]
		: ['', [actorId, actorId]];
	const rows = r
		.stmt(
			`SELECT b.actor AS co, count(*) AS shared FROM event_actors a ${view}
			CROSS JOIN event_actors b INDEXED BY event_actors_ord ON b.ord = a.ord WHERE a.actor = ? AND b.actor <> ? GROUP BY b.actor`,
		)
		.all(params) as { co: string; shared: number }[];
	const top = rows.sort((a, b) => b.shared - a.shared || a.co.localeCompare(b.co)).slice(0, limit);
	const actors = r.actors(top.map((x) => x.co));
	return top.map(({ shared }, i) => ({ actor: actors[i]!, shared }));
}
