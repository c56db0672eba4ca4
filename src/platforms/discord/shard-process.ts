/**
 * The script each Discord shard process runs, forked by the ShardingManager in sharding.ts (see the
 * process layout there). It holds one gateway connection and answers interactions; it never starts
 * the briefing scheduler (it does not even import it), Telegram or the ops endpoints.
 *
 * It bootstraps as the bot does (bootstrap.ts: settings from the environment the parent prepared, the
 * shared store for the subscription commands, its own app) and starts the Discord client. The client
 * learns which shard it is from the environment ShardingManager sets (SHARDS, SHARD_COUNT,
 * SHARDING_MANAGER) and reports ready / disconnect to the parent over IPC by itself (ShardClientUtil).
 *
 * Logs are JSON lines on stderr with `shard` and `shardCount` bound. SIGTERM, SIGINT or the parent
 * going away stop it cleanly with exit code 0 (the parent does not respawn that); a crash exits 1
 * (the parent respawns it). An IPC { sitrep: 'reload' } reloads the dataset, as SIGHUP does.
 */
import { bootstrap, createBootApp, openBootStores, reloadOnSignalAndWatch, systemReload, type SystemTrigger } from '../../bootstrap.js';
import { startDiscord } from './discord-adapter.js';
import type { Membership } from '../../scheduler/membership.js';
import { GUILD_REMOVED_MESSAGE, RELOAD_MESSAGE, SHARD_RELOADED_MESSAGE } from './sharding.js';

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
	const boot = bootstrap({
		afterCrash: 'exiting so the parent respawns this shard',
		logBindings: { shard: shards.ids.length === 1 ? shards.ids[0] : shards.ids, shardCount: shards.count },
		shutdownLog: { stopping: 'Shard stopping', stopped: 'Shard stopped' },
	});
	if (!boot) return;
	const { logger, parts } = boot;
	const started = performance.now();

	let stopping = false;
	const shutdown = (why: string): void => {
		stopping = true;
		// The IPC channel to the parent would keep this process alive.
		void parts.shutdown(why).then(() => process.exit(0));
	};
	for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => shutdown(signal));
	// The parent died or dropped us: leave, so that no orphan keeps a gateway session open.
	process.once('disconnect', () => shutdown('parent gone'));

	try {
		const stores = await openBootStores(boot);
		// Reloads the parent asked for (or SIGHUP / the watcher) in flight; the Reloader runs them in turn.
		let external = 0;
		const app = await createBootApp(boot, stores, {
			// An owner's /reload reached only this shard: tell the parent, which reloads itself and the
			// rest. A reload that came from outside is not reported back, or every change would echo.
			onSwap: () => {
				if (external === 0) process.send?.(SHARD_RELOADED_MESSAGE);
			},
		});
		if (stopping) return;
		const reload = (trigger: SystemTrigger): void => {
			external += 1;
			void systemReload(app, logger, trigger).finally(() => (external -= 1));
		};
		reloadOnSignalAndWatch(boot, app.dataDir, reload);
		process.on('message', (message: unknown) => {
			if (isMessage(message, RELOAD_MESSAGE)) reload('signal');
		});
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
		const discord = await startDiscord({ core: app.core, config: boot.config, logger, pages: stores.pages, membership });
		parts.push('discord', () => discord.stop());
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

await main();
