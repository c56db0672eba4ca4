/** What the `sitrep` subcommands share: how they read their options and report a failure. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { tryLoadConfig, type Config } from './config.js';

/** Prints a message to stderr and sets the exit code. */
export function fail(message: string, code: number): void {
	process.stderr.write(`${message}\n`);
	process.exitCode = code;
}

/** What is wrong with a --now value (or SITREP_NOW), or undefined when it is a date-time or absent. */
export function badNow(now: string | undefined): string | undefined {
	return now !== undefined && Number.isNaN(Date.parse(now))
		? `--now "${now}" is not a date-time; use ISO 8601, e.g. 2025-06-30T09:00:00+04:00`
		: undefined;
}

/**
 * A subcommand's arguments read by node:util parseArgs with `config`; undefined, once the user has
 * been told what was wrong and the usage (exit code 2), when they do not parse.
 */
export function parseOptions<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> | undefined {
	try {
		return parseArgs(config);
	} catch (err) {
		fail(`${err instanceof Error ? err.message : String(err)}\n${usage}`, 2);
		return undefined;
	}
}

/**
 * The configuration and the instant to replay the story at (the --now option, else SITREP_NOW);
 * undefined, once the user has been told what is wrong, when either is (exit code 1 or 2).
 */
export function configAndNow(nowOption: string | undefined): { config: Config; now: string | undefined } | undefined {
	const loaded = tryLoadConfig();
	if (!loaded.ok) {
		fail(loaded.message, 1);
		return undefined;
	}
	const now = nowOption ?? loaded.config.now;
	const problem = badNow(now);
	if (problem) {
		fail(problem, 2);
		return undefined;
	}
	return { config: loaded.config, now };
}
