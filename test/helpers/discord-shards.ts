/**
 * What the Discord sharding tests share: guild ids that Discord routes to a given shard, a briefing
 * due right now seeded in a fresh store beside a copy of the Discord fixture dataset, the shard
 * processes this test process spawned, and a sink for the shards' log lines.
 *
 *   const due = await seedDueBriefing({ prefix: 'sitrep-machines-', createdBy: `discord:${ALICE.id}` });
 *   … start processes with SITREP_DB=due.db, SITREP_DATA=due.data, SITREP_NOW=DUE_NOW …
 *   expect(due.posts()).toHaveLength(1);
 *   await due.close();
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { DiscordStandIn, GUILD, shardOfGuild, TEXT_CHANNEL, type RecordedCall } from './discord-stand-in.js';

/** The Discord fixture dataset the shard tests load. */
export const SHARD_FIXTURE = path.resolve('test/fixtures/discord');

/** 08:30 in Baku: the seeded 08:00 briefing is due (catch-up window 120 minutes). */
export const DUE_NOW = '2025-07-10T08:30:00+04:00';

/** The first guild id from GUILD on that Discord routes to `shard` of `count`. */
export function guildForShard(shard: number, count: number): string {
	let id = BigInt(GUILD);
	while (shardOfGuild(id.toString(), count) !== shard) id += 1n << 22n;
	return id.toString();
}

/** A guild on shard 0 of 2 (the briefing's channel is in it) and one on shard 1 of 2. */
export const TWO_SHARD_GUILDS: readonly [string, string] = [guildForShard(0, 2), guildForShard(1, 2)];

/** The stand-in, the files and the store of {@link seedDueBriefing}. */
export interface DueBriefing {
	/** A Discord stand-in that knows both {@link TWO_SHARD_GUILDS}. */
	readonly standIn: DiscordStandIn;
	/** The temporary directory holding the dataset copy and the store. */
	readonly dir: string;
	/** A copy of {@link SHARD_FIXTURE}, which a test may edit. */
	readonly data: string;
	/** The SQLite store with the due subscription. */
	readonly db: string;
	/** Whether a call the stand-in received is a message posted in the seeded channel. */
	isPost(c: RecordedCall): boolean;
	/** The messages posted in the seeded channel so far. */
	posts(): RecordedCall[];
	/** Closes the stand-in and removes the directory. */
	close(): Promise<void>;
}

/**
 * Starts a stand-in and seeds a store with a daily 08:00 Baku briefing in TEXT_CHANNEL of the
 * shard-0 guild, due at {@link DUE_NOW}: a scheduler in any process that can read the store would
 * post it at its first tick, so a test sees which processes run one.
 */
export async function seedDueBriefing(options: { readonly prefix: string; readonly createdBy: string }): Promise<DueBriefing> {
	const standIn = await DiscordStandIn.start({ guildIds: [...TWO_SHARD_GUILDS] });
	const dir = mkdtempSync(path.join(tmpdir(), options.prefix));
	const data = path.join(dir, 'data');
	const db = path.join(dir, 'sitrep.db');
	try {
		cpSync(SHARD_FIXTURE, data, { recursive: true });
		const stores = openSqliteStores(db);
		try {
			await stores.subscriptions.upsert(
				{
					platform: 'discord',
					channelId: TEXT_CHANNEL,
					guildId: TWO_SHARD_GUILDS[0],
					time: '08:00',
					timezone: 'Asia/Baku',
					quiet: false,
					createdBy: options.createdBy,
				},
				new Date('2025-07-09T00:00:00Z'),
			);
		} finally {
			stores.close();
		}
	} catch (err) {
		await standIn.close();
		rmSync(dir, { recursive: true, force: true });
		throw err;
	}
	const isPost = (c: RecordedCall): boolean => c.method === 'POST' && c.path === `/channels/${TEXT_CHANNEL}/messages`;
	return {
		standIn,
		dir,
		data,
		db,
		isPost,
		posts: () => standIn.calls.filter(isPost),
		close: async () => {
			await standIn.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Processes whose parent is this one and that run the shard script (Linux /proc). */
export function shardChildren(): number[] {
	const out: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/u.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('shard-process.ts'))
				out.push(Number(entry));
		} catch {
			// The process ended while we looked.
		}
	}
	return out;
}

/** The lines shard processes write (their `output`), kept for assertions and for a failure's report. */
export interface CapturedLines {
	readonly lines: string[];
	readonly stream: Writable;
	/** The lines that are JSON log records, parsed. */
	json(): Record<string, unknown>[];
}

export function captureLines(): CapturedLines {
	const lines: string[] = [];
	return {
		lines,
		stream: new Writable({
			write(chunk: Buffer, _enc, done) {
				lines.push(...chunk.toString().split('\n').filter(Boolean));
				done();
			},
		}),
		json: () => lines.flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : [])),
	};
}
