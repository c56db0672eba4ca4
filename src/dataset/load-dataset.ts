/**
 * loadDataset(dir): every file of a dataset directory, validated and cross-checked, into one
 * immutable snapshot — or the complete list of errors. Never a half-loaded dataset.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { formatPath, type DatasetError } from './errors.js';
import type { Actor, Claim, Source, Story, StoryEvent } from './model.js';
import { parsePartialDate, type PartialDate } from './partial-date.js';
import { DEFAULT_YAML_LIMITS, readSafeYaml, type ParsedFile, type SafeYamlLimits } from './safe-yaml.js';
import { actorSchema, eventSchema, SLUG, sourceSchema, storySchema, type ActorInput, type EventInput, type SourceInput, type StoryInput } from './schema.js';
import { DatasetSnapshot } from './snapshot.js';
import { closest } from './text.js';

export interface LoadOptions extends Partial<SafeYamlLimits> {
	/** Most files read from one directory tree. */
	readonly maxFiles?: number;
	/** Sum of all file sizes. */
	readonly maxTotalBytes?: number;
	/** Instant recorded as the snapshot's load time. */
	readonly now?: Date;
}

export type LoadResult = { ok: true; snapshot: DatasetSnapshot } | { ok: false; errors: DatasetError[] };

const TOP_KEYS = ['story', 'actors', 'sources', 'events'] as const;
const DATA_EXT = new Set(['.yaml', '.yml', '.json']);
/** Files in data/ that are not records: the generated JSON Schema. */
const IGNORED = new Set(['schema.json']);

interface Located<T> {
	readonly value: T;
	readonly file: string;
	readonly parsed: ParsedFile;
	readonly path: readonly PropertyKey[];
}

/** Lists dataset files under `dir`, depth-first and sorted so the order (and hash) is stable. */
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

