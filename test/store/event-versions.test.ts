import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { MIGRATIONS, schemaVersion } from '../../src/store/sqlite/migrations.js';
import { openDatabase } from '../../src/store/sqlite/open-database.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { sqliteExecutor } from '../../src/store/sqlite/sqlite-executor.js';
import { RECORDED_VERSIONS_KEPT, SqlEventVersions } from '../../src/store/sql-small-stores.js';
import type { SqlExecutor } from '../../src/store/sql.js';
import { copyDemo, newEventYaml, type DemoCopy } from '../helpers/demo-copy.js';
import { titled, useStoreBackends } from '../helpers/store-backends.js';
import { tempDir } from '../scheduler/helpers/fixtures.js';
import { firstSeenOf, introducedOf } from '../helpers/version-maps.js';

const backends = useStoreBackends();
const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

function dbFile(): string {
	const t = tempDir('sitrep-versions-');
	cleanups.push(t.cleanup);
	return path.join(t.dir, 'sitrep.db');
}

function open(file: string) {
	const stores = openSqliteStores(file);
	cleanups.push(() => stores.close());
	return stores;
}

function demo(): DemoCopy {
	const d = copyDemo();
	cleanups.push(d.cleanup);
	return d;
}

const T1 = new Date('2025-07-01T00:00:00.000Z');
const T2 = new Date('2025-07-02T00:00:00.000Z');
const T3 = new Date('2025-07-03T00:00:00.000Z');
const RAID = 'events/2025-06-30-sputnik-azerbaijan-raid.yaml';
const REGRETS = 'events/2025-06-30-kremlin-regrets-azerbaijan-decisions.yaml';
const REGRETS_ID = 'kremlin-regrets-azerbaijan-decisions';

describe('event version fingerprints', () => {
	it('are SHA-256 hex, one per event, stable across loads of the same files', async () => {
		const d = demo();
		const a = (await d.load()).eventFingerprints();
		const b = (await d.load()).eventFingerprints();
		expect(a.size).toBeGreaterThan(30);
		expect([...a.values()].every((f) => /^[0-9a-f]{64}$/u.test(f))).toBe(true);
		expect(b).toEqual(a);
	});

	it('change with the event, and with one of its claims, and with nothing else', async () => {
		const d = demo();
		const a = (await d.load()).eventFingerprints();
		d.edit(RAID, (t) => t.replace(/title: .*/u, 'title: Police raid the Sputnik Azerbaijan office (edited)'));
		d.edit(REGRETS, (t) => t.replace('wants good relations with Azerbaijan.', 'wants good relations with Azerbaijan (edited).'));
		const b = (await d.load()).eventFingerprints();
		const changed = [...b.keys()].filter((id) => a.get(id) !== b.get(id));
		expect(changed.sort()).toEqual(['kremlin-regrets-azerbaijan-decisions', 'sputnik-azerbaijan-raid']);
	});
});

