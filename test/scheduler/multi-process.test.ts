import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { TickReport } from '../../src/scheduler/tick.js';
import { titled, useStoreBackends, type FreshStore, type StoreBackend } from '../helpers/store-backends.js';
import { countLines, seedStore, tempDir } from './helpers/fixtures.js';
import { spawnWorker } from '../helpers/worker-process.js';

const AT_0900 = '2025-07-01T05:00:00.000Z';
const backends = useStoreBackends();
const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

function worker(args: Record<string, unknown>): {
	child: ChildProcess;
	done: Promise<{ code: number | null; signal: NodeJS.Signals | null; reports: TickReport[] }>;
} {
	const w = spawnWorker('test/scheduler/helpers/tick-worker.ts', args);
	cleanups.push(w.kill);
	return {
		child: w.child,
		done: w.done.then(({ code, signal, out }) => ({ code, signal, reports: out ? (JSON.parse(out) as TickReport[]) : [] })),
	};
}

async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > end) throw new Error('timed out waiting');
		await sleep(2);
	}
}

/** A fresh database with `n` subscriptions due at 09:00 Baku, and a file the workers log sends to. */
async function seed(
	backend: StoreBackend,
	n: number,
): Promise<{ dir: string; fresh: FreshStore; store: Record<string, string>; log: string }> {
	const t = tempDir();
	cleanups.push(t.cleanup);
	const log = path.join(t.dir, 'sends.log');
	writeFileSync(log, '');
	const fresh = await backend.fresh();
	const stores = await fresh.open();
	await seedStore(
		stores,
		Array.from({ length: n }, (_, i) => ({ channelId: `chat-${i + 1}` })),
	);
	await stores.close();
	return { dir: t.dir, fresh, store: backend.name === 'postgres' ? { databaseUrl: fresh.target } : { db: fresh.target }, log };
}

describe.each(titled(backends))('on %s', (_title, backend) => {
	describe.skipIf(backend.skip)('two processes on one database', () => {
		it('post each occurrence exactly once', async () => {
			const { dir, store, log } = await seed(backend, 500);
			const go = path.join(dir, 'go');
			const workers = [1, 2].map((n) =>
				worker({ ...store, log, now: AT_0900, ticks: 3, delayMs: 1, concurrency: 10, ready: path.join(dir, `ready-${n}`), go }),
			);
			await until(() => existsSync(path.join(dir, 'ready-1')) && existsSync(path.join(dir, 'ready-2')));
			writeFileSync(go, '');
			const results = await Promise.all(workers.map((w) => w.done));
			const claimed = results.map((r) => r.reports.reduce((n, x) => n + x.claimed, 0));
			process.stdout.write(`${backend.name}: two processes claimed ${claimed.join(' + ')} of 500\n`);
			expect(claimed[0]! + claimed[1]!).toBe(500);
			const counts = countLines(readFileSync(log, 'utf8'));
			expect(counts.size).toBe(500);
			expect([...counts.values()].every((c) => c === 1)).toBe(true);
		});
	});

	describe.skipIf(backend.skip)('kill -9 in the middle of a fan-out to 500, then a restart', () => {
		it('never posts twice; only what was in flight is left uncertain', async () => {
			const { fresh, store, log } = await seed(backend, 500);
			const first = worker({ ...store, log, now: AT_0900, delayMs: 15, concurrency: 10 });
			await until(() => readFileSync(log, 'utf8').split('\n').length > 200);
			first.child.kill('SIGKILL');
			const killed = await first.done;
			expect(killed.signal).toBe('SIGKILL');
			const beforeRestart = countLines(readFileSync(log, 'utf8'));
			expect(beforeRestart.size).toBeLessThan(500);

			// The restarted process ticks a minute later, then again after the stale-'sending' timeout.
			await worker({ ...store, log, now: '2025-07-01T05:01:00.000Z', ticks: 2, stepMinutes: 11 }).done;
			const counts = countLines(readFileSync(log, 'utf8'));
			expect([...counts.values()].every((c) => c === 1)).toBe(true);

			const stores = await fresh.open();
			const rows = await stores.ledger.list({ localDate: '2025-07-01' });
			expect(rows).toHaveLength(500);
			const uncertain = rows.filter((r) => r.status === 'uncertain');
			expect(rows.filter((r) => r.status === 'sent').length + uncertain.length).toBe(500);
			// At most one chunk was in flight when the process died.
			expect(uncertain.length).toBeLessThanOrEqual(10);
			const missing = rows.filter((r) => !counts.has(r.channelId));
			expect(missing.length).toBeLessThanOrEqual(uncertain.length);
			process.stdout.write(
				`${backend.name}: kill -9 after ${beforeRestart.size} sends: ${uncertain.length} left uncertain, ${missing.length} subscribers without a briefing, 0 duplicates\n`,
			);
		});
	});
});
