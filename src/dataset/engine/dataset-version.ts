/**
 * The dataset's version without loading it: every file's name and SHA-256, in load order, hashed —
 * the same as the loader's (read-dataset.ts). The build cache names built files by it.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { listDatasetFiles, type LoadOptions } from '../read-dataset.js';
import { checkLimited, DEFAULT_YAML_LIMITS, type SafeYamlLimits } from '../safe-yaml.js';

/** Files the version is hashed from at a time (bounded, as the loader's read-ahead is). */
const HASH_AHEAD = 8;
/** Bytes read at a time: the files are streamed through the hash, never held whole. */
const CHUNK = 256 * 1024;

/**
 * The dataset's version as the loader computes it (every file's name and SHA-256, in load order),
 * read with the loader's limits; undefined when a file cannot be read within them.
 *
 * `reads`: 'pool' streams the files through libuv's thread pool, several at a time (the pool's
 * threads run at the process's priority); 'thread' reads them on the calling thread, one chunk at a
 * time — for a worker running below the bot's priority (a reload, the check after a fast start), so
 * that copying a gigabyte out of the page cache is done at its priority too, not the pool's.
 */
export async function datasetVersion(
	dir: string,
	options: LoadOptions = {},
	reads: 'pool' | 'thread' = 'pool',
): Promise<string | undefined> {
	const limits = { ...DEFAULT_YAML_LIMITS, ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}) };
	const files = await listDatasetFiles(dir);
	const root = await realpath(dir);
	const hash = createHash('sha256');
	const digests: Promise<string | undefined>[] = [];
	const buffer = reads === 'thread' ? Buffer.allocUnsafe(CHUNK) : undefined;
	const digestOf = (i: number): Promise<string | undefined> => fileDigest(path.join(dir, files[i]!), files[i]!, limits, root, buffer);
	for (let i = 0; i < Math.min(HASH_AHEAD, files.length); i++) digests.push(digestOf(i));
	for (let i = 0; i < files.length; i++) {
		const digest = await digests[i]!;
		if (i + HASH_AHEAD < files.length) digests.push(digestOf(i + HASH_AHEAD));
		if (digest === undefined) return undefined;
		hash.update(files[i]!).update('\0').update(digest).update('\0');
	}
	return files.length ? hash.digest('hex').slice(0, 16) : undefined;
}

/**
 * SHA-256 of one file's bytes, hex, streamed: a big dataset's files are about its JSON's size, and
 * reading each whole left that much in buffers for the collector (the loader's own reads hold a few files at a
 * time). Undefined when the file cannot be read within the limits (readLimited's checks). With
 * `buffer`, read into it on this thread, synchronously.
 */
async function fileDigest(
	absPath: string,
	file: string,
	limits: SafeYamlLimits,
	root: string,
	buffer?: Buffer,
): Promise<string | undefined> {
	const checked = await checkLimited(absPath, file, limits, root);
	if (!checked.ok) return undefined;
	if (buffer) return digestHere(checked.path, limits.maxFileBytes, buffer);
	const hash = createHash('sha256');
	let bytes = 0;
	try {
		for await (const chunk of createReadStream(checked.path, { highWaterMark: CHUNK })) {
			bytes += (chunk as Buffer).length;
			if (bytes > limits.maxFileBytes) return undefined;
			hash.update(chunk as Buffer);
		}
	} catch {
		return undefined;
	}
	return hash.digest('hex');
}

function digestHere(file: string, maxBytes: number, buffer: Buffer): string | undefined {
	const hash = createHash('sha256');
	let fd: number | undefined;
	try {
		fd = openSync(file, 'r');
		let bytes = 0;
		for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
			bytes += n;
			if (bytes > maxBytes) return undefined;
			hash.update(buffer.subarray(0, n));
		}
		return hash.digest('hex');
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}
