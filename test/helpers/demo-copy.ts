/** The demo dataset copied to a temp directory, to edit and reload in tests. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';

export interface DemoCopy {
	readonly dir: string;
	/** Rewrites a file of the copy (path relative to the dataset directory). */
	edit(rel: string, change: (text: string) => string): void;
	write(rel: string, text: string): void;
	load(): Promise<DatasetSnapshot>;
	cleanup(): void;
}

export function copyDemo(): DemoCopy {
	const root = mkdtempSync(path.join(tmpdir(), 'sitrep-demo-'));
	const dir = path.join(root, 'data');
	cpSync('data', dir, { recursive: true });
	return {
		dir,
		edit(rel, change) {
			const f = path.join(dir, rel);
			const before = readFileSync(f, 'utf8');
			const after = change(before);
			if (after === before) throw new Error(`the edit of ${rel} changed nothing`);
			writeFileSync(f, after);
		},
		write(rel, text) {
			writeFileSync(path.join(dir, rel), text);
		},
		async load() {
			const r = await loadDataset(dir);
			if (!r.ok) throw new Error(`the edited demo dataset is invalid: ${JSON.stringify(r.errors.slice(0, 3))}`);
			return r.snapshot;
		},
		cleanup: () => rmSync(root, { recursive: true, force: true }),
	};
}

/** A new event file (YAML) dated `date`, citing sources and actors the demo has. */
export function newEventYaml(id: string, date: string, title = `Event ${id}`): string {
	return `events:\n  - id: ${id}\n    date: ${date}\n    title: ${title}\n    summary: Added in a test.\n    actors: [{ actor: kremlin }]\n    sources: [tass-1983207]\n    status: reported\n`;
}