describe.each(titled(backends))('EventVersionStore on %s', (_title, backend) => {
	const stores = async () => (await backend.fresh()).open();

	it.skipIf(backend.skip)('records when each version was first seen, and keeps the first time', async () => {
		const d = demo();
		const { eventVersions: ev } = await stores();
		expect(await ev.trackingSince()).toBeUndefined();
		const v1 = await d.load();
		await ev.recordSnapshot(v1, T1);
		await ev.recordSnapshot(await d.load(), T2); // the same files again: nothing new
		const seen1 = await firstSeenOf(ev, v1);
		expect(seen1.size).toBe([...v1.eachEvent()].length);
		expect(new Set(seen1.values())).toEqual(new Set([T1.toISOString()]));
		expect(await ev.trackingSince()).toBe(T1.toISOString());

		d.edit(RAID, (t) => t.replace(/title: .*/u, 'title: Police raid the Sputnik Azerbaijan office (edited)'));
		d.write('events/2025-07-02-late.yaml', newEventYaml('late-report', '2025-07-02'));
		const v2 = await d.load();
		await ev.recordSnapshot(v2, T3);
		const seen2 = await firstSeenOf(ev, v2);
		const introduced2 = await introducedOf(ev, v2);
		expect(seen2.get('sputnik-azerbaijan-raid')).toBe(T3.toISOString());
		expect(introduced2.get('sputnik-azerbaijan-raid')).toBe(T1.toISOString());
		expect(seen2.get('late-report')).toBe(T3.toISOString());
		expect(introduced2.get('late-report')).toBe(T3.toISOString());
		expect(
			[...seen2]
				.filter(([, at]) => at !== T1.toISOString())
				.map(([id]) => id)
				.sort(),
		).toEqual(['late-report', 'sputnik-azerbaijan-raid']);
		// The old snapshot's versions are still known with their own times.
		expect((await firstSeenOf(ev, v1)).get('sputnik-azerbaijan-raid')).toBe(T1.toISOString());
		expect((await firstSeenOf(ev, v1)).has('late-report')).toBe(false);
		expect(await ev.trackingSince()).toBe(T1.toISOString());
	});

	it.skipIf(backend.skip)('is idempotent across connections, as two processes on one file are', async () => {
		const d = demo();
		const fresh = await backend.fresh();
		const [a, b, c] = [await fresh.open(), await fresh.open(), await fresh.open()];
		const v1 = await d.load();
		await a.eventVersions.recordSnapshot(v1, T1);
		await b.eventVersions.recordSnapshot(v1, T2);
		expect(new Set((await firstSeenOf(b.eventVersions, v1)).values())).toEqual(new Set([T1.toISOString()]));
		// Two processes recording a new version at the same moment: one time wins for both.
		d.write('events/2025-07-02-late.yaml', newEventYaml('late-report', '2025-07-02'));
		const [v2a, v2b] = [await d.load(), await d.load()];
		await Promise.all([b.eventVersions.recordSnapshot(v2a, T2), c.eventVersions.recordSnapshot(v2b, T3)]);
		const late = (await firstSeenOf(a.eventVersions, v2a)).get('late-report');
		expect([T2.toISOString(), T3.toISOString()]).toContain(late);
		expect((await firstSeenOf(c.eventVersions, v2b)).get('late-report')).toBe(late);
		expect(await c.eventVersions.trackingSince()).toBe(T1.toISOString());
	});

	it.skipIf(backend.skip)('leaves out events whose current version was never recorded', async () => {
		const d = demo();
		const { eventVersions: ev } = await stores();
		await ev.recordSnapshot(await d.load(), T1);
		d.edit(RAID, (t) => t.replace(/title: .*/u, 'title: Edited, not recorded'));
		const v2 = await d.load();
		expect((await firstSeenOf(ev, v2)).has('sputnik-azerbaijan-raid')).toBe(false);
		expect((await introducedOf(ev, v2)).has('sputnik-azerbaijan-raid')).toBe(false);
		expect((await firstSeenOf(ev, v2)).size).toBe([...v2.eachEvent()].length - 1);
	});
	it.skipIf(backend.skip)('answers the tracking start for events unchanged since, and lists only later versions', async () => {
		const d = demo();
		const fresh = await backend.fresh();
		const { eventVersions: ev } = await fresh.open();
		const v1 = await d.load();
		await ev.recordSnapshot(v1, T1);
		d.edit(RAID, (t) => t.replace(/title: .*/u, 'title: Police raid the Sputnik Azerbaijan office (edited)'));
		d.write('events/2025-07-02-late.yaml', newEventYaml('late-report', '2025-07-02'));
		const v2 = await d.load();
		await ev.recordSnapshot(v2, T3);
		const times = await ev.versionTimes(v2);
		expect(times.trackingSince).toBe(T1.toISOString());
		expect(times.marks).toEqual([T1.toISOString(), T3.toISOString()]);
		expect([...times.updatedAfter(T1.toISOString())].sort()).toEqual(['late-report', 'sputnik-azerbaijan-raid']);
		expect(times.updatedAfter(T3.toISOString())).toEqual([]);
		// Asked about a time before tracking began, every recorded event is news, the early ones first.
		const all = times.updatedAfter('2025-06-01T00:00:00.000Z');
		expect(new Set(all)).toEqual(new Set([...v2.eachEvent()].map((e) => e.id)));
		expect(all.slice(-2).sort()).toEqual(['late-report', 'sputnik-azerbaijan-raid']);
		expect(times.firstSeen(REGRETS_ID)).toBe(T1.toISOString());
		expect(times.introduced(REGRETS_ID)).toBe(T1.toISOString());
		expect(times.firstSeen('no-such-event')).toBeUndefined();
		expect(times.introduced('no-such-event')).toBeUndefined();
		// Read by a connection that did not record the snapshot: checked against the table page by page, same answers.
		const other = (await fresh.open()).eventVersions;
		const again = await other.versionTimes(await d.load());
		for (const e of v2.eachEvent()) {
			expect(again.firstSeen(e.id)).toBe(times.firstSeen(e.id));
			expect(again.introduced(e.id)).toBe(times.introduced(e.id));
		}
		expect(again.marks).toEqual(times.marks);
	});
});

/** Counts the passes over a snapshot's versions (every recording or checking pass reads them so). */
function passesOver(snapshot: DatasetSnapshot): { readonly count: () => number } {
	const spy = vi.spyOn(snapshot, 'eventFingerprintPages');
	return { count: () => spy.mock.calls.length };
}

