/**
 * Discord sharding: `SITREP_SHARDS=auto|N` runs discord.js' ShardingManager; `SITREP_SHARDS=0-3/8`
 * runs only shards 0..3 of a bot of 8, so that several machines share one bot, each with its range.
 *
 * Process layout
 * ──────────────
 *   parent (the one `sitrep start` process)
 *     ├─ scheduler, Telegram, ops endpoints, SIGHUP reload   ← main.ts, exactly once
 *     ├─ the Discord REST sender the scheduler posts through  ← returned by startDiscordShards
 *     └─ ShardingManager ─┬─ shard 0: shard-process.ts (gateway connection + interactions)
 *                         ├─ shard 1: shard-process.ts
 *                         └─ …
 *
 * Posting a briefing is a plain REST call and needs no gateway, so the scheduler stays in the parent
 * and posts through a REST-only sender; the shards only hold gateway connections and answer
 * interactions. shard-process.ts never imports the scheduler, so no shard can post a briefing.
 * Shards open the same store as the parent (SQLite in WAL mode is shared between processes) so that
 * /subscribe, /subscriptions and /unsubscribe work on every shard.
 *
 * Several machines (shard ranges)
 * ───────────────────────────────
 *   machine A: SITREP_SHARDS=0-3/8  → shards 0..3, identifying as [n, 8]; runs the scheduler
 *   machine B: SITREP_SHARDS=4-7/8  → shards 4..7; SITREP_SCHEDULER=auto turns its scheduler off
 * Discord routes each guild to shard (guild_id >> 22) % 8, so together the ranges must cover 0..7
 * once each (nothing here can see the other machines' settings). All of them use one PostgreSQL
 * store (DATABASE_URL): subscriptions, the delivery ledger and paging keys are shared, so a page
 * sent by one machine turns on another and the one scheduler posts every guild's briefing over REST.
 *
 * Lifecycle: shards are spawned one after another (Discord allows one IDENTIFY per 5 s per
 * max_concurrency bucket). A shard that crashes (non-zero exit or killed by a signal) is spawned
 * again after a back-off (1 s, doubling to 60 s; reset once a shard has stayed up for 60 s).
 * discord.js' own `respawn` is off because it respawns at once, in a tight loop for a shard that
 * crashes at start-up. A shard that exits 0 was told to stop (SIGTERM/SIGINT from an operator or a
 * supervisor that signals the whole process group) and is not respawned. stop() sends SIGTERM to every
 * shard, waits for it to exit, and SIGKILLs one that does not exit in time. A shard whose parent dies
 * exits by itself (its IPC channel closes), so no orphan keeps a gateway session.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult, type Shard } from 'discord.js';
import type { Config, ShardRange } from '../../config.js';
import type { ConnectionState, PlatformSender } from '../../core/delivery.js';
import type { Logger } from '../../logger.js';
import { siblingModule } from '../../sibling-module.js';
import { restApiBase } from './deploy-commands.js';
import { createDiscordSender, describeError } from './discord-sender.js';

/** The script every shard process runs: shard-process.ts from src/ (with tsx's loader), shard-process.js from dist/. */
const SHARD_PROCESS = siblingModule(import.meta.url, 'shard-process');
export const SHARD_PROCESS_FILE = SHARD_PROCESS.path;
/**
 * V8's young generation grows to 32 MB in a busy bot process and stays there; 4 MB semi-spaces hold
 * the bot's short-lived garbage (as `npm start` runs the bot; bench/README.md "Steady memory, round three").
 */
const SHARD_V8_FLAGS = ['--max-semi-space-size=4'];

/** IPC, parent → shard: reload the dataset (DiscordShards.reload). */
export const RELOAD_MESSAGE = { sitrep: 'reload' } as const;
/** IPC, shard → parent: an owner's /reload swapped this shard's dataset (DiscordShardsOptions.onShardReload). */
export const SHARD_RELOADED_MESSAGE = { sitrep: 'reloaded' } as const;
/**
 * IPC, shard → parent: Discord removed the bot from a guild this shard serves. The parent owns the
 * subscriptions' fate (DiscordShardsOptions.onGuildRemoved pauses them and tells the owners).
 */
