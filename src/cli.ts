/**
 * The `sitrep` command: start | ask | validate. Run it as `npx sitrep <subcommand>` in a checkout.
 */
import { parseArgs } from 'node:util';
import { createApp, DatasetLoadError } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { formatDatasetError } from './dataset/errors.js';
import { loadDataset } from './dataset/load-dataset.js';
import { silentLogger } from './logger.js';
import { CONSOLE_PLACE, CONSOLE_REQUESTER } from './platforms/console/console-chat.js';
import { renderPlainText } from './render/plain-text.js';

const HELP = `sitrep — a briefing bot for a developing story, on Discord, Telegram and the console.

Usage: npx sitrep <command> [options]

Commands:
  start                      Run the bot. With no platform token in .env it opens the console chat.
  ask "<command line>"       Answer one command and print the reply, e.g. npx sitrep ask "/timeline actor:kremlin"
  validate [DIR]             Check a dataset directory (default: data/) and print every error.

Options:
  --data DIR                 Dataset directory (default: SITREP_DATA or data/)
  --now ISO-DATETIME         Replay the story as of this moment, e.g. 2025-06-30T09:00:00+04:00
  -h, --help                 Show this help

Exit codes: 0 success, 1 failure (bad dataset or configuration), 2 bad command or option.
`;

/** Prints a message to stderr and sets the exit code. */
function fail(message: string, code: number): void {
	process.stderr.write(`${message}\n`);
	process.exitCode = code;
}

async function main(argv: string[]): Promise<void> {
	const sub = argv[0];
	const rest = argv.slice(1);
	if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
		process.stdout.write(HELP);
		return;
	}
	switch (sub) {
		case 'validate':
			return validate(rest);
		case 'ask':
			return ask(rest);
		case 'start': {
			const { values } = parseArgs({ args: rest, options: { data: { type: 'string' }, now: { type: 'string' } }, strict: true });
			const { startBot } = await import('./main.js');
			return startBot({ ...(values.data ? { dataDir: values.data } : {}), ...(values.now ? { now: values.now } : {}) });
		}
		default:
			fail(`Unknown command "${sub}".\n\n${HELP}`, 2);
	}
}

async function validate(args: string[]): Promise<void> {
	const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
	const dir = positionals[0] ?? 'data';
	const started = performance.now();
	const r = await loadDataset(dir);
	const ms = Math.round(performance.now() - started);
	if (r.ok) {
		const c = r.snapshot.counts;
		process.stdout.write(`${dir}: valid — ${c.events} events, ${c.actors} actors, ${c.sources} sources, ${c.claims} claims (version ${r.snapshot.version}, ${ms} ms)\n`);
		return;
	}
	for (const e of r.errors) process.stdout.write(`${formatDatasetError(e)}\n`);
	process.stderr.write(`${dir}: ${r.errors.length} ${r.errors.length === 1 ? 'error' : 'errors'}\n`);
	process.exitCode = 1;
}

async function ask(args: string[]): Promise<void> {
	let parsed;
	try {
		parsed = parseArgs({ args, allowPositionals: true, options: { data: { type: 'string' }, now: { type: 'string' }, images: { type: 'string' } } });
	} catch (err) {
		return fail(`${err instanceof Error ? err.message : String(err)}\nUsage: npx sitrep ask [--data DIR] [--now ISO-DATETIME] "/timeline actor:kremlin"`, 2);
	}
	const line = parsed.positionals.join(' ').trim();
	if (!line) return fail('Give a command line to answer, e.g.: npx sitrep ask "/timeline from:2025-06-27 to:2025-07-01"', 2);
	let config;
	try {
		config = loadConfig();
	} catch (err) {
		return fail(err instanceof ConfigError ? err.message : String(err), 1);
	}
	const now = parsed.values.now ?? config.now;
	if (now !== undefined && Number.isNaN(Date.parse(now))) return fail(`--now "${now}" is not a date-time; use ISO 8601, e.g. 2025-06-30T09:00:00+04:00`, 2);
	let app;
	try {
		app = await createApp({ dataDir: parsed.values.data ?? config.dataDir, ...(now ? { now } : {}), logger: silentLogger() });
	} catch (err) {
		return fail(err instanceof DatasetLoadError ? err.message : String(err), 1);
	}
	const result = await app.core.handle({ line: line.startsWith('/') ? line : `/${line}`, requester: CONSOLE_REQUESTER, place: CONSOLE_PLACE });
	const text = renderPlainText(result.reply);
	if (result.outcome.kind === 'ok') {
		process.stdout.write(`${text}\n`);
		return;
	}
	fail(text, result.outcome.kind === 'internal_error' ? 1 : 2);
}

main(process.argv.slice(2)).catch((err: unknown) => {
	process.stderr.write(`sitrep: ${err instanceof Error ? err.message : String(err)}\n`);
	process.exitCode = 1;
});
