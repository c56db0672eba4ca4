/**
 * Several processes sharing one cache directory: started at once on the same dataset, one builds
 * (it holds the O_EXCL lock) and the others wait for its file and reuse it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBuilt } from '../../../src/dataset/engine/build.js';
import { cleanupDatasets, writeDataset } from '../../helpers/dataset-fixture.js';

const root = path.resolve(import.meta.dirname, '../../..');
const cache = mkdtempSync(path.join(tmpdir(), 'sitrep-cache-'));
afterAll(() => {
	cleanupDatasets();
	rmSync(cache, { recursive: true, force: true });
});

function runChild(dir: string): Promise<{ ok: boolean; built?: boolean; version?: string; file?: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'test/dataset/engine/helpers/build-child.ts', dir, cache], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.once('error', reject);
		child.once('exit', (code) =>
			code === 0 ? resolve(JSON.parse(out) as { ok: boolean }) : reject(new Error(`child exited ${code}: ${err}`)),
		);
	});
}

describe('two processes starting at once', () => {
	it('build once: one builds, the other reuses its file', { timeout: 120_000 }, async () => {
		const dir = writeDataset();
		const results = await Promise.all([runChild(dir), runChild(dir)]);
		expect(results.every((r) => r.ok)).toBe(true);
		expect(results.filter((r) => r.built).length).toBe(1);
		expect(results[0]!.file).toBe(results[1]!.file);
		expect(checkBuilt(results[0]!.file!, results[0]!.version!)).toBe('ok');
		// No lock, no temporary file, no in-use marker left: both processes have ended.
		expect(readdirSync(cache).filter((f) => !f.endsWith('.files'))).toEqual([`${results[0]!.version}.sqlite`]);
	});
});
