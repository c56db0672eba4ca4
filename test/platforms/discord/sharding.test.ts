/**
 * Discord sharding with real processes: the parent runs discord.js' ShardingManager, every shard is
 * a `node --import tsx shard-process.ts` child with the real discord.js Client, all against the local
 * stand-in on 127.0.0.1. The stand-in routes each interaction to one shard's connection only.
 */
import { readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { createConfig } from '../../../src/config.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { silentLogger } from '../../../src/logger.js';
import { startDiscordShards, type DiscordShards } from '../../../src/platforms/discord/sharding.js';
import { startScheduler } from '../../../src/scheduler/briefing-scheduler.js';
import { openSqliteStores } from '../../../src/store/sqlite/sqlite-stores.js';
import { DiscordStandIn, user, type RecordedCall } from '../../helpers/discord-stand-in.js';
import {
	captureLines,
	DUE_NOW,
	seedDueBriefing,
	SHARD_FIXTURE,
	shardChildren,
	TWO_SHARD_GUILDS,
	type DueBriefing,
} from '../../helpers/discord-shards.js';

const TOKEN = 'shard-test-token-abcdefghijklmnop';
const ALICE = user('600000000000000001', 'alice');
const OWNER = user('600000000000000009', 'owner');
const DATA = SHARD_FIXTURE;
const NOW = DUE_NOW;
const [G0, G1] = TWO_SHARD_GUILDS;

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(20);
	}
}

const embedsText = (c: RecordedCall) =>
	((c.body?.['data'] as { embeds?: APIEmbed[] } | undefined)?.embeds ?? [])
		.map((e) => `${e.title ?? ''}\n${e.description ?? ''}\n${(e.fields ?? []).map((f) => `${f.name}: ${f.value}`).join('\n')}`)
		.join('\n');