/** The snapshot's versions read 5 events a page, failing (as a crash would) when the third page is asked for. */
function crashingAfterTwoPages(snapshot: DatasetSnapshot): void {
	const pages = snapshot.eventFingerprintPages.bind(snapshot);
	vi.spyOn(snapshot, 'eventFingerprintPages').mockImplementation(function* () {
		let n = 0;
		for (const page of pages(5)) {
			if (++n === 3) throw new Error('the process died here');
			yield page;
		}
	});
}

describe.each(titled(backends))('a recorded dataset version on %s', (_title, backend) => {
	it.skipIf(backend.skip)('is not recorded again: another process with the same version reads no event version', async () => {
		const d = demo();
		const fresh = await backend.fresh();
		const [a, b] = [await fresh.open(), await fresh.open()];
		const v1 = await d.load();
		expect(await a.eventVersions.recordSnapshot(v1, T1)).toBe(true);
		const again = await d.load(); // the next start: the same files, a new snapshot, a new connection
		expect(again.version).toBe(v1.version);
		const passes = passesOver(again);
		expect(await b.eventVersions.recordSnapshot(again, T2)).toBe(false);
		// Nor does reading the times check the snapshot against the table page by page.
		const times = await b.eventVersions.versionTimes(again);
		expect(passes.count()).toBe(0);
		expect(times.firstSeen(REGRETS_ID)).toBe(T1.toISOString());
		expect(new Set((await firstSeenOf(b.eventVersions, again)).values())).toEqual(new Set([T1.toISOString()]));
	});

	it.skipIf(backend.skip)('is recorded again when the dataset changed, and then skipped in turn', async () => {
		const d = demo();
		const fresh = await backend.fresh();
		await (await fresh.open()).eventVersions.recordSnapshot(await d.load(), T1);
		d.write('events/2025-07-02-late.yaml', newEventYaml('late-report', '2025-07-02'));
		const v2 = await d.load();
		const passes = passesOver(v2);
		const { eventVersions: ev } = await fresh.open();
		expect(await ev.recordSnapshot(v2, T2)).toBe(true);
		expect(passes.count()).toBe(1);
		expect((await firstSeenOf(ev, v2)).get('late-report')).toBe(T2.toISOString());
		const v2again = await d.load();
		const later = passesOver(v2again);
		expect(await (await fresh.open()).eventVersions.recordSnapshot(v2again, T3)).toBe(false);
		expect(later.count()).toBe(0);
	});

	it.skipIf(backend.skip)('is finished at the next start when a pass was cut short, keeping the pages already in', async () => {
		const d = demo();
		const fresh = await backend.fresh();
		const first = await d.load();
		crashingAfterTwoPages(first);
		await expect((await fresh.open()).eventVersions.recordSnapshot(first, T1)).rejects.toThrow('the process died here');

		const next = await d.load();
		const passes = passesOver(next);
		const { eventVersions: ev } = await fresh.open();
		expect(await ev.recordSnapshot(next, T2)).toBe(true);
		expect(passes.count()).toBe(1);
		const seen = await firstSeenOf(ev, next);
		expect(seen.size).toBe([...next.eachEvent()].length);
		// The two pages committed before the crash keep their time; the rest were first seen at the second start.
		const counts = { [T1.toISOString()]: 0, [T2.toISOString()]: 0 };
		for (const at of seen.values()) counts[at] = (counts[at] ?? 0) + 1;
		expect(counts).toEqual({ [T1.toISOString()]: 10, [T2.toISOString()]: seen.size - 10 });

		const third = await d.load();
		expect(await (await fresh.open()).eventVersions.recordSnapshot(third, T3)).toBe(false);
	});

	it.skipIf(backend.skip)('is noted once when two processes record it at the same moment', async () => {
		const d = demo();
		const fresh = await backend.fresh();
		const [a, b, c] = [await fresh.open(), await fresh.open(), await fresh.open()];
		const [va, vb] = [await d.load(), await d.load()];
		expect(await Promise.all([a.eventVersions.recordSnapshot(va, T1), b.eventVersions.recordSnapshot(vb, T2)])).toEqual([true, true]);
		const seen = await firstSeenOf(c.eventVersions, va);
		expect(seen.size).toBe([...va.eachEvent()].length);
		expect(new Set(seen.values()).size).toBe(1);
		expect(await c.eventVersions.recordSnapshot(await d.load(), T3)).toBe(false);
	});
});

