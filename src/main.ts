/**
 * Composition root: config → logger → dataset → core → platforms. With no platform token it runs
 * the console chat on the demo story.
 */
import { createApp, DatasetLoadError } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { runConsoleChat } from './platforms/console/console-chat.js';

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
	let app;
	try {
		app = await createApp({ dataDir: options.dataDir ?? config.dataDir, ...(now ? { now } : {}), logger });
	} catch (err) {
		process.stderr.write(`${err instanceof DatasetLoadError ? err.message : String(err)}\n`);
		process.exitCode = 1;
		return;
	}
	const ds = app.holder.current();
	logger.info({ version: ds.version, ...ds.counts }, 'Dataset loaded');

	if (!config.discord && !config.telegram) {
		const interactive = Boolean(process.stdin.isTTY);
		if (interactive) logger.level = 'warn';
		await runConsoleChat(app.core, { input: process.stdin, output: process.stdout, interactive });
		return;
	}
	process.stderr.write('Discord and Telegram platforms are not wired yet in this build; unset the tokens to use the console chat.\n');
	process.exitCode = 1;
}
