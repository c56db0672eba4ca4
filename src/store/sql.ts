/**
 * The store's logic written once for both databases: a unit of work is a generator of SQL steps
 * (run, get, all, exec) that an executor performs. SQLite performs them synchronously inside one
 * better-sqlite3 transaction, PostgreSQL with awaits inside one pooled client's transaction.
 *
 * Why generators rather than an async callback: better-sqlite3 transactions are synchronous. An
 * async work function would keep a SQLite transaction open across awaits, and any other store's
 * statement issued meanwhile on the same connection would join it (and be rolled back with it).
 * A generator lets the same code run without a single await on SQLite and with one per statement
 * on PostgreSQL.
 *
 * Statements use `?` placeholders; the PostgreSQL executor numbers them ($1, $2, …). The SQL text
 * itself is shared where both dialects accept it, else chosen from the executor's dialect.
 */

export type SqlDialect = 'sqlite' | 'postgres';

/** A bound value. Booleans become 0/1 on SQLite; Dates are bound as ISO instants. */
export type SqlParam = string | number | bigint | boolean | Date | null;

/** One statement for an executor: `exec` runs a parameterless script of several statements. */
export interface SqlStep {
	readonly kind: 'run' | 'get' | 'all' | 'exec';
	readonly sql: string;
	readonly params: readonly SqlParam[];
}

/** A unit of work: yields statements, receives their results, returns `T`. */
export type Steps<T> = Generator<SqlStep, T, unknown>;

/** Runs a statement; returns how many rows it changed. */
export function* run(sql: string, params: readonly SqlParam[] = []): Steps<number> {
	return (yield { kind: 'run', sql, params }) as number;
}

/** The first row of a query, if any. */
export function* get<R>(sql: string, params: readonly SqlParam[] = []): Steps<R | undefined> {
	return (yield { kind: 'get', sql, params }) as R | undefined;
}

/** Every row of a query (or of a statement's RETURNING clause). */
export function* all<R>(sql: string, params: readonly SqlParam[] = []): Steps<R[]> {
	return (yield { kind: 'all', sql, params }) as R[];
}

/** Runs a script of several statements without parameters (migrations). */
export function* exec(sql: string): Steps<void> {
	yield { kind: 'exec', sql, params: [] };
}

/**
 * A database the store logic runs on. A single call runs on its own; {@link transaction} runs a
 * unit of work atomically (SQLite: BEGIN IMMEDIATE; PostgreSQL: one client, retried as a whole on a
 * deadlock or serialization failure, hence a factory rather than one generator).
 */
export interface SqlExecutor {
	readonly dialect: SqlDialect;
	run(sql: string, params?: readonly SqlParam[]): Promise<number>;
	get<R>(sql: string, params?: readonly SqlParam[]): Promise<R | undefined>;
	all<R>(sql: string, params?: readonly SqlParam[]): Promise<R[]>;
	transaction<T>(work: () => Steps<T>): Promise<T>;
	/**
	 * Like {@link transaction}, for a small write that may share its commit with others asked for in
	 * the same turn of the event loop. SQLite groups them into one transaction, so a fan-out of
	 * thousands of claims and settlements does not wait for the disk thousands of times; PostgreSQL,
	 * whose commits do not hold the event loop, runs each on its own.
	 */
	grouped<T>(work: () => Steps<T>): Promise<T>;
}

/**
 * Drives `steps` to the end with a synchronous `perform`. A failing statement is thrown into the
 * generator, so the logic can catch it (a unique violation that means "conflict").
 */
export function driveSync<T>(steps: Steps<T>, perform: (step: SqlStep) => unknown): T {
	let next = steps.next();
	while (!next.done) {
		let result: unknown;
		try {
			result = perform(next.value);
		} catch (err) {
			next = steps.throw(err);
			continue;
		}
		next = steps.next(result);
	}
	return next.value;
}

/** Like {@link driveSync}, awaiting each statement. */
export async function driveAsync<T>(steps: Steps<T>, perform: (step: SqlStep) => Promise<unknown>): Promise<T> {
	let next = steps.next();
	while (!next.done) {
		let result: unknown;
		try {
			result = await perform(next.value);
		} catch (err) {
			next = steps.throw(err);
			continue;
		}
		next = steps.next(result);
	}
	return next.value;
}

/** Rows as one JSON parameter (arrays of column values): how a batch reaches a set-based statement in both dialects. */
export function jsonRows(rows: readonly (readonly SqlParam[])[]): string {
	return JSON.stringify(rows.map((r) => r.map((v) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v))));
}

/** The SQL type a column of a {@link jsonTable} is read as. */
export type JsonColumnType = 'int' | 'text' | 'boolean' | 'timestamptz';

/**
 * A table expression over a {@link jsonRows} parameter (one `?`), with the given column names and
 * types: SQLite reads it with json_each, PostgreSQL with jsonb_array_elements and casts. Name the
 * columns apart from the target table's, so a RETURNING clause needs no qualifier (SQLite allows none).
 */
export function jsonTable(dialect: SqlDialect, columns: readonly (readonly [name: string, type: JsonColumnType])[]): string {
	if (dialect === 'sqlite') return `(SELECT ${columns.map(([name], i) => `value ->> ${i} AS ${name}`).join(', ')} FROM json_each(?))`;
	return `(SELECT ${columns.map(([name, type], i) => `(v ->> ${i})::${type} AS ${name}`).join(', ')} FROM jsonb_array_elements(?::jsonb) AS e(v))`;
}

/** Whether a statement failed on a UNIQUE or PRIMARY KEY constraint (PostgreSQL 23505; SQLite's constraint codes). */
export function isUniqueViolation(err: unknown): boolean {
	const code = (err as { code?: unknown } | null)?.code;
	return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** `WHERE column = ? AND …` for the filters that are set (none: no WHERE); the same text in both dialects. */
export function whereEqual(filters: readonly (readonly [column: string, value: SqlParam | undefined])[]): {
	sql: string;
	params: SqlParam[];
} {
	const set = filters.filter((f): f is readonly [string, SqlParam] => f[1] !== undefined);
	return { sql: set.length ? ` WHERE ${set.map(([c]) => `${c} = ?`).join(' AND ')}` : '', params: set.map(([, v]) => v) };
}
