/**
 * Composition root: config → logger → dataset → core → platforms. With no platform token it runs
 * the console chat on the demo story.
 */
import { createApp, DatasetLoadError } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { runConsoleChat } from './platforms/console/console-chat.js';
// Daily briefings (issue #6).
import type { PlatformSender } from './core/delivery.js';
import type { Platform } from './core/command.js';
import { createConsoleSender } from './platforms/console/console-sender.js';
import { startScheduler } from './scheduler/briefing-scheduler.js';
import { openSqliteStores, type SqliteStores } from './store/sqlite/sqlite-stores.js';

export interface StartOptions {
	readonly dataDir?: string;
	readonly now?: string;
}

export async function startBot(options: StartOptions = {}): Promise<void> {
	let config;
	try {
		config = loadConfig();
	} catch (err) {
		process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
		process.exitCode = 1;
		return;
	}
	const logger = createLogger({ level: config.logLevel, secrets: config.secrets });
	const now = options.now ?? config.now;
	// Daily briefings: subscriptions and the delivery ledger live in one SQLite file.
	let stores: SqliteStores;
	try {
		stores = openSqliteStores(config.dbPath);
	} catch (err) {
		process.stderr.write(`Cannot open the database ${config.dbPath} (SITREP_DB): ${err instanceof Error ? err.message : String(err)}\n`);
		process.exitCode = 1;
		return;
	}
	const services = { subscriptions: stores.subscriptions, defaults: { time: config.defaultTime, ...(config.defaultTimezone ? { timezone: config.defaultTimezone } : {}) } };
	let app;
	try {
		app = await createApp({ dataDir: options.dataDir ?? config.dataDir, ...(now ? { now } : {}), logger, services });
	} catch (err) {
		stores.close();
		process.stderr.write(`${err instanceof DatasetLoadError ? err.message : String(err)}\n`);
		process.exitCode = 1;
		return;
	}
	const ds = app.holder.current();
	logger.info({ version: ds.version, ...ds.counts }, 'Dataset loaded');

	if (!config.discord && !config.telegram) {
		const interactive = Boolean(process.stdin.isTTY);
		if (interactive) logger.level = 'warn';
		// Discord and Telegram senders join this map when their platforms are wired.
		const senders = new Map<Platform, PlatformSender>([['console', createConsoleSender(process.stdout)]]);
		const scheduler = startScheduler({
			store: stores.subscriptions,
			ledger: stores.ledger,
			senders,
			dataset: () => app.holder.current(),
			clock: app.clock,
			logger,
			catchupMinutes: config.catchupMinutes,
		});
		try {
			await runConsoleChat(app.core, { input: process.stdin, output: process.stdout, interactive });
		} finally {
			await scheduler.stop();
			stores.close();
		}
		return;
	}
	stores.close();
	process.stderr.write('Discord and Telegram platforms are not wired yet in this build; unset the tokens to use the console chat.\n');
	process.exitCode = 1;
}