export const GUILD_REMOVED_MESSAGE = { sitrep: 'guild-removed' } as const;

export interface DiscordShardsOptions {
	readonly config: Config;
	readonly logger: Logger;
	/**
	 * SITREP_SHARDS: a shard count, 'auto' for the count GET /gateway/bot recommends, or this
	 * machine's range of a bot's shards.
	 */
	readonly shards: 'auto' | number | ShardRange;
	/** The dataset directory each shard loads (main.ts: --data or SITREP_DATA). */
	readonly dataDir: string;
	/** Replay instant (--now / SITREP_NOW) for the shards' clocks. */
	readonly now?: string;
	/** Extra environment for the shard processes; it wins over everything derived from `config`. */
	readonly env?: Record<string, string>;
	/** Where the shards' log lines go, one whole line per write. Default: this process's stderr. */
	readonly output?: NodeJS.WritableStream;
	/** Wait between spawning two shards. Default 5500 ms (discord.js' default, one IDENTIFY per 5 s). */
	readonly spawnDelayMs?: number;
	/** How long one shard may take to become ready. Default 60 s. */
	readonly readyTimeoutMs?: number;
	/** First respawn delay after a crash; doubles per crash up to 60 s. Default 1000 ms. */
	readonly respawnDelayMs?: number;
	/** How long stop() lets a shard shut down before SIGKILL. Default 10 s. */
	readonly stopGraceMs?: number;
	/**
	 * An owner's /reload reached one shard and changed its dataset. Reload the parent's dataset and
	 * call DiscordShards.reload() here so every process serves the same version (a shard whose
	 * dataset is already current does not report again, so this cannot loop).
	 */
	readonly onShardReload?: (shardId: number) => void;
	/** A shard reports that the bot was removed from a guild (see {@link GUILD_REMOVED_MESSAGE}). */
	readonly onGuildRemoved?: (guildId: string) => void;
}

/** One shard as the parent sees it. */
export interface ShardStatus {
	readonly id: number;
	/** The current process id; undefined while the shard is down (waiting to respawn). */
	readonly pid: number | undefined;
	readonly ready: boolean;
	/** How many times the shard's process has died unexpectedly. */
	readonly deaths: number;
}

export interface DiscordShards {
	/** REST-only sender for channel posts (the scheduler's); it needs no gateway connection. */
	readonly sender: PlatformSender;
	/** How many shards the bot has in all (the resolved count for 'auto'; a range's total). */
	readonly shardCount: number;
	/** The ids of the shards this process group runs: 0..shardCount-1, or a range's. */
	readonly shardIds: readonly number[];
	/** Milliseconds from spawning each shard's process to its ready, by shard id. */
	readonly readyMs: readonly number[];
	/** Where each shard is, e.g. for a health endpoint. */
	status(): ShardStatus[];
	/** The gateway as one connection for /healthz: up while every shard is ready, down since the first was not. */
	connection(): ConnectionState;
	/** Asks every running shard to reload its dataset (call it beside the parent's own reload). */
	reload(): Promise<void>;
	/** Stops every shard and resolves once all their processes have exited. */
	stop(): Promise<void>;
}

const MAX_RESPAWN_DELAY_MS = 60_000;
/** A shard that stayed up this long starts its back-off from the beginning again. */
const STABLE_MS = 60_000;

/**
 * Starts `shards` Discord shard processes under discord.js' ShardingManager and resolves once every
 * one is ready. Rejects (with every shard already stopped) when Discord is not configured, the count
 * is invalid, or a shard cannot get ready. The returned sender posts over REST from this process.
 */
