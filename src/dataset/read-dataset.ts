/**
 * Reading a dataset directory: every file validated and cross-checked, each valid record handed to a
 * sink as soon as it validates (loadInto) — or the complete list of errors, and then nothing is kept.
 * load-dataset.ts sends the records to the SQLite engine's writer.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { formatPath, type DatasetError } from './errors.js';
import { createFastValidator } from './fast-validate.js';
import type { Actor, Claim, Label, Outlet, Source, Story, StoryEvent, Vocabulary } from './model.js';
import { DEFAULT_YAML_LIMITS, parseSafeYaml, type ParsedFile, type SafeYamlLimits } from './safe-yaml.js';
import { actorSchema, eventSchema, labelSchema, outletSchema, SLUG, sourceSchema, storySchema, type StoryInput } from './schema.js';
import { Places, ReadAhead } from './load-files.js';
import { PendingRefs, Ref, REF_PATH, REF_TARGET } from './references.js';
import { Slicer } from './slices.js';
import { toActor, toClaim, toEvent, toLabel, toOutlet, toSource } from './records.js';
import { closest } from './text.js';

export interface LoadOptions extends Partial<SafeYamlLimits> {
	/** Most files read from one directory tree. */
	readonly maxFiles?: number;
	/** Sum of all file sizes. */
	readonly maxTotalBytes?: number;
	/** Instant recorded as the snapshot's load time. */
	readonly now?: Date;
}

/** What a load has made of the whole dataset once every record is valid (see {@link RecordSink.finish}). */
export interface LoadedMeta {
	readonly story: Story;
	readonly vocabulary: Vocabulary;
	/** Content hash of the files: every file's name and SHA-256, in load order. */
	readonly version: string;
}

/**
 * Where the loader puts each record as soon as it validates: today's in-heap tables (loadDataset), or
 * the built dataset's writer (engine/build.ts). The loader itself keeps only what validation needs
 * (ids, record numbers, where each record is), so a sink that writes records away keeps the load's
 * memory to those.
 */
export interface RecordSink<R> {
	/** A file read and parsed, in load order; the records that follow come from it. */
	file(name: string, digest: string): void;
	actor(a: Actor): void;
	source(x: Source): void;
	/** A valid event and its claims (each claim's id may repeat one seen before: the load then fails). */
	event(e: StoryEvent, claims: readonly Claim[]): void;
	/** Every record was valid: the result of the load. Called at most once, and never after errors. */
	finish(meta: LoadedMeta, slicer: Slicer): Promise<R>;
}

/** Ids shared between the loader and a sink: id → record number in file order (see SnapshotTables). */
export interface LoadIds {
	readonly actors: Map<string, number>;
	readonly sources: Map<string, number>;
	readonly events: Map<string, number>;
	readonly claims: Map<string, number>;
}

const TOP_KEYS = ['story', 'actors', 'sources', 'events', 'outlets', 'topics', 'tags', 'roles'] as const;
/** The small keys: a few dozen records each, validated by zod alone and kept in maps by id. */
const VOCABULARY_KEYS = ['outlets', 'topics', 'tags', 'roles'] as const;
type VocabularyKey = (typeof VOCABULARY_KEYS)[number];
const DATA_EXT = new Set(['.yaml', '.yml', '.json']);
/** Files in data/ that are not records: the generated JSON Schema. */
const IGNORED = new Set(['schema.json']);

/** Lists dataset files under `dir`, depth-first and sorted so the order (and hash) is stable. */
export async function listDatasetFiles(dir: string): Promise<string[]> {
	return listFiles(dir);
}

