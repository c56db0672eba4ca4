/** Builds small dataset directories in a temp folder for tests. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDataset, type LoadOptions } from '../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';

export const BASE_FILES: Readonly<Record<string, string>> = {
	'story.yaml': `story:
  title: Test story
  summary: A small story for tests.
  timezone: Asia/Baku
  status: developing
`,
	'actors.yaml': `actors:
  - id: alpha-ministry
    name: Alpha Ministry
    aliases: [Альфа, Älpha]
    type: government_body
    country: AZE
    description: A ministry.
  - id: beta-agency
    name: Beta Agency
    type: media_org
    description: A news agency.
    affiliations: [alpha-ministry]
`,
	'sources.yaml': `sources:
  - id: wire-1
    publisher: Wire
    url: https://example.org/1
    language: en
    affiliation: independent
`,
	'events/2025-06-27-first.yaml': `events:
  - id: first
    date: 2025-06-27
    title: First event
    summary: Something happened.
    actors:
      - actor: alpha-ministry
        role: speaker
    tags: [diplomacy]
    sources: [wire-1]
    status: confirmed
`,
};

/** An events file of one reported event on 1 July 2025 titled `title`, citing BASE_FILES' actor and source. */
export function oneEventFile(id: string, title: string): string {
	return `events:
  - id: ${id}
    date: 2025-07-01
    title: ${title}
    summary: S.
    actors: [{ actor: beta-agency }]
    sources: [wire-1]
    status: reported
`;
}

const made: string[] = [];

/** Writes BASE_FILES overlaid with `files` (a null value deletes a base file) and returns the directory. */
export function writeDataset(files: Record<string, string | Buffer | null> = {}): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-ds-'));
	made.push(dir);
	const all: Record<string, string | Buffer | null> = { ...BASE_FILES, ...files };
	for (const [rel, content] of Object.entries(all)) {
		if (content === null) continue;
		const p = path.join(dir, rel);
		mkdirSync(path.dirname(p), { recursive: true });
		writeFileSync(p, content);
	}
	return dir;
}

/** The snapshot of a dataset directory that must load; throws with its first errors otherwise. */
export async function loadSnapshot(dir: string, options?: LoadOptions): Promise<DatasetSnapshot> {
	const r = await loadDataset(dir, options);
	if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
	return r.snapshot;
}

export async function loadFixture(files: Record<string, string | Buffer | null> = {}): Promise<DatasetSnapshot> {
	const r = await loadDataset(writeDataset(files));
	if (!r.ok) throw new Error(`fixture failed to load: ${JSON.stringify(r.errors, null, 2)}`);
	return r.snapshot;
}

export function cleanupDatasets(): void {
	for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

let demo: Promise<DatasetSnapshot> | undefined;
/** The demo story in data/, loaded once per test file. */
export function demoDataset(): Promise<DatasetSnapshot> {
	demo ??= loadDataset('data').then((r) => {
		if (!r.ok) throw new Error(`demo dataset invalid: ${JSON.stringify(r.errors.slice(0, 5), null, 2)}`);
		return r.snapshot;
	});
	return demo;
}
