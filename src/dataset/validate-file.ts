/**
 * Validating one parsed dataset file, record by record and by kind, so that one bad event does not
 * hide the errors of the others: the story, the vocabulary (outlets and labels), actors, sources and
 * events. Each valid record goes to the sink at once; what cannot be checked until every file is
 * read (references, repeated claim ids, accuracy rules) is noted in the {@link LoadState}.
 */
import { formatPath } from './errors.js';
import type { LoadState, RecordKind } from './load-state.js';
import type { Claim } from './model.js';
import type { RecordSink } from './record-sink.js';
import { Ref } from './references.js';
import { toActor, toClaim, toEvent, toLabel, toOutlet, toSource } from './records.js';
import type { ParsedFile } from './safe-yaml.js';
import { actorSchema, eventSchema, labelSchema, outletSchema, sourceSchema, storySchema } from './schema.js';
import type { Slicer } from './slices.js';
import { describe, valid, zodErrors } from './zod-errors.js';

export const TOP_KEYS = ['story', 'actors', 'sources', 'events', 'outlets', 'topics', 'tags', 'roles'] as const;
/** The small keys: a few dozen records each, validated by zod alone and kept in maps by id. */
const VOCABULARY_KEYS = ['outlets', 'topics', 'tags', 'roles'] as const;
type VocabularyKey = (typeof VOCABULARY_KEYS)[number];

/** Where the record being validated is. */
interface At {
	readonly fileIndex: number;
	readonly file: string;
	readonly parsed: ParsedFile;
}

/** Validates the top-level keys of file `fileIndex` and every record under them. */
export async function validateFile(
	state: LoadState,
	fileIndex: number,
	parsed: ParsedFile,
	sink: RecordSink<unknown>,
	slicer: Slicer,
): Promise<void> {
	const file = state.files[fileIndex]!;
	const errors = state.errors;
	if (parsed.value === null || parsed.value === undefined) {
		errors.push({
			file,
			line: 1,
			col: 1,
			path: '',
			message: `is empty; a dataset file holds one or more of the keys ${TOP_KEYS.join(', ')}`,
		});
		return;
	}
	const top = parsed.value;
	if (typeof top !== 'object' || Array.isArray(top)) {
		errors.push({
			file,
			line: 1,
			col: 1,
			path: '',
			message: `expected a map with one or more of the keys ${TOP_KEYS.join(', ')}, got ${describe(top)}`,
		});
		return;
	}
	const keys = Object.keys(top);
	if (keys.length === 0) errors.push({ file, line: 1, col: 1, path: '', message: `holds none of the keys ${TOP_KEYS.join(', ')}` });
	const at: At = { fileIndex, file, parsed };
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
		} else if (key === 'story') validateStory(state, value, at);
		else if (!Array.isArray(value)) {
			const { line, col } = parsed.locate([key]);
			errors.push({ file, line, col, path: key, message: `expected a list of ${key}, got ${describe(value)}` });
		} else if ((VOCABULARY_KEYS as readonly string[]).includes(key)) validateVocabulary(state, key as VocabularyKey, value, at);
		else await validateRecords(state, key as RecordKind, value, at, sink, slicer);
	}
}

function validateStory(state: LoadState, value: unknown, { fileIndex, file, parsed }: At): void {
	const r = storySchema.safeParse(value);
	if (r.success) state.stories.push({ value: r.data, file: fileIndex });
	else state.errors.push(...zodErrors(storySchema.safeParse(value, { reportInput: true }).error ?? r.error, file, parsed, ['story']));
}

/**
 * One list of outlets or labels: each record validated (zod; they are few), a repeated id reported
 * with where it was first defined.
 */
