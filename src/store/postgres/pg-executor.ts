/**
 * The SqlExecutor on a pg Pool: `?` placeholders become $1, $2, …; a transaction runs on one
 * client and is retried as a whole on a deadlock or serialization failure.
 */
import type { Pool, PoolClient } from 'pg';
import { driveAsync, type SqlExecutor, type SqlParam, type SqlStep } from '../sql.js';

/** Something that runs queries: the pool or a client inside a transaction. */
type Queryable = Pick<Pool, 'query'> | PoolClient;

/** SQLSTATEs worth retrying the whole transaction for: another process won a lock race. */
const RETRYABLE = new Set(['40P01', '40001']);

/** The SQLSTATE of a pg error, if it is one. */
function sqlState(err: unknown): string | undefined {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

/**
 * Runs `work` in a transaction on one pooled client: commits on success, rolls back on a throw. A
 * deadlock or serialization failure (two processes claiming overlapping occurrences) retries the
 * whole transaction a few times before giving up.
 */
async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, attempts = 5): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		const client = await pool.connect();
		let broken: unknown;
		try {
			await client.query('BEGIN');
			const result = await work(client);
			await client.query('COMMIT');
			return result;
		} catch (err) {
			await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
				broken = rollbackErr;
			});
			if (attempt >= attempts || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
		} finally {
			// A client whose ROLLBACK failed is in an unknown state: discard it rather than reuse it.
			client.release(broken instanceof Error ? broken : undefined);
		}
		await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
	}
}

const numbered = new Map<string, string>();

/** The statement with `?` numbered for PostgreSQL (the store's SQL has no `?` inside literals). */
export function pgPlaceholders(sql: string): string {
	let out = numbered.get(sql);
	if (out === undefined) {
		let n = 0;
		out = sql.replace(/\?/gu, () => `$${++n}`);
		// Statements are the store's own texts, a bounded set; the guard only keeps a mistake from growing it.
		if (numbered.size >= 1000) numbered.clear();
		numbered.set(sql, out);
	}
	return out;
}

async function perform(db: Queryable, step: SqlStep): Promise<unknown> {
	if (step.kind === 'exec') {
		await db.query(step.sql);
		return undefined;
	}
	const r = await db.query(pgPlaceholders(step.sql), step.params as SqlParam[]);
	return step.kind === 'run' ? (r.rowCount ?? 0) : step.kind === 'get' ? r.rows[0] : r.rows;
}

export function pgExecutor(pool: Pool): SqlExecutor {
	return {
		dialect: 'postgres',
		run: async (sql, params = []) => (await perform(pool, { kind: 'run', sql, params })) as number,
		get: async <R>(sql: string, params: readonly SqlParam[] = []) =>
			(await perform(pool, { kind: 'get', sql, params })) as R | undefined,
		all: async <R>(sql: string, params: readonly SqlParam[] = []) => (await perform(pool, { kind: 'all', sql, params })) as R[],
		transaction: (work) => transaction(pool, (client: PoolClient) => driveAsync(work(), (step) => perform(client, step))),
		grouped: (work) => transaction(pool, (client: PoolClient) => driveAsync(work(), (step) => perform(client, step))),
	};
}