describe('SITREP_SHARDS=2: two shard processes, the scheduler only in the parent', () => {
	let due: DueBriefing;
	let standIn: DiscordStandIn;
	let shards: DiscordShards;
	let db: string;
	let data: string;
	const reportedReloads: number[] = [];
	const removedGuilds: string[] = [];
	const out = captureLines();
	let startMs = 0;
	// A failure here is much easier to read next to what the shards logged.
	beforeEach(() => onTestFailed(() => console.error(`shard output:\n${out.lines.join('\n')}`)));

	beforeAll(async () => {
		// A briefing due right now: a scheduler in any process that can read this store would post it.
		due = await seedDueBriefing({ prefix: 'sitrep-shards-', createdBy: `discord:${ALICE.id}` });
		({ standIn, db, data } = due);
		const config = createConfig({
			DISCORD_TOKEN: TOKEN,
			DISCORD_APP_ID: standIn.appId,
			DISCORD_API_ROOT: standIn.apiRoot,
			SITREP_DB: db,
			SITREP_OWNERS: `discord:${OWNER.id}`,
			LOG_LEVEL: 'info',
		});
		// What main.ts does with a shard's report: reload itself (not here) and every shard.
		const onShardReload = (id: number): void => {
			reportedReloads.push(id);
			void shards.reload();
		};
		const t0 = performance.now();
		shards = await startDiscordShards({
			config,
			logger: silentLogger(),
			shards: 2,
			dataDir: data,
			now: NOW,
			onShardReload,
			onGuildRemoved: (id) => removedGuilds.push(id),
			output: out.stream,
			spawnDelayMs: 100,
			respawnDelayMs: 200,
			stopGraceMs: 5000,
		});
		startMs = performance.now() - t0;
	}, 60_000);

	afterAll(async () => {
		await shards?.stop();
		await due?.close();
	});

	it('runs two processes that identify as shard [0, 2] and [1, 2]', () => {
		console.info(`2 shards ready in ${Math.round(startMs)} ms (spawn → ready per shard: ${shards.readyMs.join(' ms, ')} ms)`);
		expect(shards.shardCount).toBe(2);
		expect(standIn.identifies.map((i) => i['shard'])).toEqual([
			[0, 2],
			[1, 2],
		]);
		expect(standIn.identifies.every((i) => i['intents'] === 1)).toBe(true);
		const pids = shards.status().map((s) => s.pid);
		expect(new Set(pids).size).toBe(2);
		expect(pids).not.toContain(process.pid);
		expect(shards.status().every((s) => s.ready)).toBe(true);
		expect(shards.connection().up).toBe(true);
		// Like Discord, the stand-in gave each shard only its own guild.
		expect([...standIn.shardOf.values()].sort()).toEqual([
			[0, 2],
			[1, 2],
		]);
	});

	it('answers an interaction dispatched on each shard’s own connection', async () => {
		for (const [shard, guildId] of [
			[0, G0],
			[1, G1],
		] as const) {
			const i = standIn.command({ name: 'timeline', options: { limit: 5 }, user: ALICE, guildId, shard });
			const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback`, 10_000);
			expect(cb.status).toBe(204);
			// A reply (4), or a deferral (5) then an edit when a loaded machine draws the picture slowly.
			const type = cb.body?.['type'];
			expect([4, 5]).toContain(type);
			const answer =
				type === 4
					? cb
					: await standIn.waitFor(
							(c) => c.method === 'PATCH' && c.path === `/webhooks/${standIn.appId}/${i.token}/messages/@original`,
							10_000,
						);
			expect(embedsText(type === 4 ? answer : { ...answer, body: { data: answer.body } })).toContain('Timeline');
		}
	});

	it('shards read the shared store: /subscriptions on shard 0 shows the seeded briefing', async () => {
		const i = standIn.command({ name: 'subscriptions', user: ALICE, guildId: G0, shard: 0 });
		const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback`, 10_000);
		expect(embedsText(cb)).toContain('Daily briefing in this chat');
		expect(embedsText(cb)).toContain('08:00');
	});

	it('a guild removal seen by a shard reaches the parent, which owns the subscriptions there (main.ts pauses them)', async () => {
		standIn.dispatch('GUILD_DELETE', { id: G1 }, { shard: 1 });
		await until(() => removedGuilds.includes(G1), 'the parent to hear of the removed guild');
		expect(removedGuilds).toEqual([G1]);
	});

	it('no shard runs a scheduler: the due briefing is posted only when the parent’s scheduler ticks, through REST', async () => {
		// Both shards have been up with the due subscription readable; a scheduler there ticks at start.
		await sleep(1000);
		expect(due.posts()).toHaveLength(0);
		const shardLines = out.json().filter((l) => 'shard' in l);
		expect(
			shardLines.some((l) => l['msg'] === 'Briefing scheduler started' || l['component'] === 'scheduler' || l['job'] === 'briefings'),
		).toBe(false);

		// The parent side, as main.ts runs it: the scheduler with the REST-only sender.
		const stores = openSqliteStores(db);
		const loaded = await loadDataset(DATA);
		if (!loaded.ok) throw new Error('fixture does not load');
		const snapshot = loaded.snapshot;
		const scheduler = startScheduler({
			store: stores.subscriptions,
			ledger: stores.ledger,
			senders: new Map([['discord', shards.sender]]),
			dataset: () => snapshot,
			clock: () => new Date(NOW),
			logger: silentLogger(),
			catchupMinutes: 120,
			tickOnStart: false,
		});
		try {
			const report = await scheduler.runTick(new Date(NOW));
			expect(report.due).toBe(1);
			const post = await standIn.waitFor(due.isPost);
			expect(post.authorization).toBe(`Bot ${TOKEN}`);
			expect(post.body?.['allowed_mentions']).toEqual({ parse: [] });
			expect(due.posts()).toHaveLength(1);
		} finally {
			await scheduler.stop();
			stores.close();
		}
	});

	it('shard processes log JSON lines to stderr with their shard bound', () => {
		const ready = out.json().filter((l) => l['msg'] === 'Shard ready');
		expect(ready.map((l) => [l['shard'], l['shardCount']]).sort()).toEqual([
			[0, 2],
			[1, 2],
		]);
		expect(out.lines.join('\n')).not.toContain(TOKEN);
	});

	it('asks every shard to reload its dataset', async () => {
		await shards.reload();
		await until(
			() => out.json().filter((l) => l['msg'] === 'Reload' && l['trigger'] === 'signal').length === 2,
			'both shards to reload',
		);
		expect(
			out
				.json()
				.filter((l) => l['msg'] === 'Reload')
				.map((l) => l['shard'])
				.sort(),
		).toEqual([0, 1]);
	});

	it('an owner’s /reload on one shard reaches the other shard through the parent, without echoing', async () => {
		const reloads = () => out.json().filter((l) => l['msg'] === 'Reload');
		const before = reloads().length;
		const story = path.join(data, 'story.yaml');
		writeFileSync(
			story,
			readFileSync(story, 'utf8').replace(
				'A small story for the Discord adapter tests.',
				'A small story for the Discord sharding tests.',
			),
		);
		const i = standIn.command({ name: 'reload', user: OWNER, guildId: G0, shard: 0 });
		const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback`, 10_000);
		expect(cb.status).toBe(204);
		await until(() => reloads().length >= before + 3, 'the command reload and both shards’ reloads');
		await sleep(500);
		const fresh = reloads().slice(before);
		expect(fresh.map((l) => [l['shard'], l['trigger'], l['result']])).toEqual(
			expect.arrayContaining([
				[0, 'command', 'swapped'],
				[1, 'signal', 'swapped'],
				[0, 'signal', 'unchanged'],
			]),
		);
		expect(fresh).toHaveLength(3);
		// Shard 1's swap came from the parent, so it was not reported back.
		expect(reportedReloads).toEqual([0]);
	});

	it('respawns a shard that dies (kill -9), which identifies again and answers', async () => {
		const before = shards.status().find((s) => s.id === 1)!;
		process.kill(before.pid!, 'SIGKILL');
		// The gateway counts as down for /healthz from the death until the respawned shard is ready.
		await until(() => !shards.connection().up, "the shards' gateway to be down");
		expect(shards.connection().reason).toMatch(/shard 1/u);
		await until(
			() => standIn.identifies.filter((i) => JSON.stringify(i['shard']) === '[1,2]').length === 2,
			'shard 1 to identify again',
		);
		await until(() => shards.status().find((s) => s.id === 1)!.ready, 'shard 1 to be ready again');
		await until(() => shards.connection().up, "the shards' gateway to be up again");
		const after = shards.status().find((s) => s.id === 1)!;
		expect(after.pid).not.toBe(before.pid);
		expect(after.deaths).toBe(1);
		expect(alive(before.pid!)).toBe(false);
		const i = standIn.command({ name: 'timeline', options: { limit: 5 }, user: ALICE, guildId: G1, shard: 1 });
		const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback`, 10_000);
		expect(cb.status).toBe(204);
		// A reply (4), or a deferral (5) when the fresh process draws its first picture slowly.
		expect([4, 5]).toContain(cb.body?.['type']);
		// Shard 0 was not disturbed.
		expect(standIn.identifies.filter((i) => JSON.stringify(i['shard']) === '[0,2]')).toHaveLength(1);
	});

	it('stop() ends every shard process and leaves no child behind', async () => {
		const pids = shards.status().map((s) => s.pid!);
		expect(shardChildren().sort()).toEqual([...pids].sort());
		const t0 = performance.now();
		await shards.stop();
		console.info(`stop() took ${Math.round(performance.now() - t0)} ms`);
		for (const pid of pids) expect(alive(pid)).toBe(false);
		expect(shardChildren()).toEqual([]);
		await until(() => standIn.shardOf.size === 0, 'gateway connections to close', 5000);
		expect(out.json().filter((l) => l['msg'] === 'Shard stopped')).toHaveLength(2);
	});
});

