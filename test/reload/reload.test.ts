import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { diffBlocks } from '../../commands/reload.js';
import { Core } from '../../src/core/dispatch.js';
import type { Requester } from '../../src/core/command.js';
import { DatasetHolder } from '../../src/dataset/dataset-holder.js';
import { diffDatasets, diffDatasetsSliced } from '../../src/dataset/diff.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { Slicer } from '../../src/dataset/slices.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import { Reloader, type ReloadAuditEntry, type ReloadAuditLog } from '../../src/reload/reloader.js';
import { watchDataset } from '../../src/reload/watch-dataset.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function copyDemo(): string {
	const d = path.join(mkdtempSync(path.join(tmpdir(), 'sitrep-reload-')), 'data');
	dirs.push(path.dirname(d));
	cpSync('data', d, { recursive: true });
	return d;
}

const OWNER: Requester = { platform: 'console', userId: 'o', displayName: 'owner', isChannelAdmin: true, isOwner: true };
const MEMBER: Requester = { platform: 'telegram', userId: 'm', displayName: 'member', isChannelAdmin: true, isOwner: false };

async function setup() {
	const dir = copyDemo();
	const r = await loadDataset(dir);
	if (!r.ok) throw new Error('demo invalid');
	const holder = new DatasetHolder(r.snapshot);
	const entries: ReloadAuditEntry[] = [];
	const audit: ReloadAuditLog = {
		record: async (e) => {
			entries.unshift(e);
		},
		recent: async (n) => entries.slice(0, n),
	};
	const reloader = new Reloader({ holder, dataDir: dir, logger: silentLogger(), clock: () => new Date('2025-07-01T09:00:00Z'), audit });
	const core = new Core({
		registry,
		dataset: () => holder.current(),
		clock: () => new Date('2025-07-01T09:00:00Z'),
		logger: silentLogger(),
		services: { registry, reloader },
	});
	const ask = async (line: string, who: Requester = OWNER) => {
		const res = await core.handle({ line, requester: who, place: { platform: who.platform, channelId: 'c', kind: 'private' } });
		return { ...res, text: renderPlainText(res.reply) };
	};
	return { dir, holder, reloader, core, ask, entries };
}

const EVENT = 'events/2025-06-30-sputnik-azerbaijan-raid.yaml';

