/**
 * bin/build.js on a copy of the checkout: two processes starting at once build dist/ once between
 * them and both find it complete; a later start builds nothing; a source with a type error makes the
 * next start say so, and leaves the last good build in place.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve('.');
let root: string;

interface Run {
	readonly status: number | null;
	readonly stderr: string;
}

/** `node bin/build.js --if-stale` in the copy, as bin/sitrep.js runs it before a start. */
function ensureBuilt(): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(root, 'bin/build.js'), '--if-stale'], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stderr += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		child.on('error', reject);
		child.on('exit', (status) => resolve({ status, stderr }));
	});
}

beforeAll(() => {
	root = mkdtempSync(path.join(tmpdir(), 'sitrep-build-'));
	for (const entry of ['src', 'commands', 'assets', 'bin', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
		cpSync(path.join(ROOT, entry), path.join(root, entry), { recursive: true });
	}
	symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
});

afterAll(() => {
	if (root) rmSync(root, { recursive: true, force: true });
});

describe('bin/build.js --if-stale', () => {
	it('two processes at once: one builds, the other waits and uses its build', async () => {
		const runs = await Promise.all([ensureBuilt(), ensureBuilt()]);
		for (const r of runs) expect(r.status, r.stderr).toBe(0);
		expect(runs.filter((r) => r.stderr.includes('Building sitrep (first start or sources changed)…'))).toHaveLength(1);
		expect(runs.filter((r) => r.stderr.includes('is up to date'))).toHaveLength(1);
		const dist = path.join(root, 'dist');
		for (const file of [
			'src/cli.js',
			'src/images/render-worker.js',
			'src/dataset/engine/build-worker.js',
			'src/platforms/discord/shard-process.js',
			'src/images/fonts/DejaVuSansPersian.ttf',
			'src/web/assets/site.css',
			'assets/fonts/DejaVuSans.ttf',
			'assets/fonts/LICENSE-DejaVu.txt',
		]) {
			expect(existsSync(path.join(dist, file)), file).toBe(true);
		}
		// Nothing left beside it: no lock, no half-built or replaced directory.
		expect(readdirSync(root).filter((n) => n.startsWith('dist'))).toEqual(['dist']);
	}, 600_000);

	it('builds nothing when nothing changed', async () => {
		const r = await ensureBuilt();
		expect(r.status, r.stderr).toBe(0);
		expect(r.stderr).not.toContain('Building');
	});

	it('a type error in the sources: says so, exits 1, and the last good build stays', async () => {
		const stamp = readFileSync(path.join(root, 'dist/.build-stamp'), 'utf8');
		appendFileSync(path.join(root, 'src/clock.ts'), '\nexport const broken: number = "not a number";\n');
		const r = await ensureBuilt();
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('Building sitrep (first start or sources changed)…');
		expect(r.stderr).toContain("Type 'string' is not assignable to type 'number'");
		expect(r.stderr).toContain('sitrep: the build failed');
		expect(r.stderr).toContain('npm run sitrep -- start');
		expect(readFileSync(path.join(root, 'dist/.build-stamp'), 'utf8')).toBe(stamp);
		expect(existsSync(path.join(root, 'dist/src/cli.js'))).toBe(true);
		expect(readdirSync(root).filter((n) => n.startsWith('dist'))).toEqual(['dist']);
	}, 600_000);
});

describe('bin/build.js arguments', () => {
	it('refuses an unknown argument with the usage', () => {
		const r = spawnSync(process.execPath, ['bin/build.js', '--fast'], { encoding: 'utf8' });
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('Unknown argument: --fast');
		expect(r.stderr).toContain('Usage: node bin/build.js [--if-stale] [--out-dir DIR]');
	});
});
