/**
 * Search over the folded text tables (format.ts) with FTS5: which records match (every query word,
 * as itself, a prefix, or what term_keys says it stands for) and in what order a news bot can
 * defend — by where the words are and by recency, not by a relevance score over every match.
 */
import type { Actor, StoryEvent } from '../model.js';
import type { SearchPage, SearchResult } from '../queries.js';
import {
	inColumns,
	matchedWords,
	matchExpression,
	MAX_LONGER,
	MAX_TERM_ACTORS,
	queryTerms,
	queryWords,
	type QueryTerm,
} from './fts-query.js';
import { ORD_END, type Reader } from './sql-reader.js';
import { nameKey } from './writer.js';

/** Past this many matches a text query stops counting and reports "COUNT_CAP+" (a lower bound). */
export const COUNT_CAP = 1000;

/** The columns of event_text that make the event's own search document (claims apart). */
export const EVENT_DOC = ['title', 'summary', 'keys'] as const;

/** The query's terms with their term keys; undefined when it has no words to search. */
export function termsOf(r: Reader, query: string): QueryTerm[] | undefined {
	const words = queryWords(query);
	if (words.length === 0) return undefined;
	// A term's actor keys (`a_…`: the keys from 'a_' up to 'a`', the code point after '_') and its
	// other words, apart: past MAX_TERM_ACTORS actor keys a term stands for none of them (queryTerms),
	// so one more than that is all it needs to know — a surname that a thousand actors share read a
	// thousand rows a query word before.
	const actorKeys = r
		.stmt(`SELECT key FROM term_keys WHERE term = ? AND key >= 'a_' AND key < 'a\`' ORDER BY key LIMIT ${MAX_TERM_ACTORS + 1}`)
		.pluck();
	// Two ranges, each a seek (with an OR, SQLite walked every key of the term and filtered).
	const otherKeys = r
		.stmt("SELECT key FROM term_keys WHERE term = ? AND key < 'a_' UNION ALL SELECT key FROM term_keys WHERE term = ? AND key >= 'a`'")
		.pluck();
	const longer = r.stmt(`SELECT word FROM words WHERE word > ? AND word < ? ORDER BY word LIMIT ${MAX_LONGER}`).pluck();
	return queryTerms(
		words,
		(t) => [...(actorKeys.all(t) as string[]), ...(otherKeys.all(t, t) as string[])],
		(t) => longer.all(t, `${t}\u{10ffff}`) as string[],
	);
}

/**
 * Search over events, claims and actors, ranked as a news bot can defend it: actors whose name is
 * the query; then events with every word in the title, newest first; then events with the words in
 * the summary, tags, place or actors, newest first; then claims that hold the words, newest first;
 * then actors whose names or description hold them. Every word must match (AND); a word of four
 * letters or more also matches the words it begins; a word that names an actor in any script
 * matches that actor's records (term_keys). No relevance score is computed over all matches: each
 * group is a walk of an FTS5 index in rowid order that stops at `limit`, and the total is counted
 * up to {@link COUNT_CAP} (then `capped`, a lower bound).
 *
 * `score` tells the group: 5 an actor by name, 4 an event by title, 3 by its other text, 2 a
 * claim, 1 an actor by its other text.
 */
export function searchPage(r: Reader, query: string, limit: number): SearchPage {
	const terms = termsOf(r, query);
	if (!terms) return { results: [], total: 0 };
	const s = r;
	const expr = matchExpression(terms);
	const want = Math.max(0, Math.floor(limit));
	const all = !Number.isFinite(limit);
	const results: SearchResult[] = [];
	const room = (): number => (all ? -1 : want - results.length);

	// Actors named by the query: its name key, and every word of the query in the actor's names.
	const named = s
		.stmt(
			`SELECT a.n AS n, a.doc AS doc FROM actor_keys k JOIN actors a ON a.id = k.actor CROSS JOIN actor_text t ON t.rowid = a.n WHERE k.kind = 0 AND k.key = ? AND t.actor_text MATCH ? ORDER BY a.n`,
		)
		.all(nameKey(query), inColumns(['names', 'keys'], expr)) as { n: number; doc: string }[];
	const namedIds = new Set(named.map((row) => row.n));
	for (const row of named) {
		if (room() === 0) break;
		const a = r.actorAt(row.n, row.doc);
		results.push({ kind: 'actor', actor: a, score: 5, matched: actorMatched(terms, a) });
	}

	const titleExpr = inColumns(['title'], expr);
	const eventExpr = inColumns(EVENT_DOC, expr);
	const events = s
		.stmt(
			'SELECT t.rowid FROM event_text t CROSS JOIN events e ON e.ord = t.rowid WHERE t.event_text MATCH ? AND e.hide_at <= ? ORDER BY t.rowid DESC LIMIT ?',
		)
		.pluck();
	if (room() !== 0) {
		for (const ord of events.all(titleExpr, r.now, room()) as number[]) {
			const e = r.eventAt(ord);
			results.push({ kind: 'event', event: e, score: 4, matched: eventMatched(terms, e) });
		}
	}
	if (room() !== 0) {
		for (const ord of events.all(`${eventExpr} NOT ${titleExpr}`, r.now, room()) as number[]) {
			const e = r.eventAt(ord);
			results.push({ kind: 'event', event: e, score: 3, matched: eventMatched(terms, e) });
		}
	}
	// Claims newest first: claim_text's rowids are load order, so the newest events whose claims
	// hold the words are walked (event_text, claims column, rowid order) and their claims checked
	// one by one against claim_text.
	if (room() !== 0) claimResults(r, terms, expr, results, room);
	if (room() !== 0) {
		const rows = s
			.stmt(
				'SELECT a.n AS n, a.doc AS doc FROM actor_text t CROSS JOIN actors a ON a.n = t.rowid WHERE t.actor_text MATCH ? ORDER BY t.rowid',
			)
			.all(expr) as { n: number; doc: string }[];
		for (const row of rows) {
			if (room() === 0) break;
			if (namedIds.has(row.n)) continue;
			const a = r.actorAt(row.n, row.doc);
			results.push({ kind: 'actor', actor: a, score: 1, matched: actorMatched(terms, a) });
		}
	}
	if (all) return { results, total: results.length };
	const { total, capped } = searchTotal(r, eventExpr, expr);
	return { results, total: Math.max(total, results.length), ...(capped ? { capped: true as const } : {}) };
}

