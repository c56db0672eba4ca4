/**
 * The console in a pseudo-terminal (node-pty): the real `npx sitrep start` with a TTY on stdin and
 * stdout, driven by keystrokes. Every step waits for output to appear, never for a time, so a busy
 * machine only makes it slower.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import pty from 'node-pty';
import { NOW } from './plain-golden.js';

export interface ConsoleSession {
	/** Everything the terminal received so far, escape sequences included. */
	raw(): string;
	/** What the terminal received since `from` (an offset into raw()), escape sequences removed. */
	text(from?: number): string;
	type(keys: string): void;
	/** Resolves with the offset in raw() just after where `pattern` first matches after `from`. */
	waitFor(pattern: RegExp | string, from?: number, timeoutMs?: number): Promise<number>;
	/** Resolves when the process exits. */
	readonly exited: Promise<{ exitCode: number; signal?: number }>;
	readonly dir: string;
	close(): void;
}

export interface SessionOptions {
	readonly env?: Record<string, string>;
	readonly cols?: number;
	readonly rows?: number;
	readonly args?: readonly string[];
	/** Reuse a directory (for history across runs); a new one otherwise. */
	readonly dir?: string;
}

/** A clean environment: only what the test sets describes the terminal (no CI, TERM_PROGRAM or NO_COLOR leaking in). */
function baseEnv(dir: string): Record<string, string> {
	return {
		PATH: process.env['PATH'] ?? '/usr/bin:/bin',
		HOME: dir,
		LANG: 'C.UTF-8',
		TERM: 'xterm-256color',
		LOG_LEVEL: 'silent',
		SITREP_NOW: NOW,
		SITREP_DB: path.join(dir, 'sitrep.db'),
		SITREP_IMAGE_DIR: path.join(dir, 'images'),
		SITREP_CONSOLE_HISTORY: path.join(dir, 'history'),
	};
}

export function startConsole(options: SessionOptions = {}): ConsoleSession {
	const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'sitrep-pty-'));
	const term = pty.spawn(process.execPath, ['bin/sitrep.js', 'start', ...(options.args ?? [])], {
		name: options.env?.['TERM'] ?? 'xterm-256color',
		cols: options.cols ?? 80,
		rows: options.rows ?? 40,
		cwd: process.cwd(),
		env: { ...baseEnv(dir), ...options.env },
	});
	let raw = '';
	const waiters = new Set<() => void>();
	term.onData((d) => {
		raw += d;
		for (const w of waiters) w();
	});
	const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) =>
		term.onExit((e) => {
			resolve(e);
			for (const w of waiters) w();
		}),
	);
	let done = false;
	void exited.then(() => (done = true));
	const text = (from = 0) => stripVTControlCharacters(raw.slice(from)).replace(/\r/gu, '');
	return {
		raw: () => raw,
		text,
		type: (keys) => term.write(keys),
		dir,
		exited,
		waitFor(pattern, from = 0, timeoutMs = 90_000) {
			// The offset just after the match in the raw bytes when the pattern matches them as they
			// are; else (a match only once escape sequences are removed) everything received so far.
			const find = (): number | undefined => {
				const hay = raw.slice(from);
				if (typeof pattern === 'string') {
					const i = hay.indexOf(pattern);
					if (i >= 0) return from + i + pattern.length;
				} else {
					const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(hay);
					if (m) return from + m.index + m[0].length;
				}
				const plain = stripVTControlCharacters(hay).replace(/\r/gu, '');
				const hit = typeof pattern === 'string' ? plain.includes(pattern) : pattern.test(plain);
				return hit ? raw.length : undefined;
			};
			return new Promise((resolve, reject) => {
				const check = () => {
					const at = find();
					if (at !== undefined) {
						waiters.delete(check);
						clearTimeout(timer);
						resolve(at);
					} else if (done) {
						waiters.delete(check);
						clearTimeout(timer);
						reject(new Error(`the console exited before ${String(pattern)} appeared; it printed:\n${text(from)}`));
					}
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`${String(pattern)} did not appear; the console printed:\n${text(from)}`));
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
		close() {
			// SIGHUP, node-pty's default, reloads the bot's dataset rather than stopping it.
			if (!done) term.kill('SIGKILL');
			if (!options.dir) rmSync(dir, { recursive: true, force: true });
		},
	};
}
