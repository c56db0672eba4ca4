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
 * - tables: the SQLite work of every table the commands read (format.ts: events, documents, claims,
 *   the key tables, the three text tables' event and claim parts, the indexes), timed alone with
 *   every string, digest and ord ready and every row handed over in its final order — what one
 *   connection must do however the build is arranged (no staging, no sort in SQLite; actors,
 *   sources, words and the summaries left out, as small or derived).
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
import { INDEXES, ordOf, SCHEMA, textKey, TOKENIZE } from '../src/dataset/engine/format.js';
import { BatchInsert } from '../src/dataset/engine/batch-insert.js';
import { sha256Hex } from '../src/dataset/sha256.js';
import { type PreparedEvent, prepareEvent } from '../src/dataset/engine/prepared.js';
import { indexTokens } from '../src/dataset/text.js';
import { parseFiles } from './engine-build.js';
import { arg, cpuMs, log, median, reply, round, runChild } from './lib.js';

const STEPS = ['parse', 'load', 'prepare', 'fold', 'sqlite', 'tables'] as const;
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

/** An event as the tables step writes it: the prepared event and its three folded texts. */
interface Full {
	readonly p: PreparedEvent;
	readonly title: string;
	readonly summary: string;
	/** Each claim's folded text and quote, in the claims' order. */
	readonly claimTexts: readonly string[];
}

/** The loader into a sink that keeps only what `step` asks for; its CPU time, and the rows for sqlite. */
async function loadStep(dir: string, step: Step): Promise<{ cpuMs: number; wallMs: number; rows: Row[]; full: Full[] }> {
	const dates = new DateCheck();
	const rows: Row[] = [];
	const full: Full[] = [];
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
			if (step === 'tables') full.push({ p, title, summary, claimTexts: p.claims.map((c) => folded([c.text, c.quote])) });
		},
		finish: () => Promise.resolve(undefined),
	}));
	if (!r.ok) throw new Error(`the dataset does not load: ${JSON.stringify(r.errors.slice(0, 3))}`);
	return { cpuMs: cpuMs(cpu), wallMs: performance.now() - started, rows, full };
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

/** A key table's rows, sorted by key then ord as their primary key orders them. */
function keyRows(events: readonly { ord: number; f: Full }[], keysOf: (p: PreparedEvent) => unknown[][]): unknown[][] {
	const out: unknown[][] = [];
	for (const { ord, f } of events) for (const [key, ...rest] of keysOf(f.p)) out.push([key, ord, ...rest]);
	return out.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : (a[1] as number) - (b[1] as number)));
}