function claimResults(r: Reader, terms: readonly QueryTerm[], expr: string, results: SearchResult[], room: () => number): void {
	const s = r;
	const candidates = s
		.stmt(
			'SELECT t.rowid FROM event_text t CROSS JOIN events e ON e.ord = t.rowid WHERE t.event_text MATCH ? AND e.hide_at <= ? AND t.rowid < ? ORDER BY t.rowid DESC LIMIT ?',
		)
		.pluck();
	const claimsOf = s.stmt(
		'SELECT c.n AS n, c.doc AS doc FROM claims c CROSS JOIN claim_text t ON t.rowid = c.n WHERE c.event_ord = ? AND t.claim_text MATCH ? ORDER BY c.n',
	);
	const claimsExpr = inColumns(['claims'], expr);
	for (let before = ORD_END; ;) {
		const batch = Math.max(16, room() < 0 ? 256 : room());
		const ords = candidates.all(claimsExpr, r.now, before, batch) as number[];
		for (const ord of ords) {
			for (const row of claimsOf.all(ord, expr) as { n: number; doc: string }[]) {
				if (room() === 0) return;
				const c = r.claimAt(row.n, row.doc);
				results.push({ kind: 'claim', claim: c, score: 2, matched: matchedWords(terms, [c.text, c.quote?.text]) });
			}
		}
		if (ords.length < batch) return;
		before = ords[ords.length - 1]!;
	}
}

/** Matches of events, claims and actors, counted up to {@link COUNT_CAP} in all. */
function searchTotal(r: Reader, eventExpr: string, expr: string): { total: number; capped: boolean } {
	const s = r;
	let total = 0;
	const parts: [string, unknown[]][] = [
		[
			'SELECT 1 FROM event_text t CROSS JOIN events e ON e.ord = t.rowid WHERE t.event_text MATCH ? AND e.hide_at <= ?',
			[eventExpr, r.now],
		],
		[
			'SELECT 1 FROM claim_text t CROSS JOIN claims c ON c.n = t.rowid CROSS JOIN events e ON e.ord = c.event_ord WHERE t.claim_text MATCH ? AND e.hide_at <= ?',
			[expr, r.now],
		],
		['SELECT 1 FROM actor_text t WHERE t.actor_text MATCH ?', [expr]],
	];
	for (const [sql, params] of parts) {
		const left = COUNT_CAP + 1 - total;
		total += s
			.stmt(`SELECT count(*) FROM (${sql} LIMIT ?)`)
			.pluck()
			.get(...params, left) as number;
		if (total > COUNT_CAP) return { total: COUNT_CAP, capped: true };
	}
	return { total, capped: false };
}

function eventMatched(terms: readonly QueryTerm[], e: StoryEvent): readonly string[] {
	return matchedWords(terms, [e.title, e.summary, ...e.tags, e.location?.name, ...Object.values(e.titles)]);
}

/** The words an actor matched in the names shown (name, aliases) and its description; else in its other-script names. */
function actorMatched(terms: readonly QueryTerm[], a: Actor): readonly string[] {
	const shown = matchedWords(terms, [a.name, ...a.aliases, a.description]);
	return shown.length ? shown : matchedWords(terms, Object.values(a.names));
}

/**
 * The FTS5 query of a timeline text filter: the event's own document matches, or its claims do
 * (undefined when the text has no words to search).
 */
export function textFilter(r: Reader, text: string): string | undefined {
	const terms = termsOf(r, text);
	if (!terms) return undefined;
	const expr = matchExpression(terms);
	return `${inColumns(EVENT_DOC, expr)} OR ${inColumns(['claims'], expr)}`;
}