describe('/reload', () => {
	let s: Awaited<ReturnType<typeof setup>>;
	beforeEach(async () => {
		s = await setup();
	});

	it('is refused to anyone but the bot owners, on every platform', async () => {
		for (const platform of ['console', 'telegram', 'discord'] as const) {
			const r = await s.ask('/reload', { ...MEMBER, platform });
			expect(r.outcome.kind).toBe('denied');
			expect(r.text).toMatch(/for the bot's owners only/);
		}
	});

	it('swaps in the new dataset and lists exactly what changed', async () => {
		const before = s.holder.current();
		const f = path.join(s.dir, EVENT);
		writeFileSync(f, readFileSync(f, 'utf8').replace(/title: .*/, 'title: Police raid the Baku office of Sputnik Azerbaijan (edited)'));
		writeFileSync(
			path.join(s.dir, 'events/2025-12-31-new.yaml'),
			'events:\n  - id: new-event\n    date: 2025-12-31\n    title: A new event\n    summary: New.\n    actors: [{ actor: kremlin }]\n    sources: [tass-1983207]\n    status: reported\n',
		);
		const r = await s.ask('/reload');
		expect(r.outcome.kind).toBe('ok');
		expect(r.text).toMatch(/Reloaded: version \w+ replaces \w+/);
		expect(r.text).toMatch(/Events: \*1 added \(new-event\); 1 changed \(sputnik-azerbaijan-raid\)/);
		expect(r.text).toMatch(/Actors: no change/);
		expect(s.holder.current()).not.toBe(before);
		expect(s.holder.current().event('new-event')).toBeDefined();
	});

	it('dry_run shows the diff without swapping', async () => {
		const before = s.holder.current();
		rmSync(path.join(s.dir, 'events/2025-12-30-mustafayev-galuzin-compensation.yaml'), { force: true });
		const r = await s.ask('/reload dry_run:true');
		expect(r.text).toMatch(/Dry run/);
		expect(s.holder.current()).toBe(before);
	});

	it('a broken reload leaves the live dataset and every answer unchanged, and lists the errors like validate, without the values', async () => {
		const answers = await Promise.all(
			['/timeline limit:25', '/actor kremlin', '/event yekaterinburg-raids', '/briefing date:2025-06-30'].map((l) => s.ask(l)),
		);
		writeFileSync(path.join(s.dir, EVENT), 'events:\n  - id: sputnik-azerbaijan-raid\n    date: 2025-02-30\n');
		const r = await s.ask('/reload');
		expect(r.text).toMatch(/Reload failed: \d+ errors?\. The live dataset is unchanged\./);
		expect(r.text).toMatch(/events\/2025-06-30-sputnik-azerbaijan-raid\.yaml:3:11 {2}events\[0\]\.date {2}"…" does not exist/);
		expect(r.text).not.toContain('2025-02-30');
		const again = await Promise.all(
			['/timeline limit:25', '/actor kremlin', '/event yekaterinburg-raids', '/briefing date:2025-06-30'].map((l) => s.ask(l)),
		);
		expect(again.map((a) => a.text)).toEqual(answers.map((a) => a.text));
		expect(s.entries[0]).toMatchObject({ result: 'failed', trigger: 'command', requester: { displayName: 'owner' } });
	});

	it('records every reload in the audit log, shown by history:true', async () => {
		await s.ask('/reload');
		await s.ask('/reload dry_run:true');
		const r = await s.ask('/reload history:true');
		expect(r.text).toMatch(/dry run by owner \(console, command\)/);
		expect(r.text).toMatch(/unchanged by owner/);
	});
});

describe('the audit log', () => {
	it('a failing audit write is logged and never fails the reload, nor a failed one', async () => {
		const dir = copyDemo();
		const r = await loadDataset(dir);
		if (!r.ok) throw new Error('demo invalid');
		const holder = new DatasetHolder(r.snapshot);
		const lines: string[] = [];
		const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
		const audit: ReloadAuditLog = { record: () => Promise.reject(new Error('disk full')), recent: () => Promise.resolve([]) };
		const reloader = new Reloader({ holder, dataDir: dir, logger, clock: () => new Date('2025-07-01T09:00:00Z'), audit });
		writeFileSync(
			path.join(dir, 'events/2025-12-31-new.yaml'),
			'events:\n  - id: new-event\n    date: 2025-12-31\n    title: A new event\n    summary: New.\n    actors: [{ actor: kremlin }]\n    sources: [tass-1983207]\n    status: reported\n',
		);
		const ok = await reloader.reload({ requester: { platform: 'system', userId: 's', displayName: 's' }, trigger: 'signal' });
		expect(ok.ok && ok.result).toBe('swapped');
		expect(holder.current().event('new-event')).toBeDefined();
		writeFileSync(path.join(dir, EVENT), 'events:\n  - id: sputnik-azerbaijan-raid\n    date: 2025-02-30\n');
		const bad = await reloader.reload({ requester: { platform: 'system', userId: 's', displayName: 's' }, trigger: 'signal' });
		expect(bad.ok).toBe(false);
		const failures = lines
			.map((l) => JSON.parse(l) as { msg: string; result?: string; err?: { message: string } })
			.filter((l) => l.msg === 'Could not record the reload in the audit log');
		expect(failures.map((f) => [f.result, f.err?.message])).toEqual([
			['swapped', 'disk full'],
			['failed', 'disk full'],
		]);
	});

	it('awaits an asynchronous after-swap hook, and survives its rejection', async () => {
		const dir = copyDemo();
		const r = await loadDataset(dir);
		if (!r.ok) throw new Error('demo invalid');
		const holder = new DatasetHolder(r.snapshot);
		const seen: string[] = [];
		const reloader = new Reloader({
			holder,
			dataDir: dir,
			logger: silentLogger(),
			clock: () => new Date('2025-07-01T09:00:00Z'),
			onSwap: async (next) => {
				await new Promise((res) => setTimeout(res, 20));
				seen.push(next.version);
				throw new Error('hook failed');
			},
		});
		const f = path.join(dir, EVENT);
		writeFileSync(f, readFileSync(f, 'utf8').replace(/title: .*/, 'title: Edited'));
		const out = await reloader.reload({ requester: { platform: 'system', userId: 's', displayName: 's' }, trigger: 'watch' });
		expect(out.ok && out.result).toBe('swapped');
		expect(seen).toEqual([holder.current().version]);
	});

	it('is kept in SQLite and shown by /reload history:true', async () => {
		const s = await setup();
		const stores = openSqliteStores(':memory:');
		try {
			const reloader = new Reloader({
				holder: s.holder,
				dataDir: s.dir,
				logger: silentLogger(),
				clock: () => new Date('2025-07-01T09:00:00Z'),
				audit: stores.reloadAudit,
			});
			const core = new Core({
				registry,
				dataset: () => s.holder.current(),
				clock: () => new Date('2025-07-01T09:00:00Z'),
				logger: silentLogger(),
				services: { registry, reloader },
			});
			const ask = async (line: string) =>
				renderPlainText(
					(await core.handle({ line, requester: OWNER, place: { platform: 'console', channelId: 'c', kind: 'private' } })).reply,
				);
			expect(await ask('/reload history:true')).toMatch(/No reloads have been recorded yet/);
			await ask('/reload dry_run:true');
			await ask('/reload');
			const text = await ask('/reload history:true');
			expect(text).toMatch(
				/2025-07-01 09:00:00 UTC — unchanged by owner \(console, command\) — version \w+, \d+ events[\s\S]*dry run by owner/,
			);
			expect(await stores.reloadAudit.recent(10)).toMatchObject([{ result: 'unchanged' }, { result: 'dry_run', dryRun: true }]);
		} finally {
			stores.close();
		}
	});
});

describe('commands in flight during a reload', () => {
	it('finish on the snapshot they started with: none fails, none sees a mix of two versions', async () => {
		const s = await setup();
		const f = path.join(s.dir, 'story.yaml');
		const v1 = s.holder.current().version;
		const results: { version: string; ok: boolean }[] = [];
		const versionSeen = (): Promise<void> =>
			s.core
				.handle({
					line: '/briefing date:2025-06-30',
					requester: OWNER,
					place: { platform: 'console', channelId: 'c', kind: 'console' },
				})
				.then((r) => {
					const text = renderPlainText(r.reply);
					const m = /Dataset version (\w+)/.exec(text);
					results.push({ version: m?.[1] ?? '?', ok: r.outcome.kind === 'ok' });
				});
		const stream: Promise<void>[] = [];
		for (let round = 0; round < 5; round++) {
			writeFileSync(f, readFileSync(f, 'utf8').replace(/title: .*/, `title: The 2025 Russia–Azerbaijan rift (rev ${round})`));
			const reload = s.reloader.reload({ requester: { platform: 'system', userId: 't', displayName: 't' }, trigger: 'signal' });
			for (let i = 0; i < 20; i++) stream.push(versionSeen());
			await reload;
		}
		await Promise.all(stream);
		expect(results.every((r) => r.ok)).toBe(true);
		const versions = new Set(results.map((r) => r.version));
		expect(versions.size).toBeGreaterThan(1);
		expect(versions.has(v1) || versions.size >= 2).toBe(true);
		// Every answer names exactly one version, and it is one that was live at some point.
		expect([...versions].every((v) => v !== '?')).toBe(true);
	});
});

describe('diffs', () => {
	it('are exact for events, actors, sources and claims', async () => {
		const dir = copyDemo();
		const a = await loadDataset(dir);
		writeFileSync(
			path.join(dir, 'actors.yaml'),
			readFileSync(path.join(dir, 'actors.yaml'), 'utf8').replace('name: Dmitry Peskov', 'name: Dmitry S. Peskov'),
		);
		const ev = path.join(dir, 'events/2025-06-27-yekaterinburg-raids.yaml');
		writeFileSync(
			ev,
			readFileSync(ev, 'utf8').replace(/(text: )Six people were detained in total\./, '$1Six people in total were detained.'),
		);
		rmSync(path.join(dir, 'events/2025-12-30-mustafayev-galuzin-compensation.yaml'));
		const b = await loadDataset(dir);
		if (!a.ok || !b.ok) throw new Error('invalid');
		const d = diffDatasets(a.snapshot, b.snapshot);
		expect(d.actors).toEqual({ added: [], changed: ['dmitry-peskov'], removed: [] });
		expect(d.events.removed).toEqual(['mustafayev-galuzin-compensation']);
		expect(d.events.changed).toEqual([]);
		expect(d.claims.changed).toHaveLength(1);
		expect(d.sources).toEqual({ added: [], changed: [], removed: [] });
		expect(d.vocabularyChanged).toBe(false);
	});

	it('diff in slices as a reload does, with the same result, giving the event loop turns between records', async () => {
		const dir = copyDemo();
		const a = await loadDataset(dir);
		const file = path.join(dir, 'actors.yaml');
		writeFileSync(file, readFileSync(file, 'utf8').replace('name: Dmitry Peskov', 'name: Dmitry S. Peskov'));
		rmSync(path.join(dir, 'events/2025-12-30-mustafayev-galuzin-compensation.yaml'));
		const b = await loadDataset(dir);
		if (!a.ok || !b.ok) throw new Error('invalid');
		// A task that asks for a turn again and again counts the turns the diff gives the loop (a timer
		// would count milliseconds, which a fast machine may not spend).
		let turns = 0;
		let counting = true;
		const spin = (): void => {
			if (!counting) return;
			turns++;
			setImmediate(spin);
		};
		setImmediate(spin);
		// A slice of 0 ms: a turn after every step.
		const sliced = await diffDatasetsSliced(a.snapshot, b.snapshot, new Slicer(0));
		counting = false;
		expect(sliced).toEqual(diffDatasets(a.snapshot, b.snapshot));
		expect(sliced.events.removed).toEqual(['mustafayev-galuzin-compensation']);
		expect(sliced.actors.changed).toEqual(['dmitry-peskov']);
		expect(turns).toBeGreaterThan(2);
	});

	it('say when outlets or labels changed, and when a source moved to another outlet', async () => {
		const dir = copyDemo();
		const a = await loadDataset(dir);
		writeFileSync(
			path.join(dir, 'outlets.yaml'),
			readFileSync(path.join(dir, 'outlets.yaml'), 'utf8').replace("Russia's federal news agency", "Russia's state news agency"),
		);
		const b = await loadDataset(dir);
		writeFileSync(
			path.join(dir, 'sources.yaml'),
			readFileSync(path.join(dir, 'sources.yaml'), 'utf8').replace('outlet: tengri-times', 'outlet: intellinews'),
		);
		const c = await loadDataset(dir);
		if (!a.ok || !b.ok || !c.ok) throw new Error('invalid');
		const d = diffDatasets(a.snapshot, b.snapshot);
		expect(d.vocabularyChanged).toBe(true);
		expect(d.sources.changed).toEqual([]);
		expect(renderPlainText({ blocks: diffBlocks(d) })).toContain('Outlets, or the labels of topics, tags or roles, changed.');
		expect(diffDatasets(b.snapshot, c.snapshot).sources.changed).toEqual(['tengritimes-putin-aliyev-dushanbe']);
	});
});

describe('the file watcher', () => {
	it("turns an editor's burst of writes into one reload", async () => {
		const s = await setup();
		let calls = 0;
		const w = watchDataset(s.dir, () => calls++, { debounceMs: 150, logger: silentLogger() });
		const f = path.join(s.dir, EVENT);
		const text = readFileSync(f, 'utf8');
		// Truncate, write in pieces, and touch a swap file, as editors do.
		writeFileSync(f, '');
		writeFileSync(f, text.slice(0, 100));
		writeFileSync(f, text);
		writeFileSync(path.join(s.dir, 'events/.raid.yaml.swp'), 'x');
		await new Promise((r) => setTimeout(r, 600));
		w.close();
		expect(calls).toBe(1);
	});
});

describe('a reload that removes too much of the story', () => {
	let s: Awaited<ReturnType<typeof setup>>;
	beforeEach(async () => {
		s = await setup();
	});

	it('is refused when events/ is deleted, says what would go and how to confirm; confirm:true swaps', async () => {
		const before = s.holder.current();
		const events = before.counts.events;
		rmSync(path.join(s.dir, 'events'), { recursive: true });
		const refused = await s.ask('/reload');
		expect(refused.text).toMatch(/Not reloaded: the files on disk would remove more than the allowed share/);
		expect(refused.text).toContain(`Events: ${events} of ${events} would be removed (`);
		expect(refused.text).toContain('/reload confirm:true');
		expect(s.holder.current()).toBe(before);
		expect(s.entries[0]).toMatchObject({ result: 'failed', errorCount: 0 });
		const dry = await s.ask('/reload dry_run:true');
		expect(dry.text).toMatch(/would need \/reload confirm:true/);
		expect(s.holder.current()).toBe(before);
		const confirmed = await s.ask('/reload confirm:true');
		expect(confirmed.text).toMatch(/Reloaded: version/);
		expect(s.holder.current().counts.events).toBe(0);
	});

	it('is never confirmed by the file watch or a signal, even when asked to', async () => {
		const before = s.holder.current();
		rmSync(path.join(s.dir, 'events'), { recursive: true });
		for (const trigger of ['watch', 'signal'] as const) {
			const r = await s.reloader.reload({
				requester: { platform: 'system', userId: 'system', displayName: 'system' },
				trigger,
				confirm: true,
			});
			expect(r.ok).toBe(false);
			expect(r.ok ? [] : r.shrink?.map((x) => x.kind)).toContain('events');
		}
		expect(s.holder.current()).toBe(before);
	});

	it('accepts removing up to the configured share without confirmation', async () => {
		const all = readdirSync(path.join(s.dir, 'events')).sort();
		// The latest two fifths of the event files (nothing earlier refers to them): under the
		// default half, over a configured quarter.
		for (const f of all.slice(all.length - Math.floor((all.length * 2) / 5))) rmSync(path.join(s.dir, 'events', f));
		const strict = new Reloader({
			holder: s.holder,
			dataDir: s.dir,
			logger: silentLogger(),
			clock: () => new Date('2025-07-01T09:00:00Z'),
			maxRemovedShare: 0.25,
		});
		const refused = await strict.reload({
			requester: { platform: 'system', userId: 'system', displayName: 'system' },
			trigger: 'watch',
		});
		expect(refused.ok).toBe(false);
		const r = await s.ask('/reload');
		expect(r.text).toMatch(/Reloaded: version/);
	});
});
