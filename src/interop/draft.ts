/**
 * What an importer produces: dataset records in the editors' own shapes (so they go through the
 * same validation as hand-written data), and a report of what could not be mapped.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ActorInput, EventInput, LabelInput, OutletInput, SourceInput, StoryInput } from '../dataset/schema.js';
import { fold } from '../dataset/text.js';

export interface DatasetDraft {
	story: StoryInput;
	actors: ActorInput[];
	sources: SourceInput[];
	events: EventInput[];
	/** Outlets the sources name, and labels of topics, tags and roles (a sitrep export carries them). */
	outlets?: OutletInput[];
	topics?: LabelInput[];
	tags?: LabelInput[];
	roles?: LabelInput[];
}

export interface ImportIssue {
	/** Line in the input (CSV) or the JSON path of the item. */
	readonly where: string;
	readonly message: string;
}

export interface ImportResult {
	readonly draft: DatasetDraft;
	readonly report: readonly ImportIssue[];
}

/** A slug from any text: folded to Latin, lowercase, hyphens; at most `max` characters. */
export function slugify(text: string, max = 60): string {
	const s = fold(text)
		.replace(/[^a-z0-9]+/gu, '-')
		.replace(/^-+|-+$/gu, '')
		.slice(0, max)
		.replace(/-+$/u, '');
	return s || 'item';
}

/** Hands out unique ids: the same base twice gets "-2", "-3"… in input order, so ids are stable. */
export class IdAllocator {
	private readonly used = new Set<string>();
	take(base: string): string {
		let id = base;
		for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
		this.used.add(id);
		return id;
	}
}

/** Truncates to `max` characters at a word boundary, with an ellipsis. */
export function clip(text: string, max: number): string {
	if (text.length <= max) return text;
	const cut = text.slice(0, max - 1);
	const space = cut.lastIndexOf(' ');
	return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/**
 * Writes a draft as a dataset directory in the demo's layout: story.yaml, actors.yaml, sources.yaml,
 * outlets.yaml and vocabulary.yaml when there are any, and one file per event under events/.
 * Refuses to write into a directory that already has a story.
 */
export async function writeDraft(draft: DatasetDraft, dir: string): Promise<string[]> {
	await mkdir(path.join(dir, 'events'), { recursive: true });
	const written: string[] = [];
	const put = async (rel: string, value: unknown): Promise<void> => {
		await writeFile(path.join(dir, rel), stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }), { flag: 'wx' });
		written.push(rel);
	};
	await put('story.yaml', { story: draft.story });
	await put('actors.yaml', { actors: draft.actors });
	await put('sources.yaml', { sources: draft.sources });
	if (draft.outlets?.length) await put('outlets.yaml', { outlets: draft.outlets });
	const labels = {
		...(draft.topics?.length ? { topics: draft.topics } : {}),
		...(draft.tags?.length ? { tags: draft.tags } : {}),
		...(draft.roles?.length ? { roles: draft.roles } : {}),
	};
	if (Object.keys(labels).length) await put('vocabulary.yaml', labels);
	for (const e of draft.events) {
		const date = String(e.date)
			.replace(/^~/u, '')
			.split('/')[0]!
			.replace(/[^0-9-]/gu, '');
		await put(`events/${date}-${e.id}.yaml`.replace(/\/-/u, '/'), { events: [e] });
	}
	return written;
}
