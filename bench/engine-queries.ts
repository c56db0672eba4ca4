/**
 * The query shapes the commands need at 1M events, run against a built dataset file (issue #22).
 *
 * The seam: {@link measureQueries} takes a {@link SnapshotFactory}. Until the engine's snapshot
 * class lands, {@link rawSqlEngine} answers each shape with the prepared statements a snapshot over
 * format.ts would run (and parses the records it returns, as the snapshot would). When the snapshot
 * (and Core.handle over it) land, a factory that opens the snapshot and maps each case to its
 * method — or to a command through Core.handle — is passed instead, from a module named with
 * `--factory path#export` (see bench/engine.ts); the arguments every case rotates through
 * ({@link QuerySample}) stay the same, so the figures compare.
 */
import Database from 'better-sqlite3';
import { ordOf } from '../src/dataset/engine/format.js';
import { nameKey } from '../src/dataset/engine/writer.js';
import { indexTokens } from '../src/dataset/text.js';

/** The arguments the cases rotate through: drawn from the built file, before anything is timed. */
export interface QuerySample {
	/** [first day, last day] of calendar months holding events. */
	readonly months: readonly (readonly [number, number])[];
	readonly actorIds: readonly string[];
	/** Names as a reader types them (an actor's name, as written). */
	readonly actorNames: readonly string[];
	/** Tag and status index (eventStatuses) pairs. */
	readonly tagStatus: readonly (readonly [string, number])[];
	readonly eventIds: readonly string[];
	/** The two commonest indexed words of event text, as a reader would type them. */
	readonly commonWords: string;
	/** Days with events, for a briefing of that day. */
	readonly days: readonly number[];
	/** month × 100 + day, for "on this day". */
	readonly monthDays: readonly number[];
	/** Now, ms: events hidden until later (embargoes) stay hidden. */
	readonly now: number;
}

/** One query shape: `run(i)` answers the i-th argument of the sample (rotating) and returns what it read. */
export interface QueryCase {
	readonly name: string;
	run(i: number): unknown;
}

export interface OpenedEngine {
	readonly cases: readonly QueryCase[];
	close(): void;
}

/** Opens a built dataset file for the benchmark: the seam the real snapshot class is plugged into. */
export type SnapshotFactory = (file: string, sample: QuerySample) => OpenedEngine | Promise<OpenedEngine>;

