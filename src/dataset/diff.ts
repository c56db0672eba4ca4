/**
 * What changed between two snapshots: records added, changed and removed, for events, actors,
 * sources and claims. Records are compared in the editors' own shape, so a change is exactly a
 * change an editor made.
 */
import type { Actor, Claim, Source, StoryEvent } from './model.js';
import type { EventInput } from './schema.js';
import { runToEnd, type Slicer } from './slices.js';
import type { DatasetSnapshot } from './snapshot.js';
import { actorToInput, eventToInput, labelToInput, outletToInput, sourceToInput } from './to-input.js';

export interface KindDiff {
	readonly added: readonly string[];
	readonly changed: readonly string[];
	readonly removed: readonly string[];
}

export interface DatasetDiff {
	readonly events: KindDiff;
	readonly actors: KindDiff;
	readonly sources: KindDiff;
	readonly claims: KindDiff;
	readonly storyChanged: boolean;
	/** Outlets, or the labels of topics, tags or roles, changed. */
	readonly vocabularyChanged: boolean;
}

function diffMaps(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): KindDiff {
	const added: string[] = [];
	const changed: string[] = [];
	const removed: string[] = [];
	for (const [id, v] of after) {
		const old = before.get(id);
		if (old === undefined) added.push(id);
		else if (old !== v) changed.push(id);
	}
	for (const id of before.keys()) if (!after.has(id)) removed.push(id);
	return { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
}

/** Canonical JSON of each record, keyed by id. Claims are compared on their own, without their event. */
function recordFingerprints(ds: DatasetSnapshot): {
	events: Map<string, string>;
	actors: Map<string, string>;
	sources: Map<string, string>;
	claims: Map<string, string>;
} {
	const events = new Map<string, string>();
	const claims = new Map<string, string>();
	for (const e of ds.eachEvent()) {
		const input = eventToInput(ds, e.id);
		for (const c of input.claims ?? []) claims.set(c.id, JSON.stringify({ ...c, event: e.id }));
		events.set(e.id, JSON.stringify({ ...input, claims: undefined }));
	}
	return {
		events,
		actors: new Map([...ds.eachActor()].map((a) => [a.id, JSON.stringify(actorToInput(a))])),
		sources: new Map([...ds.eachSource()].map((s) => [s.id, JSON.stringify(sourceToInput(s))])),
		claims,
	};
}

export function diffDatasets(before: DatasetSnapshot, after: DatasetSnapshot): DatasetDiff {
	return runToEnd(diffSteps(before, after));
}

/**
 * {@link diffDatasets} in slices: the event loop gets a turn between records whenever `slicer`'s
 * slice is used up (a reload diffs while the bot answers; a changed file holds hundreds of events,
 * each read from the engine on both sides). The same result.
 */
export function diffDatasetsSliced(before: DatasetSnapshot, after: DatasetSnapshot, slicer: Slicer): Promise<DatasetDiff> {
	return slicer.run(diffSteps(before, after));
}

/** The diff as steps: it stops after each record read or compared (see slices.ts). */
function* diffSteps(before: DatasetSnapshot, after: DatasetSnapshot): Generator<void, DatasetDiff> {
	const files = yield* changedFiles(before, after);
	if (files) return yield* diffChangedFiles(before, after, files.before, files.after);
	const a = recordFingerprints(before);
	const b = recordFingerprints(after);
	return {
		events: diffMaps(a.events, b.events),
		actors: diffMaps(a.actors, b.actors),
		sources: diffMaps(a.sources, b.sources),
		claims: diffMaps(a.claims, b.claims),
		storyChanged: JSON.stringify(before.story) !== JSON.stringify(after.story),
		vocabularyChanged: vocabularyJson(before) !== vocabularyJson(after),
	};
}

/** Outlets and labels in the editors' shape; a few dozen records, compared whole. */
function vocabularyJson(ds: DatasetSnapshot): string {
	const v = ds.vocabulary;
	return JSON.stringify([
		[...v.outlets.values()].map(outletToInput),
		...[v.topics, v.tags, v.roles].map((m) => [...m.values()].map(labelToInput)),
	]);
}

export function isEmptyDiff(d: DatasetDiff): boolean {
	return (
		!d.storyChanged &&
		!d.vocabularyChanged &&
		[d.events, d.actors, d.sources, d.claims].every((k) => k.added.length + k.changed.length + k.removed.length === 0)
	);
}

/**
 * For two snapshots made by loadDataset: the records of files whose bytes differ (or that exist on
 * one side only). A file with the same bytes holds the same records — same ids, same canonical JSON
 * — so only these need comparing. Undefined when either snapshot was built another way.
 */
function* changedFiles(
	before: DatasetSnapshot,
	after: DatasetSnapshot,
): Generator<void, { before: FileRecords[]; after: FileRecords[] } | undefined> {
	const a = before.fileDigests();
	const b = after.fileDigests();
	if (!a || !b) return undefined;
	const out = { before: [] as FileRecords[], after: [] as FileRecords[] };
	for (const [file, digest] of a) if (b.get(file) !== digest) out.before.push(yield* recordsOf(before, file));
	for (const [file, digest] of b) if (a.get(file) !== digest) out.after.push(yield* recordsOf(after, file));
	return out;
}

/** The records of one dataset file (see DatasetSnapshot.recordsOfFile), its events in a list. */
interface FileRecords {
	readonly events: readonly StoryEvent[];
	readonly actors: readonly Actor[];
	readonly sources: readonly Source[];
}

function* recordsOf(ds: DatasetSnapshot, file: string): Generator<void, FileRecords> {
	const r = ds.recordsOfFile(file);
	const events: StoryEvent[] = [];
	for (const e of r.events) {
		events.push(e);
		yield;
	}
	return { events, actors: r.actors, sources: r.sources };
}

/**
 * {@link diffDatasets} from the records of changed files only; the result is the same as comparing
 * every record. A record whose id is in an unchanged file on one side is in that same file on the
 * other (ids are unique in a loaded snapshot), so every added, removed or changed id is among these.
 * Records are first compared field by field: equal fields make equal canonical JSON, so only records
 * that differ there pay for the JSON comparison (which decides, e.g. an empty note and none).
 */
function* diffChangedFiles(
	before: DatasetSnapshot,
	after: DatasetSnapshot,
	was: readonly FileRecords[],
	now: readonly FileRecords[],
): Generator<void, DatasetDiff> {
	const inputs = new Map<DatasetSnapshot, Map<string, EventInput>>([
		[before, new Map()],
		[after, new Map()],
	]);
	const inputOf = (ds: DatasetSnapshot, id: string): EventInput => {
		const cache = inputs.get(ds)!;
		let input = cache.get(id);
		if (!input) cache.set(id, (input = eventToInput(ds, id)));
		return input;
	};
	const eventJson = (ds: DatasetSnapshot, e: StoryEvent): string => JSON.stringify({ ...inputOf(ds, e.id), claims: undefined });
	const claimJson = (ds: DatasetSnapshot, c: Claim): string =>
		JSON.stringify({ ...inputOf(ds, c.eventId).claims!.find((x) => x.id === c.id)!, event: c.eventId });
	function* kind<T extends { id: string }>(
		records: (ds: DatasetSnapshot, f: FileRecords) => Iterable<T>,
		find: (ds: DatasetSnapshot, id: string) => T | undefined,
		same: (a: T, b: T) => boolean,
		json: (ds: DatasetSnapshot, r: T) => string,
	): Generator<void, KindDiff> {
		const added: string[] = [];
		const changed: string[] = [];
		const removed: string[] = [];
		for (const f of now) {
			for (const r of records(after, f)) {
				const old = find(before, r.id);
				if (old === undefined) added.push(r.id);
				else if (!same(old, r) && json(before, old) !== json(after, r)) changed.push(r.id);
				yield;
			}
		}
		for (const f of was) {
			for (const r of records(before, f)) {
				if (find(after, r.id) === undefined) removed.push(r.id);
				yield;
			}
		}
		return { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
	}
	// One kind after another, in the order of the result's fields.
	const events = yield* kind<StoryEvent>(
		(_, f) => f.events,
		(ds, id) => ds.event(id),
		sameEvent,
		eventJson,
	);
	const actors = yield* kind<Actor>(
		(_, f) => f.actors,
		(ds, id) => ds.actor(id),
		sameActor,
		(_, a) => JSON.stringify(actorToInput(a)),
	);
	const sources = yield* kind<Source>(
		(_, f) => f.sources,
		(ds, id) => ds.source(id),
		sameSource,
		(_, x) => JSON.stringify(sourceToInput(x)),
	);
	// A file's claims read event by event, so the steps stay short.
	const claims = yield* kind<Claim>(
		(ds, f) => claimsOfEvents(ds, f.events),
		(ds, id) => ds.claim(id),
		sameClaim,
		claimJson,
	);
	return {
		events,
		actors,
		sources,
		claims,
		storyChanged: JSON.stringify(before.story) !== JSON.stringify(after.story),
		vocabularyChanged: vocabularyJson(before) !== vocabularyJson(after),
	};
}

function* claimsOfEvents(ds: DatasetSnapshot, events: readonly StoryEvent[]): Generator<Claim> {
	for (const e of events) yield* ds.claimsOf(e);
}

/** Every field actorToInput reads is identical. */
function sameActor(a: Actor, b: Actor): boolean {
	return (
		a.id === b.id &&
		a.name === b.name &&
		sameList(a.aliases, b.aliases) &&
		a.type === b.type &&
		a.country === b.country &&
		a.description === b.description &&
		sameList(a.affiliations, b.affiliations) &&
		a.wikidata === b.wikidata &&
		sameRecord(a.names, b.names) &&
		sameRecord(a.descriptions, b.descriptions)
	);
}

/** Every field sourceToInput reads is identical. */
function sameSource(a: Source, b: Source): boolean {
	return (
		a.id === b.id &&
		a.outlet === b.outlet &&
		a.publisher === b.publisher &&
		a.url === b.url &&
		a.title === b.title &&
		a.published?.text === b.published?.text &&
		a.language === b.language &&
		a.affiliation === b.affiliation
	);
}

/** Equal lists of strings. */
function sameList(a: readonly string[], b: readonly string[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/** Equal maps of strings, keys in the same order (JSON.stringify keeps the order). */
function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
	const ka = Object.keys(a);
	return sameList(ka, Object.keys(b)) && ka.every((k) => a[k] === b[k]);
}

/** Every field eventToInput reads, except claims (compared on their own), is identical. */
function sameEvent(a: StoryEvent, b: StoryEvent): boolean {
	return (
		a.id === b.id &&
		a.date.text === b.date.text &&
		a.title === b.title &&
		a.summary === b.summary &&
		a.location?.name === b.location?.name &&
		a.location?.country === b.location?.country &&
		sameRecord(a.location?.names ?? {}, b.location?.names ?? {}) &&
		a.actors.length === b.actors.length &&
		a.actors.every((x, i) => x.actorId === b.actors[i]!.actorId && x.role === b.actors[i]!.role) &&
		sameList(a.tags, b.tags) &&
		sameList(a.sourceIds, b.sourceIds) &&
		a.status === b.status &&
		a.note === b.note &&
		a.related.length === b.related.length &&
		a.related.every((x, i) => x.eventId === b.related[i]!.eventId && x.type === b.related[i]!.type) &&
		sameRecord(a.titles, b.titles) &&
		sameRecord(a.summaries, b.summaries) &&
		sameRecord(a.notes, b.notes) &&
		a.priority === b.priority &&
		a.draft === b.draft &&
		a.embargo === b.embargo
	);
}

/** Every field of the claim's input shape, and its event, is identical. */
function sameClaim(a: Claim, b: Claim): boolean {
	return (
		a.id === b.id &&
		a.eventId === b.eventId &&
		a.by === b.by &&
		a.stance === b.stance &&
		a.topic === b.topic &&
		a.text === b.text &&
		a.quote?.text === b.quote?.text &&
		a.quote?.lang === b.quote?.lang &&
		a.sourceId === b.sourceId &&
		a.date?.text === b.date?.text &&
		sameRecord(a.translations, b.translations)
	);
}
