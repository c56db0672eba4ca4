/**
 * Rows of one INSERT sent to SQLite a few dozen at a time, as one statement with that many rows of
 * values. A build stages hundreds of thousands of small rows (actor keys, event links, claims): each
 * statement run costs a call into the native module and a result object on top of SQLite's own
 * work, and for small rows that overhead was about half the cost of the insert (bench/README.md,
 * "Cold build CPU, round five"). The rows reach the table in the order they were given.
 */
import type Database from 'better-sqlite3';

/** Rows per statement: a few dozen takes most of the gain, and keeps the pending values few. */
const ROWS = 32;

export class BatchInsert {
	readonly #db: Database.Database;
	readonly #head: string;
	readonly #width: number;
	/** The statement of ROWS rows, made on first use; a shorter one for what {@link flush} finds left. */
	#full: Database.Statement | undefined;
	readonly #values: unknown[] = [];

	/**
	 * `head`: the statement up to its values (`INSERT INTO t (a, b)`); `width`: how many values a row
	 * has (the columns named).
	 */
	constructor(db: Database.Database, head: string, width: number) {
		this.#db = db;
		this.#head = head;
		this.#width = width;
	}

	/** A row: its `width` values, in the order of the columns named. */
	run(...values: unknown[]): void {
		if (values.length !== this.#width) throw new Error(`${values.length} values for ${this.#width} columns: ${this.#head}`);
		const pending = this.#values;
		for (const v of values) pending.push(v);
		if (pending.length === ROWS * this.#width) {
			this.#full ??= this.#prepare(ROWS);
			this.#full.run(pending);
			pending.length = 0;
		}
	}

	/** Writes the rows still pending; before anything reads the table. */
	flush(): void {
		const pending = this.#values;
		if (pending.length === 0) return;
		this.#prepare(pending.length / this.#width).run(pending);
		pending.length = 0;
	}

	/** Forgets the rows still pending (the build is abandoned). */
	discard(): void {
		this.#values.length = 0;
	}

	#prepare(rows: number): Database.Statement {
		const row = `(${Array.from({ length: this.#width }, () => '?').join(', ')})`;
		return this.#db.prepare(`${this.#head} VALUES ${Array.from({ length: rows }, () => row).join(', ')}`);
	}
}