export async function loadDataset(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
	const limits: SafeYamlLimits = {
		maxFileBytes: options.maxFileBytes ?? DEFAULT_YAML_LIMITS.maxFileBytes,
		maxDepth: options.maxDepth ?? DEFAULT_YAML_LIMITS.maxDepth,
		maxAliasCount: options.maxAliasCount ?? DEFAULT_YAML_LIMITS.maxAliasCount,
	};
	const maxFiles = options.maxFiles ?? 200_000;
	const maxTotal = options.maxTotalBytes ?? 512 * 1024 * 1024;
	const errors: DatasetError[] = [];
	let files: string[];
	try {
		files = await listFiles(dir);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		return { ok: false, errors: [{ file: dir, line: 0, col: 0, path: '', message: code === 'ENOENT' ? 'the dataset directory does not exist' : `cannot be read: ${code ?? String(err)}` }] };
	}
	if (files.length === 0) {
		return { ok: false, errors: [{ file: dir, line: 0, col: 0, path: '', message: 'holds no dataset files (.yaml, .yml or .json); start with story.yaml' }] };
	}
	if (files.length > maxFiles) {
		return { ok: false, errors: [{ file: dir, line: 0, col: 0, path: '', message: `holds ${files.length} files; the limit is ${maxFiles}` }] };
	}

	const hash = createHash('sha256');
	let total = 0;
	const stories: Located<StoryInput>[] = [];
	const actors: Located<ActorInput>[] = [];
	const sources: Located<SourceInput>[] = [];
	const events: Located<EventInput>[] = [];
	// Ids of every record, valid or not, so a broken actor does not also make each event citing it an error.
	type Where = { file: string; parsed: ParsedFile; path: PropertyKey[] };
	const knownActorIds = new Map<string, Where>();
	const knownSourceIds = new Map<string, Where>();
	const knownEventIds = new Map<string, Where>();
	// Records as written, valid or not: references are checked on these too, so that a bad date in an
	// event does not hide its unknown actor.
	const rawActors: Located<unknown>[] = [];
	const rawEvents: Located<unknown>[] = [];

	// Read files a few at a time: parallel enough to be quick, bounded so a huge tree cannot exhaust descriptors.
	const parsedFiles: ({ file: string; parsed: ParsedFile } | { file: string; errors: DatasetError[] })[] = new Array(files.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(16, files.length) }, async () => {
			while (next < files.length) {
				const i = next++;
				const file = files[i]!;
				const r = await readSafeYaml(path.join(dir, file), file, limits);
				parsedFiles[i] = r.ok ? { file, parsed: r.parsed } : { file, errors: r.errors };
			}
		}),
	);

	for (const pf of parsedFiles) {
		if ('errors' in pf) {
			errors.push(...pf.errors);
			continue;
		}
		const { file, parsed } = pf;
		total += parsed.bytes.length;
		if (total > maxTotal) {
			errors.push({ file, line: 0, col: 0, path: '', message: `the dataset passes ${maxTotal} bytes in all here; the limit is ${maxTotal}` });
			break;
		}
		hash.update(file).update('\0').update(parsed.bytes).update('\0');
		if (parsed.value === null || parsed.value === undefined) {
			errors.push({ file, line: 1, col: 1, path: '', message: 'is empty; a dataset file holds one or more of the keys story, actors, sources, events' });
			continue;
		}
		// Validate record by record, so one bad event does not hide the errors of the others.
		const top = parsed.value;
		if (typeof top !== 'object' || Array.isArray(top)) {
			errors.push({ file, line: 1, col: 1, path: '', message: `expected a map with one or more of the keys ${TOP_KEYS.join(', ')}, got ${describe(top)}` });
			continue;
		}
		const keys = Object.keys(top);
		if (keys.length === 0) errors.push({ file, line: 1, col: 1, path: '', message: `holds none of the keys ${TOP_KEYS.join(', ')}` });
		for (const key of keys) {
			const value = (top as Record<string, unknown>)[key];
			if (!(TOP_KEYS as readonly string[]).includes(key)) {
				const { line, col } = parsed.locate([], key);
				errors.push({ file, line, col, path: key, message: `unknown top-level key "${key}"; a dataset file holds ${TOP_KEYS.join(', ')}` });
				continue;
			}
			if (key === 'story') {
				const r = storySchema.safeParse(value);
				if (r.success) stories.push({ value: r.data, file, parsed, path: ['story'] });
				else errors.push(...zodErrors(storySchema.safeParse(value, { reportInput: true }).error ?? r.error, file, parsed, ['story']));
				continue;
			}
			if (!Array.isArray(value)) {
				const { line, col } = parsed.locate([key]);
				errors.push({ file, line, col, path: key, message: `expected a list of ${key}, got ${describe(value)}` });
				continue;
			}
			const schema = key === 'actors' ? actorSchema : key === 'sources' ? sourceSchema : eventSchema;
			const target = (key === 'actors' ? actors : key === 'sources' ? sources : events) as Located<unknown>[];
			const known = key === 'actors' ? knownActorIds : key === 'sources' ? knownSourceIds : knownEventIds;
			value.forEach((item: unknown, i: number) => {
				const id = (item as { id?: unknown } | null)?.id;
				if (typeof id === 'string') {
					const first = known.get(id);
					if (first) {
						const { line, col } = parsed.locate([key, i, 'id']);
						errors.push({ file, line, col, path: formatPath([key, i, 'id']), message: `duplicate ${key.slice(0, -1)} id "${id}"; it is already used at ${first.file}:${first.parsed.locate(first.path).line}` });
						return;
					}
					// Located lazily: working out a position costs a parse, and only a duplicate needs it.
					known.set(id, { file, parsed, path: [key, i, 'id'] });
				}
				// reportInput (for "expected X, got Y") costs a third of the time; only failures need it.
				let r = schema.safeParse(item);
				if (!r.success) r = schema.safeParse(item, { reportInput: true });
				if (key === 'actors') rawActors.push({ value: item, file, parsed, path: [key, i] });
				if (key === 'events') rawEvents.push({ value: item, file, parsed, path: [key, i] });
				if (r.success) target.push({ value: r.data, file, parsed, path: [key, i] });
				else errors.push(...zodErrors(r.error, file, parsed, [key, i]));
			});
		}
	}

	const at = (loc: Located<unknown>, sub: readonly PropertyKey[], message: string): DatasetError => {
		const full = [...loc.path, ...sub];
		const { line, col } = loc.parsed.locate(full);
		return { file: loc.file, line, col, path: formatPath(full), message };
	};

	// Story: exactly one.
	if (stories.length === 0 && errors.length === 0) {
		errors.push({ file: 'story.yaml', line: 0, col: 0, path: 'story', message: 'no story record; add story.yaml with story: { title, summary, timezone, status }' });
	}
	for (const extra of stories.slice(1)) errors.push(at(extra, [], `a second story record; the first is in ${stories[0]!.file}`));

	// Unique ids per kind, and claims across all events.
	const uniq = <T extends { id: string }>(list: Located<T>[], kind: string): Map<string, Located<T>> => {
		const seen = new Map<string, Located<T>>();
		for (const item of list) {
			const first = seen.get(item.value.id);
			if (first) {
				const { line } = first.parsed.locate([...first.path, 'id']);
				errors.push(at(item, ['id'], `duplicate ${kind} id "${item.value.id}"; it is already used at ${first.file}:${line}`));
			} else seen.set(item.value.id, item);
		}
		return seen;
	};
	const actorMap = new Map(actors.map((a) => [a.value.id, a]));
	const sourceMap = new Map(sources.map((x) => [x.value.id, x]));
	const eventMap = new Map(events.map((e) => [e.value.id, e]));
	const claimLocs: Located<NonNullable<EventInput['claims']>[number]>[] = [];
	for (const e of events) e.value.claims?.forEach((c, i) => claimLocs.push({ value: c, file: e.file, parsed: e.parsed, path: [...e.path, 'claims', i] }));
	uniq(claimLocs, 'claim');

	const ref = (loc: Located<unknown>, sub: PropertyKey[], id: string, map: Map<string, unknown>, kind: string): void => {
		if (map.has(id)) return;
		const known = kind === 'actor' ? knownActorIds : kind === 'source' ? knownSourceIds : knownEventIds;
		if (known.has(id) || !SLUG.test(id)) return;
		const near = closest(id, map.keys(), 1);
		errors.push(at(loc, sub, `unknown ${kind} "${id}"${near.length ? `; did you mean "${near[0]!}"?` : `; define it in ${kind}s.yaml`}`));
	};

	for (const a of rawActors) {
		const v = a.value as { id?: unknown; affiliations?: unknown };
		strings(v.affiliations).forEach(([id, i]) => {
			if (id === v.id) errors.push(at(a, ['affiliations', i], 'an actor cannot be affiliated with itself'));
			else ref(a, ['affiliations', i], id, actorMap, 'actor');
		});
	}
	for (const e of rawEvents) {
		const v = e.value as { id?: unknown; actors?: unknown; sources?: unknown; related?: unknown; claims?: unknown };
		fieldStrings(v.actors, 'actor').forEach(([id, i]) => ref(e, ['actors', i, 'actor'], id, actorMap, 'actor'));
		strings(v.sources).forEach(([id, i]) => ref(e, ['sources', i], id, sourceMap, 'source'));
		fieldStrings(v.related, 'event').forEach(([id, i]) => {
			if (id === v.id) errors.push(at(e, ['related', i, 'event'], 'an event cannot be related to itself'));
			else ref(e, ['related', i, 'event'], id, eventMap, 'event');
		});
		fieldStrings(v.claims, 'by').forEach(([id, i]) => ref(e, ['claims', i, 'by'], id, actorMap, 'actor'));
		fieldStrings(v.claims, 'source').forEach(([id, i]) => ref(e, ['claims', i, 'source'], id, sourceMap, 'source'));
	}
	for (const e of events) {
		const ev = e.value;
		// Accuracy rules: a dispute is shown as who-says-what, a correction says what was corrected.
		if (ev.status === 'disputed' && (ev.claims?.length ?? 0) < 2) {
			errors.push(at(e, ['status'], 'a disputed event records each side as a claim: add at least two claims (by, stance, text, source)'));
		}
		if (ev.status === 'corrected' && !ev.note) {
			errors.push(at(e, ['status'], 'a corrected event says what was corrected: add a note'));
		}
		const dupTag = ev.tags?.find((t, i) => ev.tags!.indexOf(t) !== i);
		if (dupTag) errors.push(at(e, ['tags'], `the tag "${dupTag}" is listed twice`));
	}

	if (errors.length) return { ok: false, errors: sortErrors(errors) };

	const date = (v: string | number): PartialDate => {
		const r = parsePartialDate(v);
		if (!r.ok) throw new Error(`date passed the schema but not the parser: ${String(v)}`);
		return r.value;
	};
	const s = stories[0]!.value;
	const story: Story = deepFreeze({
		title: s.title,
		summary: s.summary,
		timezone: s.timezone,
		status: s.status,
		...(s.updated !== undefined ? { updated: date(s.updated) } : {}),
		languages: s.languages ?? ['en'],
	});
	const actorList: Actor[] = actors.map(({ value: a }) =>
		deepFreeze({
			id: a.id,
			name: a.name,
			aliases: a.aliases ?? [],
			type: a.type,
			...(a.country ? { country: a.country } : {}),
			description: a.description,
			affiliations: a.affiliations ?? [],
			...(a.wikidata ? { wikidata: a.wikidata } : {}),
			names: nullProto(a.names),
		}),
	);
	const sourceList: Source[] = sources.map(({ value: x }) =>
		deepFreeze({
			id: x.id,
			publisher: x.publisher,
			url: x.url,
			...(x.title ? { title: x.title } : {}),
			...(x.published !== undefined ? { published: date(x.published) } : {}),
			language: x.language,
			affiliation: x.affiliation,
		}),
	);
	const claimList: Claim[] = [];
	const eventList: StoryEvent[] = events.map(({ value: ev, file }) => {
		for (const c of ev.claims ?? []) {
			claimList.push(
				deepFreeze({
					id: c.id,
					eventId: ev.id,
					by: c.by,
					stance: c.stance,
					...(c.topic ? { topic: c.topic } : {}),
					text: c.text,
					...(c.quote ? { quote: { text: c.quote.text, lang: c.quote.lang } } : {}),
					sourceId: c.source,
					...(c.date !== undefined ? { date: date(c.date) } : {}),
					translations: nullProto(c.translations),
				}),
			);
		}
		return deepFreeze({
			id: ev.id,
			date: date(ev.date),
			title: ev.title,
			summary: ev.summary,
			...(ev.location ? { location: { name: ev.location.name, ...(ev.location.country ? { country: ev.location.country } : {}) } } : {}),
			actors: ev.actors.map((a) => ({ actorId: a.actor, ...(a.role ? { role: a.role } : {}) })),
			tags: ev.tags ?? [],
			sourceIds: ev.sources,
			status: ev.status,
			...(ev.note ? { note: ev.note } : {}),
			related: (ev.related ?? []).map((r) => ({ eventId: r.event, type: r.type })),
			claimIds: (ev.claims ?? []).map((c) => c.id),
			titles: nullProto(ev.titles),
			summaries: nullProto(ev.summaries),
			file,
		});
	});
	const snapshot = new DatasetSnapshot(
		story,
		Object.freeze(actorList),
		Object.freeze(sourceList),
		eventList,
		Object.freeze(claimList),
		hash.digest('hex').slice(0, 16),
		(options.now ?? new Date()).toISOString(),
	);
	return { ok: true, snapshot };
}