describe('recorded dataset versions kept', () => {
	it(`are the newest ${RECORDED_VERSIONS_KEPT}: an older one is recorded again if it returns`, async () => {
		const stores = open(dbFile());
		const note = stores.db.prepare('INSERT INTO event_versions_recorded (dataset_version, events, recorded_at) VALUES (?, 1, ?)');
		for (let i = 0; i < RECORDED_VERSIONS_KEPT + 5; i++)
			note.run(`old-${String(i).padStart(3, '0')}`, new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString());
		const d = demo();
		expect(await stores.eventVersions.recordSnapshot(await d.load(), T1)).toBe(true);
		const kept = (
			stores.db.prepare('SELECT dataset_version FROM event_versions_recorded ORDER BY recorded_at').all() as {
				dataset_version: string;
			}[]
		).map((r) => r.dataset_version);
		expect(kept).toHaveLength(RECORDED_VERSIONS_KEPT);
		expect(kept[0]).toBe('old-006');
		expect(kept.at(-1)).not.toMatch(/^old-/u);
	});
});

describe('migration 2', () => {
	it('upgrades an existing version-1 database in place, keeping its rows', async () => {
		const file = dbFile();
		const v1 = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version === 1) });
		expect(schemaVersion(v1)).toBe(1);
		v1.prepare(
			"INSERT INTO subscriptions (platform, channel_id, time, timezone, created_by, created_at, updated_at, effective_from) VALUES ('telegram', '-100', '09:00', 'Asia/Baku', 't', 'a', 'a', 'a')",
		).run();
		v1.prepare(
			"INSERT INTO deliveries (subscription_id, local_date, scheduled_at, platform, channel_id, status, created_at, updated_at) VALUES (1, '2025-06-30', 's', 'telegram', '-100', 'sent', '2025-06-30T05:00:00.000Z', '2025-06-30T05:00:01.000Z')",
		).run();
		const tables = (db: typeof v1) =>
			(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
				(r) => r.name,
			);
		expect(tables(v1)).not.toContain('event_versions');
		v1.close();

		const stores = open(file);
		expect(schemaVersion(stores.db)).toBe(MIGRATIONS.at(-1)!.version);
		expect(tables(stores.db)).toEqual(expect.arrayContaining(['deliveries', 'event_versions', 'reload_audit', 'subscriptions']));
		expect((await stores.subscriptions.list()).map((s) => s.channelId)).toEqual(['-100']);
		expect(await stores.ledger.lastSent(1)).toBe('2025-06-30T05:00:01.000Z');
		const d = demo();
		const snapshot = await d.load();
		await stores.eventVersions.recordSnapshot(snapshot, T1);
		expect((await firstSeenOf(stores.eventVersions, snapshot)).size).toBe([...snapshot.eachEvent()].length);
		await stores.reloadAudit.record({
			at: T1.toISOString(),
			requester: { platform: 'console', userId: 'o', displayName: 'o' },
			trigger: 'command',
			dryRun: false,
			result: 'unchanged',
			durationMs: 1,
		});
		expect(await stores.reloadAudit.recent(5)).toHaveLength(1);
		// Migration 1 is untouched; every later version is recorded once.
		expect(stores.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
			MIGRATIONS.map((m) => ({ version: m.version })),
		);
	});
});

describe('recording a snapshot page by page', () => {
	it('inserts each page in its own transaction, serving the event loop between pages, with the same rows as one pass', async () => {
		const d = demo();
		const snapshot = await d.load();
		const events = [...snapshot.eachEvent()].length;
		const paged = open(dbFile());
		const sql = sqliteExecutor(paged.db);
		const transactions: number[] = [];
		let turns = 0;
		const counting: SqlExecutor = {
			...sql,
			dialect: sql.dialect,
			grouped: (work) => {
				transactions.push(turns);
				return sql.grouped(work);
			},
		};
		const ev = new SqlEventVersions(counting, 7);
		// Counts turns of the event loop while recording runs.
		let spinning = true;
		const spin = () => {
			turns++;
			if (spinning) setImmediate(spin);
		};
		setImmediate(spin);
		await ev.recordSnapshot(snapshot, T1);
		spinning = false;
		expect(transactions.length).toBe(Math.ceil(events / 7));
		// Every page after the first began on a later turn than the one before it.
		for (let i = 1; i < transactions.length; i++) expect(transactions[i]!).toBeGreaterThan(transactions[i - 1]!);

		const whole = open(dbFile());
		await whole.eventVersions.recordSnapshot(snapshot, T1);
		const rows = (db: typeof paged.db) =>
			db.prepare('SELECT event_id, fingerprint, first_seen_at FROM event_versions ORDER BY 1, 2').all();
		expect(rows(paged.db)).toEqual(rows(whole.db));
		expect(rows(paged.db)).toHaveLength(events);
	});
});
