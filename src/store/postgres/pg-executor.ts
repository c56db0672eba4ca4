/**
 * The SqlExecutor on a pg Pool: `?` placeholders become $1, $2, …; a transaction runs on one
 * client and is retried as a whole on a deadlock or serialization failure (pg-util's transaction).
 */
import type { Pool, PoolClient } from 'pg';
import { driveAsync, type SqlExecutor, type SqlParam, type SqlStep } from '../sql.js';
import { transaction, type Queryable } from './pg-util.js';

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
		get: async <R>(sql: string, params: readonly SqlParam[] = []) => (await perform(pool, { kind: 'get', sql, params })) as R | undefined,
		all: async <R>(sql: string, params: readonly SqlParam[] = []) => (await perform(pool, { kind: 'all', sql, params })) as R[],
		transaction: (work) => transaction(pool, (client: PoolClient) => driveAsync(work(), (step) => perform(client, step))),
		grouped: (work) => transaction(pool, (client: PoolClient) => driveAsync(work(), (step) => perform(client, step))),
	};
}
