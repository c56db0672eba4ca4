/** What the `sitrep` subcommands share: how they report a failure and check their options. */

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
