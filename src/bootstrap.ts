/**
 * What every process of the bot builds first, the same way: the configuration, the logger, crash
 * handlers, the list of parts to stop at shutdown, the stores, the app (dataset, core, reloader)
 * with the services every command sees, and reloads run as the system on SIGHUP and file changes.
 *
 * Two entry points use it: the bot (main.ts), which then starts the platforms, the scheduler and
 * the ops endpoints; and each Discord shard process (platforms/discord/shard-process.ts), which
 * starts one gateway connection. What differs between them stays with them.
 */
import { createApp, type App, type AppOptions } from './app.js';
import { tryLoadConfig, type Config } from './config.js';
import type { CommandServices } from './core/command.js';
import { closeImageWorkers } from './images/index.js';
import { createLogger, type Logger } from './logger.js';
import { watchDataset } from './reload/watch-dataset.js';
import { describeStore, openStores } from './store/open-stores.js';
import type { Stores } from './store/stores.js';

/** The requester of reloads nobody typed: a signal, the dataset watcher, a shard's parent. */
export const SYSTEM_REQUESTER = { platform: 'system', userId: 'system', displayName: 'system' } as const;

export type SystemTrigger = 'signal' | 'watch';

export interface BootstrapOptions {
	/** What a crash does next, said in its log line, e.g. "exiting so a supervisor can restart the bot". */
	readonly afterCrash: string;
	/** Bindings on every log line of this process (a shard's `shard` and `shardCount`). */
	readonly logBindings?: Record<string, unknown>;
	/** The log lines of shutdown: before the parts stop, and once they have. */
	readonly shutdownLog: { readonly stopping: string; readonly stopped: string };
}

/** What a process has once bootstrap() succeeded. */
export interface Bootstrapped {
	readonly config: Config;
	readonly logger: Logger;
	/** The parts to stop at shutdown, stopped in reverse order of starting. */
	readonly parts: StopList;
}

/**
 * Reads the configuration, creates the logger and installs the crash handlers. An invalid
 * configuration is written to stderr (the logger needs the configuration) with exit code 1, and
 * undefined is returned: the caller just returns.
 */
export function bootstrap(options: BootstrapOptions): Bootstrapped | undefined {
	const loaded = tryLoadConfig();
	if (!loaded.ok) {
		process.stderr.write(`${loaded.message}\n`);
		process.exitCode = 1;
		return undefined;
	}
	const config = loaded.config;
	const root = createLogger({ level: config.logLevel, secrets: config.secrets });
	const logger = options.logBindings ? root.child(options.logBindings) : root;
	installCrashHandlers(logger, options.afterCrash);
	return { config, logger, parts: new StopList(logger, options.shutdownLog) };
}

/**
 * Opens the configured store; it closes at shutdown after everything that uses it, and the image
 * workers with it. Throws an error that names the database and how it is configured.
 */
export async function openBootStores(boot: Bootstrapped): Promise<Stores> {
	let stores: Stores;
	try {
		stores = await openStores(boot.config, boot.logger);
	} catch (err) {
		throw new Error(`Cannot open the database ${describeStore(boot.config)}: ${err instanceof Error ? err.message : String(err)}`, {
			cause: err,
		});
	}
	boot.parts.push('store', () => stores.close());
	boot.parts.push('image workers', () => closeImageWorkers());
	return stores;
}

export interface BootAppOptions {
	/** Instead of SITREP_DATA_DIR (the CLI's --data). */
	readonly dataDir?: string | undefined;
	/** Instead of SITREP_NOW (the CLI's --now). */
	readonly now?: string | undefined;
	/** Services beyond the store's and the pictures every process gives its commands. */
	readonly services?: CommandServices;
	/** What to do after a reload swapped the dataset in. */
	readonly onSwap: NonNullable<AppOptions['reload']>['onSwap'];
	readonly onHandled?: AppOptions['onHandled'];
}