function validateVocabulary(state: LoadState, key: VocabularyKey, list: readonly unknown[], { file, parsed }: At): void {
	const { errors, vocabulary: into, vocabularyAt: firstAt } = state;
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

/** A list of actors, sources or events: ids numbered (a repeated one reported), each record validated by its kind. */
async function validateRecords(
	state: LoadState,
	key: RecordKind,
	list: readonly unknown[],
	at: At,
	sink: RecordSink<unknown>,
	slicer: Slicer,
): Promise<void> {
	const kind = state.kinds[key];
	const { file, parsed } = at;
	for (let i = 0; i < list.length; i++) {
		if ((i & 63) === 63) {
			await slicer.maybeYield();
			// A sink that writes elsewhere may ask the loader to wait for it (RecordSink.ready).
			const room = sink.ready?.();
			if (room) await room;
		}
		const item: unknown = list[i];
		const id = (item as { id?: unknown } | null)?.id;
		const n = kind.count;
		if (typeof id === 'string') {
			// Located lazily: working out a position costs a parse, and only a duplicate needs it.
			const first = kind.known.getOrAdd(id, n);
			if (first !== undefined) {
				const { line, col } = parsed.locate([key, i, 'id']);
				const firstAt = state.places.locate(kind.fileOf(first), [key, kind.indexOf(first), 'id']);
				state.errors.push({
					file,
					line,
					col,
					path: formatPath([key, i, 'id']),
					message: `duplicate ${key.slice(0, -1)} id "${id}"; it is already used at ${state.files[kind.fileOf(first)]!}:${firstAt.line}`,
				});
				continue;
			}
		}
		kind.places.push(at.fileIndex, i);
		if (key === 'actors') validateActor(state, n, item, i, at, sink);
		else if (key === 'sources') validateSource(state, n, item, i, at, sink);
		else validateEvent(state, n, item, i, at, sink);
	}
}

function validateActor(state: LoadState, n: number, item: unknown, i: number, { file, parsed }: At, sink: RecordSink<unknown>): void {
	const v = valid(state.fast.actor(item), item, actorSchema, file, parsed, 'actors', i, state.errors);
	if (v === undefined) {
		state.kinds.actors.invalid.push(n);
		state.refs.actorRaw(n, item);
		return;
	}
	const a = toActor(v);
	sink.actor(a);
	for (let k = 0; k < a.affiliations.length; k++)
		state.refs.ref(Ref.Affiliation, n, k, a.affiliations[k]!, a.id, state.kinds.actors.known);
}

function validateSource(state: LoadState, n: number, item: unknown, i: number, { file, parsed }: At, sink: RecordSink<unknown>): void {
	const v = valid(state.fast.source(item), item, sourceSchema, file, parsed, 'sources', i, state.errors);
	if (v === undefined) {
		state.kinds.sources.invalid.push(n);
		return;
	}
	const x = toSource(v, state.fast);
	// An outlet defined by now is defined at the end too: only the others wait (an object each).
	if (x.outlet !== undefined && !state.vocabulary.outlets.has(x.outlet)) state.outletRefs.push({ source: n, outlet: x.outlet });
	sink.source(x);
}

/** An event and its claims; claim ids are numbered across the dataset, the accuracy rules noted. */
function validateEvent(state: LoadState, n: number, item: unknown, i: number, { file, parsed }: At, sink: RecordSink<unknown>): void {
	const { fast, refs, kinds } = state;
	const v = valid(fast.event(item), item, eventSchema, file, parsed, 'events', i, state.errors);
	if (v === undefined) {
		kinds.events.invalid.push(n);
		refs.eventRaw(n, item);
		return;
	}
	const claims = v.claims ?? [];
	const made: Claim[] = [];
	for (let k = 0; k < claims.length; k++) {
		const c = claims[k]!;
		const number = state.claimPlaces.length;
		const first = state.claimIds.getOrAdd(c.id, number);
		state.claimPlaces.push(n, k);
		if (first !== undefined) state.claimDuplicates.push({ claim: number, first, id: c.id });
		made.push(toClaim(c, v.id, fast));
	}
	const e = toEvent(v, file, fast);
	sink.event(e, made);
	// The ids as written, in the order the reference errors are listed.
	const actorIds = kinds.actors.known;
	const sourceIds = kinds.sources.known;
	for (let k = 0; k < e.actors.length; k++) refs.ref(Ref.Actor, n, k, e.actors[k]!.actorId, undefined, actorIds);
	for (let k = 0; k < e.sourceIds.length; k++) refs.ref(Ref.Source, n, k, e.sourceIds[k]!, undefined, sourceIds);
	for (let k = 0; k < e.related.length; k++) refs.ref(Ref.Related, n, k, e.related[k]!.eventId, e.id, kinds.events.known);
	for (let k = 0; k < claims.length; k++) refs.ref(Ref.ClaimBy, n, k, claims[k]!.by, undefined, actorIds);
	for (let k = 0; k < claims.length; k++) refs.ref(Ref.ClaimSource, n, k, claims[k]!.source, undefined, sourceIds);
	// Accuracy rules: a dispute is shown as who-says-what, a correction says what was corrected.
	if (e.status === 'disputed' && e.claimIds.length < 2) {
		state.accuracy.push({
			event: n,
			field: 'status',
			message: 'a disputed event records each side as a claim: add at least two claims (by, stance, text, source)',
		});
	}
	if (e.status === 'corrected' && !e.note)
		state.accuracy.push({ event: n, field: 'status', message: 'a corrected event says what was corrected: add a note' });
	const dupTag = repeated(e.tags);
	if (dupTag !== undefined) state.accuracy.push({ event: n, field: 'tags', message: `the tag "${dupTag}" is listed twice` });
}

/** The first value that appears twice in a short list. */
function repeated(list: readonly string[]): string | undefined {
	for (let i = 1; i < list.length; i++) for (let j = 0; j < i; j++) if (list[j] === list[i]) return list[i];
	return undefined;
}