async function listFiles(dir: string, rel = '', depth = 0): Promise<string[]> {
	if (depth > 4) return [];
	const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
	const out: string[] = [];
	for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
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
export async function loadInto<R>(
	dir: string,
	options: LoadOptions,
	sink: (ids: LoadIds) => RecordSink<R>,
): Promise<{ ok: true; value: R } | { ok: false; errors: DatasetError[] }> {
	return load(dir, options, sink);
}

async function load<R>(
	dir: string,
	options: LoadOptions,
	makeSink: (ids: LoadIds) => RecordSink<R>,
): Promise<{ ok: true; value: R } | { ok: false; errors: DatasetError[] }> {
	const limits: SafeYamlLimits = {
		maxFileBytes: options.maxFileBytes ?? DEFAULT_YAML_LIMITS.maxFileBytes,
		maxDepth: options.maxDepth ?? DEFAULT_YAML_LIMITS.maxDepth,
		maxAliasCount: options.maxAliasCount ?? DEFAULT_YAML_LIMITS.maxAliasCount,
	};
	const maxFiles = options.maxFiles ?? 200_000;
	// Records go to disk as they validate, so memory does not grow with this; it bounds disk and time.
	const maxTotal = options.maxTotalBytes ?? 4 * 1024 * 1024 * 1024;
	const errors: DatasetError[] = [];
	let files: string[];
	try {
		files = await listFiles(dir);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		return {
			ok: false,
			errors: [
				{
					file: dir,
					line: 0,
					col: 0,
					path: '',
					message: code === 'ENOENT' ? 'the dataset directory does not exist' : `cannot be read: ${code ?? String(err)}`,
				},
			],
		};
	}
	if (files.length === 0) {
		return {
			ok: false,
			errors: [
				{ file: dir, line: 0, col: 0, path: '', message: 'holds no dataset files (.yaml, .yml or .json); start with story.yaml' },
			],
		};
	}
	if (files.length > maxFiles) {
		return {
			ok: false,
			errors: [{ file: dir, line: 0, col: 0, path: '', message: `holds ${files.length} files; the limit is ${maxFiles}` }],
		};
	}

	const hash = createHash('sha256');
	let total = 0;
	// Gives the event loop a turn every few ms: a reload runs while the bot answers commands.
	const slicer = new Slicer();
	const fast = createFastValidator();
	const places = new Places(dir, files, limits);
	const stories: { value: StoryInput; file: number }[] = [];
	// Records go to the sink as soon as they validate, and each file's parsed value is let go once its
	// records are done: the loader never holds the parsed dataset and the records at once.
	// Every actor, source and event record but repeated ids, valid or not, numbered in file order:
	// where it is (file, index), its id → its number, and which numbers are valid records.
	const kinds = { actors: new Records(), sources: new Records(), events: new Records() };
	// Claims of valid events: id → number of its first occurrence, and where each is (event record, index).
	const claimIds = new Map<string, number>();
	const claimEvent: number[] = [];
	const claimIndex: number[] = [];
	const claimDuplicates: { claim: number; first: number; id: string }[] = [];
	const accuracy: { event: number; field: 'status' | 'tags'; message: string }[] = [];
	// Outlets and labels by id, with where each was defined (for a repeated id's message).
	const vocabulary = {
		outlets: new Map<string, Outlet>(),
		topics: new Map<string, Label>(),
		tags: new Map<string, Label>(),
		roles: new Map<string, Label>(),
	};
	const vocabularyAt = new Map<string, string>();
	// Sources that name an outlet: record number and outlet id, checked once every outlet is known.
	const outletRefs: { source: number; outlet: string }[] = [];
	// References are checked on every record, valid or not, so that a bad date in an event does not
	// hide its unknown actor. One defined by then is checked at once, while the record is at hand;
	// the rest wait here, in order, until every id is known.
	const refs = new PendingRefs();
	// The sink shares the id maps kept here: when the load succeeds, record numbers are list positions.
	const sink = makeSink({ actors: kinds.actors.known, sources: kinds.sources.known, events: kinds.events.known, claims: claimIds });
	const reader = new ReadAhead(dir, files, limits);

	for (let fileIndex = 0; fileIndex < files.length; fileIndex++) {
		const file = files[fileIndex]!;
		const read = await reader.get(fileIndex);
		const r = read.ok ? parseSafeYaml(read.bytes, file, limits) : read;
		const digest = read.ok ? read.digest : '';
		if (!r.ok) {
			errors.push(...r.errors);
			continue;
		}
		const parsed = r.parsed;
		total += parsed.bytes.length;
		if (total > maxTotal) {
			errors.push({
				file,
				line: 0,
				col: 0,
				path: '',
				message: `the dataset passes ${maxTotal} bytes in all here; the limit is ${maxTotal}`,
			});
			break;
		}
		// The version: every file's name and digest (the digests are computed off this thread as files arrive).
		hash.update(file).update('\0').update(digest).update('\0');
		places.enter(fileIndex, parsed, digest);
		sink.file(file, digest);
		if (parsed.value === null || parsed.value === undefined) {
			errors.push({
				file,
				line: 1,
				col: 1,
				path: '',
				message: `is empty; a dataset file holds one or more of the keys ${TOP_KEYS.join(', ')}`,
			});
			continue;
		}
		// Validate record by record, so one bad event does not hide the errors of the others.
		const top = parsed.value;
		if (typeof top !== 'object' || Array.isArray(top)) {
			errors.push({
				file,
				line: 1,
				col: 1,
				path: '',
				message: `expected a map with one or more of the keys ${TOP_KEYS.join(', ')}, got ${describe(top)}`,
			});
			continue;
		}
		const keys = Object.keys(top);
		if (keys.length === 0) errors.push({ file, line: 1, col: 1, path: '', message: `holds none of the keys ${TOP_KEYS.join(', ')}` });
		for (const key of keys) {
			const value = (top as Record<string, unknown>)[key];
			if (!(TOP_KEYS as readonly string[]).includes(key)) {
				const { line, col } = parsed.locate([], key);
				errors.push({
					file,
					line,
					col,
					path: key,
					message: `unknown top-level key "${key}"; a dataset file holds ${TOP_KEYS.join(', ')}`,
				});
				continue;
			}
			if (key === 'story') {
				const r = storySchema.safeParse(value);
				if (r.success) stories.push({ value: r.data, file: fileIndex });
				else
					errors.push(
						...zodErrors(storySchema.safeParse(value, { reportInput: true }).error ?? r.error, file, parsed, ['story']),
					);
				continue;
			}
			if (!Array.isArray(value)) {
				const { line, col } = parsed.locate([key]);
				errors.push({ file, line, col, path: key, message: `expected a list of ${key}, got ${describe(value)}` });
				continue;
			}
			if ((VOCABULARY_KEYS as readonly string[]).includes(key)) {
				loadVocabulary(key as VocabularyKey, value, file, parsed, errors, vocabulary, vocabularyAt);
				continue;
			}
			const kind = kinds[key as 'actors' | 'sources' | 'events'];
			for (let i = 0; i < value.length; i++) {
				if ((i & 63) === 63) await slicer.maybeYield();
				const item: unknown = value[i];
				const id = (item as { id?: unknown } | null)?.id;
				const n = kind.file.length;
				if (typeof id === 'string') {
					const first = kind.known.get(id);
					if (first !== undefined) {
						const { line, col } = parsed.locate([key, i, 'id']);
						const firstAt = places.locate(kind.file[first]!, [key, kind.index[first]!, 'id']);
						errors.push({
							file,
							line,
							col,
							path: formatPath([key, i, 'id']),
							message: `duplicate ${key.slice(0, -1)} id "${id}"; it is already used at ${files[kind.file[first]!]!}:${firstAt.line}`,
						});
						continue;
					}
					// Located lazily: working out a position costs a parse, and only a duplicate needs it.
					kind.known.set(id, n);
				}
				kind.file.push(fileIndex);
				kind.index.push(i);
				if (key === 'actors') {
					const v = valid(fast.actor(item), item, actorSchema, file, parsed, key, i, errors);
					if (v === undefined) {
						refs.actorRaw(n, item);
						continue;
					}
					const a = toActor(v);
					kind.valid.push(n);
					sink.actor(a);
					for (let k = 0; k < a.affiliations.length; k++)
						refs.ref(Ref.Affiliation, n, k, a.affiliations[k]!, a.id, kinds.actors.known);
				} else if (key === 'sources') {
					const v = valid(fast.source(item), item, sourceSchema, file, parsed, key, i, errors);
					if (v === undefined) continue;
					const x = toSource(v, fast);
					if (x.outlet !== undefined) outletRefs.push({ source: n, outlet: x.outlet });
					kind.valid.push(n);
					sink.source(x);
				} else {
					const v = valid(fast.event(item), item, eventSchema, file, parsed, key, i, errors);
					if (v === undefined) {
						refs.eventRaw(n, item);
						continue;
					}
					const claims = v.claims ?? [];
					const made: Claim[] = [];
					for (let k = 0; k < claims.length; k++) {
						const c = claims[k]!;
						const first = claimIds.get(c.id);
						const number = claimEvent.push(n) - 1;
						claimIndex.push(k);
						if (first === undefined) claimIds.set(c.id, number);
						else claimDuplicates.push({ claim: number, first, id: c.id });
						made.push(toClaim(c, v.id, fast));
					}
					const e = toEvent(v, file, fast);
					kind.valid.push(n);
					sink.event(e, made);
					// The ids as written, in the order the reference errors are listed.
					const {
						actors: actorIds,
						sources: sourceIds,
						events: eventIds,
					} = { actors: kinds.actors.known, sources: kinds.sources.known, events: kinds.events.known };
					for (let k = 0; k < e.actors.length; k++) refs.ref(Ref.Actor, n, k, e.actors[k]!.actorId, undefined, actorIds);
					for (let k = 0; k < e.sourceIds.length; k++) refs.ref(Ref.Source, n, k, e.sourceIds[k]!, undefined, sourceIds);
					for (let k = 0; k < e.related.length; k++) refs.ref(Ref.Related, n, k, e.related[k]!.eventId, e.id, eventIds);
					for (let k = 0; k < claims.length; k++) refs.ref(Ref.ClaimBy, n, k, claims[k]!.by, undefined, actorIds);
					for (let k = 0; k < claims.length; k++) refs.ref(Ref.ClaimSource, n, k, claims[k]!.source, undefined, sourceIds);
					// Accuracy rules: a dispute is shown as who-says-what, a correction says what was corrected.
					if (e.status === 'disputed' && e.claimIds.length < 2) {
						accuracy.push({
							event: n,
							field: 'status',
							message: 'a disputed event records each side as a claim: add at least two claims (by, stance, text, source)',
						});
					}
					if (e.status === 'corrected' && !e.note)
						accuracy.push({ event: n, field: 'status', message: 'a corrected event says what was corrected: add a note' });
					const dupTag = repeated(e.tags);
					if (dupTag !== undefined) accuracy.push({ event: n, field: 'tags', message: `the tag "${dupTag}" is listed twice` });
				}
			}
		}
		places.leave();
		await slicer.maybeYield();
	}

	const at = (kind: 'actors' | 'events' | 'story', n: number, sub: readonly PropertyKey[], message: string): DatasetError => {
		const fileIndex = kind === 'story' ? stories[n]!.file : kinds[kind].file[n]!;
		const full = kind === 'story' ? ['story', ...sub] : [kind, kinds[kind].index[n]!, ...sub];
		const { line, col } = places.locate(fileIndex, full);
		return { file: files[fileIndex]!, line, col, path: formatPath(full), message };
	};

	// Story: exactly one.
	if (stories.length === 0 && errors.length === 0) {
		errors.push({
			file: 'story.yaml',
			line: 0,
			col: 0,
			path: 'story',
			message: 'no story record; add story.yaml with story: { title, summary, timezone, status }',
		});
	}
	for (let n = 1; n < stories.length; n++)
		errors.push(at('story', n, [], `a second story record; the first is in ${files[stories[0]!.file]!}`));

	// Claim ids are unique across all events.
	for (const d of claimDuplicates) {
		const firstEvent = claimEvent[d.first]!;
		const { line } = places.locate(kinds.events.file[firstEvent]!, [
			'events',
			kinds.events.index[firstEvent]!,
			'claims',
			claimIndex[d.first]!,
			'id',
		]);
		errors.push(
			at(
				'events',
				claimEvent[d.claim]!,
				['claims', claimIndex[d.claim]!, 'id'],
				`duplicate claim id "${d.id}"; it is already used at ${files[kinds.events.file[firstEvent]!]!}:${line}`,
			),
		);
	}

	// References not defined when their record was read. Only a miss costs more than a lookup: the
	// suggestions come from the valid records.
	const validIds = { actor: lazyIds(kinds.actors), source: lazyIds(kinds.sources), event: lazyIds(kinds.events) };
	await refs.check(slicer, (r, n, k, id) => {
		const target = REF_TARGET[r];
		if (r === Ref.SelfAffiliation) errors.push(at('actors', n, ['affiliations', k], 'an actor cannot be affiliated with itself'));
		else if (r === Ref.SelfRelated) errors.push(at('events', n, ['related', k, 'event'], 'an event cannot be related to itself'));
		// Every valid record's id is among the known ones (a repeated id is never validated), so one
		// lookup answers both "is it defined" and "is it defined but broken".
		else if (!kinds[`${target}s`].known.has(id) && SLUG.test(id)) {
			const near = closest(id, validIds[target](), 1);
			errors.push(
				at(
					r === Ref.Affiliation ? 'actors' : 'events',
					n,
					REF_PATH[r]!(k),
					`unknown ${target} "${id}"${near.length ? `; did you mean "${near[0]!}"?` : `; define it in ${target}s.yaml`}`,
				),
			);
		}
	});
	for (const a of accuracy) errors.push(at('events', a.event, [a.field], a.message));
	for (const r of outletRefs) {
		if (vocabulary.outlets.has(r.outlet)) continue;
		const fileIndex = kinds.sources.file[r.source]!;
		const full = ['sources', kinds.sources.index[r.source]!, 'outlet'];
		const { line, col } = places.locate(fileIndex, full);
		const near = closest(r.outlet, [...vocabulary.outlets.keys()], 1);
		errors.push({
			file: files[fileIndex]!,
			line,
			col,
			path: formatPath(full),
			message: `unknown outlet "${r.outlet}"${near.length ? `; did you mean "${near[0]!}"?` : '; define it in outlets.yaml (outlets: - id, name, kind, note)'}`,
		});
	}

	if (errors.length) return { ok: false, errors: sortErrors(errors) };

	const s = stories[0]!.value;
	const story: Story = deepFreeze({
		title: s.title,
		summary: s.summary,
		timezone: s.timezone,
		status: s.status,
		...(s.updated !== undefined ? { updated: fast.date(s.updated) } : {}),
		languages: s.languages ?? ['en'],
		...(s.titles ? { titles: s.titles } : {}),
		...(s.summaries ? { summaries: s.summaries } : {}),
	});
	const vocab: Vocabulary = Object.freeze(vocabulary);
	return { ok: true, value: await sink.finish({ story, vocabulary: vocab, version: hash.digest('hex').slice(0, 16) }, slicer) };
}

/**
 * One list of outlets or labels: each record validated (zod; they are few), a repeated id reported
 * with where it was first defined.
 */
function loadVocabulary(
	key: VocabularyKey,
	list: readonly unknown[],
	file: string,
	parsed: ParsedFile,
	errors: DatasetError[],
	into: { outlets: Map<string, Outlet>; topics: Map<string, Label>; tags: Map<string, Label>; roles: Map<string, Label> },
	firstAt: Map<string, string>,
): void {
	const what = key === 'outlets' ? 'outlet' : key.slice(0, -1);
	for (let i = 0; i < list.length; i++) {
		const item: unknown = list[i];
		const id = (item as { id?: unknown } | null)?.id;
		if (typeof id === 'string') {
			const first = firstAt.get(`${key}\0${id}`);
			if (first !== undefined) {
				const { line, col } = parsed.locate([key, i, 'id']);
				errors.push({
					file,
					line,
					col,
					path: formatPath([key, i, 'id']),
					message: `duplicate ${what} id "${id}"; it is already used at ${first}`,
				});
				continue;
			}
			firstAt.set(`${key}\0${id}`, `${file}:${parsed.locate([key, i, 'id']).line}`);
		}
		if (key === 'outlets') {
			const v = valid(false, item, outletSchema, file, parsed, key, i, errors);
			if (v !== undefined) into.outlets.set(v.id, toOutlet(v));
		} else {
			const v = valid(false, item, labelSchema, file, parsed, key, i, errors);
			if (v !== undefined) into[key].set(v.id, toLabel(v));
		}
	}
}

/** The first value that appears twice in a short list. */
function repeated(list: readonly string[]): string | undefined {
	for (let i = 1; i < list.length; i++) for (let j = 0; j < i; j++) if (list[j] === list[i]) return list[i];
	return undefined;
}

/** The actor, source or event records of a load: where each is, and which ids are taken. */
class Records {
	/** Id → record number (file order). */
	readonly known = new Map<string, number>();
	/** Per record number: file index and index in the file's list. */
	readonly file: number[] = [];
	readonly index: number[] = [];
	/** Numbers of the records that passed validation, ascending. */
	readonly valid: number[] = [];
}

/**
 * The parsed value of a record: the record itself when the fast check passed (zod would return an
 * equal value), else zod's output, else undefined after adding zod's errors.
 */
function valid<S extends z.ZodType>(
	fastOk: boolean,
	item: unknown,
	schema: S,
	file: string,
	parsed: ParsedFile,
	key: string,
	i: number,
	errors: DatasetError[],
): z.output<S> | undefined {
	if (fastOk) return item as z.output<S>;
	// reportInput (for "expected X, got Y") costs a third of the time; only failures need it.
	let r = schema.safeParse(item);
	if (!r.success) r = schema.safeParse(item, { reportInput: true });
	if (r.success) return r.data;
	errors.push(...zodErrors(r.error, file, parsed, [key, i]));
	return undefined;
}

/**
 * The ids of the valid records, in file order, made at the first miss: the suggestions of "did you
 * mean". Worked out from the ids kept for validation, not from the records (a sink may not keep them).
 */
function lazyIds(records: Records): () => string[] {
	let ids: string[] | undefined;
	return () => {
		if (ids) return ids;
		const valid = new Uint8Array(records.file.length);
		for (const n of records.valid) valid[n] = 1;
		ids = [];
		for (const [id, n] of records.known) if (valid[n]) ids.push(id);
		return ids;
	};
}

function zodErrors(error: z.ZodError, file: string, parsed: ParsedFile, prefix: PropertyKey[]): DatasetError[] {
	const out: DatasetError[] = [];
	for (const issue of error.issues) {
		const p = [...prefix, ...(issue.path as PropertyKey[])];
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) {
				const { line, col } = parsed.locate(p, key);
				out.push({
					file,
					line,
					col,
					path: formatPath([...p, key]),
					message: `unknown field "${key}"; check the spelling against data/schema.json`,
				});
			}
			continue;
		}
		const { line, col } = parsed.locate(p);
		out.push({ file, line, col, path: formatPath(p), message: describeIssue(issue) });
	}
	return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
	if (issue.code === 'invalid_type') {
		const expected = issue.expected;
		if (issue.input === undefined) return `required field is missing (expected ${expected})`;
		return `expected ${expected}, got ${describe(issue.input)}`;
	}
	if (issue.code === 'invalid_value') return `${issue.message.replace(/^Invalid option: expected one of /u, 'expected one of ')}`;
	if (issue.code === 'invalid_union') return `${issue.message}`;
	return issue.message;
}

function describe(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'a list';
	if (typeof v === 'object') return 'a map';
	if (typeof v === 'string') return `text "${v.length > 30 ? `${v.slice(0, 30)}…` : v}"`;
	return `${typeof v} ${String(v)}`;
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
