#!/usr/bin/env node
// @ts-check
/**
 * Builds sitrep into dist/: `tsc -p tsconfig.build.json`, then the files the code reads beside itself
 * (fonts, the web stylesheet, assets/). Plain JavaScript, because it runs before anything is built.
 *
 *   node bin/build.js                 build now (npm run build)
 *   node bin/build.js --if-stale      build only when the sources changed since the last build
 *   node bin/build.js --out-dir DIR   build into DIR instead of dist/
 *
 * bin/sitrep.js (npx sitrep, npm start) calls ensureBuilt() before it imports dist/src/cli.js, so a
 * fresh clone and an edited checkout start the same way. Whether a build is stale is told by a stamp
 * in dist/: the names, sizes and modification times of every file the build reads (src/, commands/,
 * assets/, tsconfig*.json, package.json, package-lock.json and this file), which takes a few
 * milliseconds to check. A build goes to a new directory beside dist/ and replaces dist/ by renames
 * once complete, under a lock, so a second process started meanwhile waits for it instead of
 * building too, and no process ever finds half a build with a fresh stamp.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	cpSync,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
	closeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this file belongs to. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = '.build-stamp';
/** What the build reads: directories walked whole, and single files. */
const INPUT_DIRS = ['src', 'commands', 'assets'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'bin/build.js'];
/** How long a process waits for another one's build before it gives up. */
const LOCK_WAIT_MS = 10 * 60_000;
const POLL_MS = 200;

/**
 * @typedef {object} BuildOptions
 * @property {string} [root] the checkout (default: this file's)
 * @property {string} [outDir] where the build goes (default: ROOT/dist)
 * @property {(line: string) => void} [log] where the one "Building…" line goes (default: stderr)
 */

/**
 * Builds dist/ when it is missing or older than the sources; returns whether it built. Throws an
 * Error whose message says what to do when the build cannot be made (TypeScript missing, type errors).
 * @param {BuildOptions} [options]
 * @returns {{ built: boolean, outDir: string }}
 */
export function ensureBuilt(options = {}) {
	return buildWith(options, false);
}

/**
 * Builds dist/ now, stale or not (npm run build).
 * @param {BuildOptions} [options]
 * @returns {{ built: boolean, outDir: string }}
 */
export function build(options = {}) {
	return buildWith(options, true);
}

/**
 * The stamp of the sources as they are now: a hash over every input file's path, size and mtime.
 * @param {string} root
 * @returns {string}
 */
export function sourceStamp(root) {
	/** @type {string[]} */
	const entries = [];
	/** @param {string} rel */
	const add = (rel) => {
		const s = statSync(path.join(root, rel), { throwIfNoEntry: false });
		// A directory's own mtime changes when a file in it is added, removed or renamed.
		entries.push(s ? `${rel}\0${s.size}\0${s.mtimeMs}` : `${rel}\0missing`);
		if (s?.isDirectory()) for (const name of readdirSync(path.join(root, rel)).sort()) add(path.join(rel, name));
	};
	for (const dir of INPUT_DIRS) add(dir);
	for (const file of INPUT_FILES) add(file);
	for (const name of readdirSync(root).sort()) if (/^tsconfig.*\.json$/u.test(name)) add(name);
	return createHash('sha256').update(entries.join('\n')).digest('hex');
}

/**
 * @param {BuildOptions} options
 * @param {boolean} force
 * @returns {{ built: boolean, outDir: string }}
 */
function buildWith(options, force) {
	const root = path.resolve(options.root ?? ROOT);
	const outDir = path.resolve(root, options.outDir ?? 'dist');
	const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
	const fresh = () => readStamp(outDir) === sourceStamp(root);
	if (!force && fresh()) return { built: false, outDir };
	const lock = `${outDir}.lock`;
	const deadline = Date.now() + LOCK_WAIT_MS;
	while (!tryLock(lock)) {
		if (Date.now() > deadline) {
			throw new Error(
				`sitrep: waited ${LOCK_WAIT_MS / 60_000} minutes for another build of ${outDir} (${lock}); if none is running, delete ${lock}`,
			);
		}
		sleepSync(POLL_MS);
		// The other process built what we would have: use it.
		if (!force && !existsSync(lock) && fresh()) return { built: false, outDir };
	}
	try {
		if (!force && fresh()) return { built: false, outDir };
		log(force ? 'Building sitrep…' : 'Building sitrep (first start or sources changed)…');
		// Stamped with the sources as they were when the build started: an edit made during it is seen as new next time.
		const stamp = sourceStamp(root);
		const tmp = `${outDir}.tmp-${process.pid}`;
		rmSync(tmp, { recursive: true, force: true });
		try {
			compile(root, tmp);
			copyAssets(root, tmp);
			writeFileSync(path.join(tmp, STAMP), `${stamp}\n`);
			swap(tmp, outDir);
		} finally {
			rmSync(tmp, { recursive: true, force: true });
		}
		return { built: true, outDir };
	} finally {
		rmSync(lock, { force: true });
	}
}

