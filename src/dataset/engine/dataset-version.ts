/**
 * The dataset's version without loading it: every file's name and SHA-256, in load order, hashed —
 * the same as the loader's (read-dataset.ts). The build cache names built files by it.
 */
import { createHash, webcrypto } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { listDatasetFiles, type LoadOptions } from '../read-dataset.js';
import { DEFAULT_YAML_LIMITS, readLimited } from '../safe-yaml.js';

/** Files the version is hashed from at a time (bounded, as the loader's read-ahead is). */
const HASH_AHEAD = 8;

/**
 * The dataset's version as the loader computes it (every file's name and SHA-256, in load order),
 * read with the loader's limits; undefined when a file cannot be read within them.
 */
export async function datasetVersion(dir: string, options: LoadOptions = {}): Promise<string | undefined> {
	const limits = { ...DEFAULT_YAML_LIMITS, ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}) };
	const files = await listDatasetFiles(dir);
	const root = await realpath(dir);
	const hash = createHash('sha256');
	const digests: Promise<string | undefined>[] = [];
	const digestOf = (i: number): Promise<string | undefined> =>
		readLimited(path.join(dir, files[i]!), files[i]!, limits, root).then(async (r) =>
			r.ok ? Buffer.from(await webcrypto.subtle.digest('SHA-256', r.bytes)).toString('hex') : undefined,
		);
	for (let i = 0; i < Math.min(HASH_AHEAD, files.length); i++) digests.push(digestOf(i));
	for (let i = 0; i < files.length; i++) {
		const digest = await digests[i]!;
		if (i + HASH_AHEAD < files.length) digests.push(digestOf(i + HASH_AHEAD));
		if (digest === undefined) return undefined;
		hash.update(files[i]!).update('\0').update(digest).update('\0');
	}
	return files.length ? hash.digest('hex').slice(0, 16) : undefined;
}
