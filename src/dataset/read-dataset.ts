/**
 * Reading a dataset directory: every file validated and cross-checked, each valid record handed to a
 * sink as soon as it validates (loadInto) — or the complete list of errors, and then nothing is kept.
 * load-dataset.ts sends the records to the SQLite engine's writer.
 *
 * The steps, each in its own function: list the files, read and parse each (read ahead, hashed off
 * this thread), validate its records by kind (validate-file.ts), cross-check the whole dataset
 * (cross-check.ts), and build the result from the story and vocabulary (the sink's finish).
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { crossCheck } from './cross-check.js';
import { fileError, type DatasetError } from './errors.js';
import { Places, ReadAhead } from './load-files.js';
import { LoadState } from './load-state.js';
import type { Story, Vocabulary } from './model.js';
import type { LoadIds, LoadOptions, RecordSink } from './record-sink.js';
import { DEFAULT_YAML_LIMITS, parseSafeYaml, type ParsedFile, type SafeYamlLimits } from './safe-yaml.js';
import { Slicer } from './slices.js';
import { validateFile } from './validate-file.js';

export type { LoadedMeta, LoadIds, LoadOptions, RecordSink } from './record-sink.js';

type LoadResult<R> = { ok: true; value: R } | { ok: false; errors: DatasetError[] };

const DATA_EXT = new Set(['.yaml', '.yml', '.json']);
/** Files in data/ that are not records: the generated JSON Schema. */
const IGNORED = new Set(['schema.json']);
/**
 * The order of `a.localeCompare(b)` (the same default collator), made once: sorting a directory of
 * thousands of files with localeCompare built a collator per comparison, tens of ms on the thread a
 * reload shares with commands. The order decides the dataset's version, so it must not change.
 */
const NAME_ORDER = new Intl.Collator();

/** Lists dataset files under `dir`, depth-first and sorted so the order (and hash) is stable. */
export async function listDatasetFiles(dir: string): Promise<string[]> {
	return listFiles(dir);
}

async function listFiles(dir: string, rel = '', depth = 0): Promise<string[]> {
	if (depth > 4) return [];
	const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
	const out: string[] = [];
	for (const e of entries.sort((a, b) => NAME_ORDER.compare(a.name, b.name))) {
		if (e.name.startsWith('.') || e.name === 'node_modules') continue;
		const r = rel ? `${rel}/${e.name}` : e.name;
		if (e.isDirectory()) out.push(...(await listFiles(dir, r, depth + 1)));
		else if (DATA_EXT.has(path.extname(e.name).toLowerCase()) && !(depth === 0 && IGNORED.has(e.name))) out.push(r);
	}
	return out;
}

/**
 * Reads, validates and cross-checks every file of `dir`; `sink` gets each valid record as it validates
 * and, when there is no error at all, makes the result. Otherwise every error (file, line, column,
 * field path, what to do), sorted by place.
 */
export async function loadInto<R>(dir: string, options: LoadOptions, makeSink: (ids: LoadIds) => RecordSink<R>): Promise<LoadResult<R>> {
	const limits: SafeYamlLimits = {
		maxFileBytes: options.maxFileBytes ?? DEFAULT_YAML_LIMITS.maxFileBytes,
		maxDepth: options.maxDepth ?? DEFAULT_YAML_LIMITS.maxDepth,
		maxAliasCount: options.maxAliasCount ?? DEFAULT_YAML_LIMITS.maxAliasCount,
	};
	const listed = await listStep(dir, options.maxFiles ?? 200_000);
	if (!listed.ok) return listed;
	const files = listed.value;
	const state = new LoadState(files, new Places(dir, files, limits));
	const sink = makeSink(state.ids());
	// Gives the event loop a turn every few ms: a reload runs while the bot answers commands.
	const slicer = new Slicer();
	// Records go to disk as they validate, so memory does not grow with this; it bounds disk and time.
	const version = await readAndValidate(dir, state, limits, options.maxTotalBytes ?? 4 * 1024 * 1024 * 1024, sink, slicer);
	await crossCheck(state, slicer);
	if (state.errors.length) return { ok: false, errors: sortErrors(state.errors) };
	return { ok: true, value: await sink.finish({ story: buildStory(state), vocabulary: buildVocabulary(state), version }, slicer) };
}