/** @param {string} outDir */
function readStamp(outDir) {
	try {
		return readFileSync(path.join(outDir, STAMP), 'utf8').trim();
	} catch {
		return undefined;
	}
}

/**
 * Takes the build lock: a file holding our pid, created only if absent. A lock whose process is gone
 * (killed mid-build) is taken over.
 * @param {string} lock
 * @returns {boolean}
 */
function tryLock(lock) {
	mkdirSync(path.dirname(lock), { recursive: true });
	try {
		const fd = openSync(lock, 'wx');
		writeFileSync(fd, String(process.pid));
		closeSync(fd);
		return true;
	} catch (err) {
		if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
	}
	let holder;
	try {
		holder = Number(readFileSync(lock, 'utf8').trim() || NaN);
	} catch {
		return false; // released meanwhile: the caller tries again
	}
	if (Number.isInteger(holder) && !alive(holder)) {
		// Renamed away first, so that of two processes finding the same dead lock only one removes it.
		const stale = `${lock}.stale-${process.pid}`;
		try {
			renameSync(lock, stale);
			rmSync(stale, { force: true });
		} catch {
			// Another process took it over first.
		}
	}
	return false;
}

/** @param {number} pid */
function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
	}
}

/** @param {number} ms */
function sleepSync(ms) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * tsc, its output (errors included) on stderr: stdout is a command's answer (`npx sitrep ask`).
 * @param {string} root
 * @param {string} outDir
 */
function compile(root, outDir) {
	let tsc;
	try {
		tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
	} catch {
		throw new Error(
			'sitrep: dist/ is missing or older than the sources, and TypeScript is not installed to build it. ' +
				'Run `npm ci` (it installs the dev dependencies too), then start again.',
		);
	}
	const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', outDir], {
		cwd: root,
		stdio: ['ignore', 2, 2],
	});
	if (r.status !== 0) {
		throw new Error(
			`sitrep: the build failed (tsc ${r.error ? r.error.message : `exited with ${r.status ?? r.signal}`}). ` +
				'Fix the errors above (`npm run typecheck` shows them too), or run from source meanwhile: npm run sitrep -- start',
		);
	}
}

/**
 * The files the code reads beside itself, at the same places relative to it: every file under src/
 * and commands/ that tsc does not compile (fonts, site.css), and assets/ (reached as ../../assets
 * from src/images/).
 * @param {string} root
 * @param {string} outDir
 */
function copyAssets(root, outDir) {
	for (const dir of ['src', 'commands']) {
		cpSync(path.join(root, dir), path.join(outDir, dir), {
			recursive: true,
			filter: (from) => statSync(from).isDirectory() || !from.endsWith('.ts'),
		});
	}
	cpSync(path.join(root, 'assets'), path.join(outDir, 'assets'), { recursive: true });
}

/**
 * Puts the complete build in place of the old one: the old one renamed away, the new one renamed in,
 * the old one deleted. Both renames are within one directory, so each is atomic.
 * @param {string} tmp
 * @param {string} outDir
 */
function swap(tmp, outDir) {
	const old = `${outDir}.old-${process.pid}`;
	rmSync(old, { recursive: true, force: true });
	if (existsSync(outDir)) renameSync(outDir, old);
	renameSync(tmp, outDir);
	rmSync(old, { recursive: true, force: true });
}

// Run as a script (npm run build), not imported (bin/sitrep.js).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const args = process.argv.slice(2);
	const at = args.indexOf('--out-dir');
	const unknown = args.filter((a, i) => a !== '--if-stale' && a !== '--out-dir' && !(at >= 0 && i === at + 1));
	if (unknown.length > 0 || (at >= 0 && !args[at + 1])) {
		process.stderr.write(
			`Unknown argument: ${unknown[0] ?? '--out-dir needs a directory'}\nUsage: node bin/build.js [--if-stale] [--out-dir DIR]\n`,
		);
		process.exit(2);
	}
	const options = at >= 0 ? { outDir: path.resolve(/** @type {string} */ (args[at + 1])) } : {};
	try {
		const { built, outDir } = args.includes('--if-stale') ? ensureBuilt(options) : build(options);
		process.stderr.write(built ? `Built ${path.relative(process.cwd(), outDir) || outDir}\n` : `${outDir} is up to date\n`);
	} catch (err) {
		process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
		process.exit(1);
	}
}
