/**
 * What a SQL snapshot and its views share (sql-snapshot.ts): the read-only connection, its prepared
 * statements, the file's meta rows, and the editorial gate (drafts and embargoes) read once.
 */
import type Database from 'better-sqlite3';
import type { Label, Outlet, Story, Vocabulary } from '../model.js';
import type { DatasetCounts } from '../queries.js';
import { HIDDEN_ALWAYS } from './format.js';
import { deepFreeze } from './records.js';

/** What the editors hide in a file: drafts and the embargo instants, ascending. */
export interface Gate {
	readonly drafts: number;
	readonly embargoes: readonly { readonly at: number; readonly id: string }[];
}

/** The connection, its statements, the file's meta; one per open file, shared by its views. */
export class Shared {
	readonly #stmts = new Map<string, Database.Statement>();
	#gate?: Gate;
	readonly story: Story;
	readonly vocabulary: Vocabulary;
	readonly version: string;
	readonly counts: DatasetCounts;
	readonly maxSpan: number;
	readonly tagCounts: readonly { tag: string; count: number }[];
	/** Events per status code (index in eventStatuses), drafts included. */
	readonly statuses: readonly number[];
	/** Told once when the connection is closed (the build cache's in-use mark is released). */
	onClose?: () => void;

	constructor(
		readonly db: Database.Database,
		/** Rows of the driving table a capped count reads at most (see SqlSnapshotOptions). */
		readonly scanBudget: number,
	) {
		const meta = new Map(
			(db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]),
		);
		const need = (k: string): string => {
			const v = meta.get(k);
			if (v === undefined) throw new Error(`built dataset: no ${k} in meta`);
			return v;
		};
		if (meta.get('complete') !== '1') throw new Error('built dataset: the build did not complete');
		this.story = deepFreeze(JSON.parse(need('story')) as Story);
		const v = JSON.parse(need('vocabulary')) as { outlets: Outlet[]; topics: Label[]; tags: Label[]; roles: Label[] };
		const map = <T extends { id: string }>(list: T[]): ReadonlyMap<string, T> => new Map(list.map((x) => [x.id, deepFreeze(x)]));
		this.vocabulary = Object.freeze({ outlets: map(v.outlets), topics: map(v.topics), tags: map(v.tags), roles: map(v.roles) });
		this.version = need('version');
		this.counts = Object.freeze(JSON.parse(need('counts')) as DatasetCounts);
		this.maxSpan = Number(need('max_span'));
		// Tag counts over the whole file, made once (a GROUP BY over a million events' tags is no
		// per-command work); views subtract their hidden events' tags.
		this.statuses = Object.freeze(JSON.parse(need('statuses')) as number[]);
		this.tagCounts = (JSON.parse(need('tags')) as { tag: string; count: number }[]).map((r) => Object.freeze(r));
	}

	/** A prepared statement, made once per connection. */
	stmt(sql: string): Database.Statement {
		let s = this.#stmts.get(sql);
		if (!s) this.#stmts.set(sql, (s = this.db.prepare(sql)));
		return s;
	}

	/** Drafts and embargoes of the file (read once, from the partial index of hidden events). */
	gate(): Gate {
		if (this.#gate) return this.#gate;
		const drafts = this.stmt('SELECT count(*) FROM events WHERE hide_at <> 0 AND hide_at = ?').pluck().get(HIDDEN_ALWAYS) as number;
		const embargoes = (
			this.stmt('SELECT hide_at AS at, id FROM events WHERE hide_at <> 0 AND hide_at < ? ORDER BY hide_at').all(HIDDEN_ALWAYS) as {
				at: number;
				id: string;
			}[]
		)
			.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
			.map((x) => Object.freeze(x));
		return (this.#gate = Object.freeze({ drafts, embargoes: Object.freeze(embargoes) }));
	}
}
