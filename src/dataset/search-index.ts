/**
 * A small inverted index with BM25 ranking over folded tokens, and prefix matching so that
 * "detain" finds "detained". Built once per snapshot; queries cost a few postings lookups.
 */
import { indexTokens } from './text.js';

export interface IndexedDoc {
	/** Fields with their weights; a title counts more than a summary. */
	readonly fields: readonly { readonly text: string; readonly weight: number }[];
}

export interface SearchHit {
	readonly doc: number;
	readonly score: number;
	/** Index tokens of the document that matched a query term. */
	readonly matched: readonly string[];
}

export class SearchIndex {
	/** token → [doc, weight, doc, weight, …] in document order (docs are indexed in order). */
	private readonly postings = new Map<string, number[]>();
	private readonly sortedTokens: string[];
	private readonly lengths: number[] = [];
	private readonly avgLength: number;

	constructor(docs: readonly IndexedDoc[]) {
		let total = 0;
		docs.forEach((d, i) => {
			let len = 0;
			for (const f of d.fields) {
				for (const t of indexTokens(f.text)) {
					len++;
					const p = this.postings.get(t);
					if (!p) this.postings.set(t, [i, f.weight]);
					else if (p[p.length - 2] === i) p[p.length - 1]! += f.weight;
					else p.push(i, f.weight);
				}
			}
			this.lengths.push(len);
			total += len;
		});
		this.avgLength = docs.length ? total / docs.length : 1;
		this.sortedTokens = [...this.postings.keys()].sort();
	}

	/** Index tokens that a query term stands for: itself, and longer words it begins (for terms of 4+ letters). */
	expand(term: string): string[] {
		const out: string[] = [];
		if (this.postings.has(term)) out.push(term);
		if (term.length < 4) return out;
		let lo = 0;
		let hi = this.sortedTokens.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.sortedTokens[mid]! < term) lo = mid + 1;
			else hi = mid;
		}
		for (let i = lo; i < this.sortedTokens.length && out.length < 50; i++) {
			const t = this.sortedTokens[i]!;
			if (!t.startsWith(term)) break;
			if (t !== term) out.push(t);
		}
		return out;
	}

	/**
	 * Documents matching every query term (AND), ranked by BM25. A term with no match at all makes the
	 * result empty, so that "sputnik raid" does not return every raid.
	 */
	search(query: string, limit = Infinity): SearchHit[] {
		const terms = [...new Set(indexTokens(query))];
		if (terms.length === 0) return [];
		const n = this.lengths.length;
		const scores = new Map<number, { score: number; matched: Set<string> }>();
		let first = true;
		for (const term of terms) {
			const expanded = this.expand(term);
			const here = new Map<number, { score: number; matched: Set<string> }>();
			for (const tok of expanded) {
				const p = this.postings.get(tok)!;
				const df = p.length / 2;
				const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
				const exact = tok === term ? 1 : 0.6;
				for (let k = 0; k < p.length; k += 2) {
					const doc = p[k]!;
					const tf = p[k + 1]!;
					if (!first && !scores.has(doc)) continue;
					const len = this.lengths[doc]!;
					const s = (exact * idf * (tf * 2.2)) / (tf + 1.2 * (0.25 + 0.75 * (len / this.avgLength)));
					const cur = here.get(doc);
					if (cur) {
						cur.score += s;
						cur.matched.add(tok);
					} else here.set(doc, { score: s, matched: new Set([tok]) });
				}
			}
			if (first) {
				for (const [d, v] of here) scores.set(d, v);
				first = false;
			} else {
				for (const d of [...scores.keys()]) {
					const h = here.get(d);
					if (!h) scores.delete(d);
					else {
						const cur = scores.get(d)!;
						cur.score += h.score;
						for (const m of h.matched) cur.matched.add(m);
					}
				}
			}
			if (scores.size === 0) return [];
		}
		return [...scores]
			.map(([doc, v]) => ({ doc, score: v.score, matched: [...v.matched] }))
			.sort((a, b) => b.score - a.score || a.doc - b.doc)
			.slice(0, limit);
	}
}