/**
 * The app (dataset, core, reloader) with what every process gives it: the configured data, search
 * worker and public URL, pictures, the subscription store and its defaults, and the reload audit.
 * Throws DatasetLoadError when the dataset is not valid.
 */
export function createBootApp(boot: Bootstrapped, stores: Stores, options: BootAppOptions): Promise<App> {
	const { config, logger } = boot;
	const now = options.now ?? config.now;
	return createApp({
		dataDir: options.dataDir ?? config.dataDir,
		datasetCache: config.datasetCache,
		// A restart after the files changed answers at once, and announces the change as a reload does.
		serveLastBuild: true,
		...(now ? { now } : {}),
		logger,
		services: {
			images: true,
			subscriptions: stores.subscriptions,
			defaults: { time: config.defaultTime, ...(config.defaultTimezone ? { timezone: config.defaultTimezone } : {}) },
			...options.services,
		},
		...(options.onHandled ? { onHandled: options.onHandled } : {}),
		// Every process reads the same environment: answers from the shards link to the web site too.
		...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
		reload: {
			audit: stores.reloadAudit,
			...(config.reloadMaxRemovedShare !== undefined ? { maxRemovedShare: config.reloadMaxRemovedShare } : {}),
			...(options.onSwap ? { onSwap: options.onSwap } : {}),
		},
	});
}

/** A reload as the system; a failure is logged (the live dataset stays), never thrown. */
export function systemReload(app: App, logger: Logger, trigger: SystemTrigger): Promise<void> {
	return app.reloader.reload({ requester: SYSTEM_REQUESTER, trigger }).then(
		() => undefined,
		(err: unknown) => logger.error({ err }, 'Reload failed'),
	);
}

/** Calls `reload` on SIGHUP and, with SITREP_WATCH, when a file under `dataDir` changes (the watcher stops at shutdown). */
export function reloadOnSignalAndWatch(boot: Bootstrapped, dataDir: string, reload: (trigger: SystemTrigger) => void): void {
	process.on('SIGHUP', () => reload('signal'));
	if (!boot.config.watch) return;
	const watcher = watchDataset(dataDir, () => reload('watch'), { logger: boot.logger });
	boot.parts.push('watcher', () => watcher.close());
}

/** The parts to stop at shutdown, in reverse order of starting. */
export class StopList {
	readonly #parts: { readonly name: string; readonly stop: () => Promise<void> | void }[] = [];
	#shutdown: Promise<void> | undefined;

	constructor(
		private readonly logger: Logger,
		private readonly log: BootstrapOptions['shutdownLog'],
	) {}

	push(name: string, stop: () => Promise<void> | void): void {
		this.#parts.push({ name, stop });
	}

	/** Stops every part, last started first; one that fails is logged and the rest still stop. */
	async stopAll(): Promise<void> {
		for (const part of this.#parts.splice(0).reverse()) {
			try {
				await part.stop();
			} catch (err) {
				this.logger.error({ err, part: part.name }, 'Error while stopping');
			}
		}
	}

	/** The process's shutdown: stops every part with a log line before and after; a second call waits for the first. */
	shutdown(why: string): Promise<void> {
		this.#shutdown ??= (async () => {
			this.logger.info({ why }, this.log.stopping);
			await this.stopAll();
			this.logger.info(this.log.stopped);
			this.logger.flush();
		})();
		return this.#shutdown;
	}
}

/**
 * An unhandled rejection or exception leaves the process in an unknown state: log it with the
 * stack and exit non-zero so that whatever supervises it (systemd, Docker, pm2, the shards' parent)
 * starts a clean one. The short delay lets the log line out.
 */
function installCrashHandlers(logger: Logger, afterCrash: string): void {
	const die = (kind: string) => (err: unknown) => {
		logger.fatal({ err }, `${kind}; ${afterCrash}`);
		logger.flush();
		process.exitCode = 1;
		setTimeout(() => process.exit(1), 100).unref();
	};
	process.on('unhandledRejection', die('Unhandled promise rejection'));
	process.on('uncaughtException', die('Uncaught exception'));
}