describe('SITREP_SHARDS=auto', () => {
	it('asks GET /gateway/bot for the recommended count and runs that many', async () => {
		const standIn = await DiscordStandIn.start({ recommendedShards: 2, guildIds: [...TWO_SHARD_GUILDS] });
		const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-shards-'));
		const config = createConfig({
			DISCORD_TOKEN: TOKEN,
			DISCORD_APP_ID: standIn.appId,
			DISCORD_API_ROOT: standIn.apiRoot,
			SITREP_DB: path.join(dir, 'sitrep.db'),
		});
		let shards: DiscordShards | undefined;
		const out = captureLines();
		onTestFailed(() => console.error(`shard output:\n${out.lines.join('\n')}`));
		try {
			shards = await startDiscordShards({
				config,
				logger: silentLogger(),
				shards: 'auto',
				dataDir: DATA,
				output: out.stream,
				spawnDelayMs: 100,
			});
			expect(shards.shardCount).toBe(2);
			// 2 is known only from GET /gateway/bot: the parent asked it (then each shard, for its session budget).
			expect(standIn.calls.filter((c) => c.path === '/gateway/bot').length).toBeGreaterThanOrEqual(3);
			expect(standIn.identifies.map((i) => i['shard'])).toEqual([
				[0, 2],
				[1, 2],
			]);
		} finally {
			await shards?.stop();
			await standIn.close();
			rmSync(dir, { recursive: true, force: true });
		}
		expect(shardChildren()).toEqual([]);
	}, 60_000);
});

describe('start-up failures', () => {
	it('rejects a bad count and a missing Discord configuration before spawning anything', async () => {
		const config = createConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APP_ID: '100000000000000001', DISCORD_API_ROOT: 'http://127.0.0.1:9' });
		await expect(startDiscordShards({ config, logger: silentLogger(), shards: 0, dataDir: DATA })).rejects.toThrow(
			/SITREP_SHARDS must be "auto" or a whole number/u,
		);
		await expect(startDiscordShards({ config, logger: silentLogger(), shards: 1.5, dataDir: DATA })).rejects.toThrow(/SITREP_SHARDS/u);
		await expect(startDiscordShards({ config: createConfig({}), logger: silentLogger(), shards: 2, dataDir: DATA })).rejects.toThrow(
			/Discord is not configured/u,
		);
		expect(shardChildren()).toEqual([]);
	});

	it('rejects, with every shard stopped, when a shard cannot start (bad dataset)', async () => {
		const standIn = await DiscordStandIn.start();
		const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-shards-'));
		const out = captureLines();
		try {
			const config = createConfig({
				DISCORD_TOKEN: TOKEN,
				DISCORD_APP_ID: standIn.appId,
				DISCORD_API_ROOT: standIn.apiRoot,
				SITREP_DB: path.join(dir, 'sitrep.db'),
			});
			await expect(
				startDiscordShards({
					config,
					logger: silentLogger(),
					shards: 1,
					dataDir: path.join(dir, 'no-such-dataset'),
					output: out.stream,
					respawnDelayMs: 50,
				}),
			).rejects.toThrow(/Discord shards failed to start/u);
			expect(out.json().some((l) => l['msg'] === 'Shard failed to start' && l['shard'] === 0)).toBe(true);
			expect(standIn.identifies).toHaveLength(0);
			expect(shardChildren()).toEqual([]);
		} finally {
			await standIn.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
