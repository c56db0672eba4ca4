/**
 * A test's worker script in a child process, `node --import tsx <script> <arguments as JSON>` from
 * the repository root: for the tests that run several processes on one store at once, or kill one
 * in the middle of its work (kill -9) and start another.
 *
 *   const w = spawnWorker('test/scheduler/helpers/tick-worker.ts', { db, now });
 *   cleanups.push(w.kill);
 *   const { signal, out } = await w.done;
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** How a worker ended, with everything it wrote to stdout. */
export interface WorkerExit {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly out: string;
}

export interface WorkerProcess {
	readonly child: ChildProcess;
	/**
	 * Resolves when the worker ends with code 0 or by a signal (a test's own kill); rejects when it
	 * exits with another code, with what it wrote to stderr, or cannot be started.
	 */
	readonly done: Promise<WorkerExit>;
	/** SIGKILL unless it has ended already: for a test's clean-up. */
	kill(): void;
}

/** Starts `script` (a path from the repository root) with `args` as its one JSON argument. */
export function spawnWorker(script: string, args: Record<string, unknown>): WorkerProcess {
	const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	let err = '';
	child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
	const done = new Promise<WorkerExit>((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			if (code !== 0 && signal === null) reject(new Error(`worker exited ${code}: ${err}`));
			else resolve({ code, signal, out });
		});
	});
	return {
		child,
		done,
		kill: () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		},
	};
}