/** The dataset's files, or why there are none to load. */
async function listStep(dir: string, maxFiles: number): Promise<LoadResult<string[]>> {
	const whole = (message: string): LoadResult<string[]> => ({ ok: false, errors: [fileError(dir, message)] });
	let files: string[];
	try {
		files = await listFiles(dir);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		return whole(code === 'ENOENT' ? 'the dataset directory does not exist' : `cannot be read: ${code ?? String(err)}`);
	}
	if (files.length === 0) return whole('holds no dataset files (.yaml, .yml or .json); start with story.yaml');
	if (files.length > maxFiles) return whole(`holds ${files.length} files; the limit is ${maxFiles}`);
	return { ok: true, value: files };
}

/**
 * Reads, parses and validates every file in order; returns the version (every file's name and
 * digest, hashed). Each file's parsed value is let go once its records are done: the loader never
 * holds the parsed dataset and the records at once.
 */
async function readAndValidate(
	dir: string,
	state: LoadState,
	limits: SafeYamlLimits,
	maxTotal: number,
	sink: RecordSink<unknown>,
	slicer: Slicer,
): Promise<string> {
	const { files, errors, places } = state;
	const hash = createHash('sha256');
	const reader = new ReadAhead(dir, files, limits);
	let total = 0;
	for (let fileIndex = 0; fileIndex < files.length; fileIndex++) {
		const file = files[fileIndex]!;
		const r = await readAndParse(reader, fileIndex, file, limits);
		if (!r.ok) {
			errors.push(...r.errors);
			continue;
		}
		const { parsed, digest } = r;
		total += parsed.bytes.length;
		if (total > maxTotal) {
			errors.push(fileError(file, `the dataset passes ${maxTotal} bytes in all here; the limit is ${maxTotal}`));
			break;
		}
		// The version: every file's name and digest (the digests are computed off this thread as files arrive).
		hash.update(file).update('\0').update(digest).update('\0');
		places.enter(fileIndex, parsed, digest);
		sink.file(file, digest);
		await validateFile(state, fileIndex, parsed, sink, slicer);
		places.leave();
		await slicer.maybeYield();
		const room = sink.ready?.();
		if (room) await room;
	}
	return hash.digest('hex').slice(0, 16);
}

/** One file read (ahead, within the limits) and parsed, with its bytes' digest. */
async function readAndParse(
	reader: ReadAhead,
	fileIndex: number,
	file: string,
	limits: SafeYamlLimits,
): Promise<{ ok: true; parsed: ParsedFile; digest: string } | { ok: false; errors: readonly DatasetError[] }> {
	const read = await reader.get(fileIndex);
	if (!read.ok) return read;
	const r = parseSafeYaml(read.bytes, file, limits);
	return r.ok ? { ok: true, parsed: r.parsed, digest: read.digest } : r;
}

/** The one story record, as the snapshot holds it. */
function buildStory(state: LoadState): Story {
	const s = state.stories[0]!.value;
	return deepFreeze({
		title: s.title,
		summary: s.summary,
		timezone: s.timezone,
		status: s.status,
		...(s.updated !== undefined ? { updated: state.fast.date(s.updated) } : {}),
		languages: s.languages ?? ['en'],
		...(s.titles ? { titles: s.titles } : {}),
		...(s.summaries ? { summaries: s.summaries } : {}),
	});
}

function buildVocabulary(state: LoadState): Vocabulary {
	return Object.freeze(state.vocabulary);
}

function sortErrors(errors: DatasetError[]): DatasetError[] {
	return errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const v of Object.values(value)) deepFreeze(v);
	}
	return value;
}
