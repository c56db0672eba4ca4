/**
 * The `sitrep` command: start | ask | briefing | validate | import | export | reload | alerts |
 * deploy-commands | migrate-sqlite-to-postgres. Run it as `npx sitrep <subcommand>` in a checkout.
 * `start` and `ask` are here; the other subcommands live in the cli-*.ts modules beside it.
 */
import { createApp, DatasetLoadError } from './app.js';
import { previewBriefing } from './cli-briefing.js';
import { exportCommand, importCommand } from './cli-interop.js';
import { configAndNow, fail, parseOptions } from './cli-output.js';
import { alertsCommand, reloadCommand } from './cli-reload.js';
import { deployCommandsCommand, migrateSqliteToPostgresCommand } from './cli-setup.js';
import { validate } from './cli-validate.js';
import { tryLoadConfig } from './config.js';
import { closeImageWorkers } from './images/index.js';
import { silentLogger } from './logger.js';
import { CONSOLE_PLACE, CONSOLE_REQUESTER } from './platforms/console/console-chat.js';
import { saveReplyAttachments } from './platforms/console/save-images.js';
import { renderPlainText } from './render/plain-text.js';

const HELP = `sitrep — a briefing bot for a developing story, on Discord, Telegram and the console.

Usage: npx sitrep <command> [options]

Commands:
  start                      Run the bot. With no platform token in .env it opens the console chat.
                             --pager pages long answers in the console (SITREP_PAGER, PAGER or less -R).
  ask "<command line>"       Answer one command and print the reply, e.g. npx sitrep ask "/timeline actor:kremlin"
                             --images DIR also draws the reply's pictures and writes them to DIR.
                             --lang ru answers in Russian (en, ru, az or fa).
  briefing [--date YYYY-MM-DD] [--tz ZONE] [--actor A] [--tag T] [--lang L]
                             Preview a daily briefing as plain text, composed as a subscription
                             with that actor, tag and language receives it (default: today in the
                             story's timezone, or in --tz).
  validate [DIR]             Check a dataset directory (default: data/) and print every error.
                             --languages ru,az,fa also lists every text without a translation
                             into those languages (a report; --require-translations makes it fail).
                             --against LIVE_DIR also says what a reload from LIVE_DIR to DIR would
                             remove, and whether it needs /reload confirm:true (more than
                             SITREP_RELOAD_MAX_REMOVED_PERCENT, default 50%, of events, actors or claims).
  import FORMAT FILE --out DIR
                             Turn another tool's file into a dataset directory. FORMAT is
                             timelinejs (JSON), timelinejs-csv (the Google Sheets template as CSV)
                             or acled (ACLED CSV export, current or legacy columns).
                             --source-url URL cites URL for events that link no source;
                             --timezone ZONE sets the story's IANA timezone (default UTC).
  export FORMAT [--out FILE] Write the dataset as timelinejs (JSON), ics (iCalendar) or csv.
  reload --dry-run DIR        Compare DIR (the edited dataset) with the one the bot serves (--data):
                             what changed, which alerts would go to how many chats and which
                             corrections would edit how many pushed messages. Sends nothing; to
                             apply, send the bot SIGHUP or use /reload.
  alerts DIR [--lang ru]     Print, as plain text, the alert message a reload to DIR would send
                             (to alerts:all subscriptions, and to alerts:breaking ones).
  deploy-commands [--guild ID]
                             Register the slash commands with Discord: in one server (instant,
                             for development) or globally. Running it twice changes nothing.
  migrate-sqlite-to-postgres [--from FILE]
                             Copy subscriptions, the delivery ledger, the reload audit log and event
                             versions from the SQLite file (default: SITREP_DB) into the empty
                             PostgreSQL database at DATABASE_URL. Stop the bot first.

Options:
  --data DIR                 Dataset directory (default: SITREP_DATA or data/)
  --now ISO-DATETIME         Replay the story as of this moment, e.g. 2025-06-30T09:00:00+04:00
  -h, --help                 Show this help

Exit codes: 0 success, 1 failure (bad dataset or configuration), 2 bad command or option.
`;

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
		case 'briefing':
			return briefingCommand(rest);
		case 'import':
			return importCommand(rest);
		case 'deploy-commands':
			return deployCommandsCommand(rest);
		case 'export':
			return exportCommand(rest);
		case 'reload':
			return reloadCommand(rest);
		case 'alerts':
			return alertsCommand(rest);
		case 'migrate-sqlite-to-postgres':
			return migrateSqliteToPostgresCommand(rest);
		case 'start': {
			const parsed = parseOptions(
				{
					args: rest,
					options: { data: { type: 'string' }, now: { type: 'string' }, pager: { type: 'boolean' } },
					strict: true,
				},
				'Usage: npx sitrep start [--data DIR] [--now ISO-DATETIME] [--pager]',
			);
			if (!parsed) return;
			const { values } = parsed;
			const { startBot } = await import('./main.js');
			return startBot({
				...(values.data ? { dataDir: values.data } : {}),
				...(values.now ? { now: values.now } : {}),
				...(values.pager ? { pager: true } : {}),
			});
		}
		default:
			fail(`Unknown command "${sub}".\n\n${HELP}`, 2);
	}
}

async function briefingCommand(args: string[]): Promise<void> {
	const loaded = tryLoadConfig();
	if (!loaded.ok) return fail(loaded.message, 1);
	const r = await previewBriefing(args, { dataDir: loaded.config.dataDir, ...(loaded.config.now ? { now: loaded.config.now } : {}) });
	process.stdout.write(r.stdout);
	process.stderr.write(r.stderr);
	process.exitCode = r.code;
}

async function ask(args: string[]): Promise<void> {
	const parsed = parseOptions(
		{
			args,
			allowPositionals: true,
			options: { data: { type: 'string' }, now: { type: 'string' }, images: { type: 'string' }, lang: { type: 'string' } },
		},
		'Usage: npx sitrep ask [--data DIR] [--now ISO-DATETIME] "/timeline actor:kremlin"',
	);
	if (!parsed) return;
	const line = parsed.positionals.join(' ').trim();
	if (!line) return fail('Give a command line to answer, e.g.: npx sitrep ask "/timeline from:2025-06-27 to:2025-07-01"', 2);
	const at = configAndNow(parsed.values.now);
	if (!at) return;
	const { config, now } = at;
	let app;
	try {
		app = await createApp({
			dataDir: parsed.values.data ?? config.dataDir,
			datasetCache: config.datasetCache,
			...(now ? { now } : {}),
			logger: silentLogger(),
			services: { images: Boolean(parsed.values.images) },
		});
	} catch (err) {
		return fail(err instanceof DatasetLoadError ? err.message : String(err), 1);
	}
	const result = await app.core.handle({
		line: line.startsWith('/') ? line : `/${line}`,
		requester: CONSOLE_REQUESTER,
		place: CONSOLE_PLACE,
		...(parsed.values.lang ? { locale: parsed.values.lang } : {}),
	});
	let saved: string[] = [];
	try {
		saved = parsed.values.images ? await saveReplyAttachments(result.reply, parsed.values.images) : [];
	} catch (err) {
		// The picture is lost, not the answer: say why on stderr and print the words.
		process.stderr.write(
			`sitrep: could not write the pictures to ${parsed.values.images}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`,
		);
	}
	await closeImageWorkers();
	const text = renderPlainText(result.reply, { imagePaths: saved });
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
