/**
 * The loader's file access: reading ahead, and positions in files already let go.
 */
import { createHash, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { parseSafeYaml, readLimited, type ParsedFile, type SafeYamlLimits } from './safe-yaml.js';

/** A file as read: its bytes and their SHA-256 (hex), or why it could not be read. */
export type ReadFile = { ok: true; bytes: Buffer; digest: string } | Extract<Awaited<ReturnType<typeof readLimited>>, { ok: false }>;

/** SHA-256 of a file's bytes, hex, as {@link ReadAhead} and {@link Places} compute it. */
export function fileDigest(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads a few files ahead of the one being processed: the disk works while the CPU validates. Each
 * file's digest is computed as it arrives, by WebCrypto on libuv's thread pool: hashing a big dataset
 * on the loading thread was a noticeable part of the load (see {@link fileDigest} for the same digest).
 */
export class ReadAhead {
	private readonly pending: (Promise<ReadFile> | undefined)[] = [];
	private started = 0;
	/** The directory's real path, once: files must really lie inside it. */
	private root: Promise<string | undefined> | undefined;

	constructor(
		private readonly dir: string,
		private readonly files: readonly string[],
		private readonly limits: SafeYamlLimits,
		private readonly depth = 8,
	) {}

	get(i: number): Promise<ReadFile> {
		while (this.started < this.files.length && this.started <= i + this.depth) {
			const file = this.files[this.started]!;
			// An unreadable directory is reported by the read of each file, as before.
			this.root ??= realpath(this.dir).catch(() => undefined);
			this.pending[this.started++] = this.root
				.then((root) => readLimited(path.join(this.dir, file), file, this.limits, root ?? path.resolve(this.dir)))
				.then(async (r) =>
					r.ok
						? {
								ok: true as const,
								bytes: r.bytes,
								digest: Buffer.from(await webcrypto.subtle.digest('SHA-256', r.bytes)).toString('hex'),
							}
						: r,
				);
		}
		const p = this.pending[i]!;
		this.pending[i] = undefined;
		return p;
	}
}

/**
 * Positions of fields in files. The file being processed answers directly. An earlier file — only a
 * duplicate id or a reference error points back at one — is read again and parsed for positions,
 * provided its bytes still have the digest they had when loaded; otherwise its positions are
 * reported as 0:0. Keeping every file's bytes instead would hold the whole dataset's text for the
 * rare load that fails.
 */
export class Places {
	private readonly digests: string[] = [];
	private current: { index: number; parsed: ParsedFile } | undefined;
	private readonly reparsed = new Map<number, ParsedFile | null>();

	constructor(
		private readonly dir: string,
		private readonly files: readonly string[],
		private readonly limits: SafeYamlLimits,
	) {}

	/** The file now being processed, and the digest of its bytes ({@link fileDigest}). */
	enter(index: number, parsed: ParsedFile, digest: string): void {
		this.current = { index, parsed };
		this.digests[index] = digest;
	}

	leave(): void {
		this.current = undefined;
	}

	locate(index: number, at: readonly PropertyKey[], key?: string): { line: number; col: number } {
		if (this.current?.index === index) return this.current.parsed.locate(at, key);
		let parsed = this.reparsed.get(index);
		if (parsed === undefined) {
			parsed = null;
			const file = this.files[index]!;
			try {
				const bytes = readFileSync(path.join(this.dir, file));
				if (fileDigest(bytes) === this.digests[index]) {
					const r = parseSafeYaml(bytes, file, this.limits);
					if (r.ok) parsed = r.parsed;
				}
			} catch {
				parsed = null;
			}
			this.reparsed.set(index, parsed);
		}
		return parsed ? parsed.locate(at, key) : { line: 0, col: 0 };
	}
}
