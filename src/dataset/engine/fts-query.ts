/**
 * A reader's search words as an FTS5 query over the folded text tables (format.ts), and which of a
 * record's words they matched. A query is untrusted input: every token goes into the FTS5 query as a
 * quoted string (whole words only: no FTS5 prefix query, see format.ts `words`) (a `"` in it
 * doubled), so no FTS5 operator, column filter or quote a reader types can change the query's shape.
 * Words are text.ts `indexTokens` of the query, as the index holds them: runs of letters and digits,
 * folded.
 */
import { indexTokens } from '../text.js';

/** What one query word stands for: itself (and longer words it begins), and its term keys. */
export interface QueryTerm {
	readonly term: string;
	/**
	 * The longer words of the index that a term of four letters or more begins ("detain" →
	 * "detained"), at most {@link MAX_LONGER}, in code-unit order: searched as whole words.
	 */
	readonly longer: readonly string[];
	/** Other words the term stands for (an actor's name word in English for its transliteration). */
	readonly words: readonly string[];
	/** Actor text keys (format.ts textKey) the term names. */
	readonly keys: readonly string[];
}

/** Actors past which a shared word no longer stands for them (as DatasetSnapshot.termKeys). */
export const MAX_TERM_ACTORS = 12;

/** Longer words a query word stands for, at most (as the in-heap engine's prefix expansion). */
export const MAX_LONGER = 49;

/** The distinct query words, folded, in query order. */
export function queryWords(query: string): string[] {
	return [...new Set(indexTokens(query))];
}

/** An FTS5 string literal: the token in double quotes, any double quote in it doubled. */
export function quote(token: string): string {
	return `"${token.replace(/"/g, '""')}"`;
}

/**
 * The terms of a query with their term keys (`lookup`: term_keys rows of one term) and the longer
 * words they begin (`longer`: words of the index after the term that begin with it, in order). A
 * term that more than {@link MAX_TERM_ACTORS} actors share stands for nothing but itself and its
 * longer words.
 */
export function queryTerms(
	words: readonly string[],
	lookup: (term: string) => readonly string[],
	longer: (term: string) => readonly string[] = () => [],
): QueryTerm[] {
	return words.map((term) => {
		const all = lookup(term);
		const keys = all.filter((k) => k.startsWith('a_'));
		const own = keys.length > MAX_TERM_ACTORS;
		return {
			term,
			longer: term.length >= 4 ? longer(term).slice(0, MAX_LONGER) : [],
			words: own ? [] : all.filter((k) => !k.startsWith('a_') && k !== term),
			keys: own ? [] : keys,
		};
	});
}

/** The FTS5 expression every term must match (AND), each term an OR of what it stands for. */
export function matchExpression(terms: readonly QueryTerm[]): string {
	return terms
		.map((t) => {
			const alts = [t.term, ...t.longer, ...t.words, ...t.keys].map(quote);
			return alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`;
		})
		.join(' AND ');
}

/** `expr` limited to some columns of the table: `{a b} : (expr)`. */
export function inColumns(columns: readonly string[], expr: string): string {
	return `{${columns.join(' ')}} : (${expr})`;
}

/**
 * The words of a record (its indexTokens) that the terms matched, in the order the terms and what
 * they stand for list them — the term itself, the longer words it begins (in code-unit order), its
 * other words — each once. Keys are no words of the text: never listed.
 */
export function matchedWords(terms: readonly QueryTerm[], texts: readonly (string | undefined)[]): readonly string[] {
	const tokens = new Set<string>();
	for (const t of texts) if (t) for (const w of indexTokens(t)) tokens.add(w);
	const out: string[] = [];
	const seen = new Set<string>();
	const add = (w: string): void => {
		if (!seen.has(w)) {
			seen.add(w);
			out.push(w);
		}
	};
	for (const t of terms) {
		if (tokens.has(t.term)) add(t.term);
		for (const w of t.longer) if (tokens.has(w)) add(w);
		for (const w of t.words) if (tokens.has(w)) add(w);
	}
	return Object.freeze(out);
}
