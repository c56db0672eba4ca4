/**
 * The script each Discord shard process runs, forked by the ShardingManager in sharding.ts (see the
 * process layout there). It holds one gateway connection and answers interactions; it never starts
 * the briefing scheduler (it does not even import it), Telegram or the ops endpoints.
 *
 * It reads its settings with tryLoadConfig() from the environment the parent prepared, opens the shared
 * store for the subscription commands, builds its own app and starts the Discord client. The client
 * learns which shard it is from the environment ShardingManager sets (SHARDS, SHARD_COUNT,
 * SHARDING_MANAGER) and reports ready / disconnect to the parent over IPC by itself (ShardClientUtil).
 *
 * Logs are JSON lines on stderr with `shard` and `shardCount` bound. SIGTERM, SIGINT or the parent
 * going away stop it cleanly with exit code 0 (the parent does not respawn that); a crash exits 1
 * (the parent respawns it). An IPC { sitrep: 'reload' } reloads the dataset, as SIGHUP does.
 */
import { createApp } from '../../app.js';
import { tryLoadConfig } from '../../config.js';
import { closeImageWorkers } from '../../images/index.js';
import { createLogger, type Logger } from '../../logger.js';
import { watchDataset, type DatasetWatcher } from '../../reload/watch-dataset.js';
import { describeStore, openStores } from '../../store/open-stores.js';
import type { Stores } from '../../store/stores.js';
import { startDiscord, type DiscordPlatform } from './discord-adapter.js';
import type { Membership } from '../../scheduler/membership.js';
import { GUILD_REMOVED_MESSAGE, RELOAD_MESSAGE, SHARD_RELOADED_MESSAGE } from './sharding.js';

const SYSTEM = { platform: 'system', userId: 'system', displayName: 'system' } as const;

/**
 * This process's shard ids and the total, as ShardingManager passed them. The discord.js Client
 * reads the very same variables itself to pick its shards; they are read here only to put `shard`
 * into every log line before the client exists. They are ShardingManager's contract with its child,
 * not configuration, which is why they are not in src/config.ts.
 */
function managerShards(): { ids: number[]; count: number } | undefined {
	/* eslint-disable no-restricted-properties -- ShardingManager's env contract with its child, see above */
	const ids = process.env['SHARDS'];
	const count = Number(process.env['SHARD_COUNT']);
	/* eslint-enable no-restricted-properties */
	if (ids === undefined || !Number.isInteger(count)) return undefined;
	const parsed = JSON.parse(ids) as unknown;
	return { ids: (Array.isArray(parsed) ? parsed : [parsed]).map(Number), count };
}

async function main(): Promise<void> {
	const shards = managerShards();
	if (!shards || typeof process.send !== 'function') {
		process.stderr.write('shard-process.ts is started by the Discord ShardingManager (SITREP_SHARDS), not by hand.\n');
		process.exitCode = 2;
		return;
	}
	const loaded = tryLoadConfig();
	if (!loaded.ok) {
		process.stderr.write(`${loaded.message}\n`);
		process.exitCode = 1;
		return;
	}
	const config = loaded.config;
	const logger = createLogger({ level: config.logLevel, secrets: config.secrets }).child({ shard: shards.ids.length === 1 ? shards.ids[0] : shards.ids, shardCount: shards.count });
	installCrashHandlers(logger);
	const started = performance.now();

	let stores: Stores | undefined;
	let discord: DiscordPlatform | undefined;
	let watcher: DatasetWatcher | undefined;
	let stopping = false;
	const shutdown = async (why: string): Promise<void> => {
		if (stopping) return;
		stopping = true;
		logger.info({ why }, 'Shard stopping');
		watcher?.close();
		try {
			await discord?.stop();
		} catch (err) {
			logger.error({ err }, 'Error while stopping the Discord client');
		}
		await closeImageWorkers().catch(() => undefined);
		await Promise.resolve(stores?.close()).catch((err: unknown) => logger.error({ err }, 'Error while closing the store'));
		logger.info('Shard stopped');
		logger.flush();
		// The IPC channel to the parent would keep this process alive.
		process.exit(0);
	};
	for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
	// The parent died or dropped us: leave, so that no orphan keeps a gateway session open.
	process.once('disconnect', () => void shutdown('parent gone'));

	try {
		try {
			stores = await openStores(config, logger);
		} catch (err) {
			throw new Error(`Cannot open the database ${describeStore(config)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
		}
		// Reloads the parent asked for (or SIGHUP / the watcher) in flight; the Reloader runs them in turn.
		let external = 0;
		const app = await createApp({
			dataDir: config.dataDir,
			datasetCache: config.datasetCache,
			...(config.now ? { now: config.now } : {}),
			// Shards read the same environment: their answers link to the web site too.
			...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
			logger,
			services: { images: true, subscriptions: stores.subscriptions, defaults: { time: config.defaultTime, ...(config.defaultTimezone ? { timezone: config.defaultTimezone } : {}) } },
			reload: {
				audit: stores.reloadAudit,
				...(config.reloadMaxRemovedShare !== undefined ? { maxRemovedShare: config.reloadMaxRemovedShare } : {}),
				// An owner's /reload reached only this shard: tell the parent, which reloads itself and the
				// rest. A reload that came from outside is not reported back, or every change would echo.
				onSwap: () => {
					if (external === 0) process.send?.(SHARD_RELOADED_MESSAGE);
				},
			},
		});
		if (stopping) return;
		const reload = (trigger: 'signal' | 'watch'): void => {
			external += 1;
			app.reloader
				.reload({ requester: SYSTEM, trigger })
				.catch((err: unknown) => logger.error({ err }, 'Reload failed'))
				.finally(() => (external -= 1));
		};
		process.on('SIGHUP', () => reload('signal'));
		process.on('message', (message: unknown) => {
			if (isMessage(message, RELOAD_MESSAGE)) reload('signal');
		});
		if (config.watch) watcher = watchDataset(app.dataDir, () => reload('watch'), { logger });
		// The gateway's guild removals go to the parent, which pauses the subscriptions and tells the owners.
		const membership: Membership = {
			removedFromGuild: (_platform, guildId) => {
				process.send?.({ ...GUILD_REMOVED_MESSAGE, guildId });
				return Promise.resolve(0);
			},
			// Telegram's events: a Discord shard never sees them.
			removedFromChannel: () => Promise.resolve(0),
			chatMigrated: () => Promise.resolve('missing'),
		};
		discord = await startDiscord({ core: app.core, config, logger, pages: stores.pages, membership });
		const ds = app.holder.current();
		logger.info({ ms: Math.round(performance.now() - started), version: ds.version, gatewayMs: discord.readyMs }, 'Shard ready');
	} catch (err) {
		logger.fatal({ err }, 'Shard failed to start');
		logger.flush();
		process.exit(1);
	}
}

function isMessage(message: unknown, expected: { readonly sitrep: string }): boolean {
	return typeof message === 'object' && message !== null && (message as { sitrep?: unknown }).sitrep === expected.sitrep;
}

/** A crash leaves the shard in an unknown state: log it and exit 1 so the parent respawns it. */
function installCrashHandlers(logger: Logger): void {
	const die = (kind: string) => (err: unknown) => {
		logger.fatal({ err }, `${kind}; exiting so the parent respawns this shard`);
		logger.flush();
		process.exit(1);
	};
	process.on('unhandledRejection', die('Unhandled promise rejection'));
	process.on('uncaughtException', die('Uncaught exception'));
}

await main();