export async function startDiscordShards(opts: DiscordShardsOptions): Promise<DiscordShards> {
	const discord = opts.config.discord;
	if (!discord) throw new Error('Discord is not configured: set DISCORD_TOKEN and DISCORD_APP_ID in .env');
	const range = typeof opts.shards === 'object' ? opts.shards : undefined;
	if (range) {
		const ok =
			[range.first, range.last, range.total].every(Number.isInteger) &&
			range.first >= 0 &&
			range.first <= range.last &&
			range.last < range.total;
		if (!ok)
			throw new Error(
				`SITREP_SHARDS must be a range of shard ids within the total, such as 0-3/8, not ${range.first}-${range.last}/${range.total}`,
			);
	} else if (opts.shards !== 'auto' && !(typeof opts.shards === 'number' && Number.isInteger(opts.shards) && opts.shards >= 1)) {
		throw new Error(`SITREP_SHARDS must be "auto" or a whole number of at least 1, not ${String(opts.shards)}`);
	}
	const logger = opts.logger.child({ platform: 'discord', component: 'shards' });
	const output = opts.output ?? process.stderr;

	const rest = new REST({
		...(discord.apiRoot ? { api: restApiBase(discord.apiRoot) } : {}),
		// As in the gateway client: a long rate limit fails the send (transient) instead of stalling the scheduler.
		rejectOnRateLimit: (limit) => Math.max(limit.timeToReset, limit.retryAfter) > 10_000,
	}).setToken(discord.token);
	const closeRest = (): void => {
		rest.clearHashSweeper();
		rest.clearHandlerSweeper();
	};

	let shardCount: number;
	try {
		shardCount = opts.shards === 'auto' ? await recommendedShards(rest) : range ? range.total : (opts.shards as number);
	} catch (err) {
		closeRest();
		throw new Error(`Could not ask Discord for the recommended shard count: ${err instanceof Error ? err.message : String(err)}`, {
			cause: err,
		});
	}
	const shardIds = range
		? Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i)
		: Array.from({ length: shardCount }, (_, i) => i);
	logger.info(
		{ shards: shardCount, ids: range ? `${range.first}-${range.last}` : 'all', requested: opts.shards },
		'Starting Discord shards',
	);

	const manager = createManager(discord.token, shardCount, shardIds);
	const env = { ...shardEnv(opts.config, opts.dataDir, opts.now), ...(opts.env ?? {}) };
	const spawnedAt = new Map<number, number>();
	const readyMs: number[] = [];
	/** Unexpected deaths per shard, in all and in a row (for the back-off). */
	const deaths = new Map<number, number>();
	const streaks = new Map<number, number>();
	const readyTimeout = opts.readyTimeoutMs ?? 60_000;
	const timers = new Map<number, NodeJS.Timeout>();
	/** Every shard process not yet closed, with a promise for its 'close' (exited, output drained). */
	const live = new Map<ChildProcess, Promise<void>>();
	let stopping = false;

	const respawnLater = (shard: Shard, child: ChildProcess): void => {
		const upMs = performance.now() - (spawnedAt.get(shard.id) ?? 0);
		const n = upMs > STABLE_MS ? 1 : (streaks.get(shard.id) ?? 0) + 1;
		streaks.set(shard.id, n);
		deaths.set(shard.id, (deaths.get(shard.id) ?? 0) + 1);
		const delay = Math.min(MAX_RESPAWN_DELAY_MS, (opts.respawnDelayMs ?? 1000) * 2 ** (n - 1));
		logger.error({ shard: shard.id, code: child.exitCode, signal: child.signalCode, inMs: delay }, 'Discord shard died; respawning');
		timers.set(
			shard.id,
			setTimeout(() => {
				timers.delete(shard.id);
				if (stopping) return;
				// A rejection here is a respawned shard that died or was slow again; 'death' schedules the next try.
				shard
					.spawn(readyTimeout)
					.catch((err: unknown) =>
						logger.warn({ shard: shard.id, err: describeError(err) }, 'Respawned Discord shard not ready'),
					);
			}, delay),
		);
	};

	// The shards' gateway as one connection: down from the moment any shard is not ready.
	let gateway: ConnectionState = { up: false, since: Date.now(), reason: 'shards starting' };
	const refresh = (reason: string): void => {
		const up = manager.shards.size > 0 && [...manager.shards.values()].every((s) => s.ready && s.process);
		if (up !== gateway.up) gateway = up ? { up, since: Date.now() } : { up, since: Date.now(), reason };
	};

	manager.on('shardCreate', (shard) => {
		// Shard copied this process's environment when it was created; add ours (see createManager).
		shard.env = { ...(shard.env as Record<string, string>), ...env, SHARDING_MANAGER_MODE: 'process' };
		shard.on('spawn', (spawned) => {
			const child = spawned as ChildProcess;
			spawnedAt.set(shard.id, performance.now());
			live.set(
				child,
				new Promise((resolve) =>
					child.once('close', () => {
						live.delete(child);
						resolve();
					}),
				),
			);
			forwardLines(child, output);
			logger.info({ shard: shard.id, pid: child.pid }, 'Discord shard process spawned');
		});
		shard.on('ready', () => {
			const ms = Math.round(performance.now() - (spawnedAt.get(shard.id) ?? 0));
			readyMs[shard.id] ??= ms;
			logger.info({ shard: shard.id, ms }, 'Discord shard ready');
			refresh('');
		});
		shard.on('message', (message: unknown) => {
			if (
				typeof message === 'object' &&
				message !== null &&
				(message as { sitrep?: unknown }).sitrep === SHARD_RELOADED_MESSAGE.sitrep
			) {
				logger.info({ shard: shard.id }, 'A Discord shard reloaded its dataset');
				opts.onShardReload?.(shard.id);
			} else if (
				typeof message === 'object' &&
				message !== null &&
				(message as { sitrep?: unknown }).sitrep === GUILD_REMOVED_MESSAGE.sitrep
			) {
				const guildId = (message as { guildId?: unknown }).guildId;
				if (typeof guildId === 'string' && /^\d{1,25}$/u.test(guildId)) opts.onGuildRemoved?.(guildId);
			}
		});
		shard.on('disconnect', () => {
			logger.warn({ shard: shard.id }, 'Discord shard disconnected');
			refresh(`shard ${shard.id} disconnected from the gateway`);
		});
		shard.on('reconnecting', () => {
			logger.info({ shard: shard.id }, 'Discord shard reconnecting');
			refresh(`shard ${shard.id} reconnecting to the gateway`);
		});
		shard.on('resume', () => refresh(''));
		// Without a listener an 'error' event would throw in this process.
		shard.on('error', (err) => logger.error({ shard: shard.id, err: describeError(err) }, 'Discord shard error'));
		shard.on('death', (child) => {
			if (stopping) return;
			// discord.js emits 'death' before it clears the shard's ready flag: down from now on.
			if (gateway.up) gateway = { up: false, since: Date.now(), reason: `shard ${shard.id}'s process died` };
			const c = child as ChildProcess;
			if (c.exitCode === 0) {
				logger.warn(
					{ shard: shard.id },
					'Discord shard stopped on a signal; not respawning (its guilds are offline until restart)',
				);
				return;
			}
			respawnLater(shard, c);
		});
	});

	const stop = async (): Promise<void> => {
		stopping = true;
		for (const t of timers.values()) clearTimeout(t);
		timers.clear();
		// Also waits for processes that already exited, until their last log line is through.
		const children = [...live];
		await Promise.all(children.map(([child, closed]) => stopChild(child, closed, opts.stopGraceMs ?? 10_000, logger)));
		closeRest();
		logger.info({ processes: children.length }, 'Discord shards stopped');
	};

	const started = performance.now();
	try {
		await manager.spawn({ amount: shardCount, delay: opts.spawnDelayMs ?? 5500, timeout: readyTimeout });
	} catch (err) {
		logger.error({ err: describeError(err) }, 'Discord shards failed to start');
		await stop();
		throw new Error(`Discord shards failed to start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
	}
	logger.info(
		{
			shards: shardCount,
			ids: shardIds.length === shardCount ? 'all' : `${shardIds[0]}-${shardIds.at(-1)}`,
			ms: Math.round(performance.now() - started),
			readyMs,
		},
		'Discord shards ready',
	);

	let stopped: Promise<void> | undefined;
	return {
		sender: createDiscordSender(rest, logger),
		shardCount,
		shardIds,
		readyMs,
		connection: () => gateway,
		status: () =>
			[...manager.shards.values()].map((s) => ({ id: s.id, pid: s.process?.pid, ready: s.ready, deaths: deaths.get(s.id) ?? 0 })),
		async reload() {
			await Promise.all(
				[...manager.shards.values()]
					.filter((s) => s.process)
					.map((s) =>
						s
							.send(RELOAD_MESSAGE)
							.catch((err: unknown) =>
								logger.warn({ shard: s.id, err: describeError(err) }, 'Could not ask a shard to reload'),
							),
					),
			);
		},
		stop() {
			stopped ??= stop();
			return stopped;
		},
	};
}

/** GET /gateway/bot's recommended shard count. */
async function recommendedShards(rest: REST): Promise<number> {
	const info = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
	return Math.max(1, info.shards);
}

/**
 * The ShardingManager, without its side effect on this process: its constructor sets
 * SHARDING_MANAGER, SHARDING_MANAGER_MODE and DISCORD_TOKEN in process.env. Left there, any
 * discord.js Client created later in this process would take itself for a shard (and talk IPC to
 * whatever spawned us), so they are put back and handed to the shards through Shard#env instead.
 * The count is always resolved here first: the manager's own 'auto' asks discord.com directly,
 * ignoring DISCORD_API_ROOT.
 */
function createManager(token: string, totalShards: number, shardList: number[]): ShardingManager {
	/* eslint-disable no-restricted-properties -- undoing ShardingManager's writes to process.env (see above) */
	const keys = ['SHARDING_MANAGER', 'SHARDING_MANAGER_MODE', 'DISCORD_TOKEN'] as const;
	const saved = keys.map((k) => [k, process.env[k]] as const);
	try {
		return new ShardingManager(SHARD_PROCESS_FILE, {
			token,
			totalShards,
			// Only this machine's shards; each identifies as [id, totalShards].
			shardList,
			mode: 'process',
			// Respawning is ours, with a back-off (see the top of this file).
			respawn: false,
			// Pipe the shards' output so it reaches `output` line by line.
			silent: true,
			execArgv: [...SHARD_V8_FLAGS, ...(SHARD_PROCESS.execArgv ?? [])],
		});
	} finally {
		for (const [k, v] of saved) {
			if (v === undefined) delete process.env[k];
			else process.env[k] = v;
		}
	}
	/* eslint-enable no-restricted-properties */
}

/**
 * The settings a shard must share with this process, as the environment its loadConfig() reads.
 * The parent's config may come from elsewhere than the environment (tests, --data, --now).
 */
function shardEnv(config: Config, dataDir: string, now: string | undefined): Record<string, string> {
	const env: Record<string, string> = {
		SITREP_DATA: path.resolve(dataDir),
		SITREP_DB: config.dbPath === ':memory:' ? config.dbPath : path.resolve(config.dbPath),
		SITREP_IMAGE_DIR: path.resolve(config.imageDir),
		SITREP_DEFAULT_TIME: config.defaultTime,
		SITREP_OWNERS: config.owners.map((o) => `${o.platform}:${o.id}`).join(','),
		SITREP_WATCH: config.watch ? '1' : '0',
		LOG_LEVEL: config.logLevel,
		// An empty value overrides a SITREP_NOW in .env; the shard then runs on the real clock like us.
		SITREP_NOW: now ?? config.now ?? '',
	};
	// Shards must use the same store as the parent: the same PostgreSQL database, or the same SQLite file.
	env['DATABASE_URL'] = config.databaseUrl ?? '';
	if (config.discord) {
		env['DISCORD_APP_ID'] = config.discord.appId;
		env['DISCORD_API_ROOT'] = config.discord.apiRoot ?? '';
	}
	if (config.defaultTimezone) env['SITREP_DEFAULT_TIMEZONE'] = config.defaultTimezone;
	return env;
}

/** Copies a shard's stdout and stderr to `output` one whole line at a time, so lines never interleave. */
function forwardLines(child: ChildProcess, output: NodeJS.WritableStream): void {
	for (const stream of [child.stdout, child.stderr]) {
		if (!stream) continue;
		createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => output.write(`${line}\n`));
	}
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited and its output has
 * been forwarded (`closed`).
 */
async function stopChild(child: ChildProcess, closed: Promise<void>, graceMs: number, logger: Logger): Promise<void> {
	const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
	if (!exited()) child.kill('SIGTERM');
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<'late'>((resolve) => {
		timer = setTimeout(() => resolve('late'), graceMs);
	});
	const first = await Promise.race([closed, late]);
	clearTimeout(timer);
	if (first === 'late' && !exited()) {
		logger.warn({ pid: child.pid, graceMs }, 'Discord shard did not stop in time; killing it');
		child.kill('SIGKILL');
	}
	await closed;
}
