/**
 * A cold build of the SQLite engine's file (issue #22) the way the build pipeline will make it: every
 * dataset file is read, parsed, validated (fast-validate, zod for what it turns down, as the loader
 * does), made into records (records.ts) and fed to the EngineWriter one at a time, then dropped;
 * `finish` sorts and indexes. And the baseline it is compared with: reading and JSON.parse of the same
 * files, each dropped.
 *
 * Until the real build pipeline (a worker feeding EngineWriter from the loader) lands, this is its
 * stand-in: the same writer and the same per-record work, without the loader's error positions.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EngineWriter } from '../src/dataset/engine/writer.js';
import { createFastValidator } from '../src/dataset/fast-validate.js';
import type { Story, Vocabulary } from '../src/dataset/model.js';
import { toActor, toClaim, toEvent, toSource } from '../src/dataset/records.js';
import {
	actorSchema,
	eventSchema,
	sourceSchema,
	storySchema,
	type ActorInput,
	type EventInput,
	type SourceInput,
	type StoryInput,
} from '../src/dataset/schema.js';
import { cpuMs, datasetFiles, peakRssMb, round } from './lib.js';

export interface EngineBuildResult {
	readonly mode: 'build' | 'parse';
	readonly files: number;
	readonly bytes: number;
	/** Whole run, ms: reading and parsing included. */
	readonly wallMs: number;
	readonly cpuMs: number;
	readonly peakRssMb: number;
	/** Build only: reading, validating and writing the records (staging), then `finish`. */
	readonly ingestMs?: number;
	readonly finishMs?: number;
	readonly fileBytes?: number;
	readonly events?: number;
	readonly invalid?: number;
}

/** The dataset's files, events last. */
function buildOrder(dir: string): string[] {
	// Events last, so that the reference checks meet every actor and source first (the loader checks
	// references once every file is read; a streaming build needs them before).
	const isEvents = (f: string): boolean => path.relative(dir, f).startsWith(`events${path.sep}`);
	return [...datasetFiles(dir)].sort((a, b) => Number(isEvents(a)) - Number(isEvents(b)));
}

/** Reads and JSON.parse-s every file of `dir`, dropping each. */
export function parseFiles(dir: string): EngineBuildResult {
	const files = buildOrder(dir);
	const started = performance.now();
	const cpu = process.cpuUsage();
	let bytes = 0;
	for (const f of files) {
		const text = readFileSync(f, 'utf8');
		bytes += Buffer.byteLength(text);
		JSON.parse(text);
	}
	return {
		mode: 'parse',
		files: files.length,
		bytes,
		wallMs: round(performance.now() - started),
		cpuMs: round(cpuMs(cpu)),
		peakRssMb: peakRssMb(),
	};
}

type Sink = Pick<EngineWriter, 'addFile' | 'addActor' | 'addSource' | 'addEvent' | 'addClaim' | 'finish'>;

/** Takes every record and keeps none: the build without the writer, to see what the writer costs. */
const NO_WRITE: Sink = {
	addFile: () => 0,
	addActor: () => {},
	addSource: () => {},
	addEvent: () => {},
	addClaim: () => {},
	finish: () => {},
};

/**
 * Builds the engine's file of `dir` at `out` (replaced). Throws on a dangling reference. With
 * `write: false`, everything but the writer: reading, parsing, validating, making records.
 */
export function buildEngineFile(dir: string, out: string, options: { readonly write?: boolean } = {}): EngineBuildResult {
	const write = options.write ?? true;
	const files = buildOrder(dir);
	const started = performance.now();
	const cpu = process.cpuUsage();
	let bytes = 0;
	rmSync(out, { force: true });
	const db = write ? new Database(out) : undefined;
	const writer: Sink = db ? new EngineWriter(db) : NO_WRITE;
	const fast = createFastValidator();
	const version = createHash('sha256');
	// Reference checks as the loader makes them (an event's actors and sources exist): the id sets
	// are the part of the dataset a streaming build still holds.
	const actorIds = new Set<string>();
	const sourceIds = new Set<string>();
	let story: StoryInput | undefined;
	let events = 0;
	let invalid = 0;
	let badRefs = 0;
	const valid = <T>(
		ok: boolean,
		item: unknown,
		schema: { safeParse(v: unknown): { success: boolean; data?: unknown } },
	): T | undefined => {
		if (ok) return item as T;
		const r = schema.safeParse(item);
		if (r.success) return r.data as T;
		invalid++;
		return undefined;
	};
	for (const f of files) {
		const buffer = readFileSync(f);
		bytes += buffer.length;
		const name = path.relative(dir, f);
		const digest = createHash('sha256').update(buffer).digest('hex');
		version.update(name).update('\0').update(digest).update('\0');
		const fileN = writer.addFile(name, digest);
		const top = JSON.parse(buffer.toString('utf8')) as Record<string, unknown>;
		for (const [key, value] of Object.entries(top)) {
			if (key === 'story') {
				story = storySchema.parse(value);
				continue;
			}
			if (!Array.isArray(value)) throw new Error(`${name}: ${key} is not a list`);
			for (const item of value as unknown[]) {
				if (key === 'actors') {
					const v = valid<ActorInput>(fast.actor(item), item, actorSchema);
					if (!v) continue;
					actorIds.add(v.id);
					writer.addActor(toActor(v), fileN);
				} else if (key === 'sources') {
					const v = valid<SourceInput>(fast.source(item), item, sourceSchema);
					if (!v) continue;
					sourceIds.add(v.id);
					writer.addSource(toSource(v, fast), fileN);
				} else if (key === 'events') {
					const v = valid<EventInput>(fast.event(item), item, eventSchema);
					if (!v) continue;
					for (const a of v.actors) if (!actorIds.has(a.actor)) badRefs++;
					for (const s of v.sources) if (!sourceIds.has(s)) badRefs++;
					const e = toEvent(v, name, fast);
					writer.addEvent(e, fileN);
					for (const c of v.claims ?? []) writer.addClaim(toClaim(c, v.id, fast));
					events++;
				}
			}
		}
	}
	if (!story) throw new Error(`${dir}: no story file`);
	if (badRefs) throw new Error(`${dir}: ${badRefs} references to actors or sources not (yet) defined`);
	const ingestMs = performance.now() - started;
	const s: Story = {
		title: story.title,
		summary: story.summary,
		timezone: story.timezone,
		status: story.status,
		languages: story.languages ?? ['en'],
	};
	const vocabulary: Vocabulary = { outlets: new Map(), topics: new Map(), tags: new Map(), roles: new Map() };
	writer.finish({ story: s, vocabulary, version: version.digest('hex').slice(0, 16) });
	db?.close();
	const wallMs = performance.now() - started;
	return {
		mode: 'build',
		files: files.length,
		bytes,
		wallMs: round(wallMs),
		cpuMs: round(cpuMs(cpu)),
		peakRssMb: peakRssMb(),
		ingestMs: round(ingestMs),
		finishMs: round(wallMs - ingestMs),
		fileBytes: write ? statSync(out).size : 0,
		events,
		invalid,
	};
}