/** Days since 1970-01-01 of a UTC date. */
function dayOf(y: number, m: number, d: number): number {
	return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** A seeded sample of arguments from a built file (`count` of each). */
export function drawSample(file: string, count = 200, seed = 7): QuerySample {
	const db = new Database(file, { readonly: true, fileMustExist: true });
	try {
		let a = seed;
		const r = (): number => {
			a = (a * 1103515245 + 12345) & 0x7fffffff;
			return a / 0x80000000;
		};
		const range = db.prepare('SELECT min(ord) AS lo, max(ord) AS hi FROM events').get() as { lo: number; hi: number };
		const nActors = (db.prepare('SELECT count(*) AS n FROM actors').get() as { n: number }).n;
		// Events by a random ord: the first at or after it (ords are sparse).
		const eventAt = db.prepare('SELECT id, first_day FROM events WHERE ord >= ? ORDER BY ord LIMIT 1');
		const actorAt = db.prepare("SELECT id, json_extract(doc, '$.name') AS name FROM actors WHERE n = ?");
		const events = Array.from(
			{ length: count },
			() => eventAt.get(Math.floor(range.lo + r() * (range.hi - range.lo))) as { id: string; first_day: number },
		);
		const actors = Array.from({ length: count }, () => actorAt.get(Math.floor(r() * nActors)) as { id: string; name: string });
		const tags = (db.prepare('SELECT DISTINCT tag FROM event_tags').all() as { tag: string }[]).map((t) => t.tag);
		const months = events.map((e) => {
			const d = new Date(e.first_day * 86_400_000);
			const y = d.getUTCFullYear();
			const m = d.getUTCMonth() + 1;
			return [dayOf(y, m, 1), dayOf(y, m + 1, 1) - 1] as const;
		});
		// The commonest words: document counts from the text table's vocabulary.
		db.exec('CREATE VIRTUAL TABLE temp.event_vocab USING fts5vocab(main, event_text, row)');
		const common = db
			.prepare("SELECT term FROM temp.event_vocab WHERE term NOT LIKE 'a\\_%' ESCAPE '\\' ORDER BY doc DESC LIMIT 2")
			.all() as { term: string }[];
		return {
			months,
			actorIds: actors.map((x) => x.id),
			actorNames: actors.map((x) => x.name),
			tagStatus: events.map((_, i) => [tags[Math.floor(r() * tags.length)]!, i % 4] as const),
			eventIds: events.map((e) => e.id),
			commonWords: common.map((c) => c.term).join(' '),
			days: events.map((e) => e.first_day),
			monthDays: events.map(() => (1 + Math.floor(r() * 12)) * 100 + 1 + Math.floor(r() * 28)),
			now: Date.now(),
		};
	} finally {
		db.close();
	}
}

/** Page size of a timeline or search page, and the cap of a counted total ("1,000+"). */
export const PAGE = 10;
export const COUNT_CAP = 1000;

/**
 * The cases answered with raw SQL over format.ts, the way a snapshot would run them: prepared once,
 * a visibility filter (`hide_at`) on every event, records parsed from their JSON.
 */
export function rawSqlEngine(file: string, sample: QuerySample): OpenedEngine {
	const db = new Database(file, { readonly: true, fileMustExist: true });
	const maxSpan = Number((db.prepare("SELECT value FROM meta WHERE key = 'max_span'").get() as { value: string }).value);
	const docs = (rows: readonly { doc: string }[]): unknown[] => rows.map((x) => JSON.parse(x.doc) as unknown);
	// Events overlapping [from, to]: their first day is at most `to` and at least `from - max_span`, a
	// rowid range; the last day is checked row by row.
	const overlapping = 'e.ord >= @lo AND e.ord < @hi AND e.last_day >= @from AND e.hide_at <= @now';
	const rangeArgs = (from: number, to: number, now: number): { lo: number; hi: number; from: number; now: number } => ({
		lo: ordOf(from - maxSpan, 0),
		hi: ordOf(to + 1, 0),
		from,
		now,
	});
	const s = {
		rangePage: db.prepare(
			`SELECT d.doc FROM events e JOIN event_docs d ON d.ord = e.ord WHERE ${overlapping} ORDER BY e.ord LIMIT ${PAGE}`,
		),
		rangeCount: db.prepare(`SELECT count(*) AS n FROM events e WHERE ${overlapping}`),
		rangeAll: db.prepare(`SELECT d.doc FROM events e JOIN event_docs d ON d.ord = e.ord WHERE ${overlapping} ORDER BY e.ord`),
		actorPage: db.prepare(
			`SELECT d.doc FROM event_actors a JOIN events e ON e.ord = a.ord JOIN event_docs d ON d.ord = a.ord WHERE a.actor = ? AND e.hide_at <= ? ORDER BY a.ord DESC LIMIT ${PAGE}`,
		),
		actorCount: db.prepare(
			'SELECT count(*) AS n FROM event_actors a JOIN events e ON e.ord = a.ord WHERE a.actor = ? AND e.hide_at <= ?',
		),
		tagStatusPage: db.prepare(
			`SELECT d.doc FROM event_tags t JOIN events e ON e.ord = t.ord JOIN event_docs d ON d.ord = t.ord WHERE t.tag = ? AND e.status = ? AND e.hide_at <= ? ORDER BY t.ord DESC LIMIT ${PAGE}`,
		),
		tagStatusCount: db.prepare(
			`SELECT count(*) AS n FROM (SELECT 1 FROM event_tags t JOIN events e ON e.ord = t.ord WHERE t.tag = ? AND e.status = ? AND e.hide_at <= ? LIMIT ${COUNT_CAP + 1})`,
		),
		searchPage: db.prepare(
			`SELECT d.doc FROM event_text t JOIN events e ON e.ord = t.rowid JOIN event_docs d ON d.ord = t.rowid WHERE event_text MATCH ? AND e.hide_at <= ? ORDER BY t.rowid DESC LIMIT ${PAGE}`,
		),
		searchCount: db.prepare(
			`SELECT count(*) AS n FROM (SELECT 1 FROM event_text t JOIN events e ON e.ord = t.rowid WHERE event_text MATCH ? AND e.hide_at <= ? LIMIT ${COUNT_CAP + 1})`,
		),
		eventById: db.prepare('SELECT d.doc FROM events e JOIN event_docs d ON d.ord = e.ord WHERE e.id = ? AND e.hide_at <= ?'),
		actorByKey: db.prepare(
			'SELECT a.doc FROM actor_keys k JOIN actors a ON a.id = k.actor WHERE k.kind = 0 AND k.key = ? ORDER BY a.n LIMIT 5',
		),
		mdPage: db.prepare(
			`SELECT d.doc FROM events e JOIN event_docs d ON d.ord = e.ord WHERE e.md = ? AND e.hide_at <= ? ORDER BY e.ord DESC LIMIT ${PAGE}`,
		),
		mdCount: db.prepare('SELECT count(*) AS n FROM events e WHERE e.md = ? AND e.hide_at <= ?'),
	};
	const at = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;
	// The query's words folded as the index was, each quoted (a reader's words are never FTS5 syntax).
	const match = (words: string): string =>
		indexTokens(words)
			.map((w) => `"${w}"`)
			.join(' ');
	const now = sample.now;
	const cases: QueryCase[] = [
		{
			name: 'timeline: month, page + total',
			run: (i) => {
				const [from, to] = at(sample.months, i);
				return [docs(s.rangePage.all(rangeArgs(from, to, now)) as { doc: string }[]), s.rangeCount.get(rangeArgs(from, to, now))];
			},
		},
		{
			name: 'timeline: actor, page + total',
			run: (i) => {
				const id = at(sample.actorIds, i);
				return [docs(s.actorPage.all(id, now) as { doc: string }[]), s.actorCount.get(id, now)];
			},
		},
		{
			name: 'timeline: tag + status, page + capped total',
			run: (i) => {
				const [tag, status] = at(sample.tagStatus, i);
				return [docs(s.tagStatusPage.all(tag, status, now) as { doc: string }[]), s.tagStatusCount.get(tag, status, now)];
			},
		},
		{
			name: 'search: commonest two words, newest 10',
			run: () => docs(s.searchPage.all(match(sample.commonWords), now) as { doc: string }[]),
		},
		{
			name: 'search: commonest two words, capped count',
			run: () => s.searchCount.get(match(sample.commonWords), now),
		},
		{
			name: 'event by id',
			run: (i) => docs(s.eventById.all(at(sample.eventIds, i), now) as { doc: string }[]),
		},
		{
			name: 'actor by name key',
			run: (i) => docs(s.actorByKey.all(nameKey(at(sample.actorNames, i))) as { doc: string }[]),
		},
		{
			name: 'briefing: one day, every event',
			run: (i) => {
				const day = at(sample.days, i);
				return docs(s.rangeAll.all(rangeArgs(day, day, now)) as { doc: string }[]);
			},
		},
		{
			name: 'on this day: page + total',
			run: (i) => {
				const md = at(sample.monthDays, i);
				return [docs(s.mdPage.all(md, now) as { doc: string }[]), s.mdCount.get(md, now)];
			},
		},
	];
	return { cases, close: () => db.close() };
}

export interface CaseStats {
	readonly n: number;
	/** Wall clock per call: what a user waits, on this machine as loaded as it was. */
	readonly p50Ms: number;
	readonly p99Ms: number;
	readonly maxMs: number;
	/** Process CPU time per call: the engine's own cost, without the time other processes had the core. */
	readonly cpuP50Ms: number;
	readonly cpuP99Ms: number;
	/** What one call returned, as a size check (rows or a count). */
	readonly sampleResult: string;
}

function quantile(sorted: readonly number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** What a call returned, in a few words: "10 rows + count 85". */
function describe(result: unknown): string {
	const isCount = (x: unknown): boolean => !!x && typeof x === 'object' && 'n' in x;
	if (isCount(result)) return `count ${String((result as { n: unknown }).n)}`;
	if (Array.isArray(result))
		return result.some((x) => Array.isArray(x) || isCount(x)) ? result.map(describe).join(' + ') : `${result.length} rows`;
	return result === undefined ? 'nothing' : 'a value';
}

/**
 * Runs every case `runs` times after `warmup` calls, cases interleaved (one call of each in turn) so
 * that a busy spell of the machine falls on all of them alike.
 */
export async function measureQueries(
	file: string,
	factory: SnapshotFactory,
	sample: QuerySample,
	runs: number,
	warmup = 20,
): Promise<Record<string, CaseStats>> {
	const engine = await factory(file, sample);
	try {
		const wall = engine.cases.map(() => [] as number[]);
		const cpu = engine.cases.map(() => [] as number[]);
		const results = engine.cases.map((c) => describe(c.run(0)));
		for (let i = 0; i < warmup; i++) for (const c of engine.cases) c.run(i);
		for (let i = 0; i < runs; i++) {
			engine.cases.forEach((c, k) => {
				const u = process.cpuUsage();
				const t = performance.now();
				c.run(i);
				wall[k]!.push(performance.now() - t);
				const d = process.cpuUsage(u);
				cpu[k]!.push((d.user + d.system) / 1000);
			});
		}
		const out: Record<string, CaseStats> = {};
		engine.cases.forEach((c, k) => {
			const w = wall[k]!.sort((a, b) => a - b);
			const u = cpu[k]!.sort((a, b) => a - b);
			out[c.name] = {
				n: w.length,
				p50Ms: r3(quantile(w, 0.5)),
				p99Ms: r3(quantile(w, 0.99)),
				maxMs: r3(w[w.length - 1]!),
				cpuP50Ms: r3(quantile(u, 0.5)),
				cpuP99Ms: r3(quantile(u, 0.99)),
				sampleResult: results[k]!,
			};
		});
		return out;
	} finally {
		engine.close();
	}
}