function zodErrors(error: z.ZodError, file: string, parsed: ParsedFile, prefix: PropertyKey[]): DatasetError[] {
	const out: DatasetError[] = [];
	for (const issue of error.issues) {
		const p = [...prefix, ...(issue.path as PropertyKey[])];
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) {
				const { line, col } = parsed.locate(p, key);
				out.push({ file, line, col, path: formatPath([...p, key]), message: `unknown field "${key}"; check the spelling against data/schema.json` });
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

/** The string items of a list, with their indexes; anything else is the schema's to report. */
function strings(list: unknown): [string, number][] {
	return Array.isArray(list) ? list.flatMap((x, i): [string, number][] => (typeof x === 'string' ? [[x, i]] : [])) : [];
}

/** `field` of each map in a list, where it is a string. */
function fieldStrings(list: unknown, field: string): [string, number][] {
	if (!Array.isArray(list)) return [];
	return list.flatMap((x, i): [string, number][] => {
		const v = x && typeof x === 'object' ? (x as Record<string, unknown>)[field] : undefined;
		return typeof v === 'string' ? [[v, i]] : [];
	});
}

function sortErrors(errors: DatasetError[]): DatasetError[] {
	return errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

/** A record without a prototype, so a translation keyed "constructor" can never reach Object.prototype. */
function nullProto(input: Record<string, string> | undefined): Readonly<Record<string, string>> {
	const out = Object.create(null) as Record<string, string>;
	if (input) for (const [k, v] of Object.entries(input)) out[k] = v;
	return Object.freeze(out);
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const v of Object.values(value)) deepFreeze(v);
	}
	return value;
}
