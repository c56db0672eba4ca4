/**
 * `npx sitrep deploy-commands` and `npx sitrep migrate-sqlite-to-postgres`: setting up where the bot
 * runs (its slash commands on Discord, its database on PostgreSQL).
 */
import { existsSync } from 'node:fs';
import { fail, parseOptions } from './cli-output.js';
import { tryLoadConfig } from './config.js';

/** Runs `sitrep deploy-commands [--guild ID]`. */
export async function deployCommandsCommand(args: string[]): Promise<void> {
	const parsed = parseOptions({ args, options: { guild: { type: 'string' } } }, 'Usage: npx sitrep deploy-commands [--guild ID]');
	if (!parsed) return;
	const loaded = tryLoadConfig();
	if (!loaded.ok) return fail(loaded.message, 1);
	const config = loaded.config;
	if (!config.discord) return fail('Discord is not configured: set DISCORD_TOKEN and DISCORD_APP_ID in .env (see .env.example).', 1);
	// Loaded only here: the core never imports a platform SDK, and nor does the rest of the CLI.
	const { deployCommands } = await import('./platforms/discord/deploy-commands.js');
	const { registry } = await import('../commands/index.js');
	try {
		const r = await deployCommands({ config, registry, ...(parsed.values.guild ? { guildId: parsed.values.guild } : {}) });
		const where = r.scope === 'guild' ? `server ${r.guildId}` : 'all servers (global; may take up to an hour to appear)';
		if (!r.changed) process.stdout.write(`${r.commands.length} commands already registered for ${where}; nothing changed.\n`);
		else
			process.stdout.write(
				`Registered ${r.commands.length} commands for ${where}: added ${r.added.join(', ') || 'none'}; updated ${r.updated.join(', ') || 'none'}; removed ${r.removed.join(', ') || 'none'}.\n`,
			);
	} catch (err) {
		return fail(`deploy-commands failed: ${err instanceof Error ? err.message : String(err)}`, 1);
	}
}

/** Runs `sitrep migrate-sqlite-to-postgres [--from FILE]`. */
export async function migrateSqliteToPostgresCommand(args: string[]): Promise<void> {
	const usage = 'Usage: npx sitrep migrate-sqlite-to-postgres [--from FILE]   (the target is DATABASE_URL)';
	const parsed = parseOptions({ args, options: { from: { type: 'string' } } }, usage);
	if (!parsed) return;
	const loaded = tryLoadConfig();
	if (!loaded.ok) return fail(loaded.message, 1);
	const config = loaded.config;
	// The URL comes from the environment only: on the command line its password would show in `ps`.
	if (!config.databaseUrl) return fail(`DATABASE_URL is not set: point it at the PostgreSQL database to copy into.\n${usage}`, 2);
	const from = parsed.values.from ?? config.dbPath;
	if (!existsSync(from)) return fail(`No SQLite database at ${from}.`, 1);
	const { copySqliteToPostgres } = await import('./store/copy-sqlite-to-postgres.js');
	try {
		const r = await copySqliteToPostgres(from, config.databaseUrl);
		process.stdout.write(
			`Copied ${from} to PostgreSQL: ${r.subscriptions} subscriptions, ${r.deliveries} deliveries, ${r.reloadAudit} reload audit entries, ${r.eventVersions} event versions.\n`,
		);
	} catch (err) {
		return fail(`migrate-sqlite-to-postgres failed; no rows were copied: ${err instanceof Error ? err.message : String(err)}`, 1);
	}
}
