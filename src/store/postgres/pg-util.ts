/**
 * Small helpers shared by the PostgreSQL stores: transactions with a retry on deadlock, and the
 * conversion of timestamptz values to the ISO instants the store ports return.
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';

/** Something that runs queries: the pool or a client inside a transaction. */
export type Queryable = Pick<Pool, 'query'> | PoolClient;

/**
 * A timestamptz column as the ISO instant the ports return. Every instant is written from
 * Date.toISOString(), so millisecond precision round-trips exactly.
 */
export function iso(value: Date | string): string {
	return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** Like {@link iso}, for a nullable column. */
export function isoOrUndefined(value: Date | string | null): string | undefined {
	return value === null ? undefined : iso(value);
}

/** SQLSTATEs worth retrying the whole transaction for: another process won a lock race. */
const RETRYABLE = new Set(['40P01', '40001']);

/** The SQLSTATE of a pg error, if it is one. */
export function sqlState(err: unknown): string | undefined {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

/**
 * Runs `work` in a transaction on one pooled client: commits on success, rolls back on a throw. A
 * deadlock or serialization failure (two processes claiming overlapping occurrences) retries the
 * whole transaction a few times before giving up.
 */
export async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, attempts = 5): Promise<T> {
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

/** The rows of a query, typed. */
export async function rows<R extends QueryResultRow>(db: Queryable, text: string, values: unknown[] = []): Promise<R[]> {
	return (await db.query<R>(text, values)).rows;
}
