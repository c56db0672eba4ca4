/**
 * SITREP_SHARDS=first-last/total: two process groups (as two machines would run them), each a
 * ShardingManager with real shard processes, against one Discord stand-in and one store. Together
 * they identify as every shard of the bot once; each group runs only its own shards, holds only its
 * guilds and answers only their interactions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { createConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/logger.js';
import { startDiscordShards, type DiscordShards } from '../../../src/platforms/discord/sharding.js';
import { DiscordStandIn, user } from '../../helpers/discord-stand-in.js';
import { captureLines, guildForShard, SHARD_FIXTURE, shardChildren } from '../../helpers/discord-shards.js';

const TOKEN = 'shard-range-token-abcdefghijklmnop';
const ALICE = user('600000000000000001', 'alice');
const DATA = SHARD_FIXTURE;
const TOTAL = 3;

const GUILDS = Array.from({ length: TOTAL }, (_, s) => guildForShard(s, TOTAL));

describe(`two machines sharing one bot of ${TOTAL} shards: SITREP_SHARDS=0/${TOTAL} and 1-2/${TOTAL}`, () => {
	let standIn: DiscordStandIn;
	let dir: string;
	const groups: DiscordShards[] = [];
	const { lines, stream: output } = captureLines();
	beforeEach(() => onTestFailed(() => console.error(`shard output:\n${lines.join('\n')}`)));

	beforeAll(async () => {
		standIn = await DiscordStandIn.start({ guildIds: GUILDS });
		dir = mkdtempSync(path.join(tmpdir(), 'sitrep-ranges-'));
		const env = {
			DISCORD_TOKEN: TOKEN,
			DISCORD_APP_ID: standIn.appId,
			DISCORD_API_ROOT: standIn.apiRoot,
			SITREP_DB: path.join(dir, 'sitrep.db'),
		};
		for (const range of [`0/${TOTAL}`, `1-2/${TOTAL}`]) {
			const config = createConfig({ ...env, SITREP_SHARDS: range });
			groups.push(
				await startDiscordShards({
					config,
					logger: silentLogger(),
					shards: config.shards!,
					dataDir: DATA,
					output,
					spawnDelayMs: 100,
					stopGraceMs: 5000,
				}),
			);
		}
	}, 90_000);

	afterAll(async () => {
		for (const g of groups) await g.stop();
		await standIn?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('each group runs only its own shards, and together they identify as every shard once', () => {
		const [a, b] = groups;
		expect(a!.shardIds).toEqual([0]);
		expect(b!.shardIds).toEqual([1, 2]);
		expect(a!.status().map((s) => s.id)).toEqual([0]);
		expect(
			b!
				.status()
				.map((s) => s.id)
				.sort(),
		).toEqual([1, 2]);
		expect(groups.every((g) => g.shardCount === TOTAL)).toBe(true);
		const identified = standIn.identifies.map((i) => i['shard'] as [number, number]);
		expect(identified.map(([id]) => id).sort()).toEqual([0, 1, 2]);
		expect(identified.every(([, count]) => count === TOTAL)).toBe(true);
		// Three processes in all, one per shard.
		const pids = groups.flatMap((g) => g.status().map((s) => s.pid));
		expect(new Set(pids).size).toBe(3);
	});

	it('answers an interaction on every shard, each from the group that holds it', async () => {
		for (let shard = 0; shard < TOTAL; shard++) {
			const i = standIn.command({ name: 'timeline', options: { limit: 5 }, user: ALICE, guildId: GUILDS[shard]!, shard });
			const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback`, 15_000);
			expect(cb.status).toBe(204);
			expect([4, 5]).toContain(cb.body?.['type']);
		}
	});

	it('stop() of one group ends only its shards; the other keeps serving', async () => {
		const before = shardChildren().length;
		expect(before).toBe(3);
		await groups[0]!.stop();
		expect(shardChildren()).toHaveLength(2);
		const i = standIn.command({ name: 'timeline', options: { limit: 5 }, user: ALICE, guildId: GUILDS[2]!, shard: 2 });
		const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback`, 15_000);
		expect(cb.status).toBe(204);
	});
});

describe('shard ranges in the configuration', () => {
	it('reads a range, a single shard of a total, a count and auto', () => {
		expect(createConfig({ SITREP_SHARDS: '0-3/8' }).shards).toEqual({ first: 0, last: 3, total: 8 });
		expect(createConfig({ SITREP_SHARDS: '4/8' }).shards).toEqual({ first: 4, last: 4, total: 8 });
		expect(createConfig({ SITREP_SHARDS: '2' }).shards).toBe(2);
		expect(createConfig({ SITREP_SHARDS: 'auto' }).shards).toBe('auto');
	});

	it('runs the scheduler on exactly one machine: the one with shard 0, unless told otherwise', () => {
		expect(createConfig({ SITREP_SHARDS: '0-3/8' }).scheduler).toBe(true);
		expect(createConfig({ SITREP_SHARDS: '4-7/8' }).scheduler).toBe(false);
		expect(createConfig({ SITREP_SHARDS: '4-7/8', SITREP_SCHEDULER: 'on' }).scheduler).toBe(true);
		expect(createConfig({ SITREP_SHARDS: '0-3/8', SITREP_SCHEDULER: 'off' }).scheduler).toBe(false);
		expect(createConfig({ SITREP_SHARDS: '2' }).scheduler).toBe(true);
		expect(createConfig({}).scheduler).toBe(true);
	});

	it('says what is wrong with a bad range and how to write it', () => {
		expect(() => createConfig({ SITREP_SHARDS: '3-1/8' })).toThrow(/runs backwards; write the lower shard first, e\.g\. 1-3\/8/u);
		expect(() => createConfig({ SITREP_SHARDS: '0-8/8' })).toThrow(/shard ids run from 0 to 7 for 8 shards; 8 is past the end/u);
		expect(() => createConfig({ SITREP_SHARDS: '0-3/0' })).toThrow(/such as 0-3\/8/u);
		expect(() => createConfig({ SITREP_SHARDS: 'two' })).toThrow(
			/SITREP_SHARDS is "auto", a number of Discord shards such as 2, or this machine's shards/u,
		);
		expect(() => createConfig({ SITREP_SCHEDULER: 'maybe' })).toThrow(/SITREP_SCHEDULER is auto/u);
	});

	it('refuses a range outside its total before spawning anything', async () => {
		const config = createConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APP_ID: '100000000000000001', DISCORD_API_ROOT: 'http://127.0.0.1:9' });
		await expect(
			startDiscordShards({ config, logger: silentLogger(), shards: { first: 2, last: 5, total: 4 }, dataDir: DATA }),
		).rejects.toThrow(/range of shard ids within the total/u);
		expect(shardChildren()).toEqual([]);
	});
});