/** Every table the commands read, written once in final order from rows made ready beforehand (untimed). */
function tablesStep(full: readonly Full[]): { cpuMs: number; wallMs: number } {
	// Untimed: ords in date order, digests, the key tables' rows in key order, the claims numbered.
	const sorted = [...full].sort((a, b) => a.p.firstDay - b.p.firstDay || a.p.lastDay - b.p.lastDay || (a.p.id < b.p.id ? -1 : 1));
	const events: { ord: number; f: Full }[] = [];
	let rank = 0;
	sorted.forEach((f, i) => {
		rank = i > 0 && sorted[i - 1]!.p.firstDay === f.p.firstDay ? rank + 1 : 0;
		events.push({ ord: ordOf(f.p.firstDay, rank), f });
	});
	const ordOfEvent = new Map(events.map((e) => [e.f, e.ord]));
	const claims: unknown[][] = [];
	const claimText: unknown[][] = [];
	for (const f of full) {
		f.p.claims.forEach((c, i) => {
			claims.push([claims.length, c.id, ordOfEvent.get(f)!, c.by, c.source, c.doc, sha256Hex(c.doc).slice(0, 16)]);
			claimText.push([claimText.length, f.claimTexts[i]!, textKey(c.by)]);
		});
	}
	const list = (json: string): unknown[] => JSON.parse(json) as unknown[];
	const actors = keyRows(events, (p) => list(p.actors).map((a) => [a]));
	const tags = keyRows(events, (p) => list(p.tags).map((t) => [t]));
	const sources = keyRows(events, (p) => list(p.sources).map((s) => [s]));
	const links = keyRows(events, (p) => list(p.links) as unknown[][]);
	const hashes = new Map(events.map((e) => [e, sha256Hex(e.f.p.doc).slice(0, 16)]));
	const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-floor-'));
	try {
		const db = new Database(path.join(dir, 'floor.sqlite'));
		db.pragma('journal_mode = OFF');
		db.pragma('synchronous = OFF');
		for (const statement of SCHEMA) db.exec(statement);
		// As the writer sets them: segments merged once, by 'optimize' at the end.
		for (const t of ['event_text', 'claim_text']) {
			db.exec(`INSERT INTO ${t} (${t}, rank) VALUES ('automerge', 0)`);
			db.exec(`INSERT INTO ${t} (${t}, rank) VALUES ('hashsize', ${4 * 1024 * 1024})`);
		}
		const batch = (table: string, width: number): BatchInsert => new BatchInsert(db, `INSERT INTO ${table}`, width);
		const cpu = process.cpuUsage();
		const started = performance.now();
		db.transaction(() => {
			const ev = batch('events (ord, id, first_day, last_day, status, hide_at, priority, md, year, file, hash, fp)', 12);
			const docs = batch('event_docs (ord, doc)', 2);
			const text = db.prepare('INSERT INTO event_text (rowid, title, summary, claims, keys) VALUES (?, ?, ?, ?, ?)');
			for (const e of events) {
				const p = e.f.p;
				ev.run(e.ord, p.id, p.firstDay, p.lastDay, p.status, p.hideAt, p.priority, p.md, p.year, p.file, hashes.get(e)!, p.fp);
				docs.run(e.ord, p.doc);
				text.run(e.ord, e.f.title, e.f.summary, [...e.f.claimTexts, ...p.claimants].join(' '), p.keys);
			}
			console.error('events', performance.now() - started);
			const c = batch('claims (n, id, event_ord, by_actor, source, doc, hash)', 7);
			const ct = batch('claim_text (rowid, text, keys)', 3);
			for (const row of claims) c.run(...row);
			for (const row of claimText) ct.run(...row);
			const keyTables: [string, unknown[][], number][] = [
				['event_actors (actor, ord)', actors, 2],
				['event_tags (tag, ord)', tags, 2],
				['event_sources (source, ord)', sources, 2],
				['event_links (target, ord, type)', links, 3],
			];
			const all = [ev, docs, c, ct];
			for (const [head, rows, width] of keyTables) {
				const b = batch(head, width);
				for (const row of rows) b.run(...row);
				all.push(b);
			}
			for (const b of all) b.flush();
			for (const statement of INDEXES) db.exec(statement);
			for (const t of ['event_text', 'claim_text']) db.exec(`INSERT INTO ${t} (${t}) VALUES ('optimize')`);
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
	const timed = step === 'sqlite' ? sqliteStep(loaded.rows) : step === 'tables' ? tablesStep(loaded.full) : loaded;
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
	// The same with every table the commands read in place of the least SQLite work.
	const sumTables = sum - parts.sqlite + cpu.tables;
	reply({
		medianCpuMs: cpu,
		partsCpuMs: parts,
		partsAsParse: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v / cpu.parse)])),
		sumAsParse: round(sum / cpu.parse),
		// Two cores, every part perfectly overlapped: the least wall time, as a multiple of parse.
		twoCoresAtBestAsParse: round(sum / 2 / cpu.parse),
		// Every table: one connection's work (SQLite writes a file from one thread), and the whole on two cores.
		tablesAsParse: round(cpu.tables / cpu.parse),
		sumTablesAsParse: round(sumTables / cpu.parse),
		twoCoresAtBestWithTablesAsParse: round(sumTables / 2 / cpu.parse),
		runs: Object.fromEntries(all),
	});
} else reply(await runStep(dir, arg('step') as Step));
