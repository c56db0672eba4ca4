/**
 * What a cold build cannot go below (issue #22 "cold build ≤ 4× JSON.parse"): the steps every build
 * must take, each measured on its own, on one thread, as CPU time — so that a build's figure can be
 * set against the sum of its parts, and that sum against what two cores give.
 *
 * Each step runs in its own process and includes the ones before it:
 * - parse: read and JSON.parse every file (the baseline of the ratio);
 * - load: the loader with a sink that drops every record (read, parse, validate, cross-check; what
 *   "every validation and error message of today's loader holds" costs);
 * - prepare: + each event made into the values the writer stores (prepared.ts: the stored document,
 *   the version fingerprint, the key lists);
 * - fold: + the text the index is fed, folded (text.ts indexTokens: the search across scripts and
 *   spellings);
 * - sqlite: the least SQLite work, timed alone with every string ready: the events' documents and
 *   their folded text (FTS5, the engine's tokenizer) inserted in rowid order in one transaction,
 *   then the text index merged — no key tables, claims or indexes.
 *
 *   node --import tsx bench/cold-build-floor.child.ts --dir DIR --runs 3
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Claim, StoryEvent } from '../src/dataset/model.js';
import { loadInto } from '../src/dataset/read-dataset.js';
import { DateCheck } from '../src/dataset/engine/event-doc.js';
import { TOKENIZE } from '../src/dataset/engine/format.js';
import { type PreparedEvent, prepareEvent } from '../src/dataset/engine/prepared.js';
import { indexTokens } from '../src/dataset/text.js';
import { parseFiles } from './engine-build.js';
import { arg, cpuMs, log, median, reply, round, runChild } from './lib.js';

const STEPS = ['parse', 'load', 'prepare', 'fold', 'sqlite'] as const;
type Step = (typeof STEPS)[number];

interface StepResult {
	readonly step: Step;
	readonly cpuMs: number;
	readonly wallMs: number;
}

/** Space-joined folded tokens of the texts, as the writer makes them. */
function folded(texts: readonly (string | null | undefined)[]): string {
	let out = '';
	for (const t of texts) if (t) for (const w of indexTokens(t)) out += (out ? ' ' : '') + w;
	return out;
}

/** One row of the least SQLite work: rowid, document, folded title, summary and claims. */
type Row = [number, string, string, string, string];

/** The loader into a sink that keeps only what `step` asks for; its CPU time, and the rows for sqlite. */
async function loadStep(dir: string, step: Step): Promise<{ cpuMs: number; wallMs: number; rows: Row[] }> {
	const dates = new DateCheck();
	const rows: Row[] = [];
	const cpu = process.cpuUsage();
	const started = performance.now();
	const r = await loadInto(dir, { maxFiles: 1_000_000 }, () => ({
		file() {},
		actor() {},
		source() {},
		event(e: StoryEvent, claims: readonly Claim[]) {
			if (step === 'load') return;
			const p: PreparedEvent = prepareEvent(e, claims, 0, dates);
			if (step === 'prepare') return;
			const title = folded(p.title);
			const summary = folded(p.summary);
			const claimText = folded(p.claims.flatMap((c) => [c.text, c.quote]));
			if (step === 'sqlite') rows.push([rows.length + 1, p.doc, title, summary, claimText]);
		},
		finish: () => Promise.resolve(undefined),
	}));
	if (!r.ok) throw new Error(`the dataset does not load: ${JSON.stringify(r.errors.slice(0, 3))}`);
	return { cpuMs: cpuMs(cpu), wallMs: performance.now() - started, rows };
}

/** The events' documents and folded text into a new file, in rowid order, then 'optimize'. */
function sqliteStep(rows: readonly Row[]): { cpuMs: number; wallMs: number } {
	const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-floor-'));
	try {
		const db = new Database(path.join(dir, 'floor.sqlite'));
		db.pragma('journal_mode = OFF');
		db.pragma('synchronous = OFF');
		db.exec('CREATE TABLE event_docs (ord INTEGER PRIMARY KEY, doc TEXT NOT NULL)');
		db.exec(
			`CREATE VIRTUAL TABLE event_text USING fts5 (title, summary, claims, content='', columnsize=0, detail=column, tokenize="${TOKENIZE}")`,
		);
		const doc = db.prepare('INSERT INTO event_docs VALUES (?, ?)');
		const text = db.prepare('INSERT INTO event_text (rowid, title, summary, claims) VALUES (?, ?, ?, ?)');
		const cpu = process.cpuUsage();
		const started = performance.now();
		db.transaction(() => {
			for (const [n, d, t, s, c] of rows) {
				doc.run(n, d);
				text.run(n, t, s, c);
			}
			db.exec(`INSERT INTO event_text (event_text) VALUES ('optimize')`);
		})();
		const result = { cpuMs: cpuMs(cpu), wallMs: performance.now() - started };
		db.close();
		return result;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

async function runStep(dir: string, step: Step): Promise<StepResult> {
	if (step === 'parse') {
		const p = parseFiles(dir);
		return { step, cpuMs: round(p.cpuMs), wallMs: round(p.wallMs) };
	}
	const loaded = await loadStep(dir, step);
	const timed = step === 'sqlite' ? sqliteStep(loaded.rows) : loaded;
	return { step, cpuMs: round(timed.cpuMs), wallMs: round(timed.wallMs) };
}

const dir = arg('dir');
if (process.argv.includes('--runs')) {
	const runs = Number(arg('runs'));
	const all = new Map<Step, number[]>(STEPS.map((s) => [s, []]));
	for (let i = 0; i < runs; i++) {
		for (const step of STEPS) {
			const r = await runChild<StepResult>('./cold-build-floor.child.ts', ['--dir', dir, '--step', step]);
			all.get(step)!.push(r.cpuMs);
		}
		log(`run ${i + 1}: ${STEPS.map((s) => `${s} ${all.get(s)![i]} ms`).join(', ')}`);
	}
	const cpu = Object.fromEntries(STEPS.map((s) => [s, round(median(all.get(s)!))])) as Record<Step, number>;
	// What each step adds; sqlite was timed alone.
	const parts = {
		parse: cpu.parse,
		validate: round(cpu.load - cpu.parse),
		prepare: round(cpu.prepare - cpu.load),
		fold: round(cpu.fold - cpu.prepare),
		sqlite: cpu.sqlite,
	};
	const sum = Object.values(parts).reduce((a, b) => a + b, 0);
	reply({
		medianCpuMs: cpu,
		partsCpuMs: parts,
		partsAsParse: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v / cpu.parse)])),
		sumAsParse: round(sum / cpu.parse),
		// Two cores, every part perfectly overlapped: the least wall time, as a multiple of parse.
		twoCoresAtBestAsParse: round(sum / 2 / cpu.parse),
		runs: Object.fromEntries(all),
	});
} else reply(await runStep(dir, arg('step') as Step));
