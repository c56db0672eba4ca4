/**
 * The SqlExecutor on better-sqlite3: statements are prepared once per text and run synchronously,
 * so a transaction is one better-sqlite3 IMMEDIATE transaction with no await inside it.
 */
import type Database from 'better-sqlite3';
import { driveSync, type SqlExecutor, type SqlParam, type SqlStep, type Steps } from '../sql.js';

/** SQLite has no boolean or date type: flags are 0/1 and instants ISO text, as the schema keeps them. */
function bind(params: readonly SqlParam[]): unknown[] {
	return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p instanceof Date ? p.toISOString() : p));
}

interface Queued {
	readonly work: () => Steps<unknown>;
	readonly resolve: (v: unknown) => void;
	readonly reject: (e: unknown) => void;
}

export interface SqliteExecutor extends SqlExecutor {
	/** Runs `work` in one IMMEDIATE transaction, synchronously (for callers that are synchronous themselves). */
	transactionSync<T>(work: () => Steps<T>): T;
}

export function sqliteExecutor(db: Database.Database): SqliteExecutor {
	const statements = new Map<string, Database.Statement>();
	const prepared = (sql: string): Database.Statement => {
		let s = statements.get(sql);
		if (!s) {
			// The store's own texts, a bounded set; the guard only keeps a mistake from growing it.
			if (statements.size >= 1000) statements.clear();
			statements.set(sql, (s = db.prepare(sql)));
		}
		return s;
	};
	const perform = (step: SqlStep): unknown => {
		switch (step.kind) {
			case 'run':
				return prepared(step.sql).run(...bind(step.params)).changes;
			case 'get':
				return prepared(step.sql).get(...bind(step.params));
			case 'all':
				return prepared(step.sql).all(...bind(step.params));
			case 'exec':
				db.exec(step.sql);
				return undefined;
		}
	};
	const transactionSync = <T>(work: () => Steps<T>): T => db.transaction(() => driveSync(work(), perform)).immediate();
	// Rejections rather than throws, as from the PostgreSQL executor.
	const later = <T>(f: () => T): Promise<T> => {
		try {
			return Promise.resolve(f());
		} catch (err) {
			return Promise.reject(err as Error);
		}
	};
	let queued: Queued[] = [];
	const flush = (): void => {
		const batch = queued;
		queued = [];
		const results: unknown[] = [];
		// These commits are made with synchronous = NORMAL: in WAL mode a commit then survives a crash of
		// the process (kill -9) and is only at risk from one of the machine (power loss), while it no
		// longer holds the event loop for a disk flush — which, once per request, cost the Telegram
		// pacer its slots. The connection's FULL setting is restored at once for the delivery ledger.
		const relaxed = db.pragma('journal_mode', { simple: true }) === 'wal';
		if (relaxed) db.pragma('synchronous = NORMAL');
		try {
			db.transaction(() => {
				for (const b of batch) results.push(driveSync(b.work(), perform));
			}).immediate();
		} catch (err) {
			for (const b of batch) b.reject(err);
			return;
		} finally {
			if (relaxed) db.pragma('synchronous = FULL');
		}
		batch.forEach((b, i) => b.resolve(results[i]));
	};
	return {
		dialect: 'sqlite',
		run: (sql, params = []) => later(() => perform({ kind: 'run', sql, params }) as number),
		get: <R>(sql: string, params: readonly SqlParam[] = []) => later(() => perform({ kind: 'get', sql, params }) as R | undefined),
		all: <R>(sql: string, params: readonly SqlParam[] = []) => later(() => perform({ kind: 'all', sql, params }) as R[]),
		transaction: (work) => later(() => transactionSync(work)),
		transactionSync,
		grouped: <T>(work: () => Steps<T>) =>
			new Promise<T>((resolve, reject) => {
				if (!queued.length) setImmediate(flush);
				queued.push({ work, resolve: resolve as (v: unknown) => void, reject });
			}),
	};
}
