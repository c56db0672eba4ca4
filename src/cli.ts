/**
 * The `sitrep` command: start | ask | validate. Run it as `npx sitrep <subcommand>` in a checkout.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createApp, DatasetLoadError } from './app.js';
import { previewBriefing } from './cli-briefing.js';
import { loadConfig, tryLoadConfig } from './config.js';
import { formatDatasetError } from './dataset/errors.js';
import { loadDataset } from './dataset/load-dataset.js';
import { isTimeZone } from './dataset/schema.js';
import { missingTranslations, type MissingTranslation } from './i18n/coverage.js';
import { hiddenCounts, visibleView } from './dataset/visible-view.js';
import { diffDatasets, type DatasetDiff } from './dataset/diff.js';
import type { DatasetSnapshot } from './dataset/snapshot.js';
import { isLocale, type Locale } from './i18n/locale.js';
import { createTranslator } from './i18n/translator.js';
import { bold, para } from './core/reply.js';
import { composeAlert } from './live/compose-alert.js';
import { LiveService } from './live/live-service.js';
import { openStores } from './store/open-stores.js';
import { diffBlocks, liveBlocks } from '../commands/reload.js';
import { CsvError } from './interop/csv.js';
import { writeDraft } from './interop/draft.js';
import {
	EXPORT_FORMATS,
	exportDataset,
	IMPORT_FORMATS,
	ImportError,
	importFile,
	isEmptyDir,
	type ExportFormat,
	type ImportFormat,
} from './interop/index.js';
import { TimelineJsError } from './interop/timelinejs.js';
import { hasBidiControl } from './i18n/bidi.js';
import { silentLogger } from './logger.js';
import { CONSOLE_PLACE, CONSOLE_REQUESTER } from './platforms/console/console-chat.js';
import { DEFAULT_MAX_REMOVED_SHARE, shrinkBeyond } from './reload/shrink-guard.js';
import { renderPlainText } from './render/plain-text.js';
import { closeImageWorkers } from './images/index.js';
import { saveReplyAttachments } from './platforms/console/save-images.js';

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
			let values;
			try {
				({ values } = parseArgs({
					args: rest,
					options: { data: { type: 'string' }, now: { type: 'string' }, pager: { type: 'boolean' } },
					strict: true,
				}));
			} catch (err) {
				return fail(
					`${err instanceof Error ? err.message : String(err)}\nUsage: npx sitrep start [--data DIR] [--now ISO-DATETIME] [--pager]`,
					2,
				);
			}
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

async function validate(args: string[]): Promise<void> {
	let parsed;
	try {
		parsed = parseArgs({
			args,
			allowPositionals: true,
			options: { against: { type: 'string' }, languages: { type: 'string' }, 'require-translations': { type: 'boolean' } },
		});
	} catch (err) {
		return fail(
			`${err instanceof Error ? err.message : String(err)}\nUsage: npx sitrep validate [DIR] [--against LIVE_DIR] [--languages ru,az,fa] [--require-translations]`,
			2,
		);
	}
	const { positionals, values } = parsed;
	const dir = positionals[0] ?? 'data';
	const languages =
		values.languages === undefined
			? []
			: values.languages
					.split(',')
					.map((l) => l.trim())
					.filter(Boolean);
	const badLang = languages.find((l) => !/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/u.test(l));
	if (badLang !== undefined || (values.languages !== undefined && languages.length === 0)) {
		return fail(`--languages takes language tags separated by commas, e.g. --languages ru,az,fa; got "${values.languages ?? ''}"`, 2);
	}
	const started = performance.now();
	const r = await loadDataset(dir);
	const ms = Math.round(performance.now() - started);
	if (r.ok) {
		const c = r.snapshot.counts;
		const hidden = hiddenCounts(r.snapshot, Date.now());
		const gate =
			hidden.drafts + hidden.embargoed
				? `; of the events, ${hidden.drafts} ${hidden.drafts === 1 ? 'is a draft' : 'are drafts'} and ${hidden.embargoed} under embargo, shown to no one yet`
				: '';
		process.stdout.write(
			`${dir}: valid — ${c.events} events, ${c.actors} actors, ${c.sources} sources, ${c.claims} claims (version ${r.snapshot.version}, ${ms} ms)${gate}\n`,
		);
		for (const w of bidiWarnings(r.snapshot)) process.stdout.write(`warning: ${w}\n`);
		if (parsed.values.against !== undefined) await compareWithLive(parsed.values.against, dir, r.snapshot);
		if (languages.length)
			reportTranslations(dir, missingTranslations(r.snapshot, languages), languages, values['require-translations'] === true);
		return;
	}
	for (const e of r.errors) process.stdout.write(`${formatDatasetError(e)}\n`);
	process.stderr.write(`${dir}: ${r.errors.length} ${r.errors.length === 1 ? 'error' : 'errors'}\n`);
	process.exitCode = 1;
}

/**
 * The missing translations, one per line (language, what, id, the field to add, the file), then a
 * count per language. A report, not an error, unless --require-translations asks for exit code 1.
 */
function reportTranslations(dir: string, missing: readonly MissingTranslation[], languages: readonly string[], required: boolean): void {
	for (const m of missing) process.stdout.write(`${m.lang}  ${m.kind} ${m.id}: add ${m.field}${m.file ? `  (${m.file})` : ''}\n`);
	const counts = languages.filter((l) => l !== 'en').map((l) => `${l} ${missing.filter((m) => m.lang === l).length}`);
	process.stdout.write(
		`${dir}: ${missing.length ? `${missing.length} missing ${missing.length === 1 ? 'translation' : 'translations'} (${counts.join(', ')})` : `translated into ${languages.join(', ')}`}\n`,
	);
	if (missing.length && required) process.exitCode = 1;
}

/**
 * Text fields holding an explicit bidi control (U+202A–U+202E, U+2066–U+2069): a warning, not an
 * error — the bot isolates such text in every reply — since an override can make a title read
 * differently from what the editors reviewed.
 */
function bidiWarnings(snapshot: Extract<Awaited<ReturnType<typeof loadDataset>>, { ok: true }>['snapshot']): string[] {
	const out: string[] = [];
	const walk = (where: string, value: unknown): void => {
		if (typeof value === 'string') {
			const ch = /[\u202a-\u202e\u2066-\u2069]/u.exec(value)?.[0];
			if (ch)
				out.push(
					`${where} contains the bidi control U+${ch.charCodeAt(0).toString(16).toUpperCase()}; replies isolate it, but check that the text reads as meant, and remove it if it was pasted by accident`,
				);
		} else if (Array.isArray(value)) value.forEach((v, i) => walk(`${where}[${i}]`, v));
		else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${where}.${k}`, v);
	};
	walk('story', snapshot.story);
	for (const [kind, list] of [
		['events', snapshot.eachEvent()],
		['actors', snapshot.eachActor()],
		['sources', snapshot.eachSource()],
		['claims', snapshot.eachClaim()],
	] as const) {
		for (const record of list) if (hasBidiControl(JSON.stringify(record))) walk(`${kind}[id=${record.id}]`, record);
	}
	return out.slice(0, 50);
}

/** What a reload from `liveDir` to the validated dataset would remove, and whether it needs confirming. */
async function compareWithLive(
	liveDir: string,
	dir: string,
	next: Extract<Awaited<ReturnType<typeof loadDataset>>, { ok: true }>['snapshot'],
): Promise<void> {
	const live = await loadDataset(liveDir);
	if (!live.ok)
		return fail(
			`${liveDir} (--against) is not a valid dataset itself (${live.errors.length} errors); check it with: npx sitrep validate ${liveDir}`,
			1,
		);
	const config = tryLoadConfig();
	const share = config.ok ? (config.config.reloadMaxRemovedShare ?? DEFAULT_MAX_REMOVED_SHARE) : DEFAULT_MAX_REMOVED_SHARE;
	const diff = diffDatasets(live.snapshot, next);
	for (const kind of ['events', 'actors', 'sources', 'claims'] as const) {
		const removed = diff[kind].removed;
		if (removed.length)
			process.stdout.write(`would remove ${removed.length} of ${live.snapshot.counts[kind]} ${kind}: ${removed.join(', ')}\n`);
	}
	const shrink = shrinkBeyond(diff, live.snapshot.counts, share);
	if (shrink.length) {
		process.stdout.write(
			`${dir}: a reload from ${liveDir} removes more than ${Math.round(share * 100)}% of the ${shrink.map((s) => s.kind).join(', ')}; the bot refuses it (the file watch always) until an owner runs /reload confirm:true\n`,
		);
	} else process.stdout.write(`${dir}: a reload from ${liveDir} needs no confirmation\n`);
}

async function importCommand(args: string[]): Promise<void> {
	let parsed;
	try {
		parsed = parseArgs({
			args,
			allowPositionals: true,
			options: { out: { type: 'string' }, 'source-url': { type: 'string' }, timezone: { type: 'string' } },
		});
	} catch (err) {
		return fail(`${err instanceof Error ? err.message : String(err)}\n${IMPORT_USAGE}`, 2);
	}
	const [format, file] = parsed.positionals;
	if (!format || !file || !parsed.values.out) return fail(IMPORT_USAGE, 2);
	if (!(IMPORT_FORMATS as readonly string[]).includes(format))
		return fail(`Unknown import format "${format}"; use one of ${IMPORT_FORMATS.join(', ')}.\n${IMPORT_USAGE}`, 2);
	const out = parsed.values.out;
	if (!(await isEmptyDir(out))) return fail(`${out} is not empty; import into a new directory so no existing data is overwritten.`, 2);
	const tz = parsed.values.timezone;
	if (tz && !isTimeZone(tz)) return fail(`--timezone "${tz}" is not an IANA timezone such as Asia/Baku or UTC.`, 2);
	let result;
	try {
		result = await importFile(format as ImportFormat, file, {
			...(parsed.values['source-url'] ? { sourceUrl: parsed.values['source-url'] } : {}),
			...(tz ? { timezone: tz } : {}),
		});
	} catch (err) {
		if (err instanceof ImportError || err instanceof CsvError || err instanceof TimelineJsError)
			return fail(`${err instanceof CsvError ? `${file}:` : ''}${err.message}`, 1);
		throw err;
	}
	const written = await writeDraft(result.draft, out);
	for (const issue of result.report) process.stderr.write(`${file}: ${issue.where}: ${issue.message}\n`);
	const check = await loadDataset(out);
	if (!check.ok) {
		for (const e of check.errors) process.stdout.write(`${formatDatasetError(e)}\n`);
		return fail(
			`Wrote ${written.length} files to ${out}, but the result does not validate; fix the errors above (or the input) and run: npx sitrep validate ${out}`,
			1,
		);
	}
	const c = check.snapshot.counts;
	process.stdout.write(
		`${out}: imported ${c.events} events, ${c.actors} actors, ${c.sources} sources from ${file}; ${result.report.length} ${result.report.length === 1 ? 'item' : 'items'} not mapped${result.report.length ? ' (listed on stderr)' : ''}.\n`,
	);
}

async function deployCommandsCommand(args: string[]): Promise<void> {
	let parsed;
	try {
		parsed = parseArgs({ args, options: { guild: { type: 'string' } } });
	} catch (err) {
		return fail(`${err instanceof Error ? err.message : String(err)}\nUsage: npx sitrep deploy-commands [--guild ID]`, 2);
	}
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

async function migrateSqliteToPostgresCommand(args: string[]): Promise<void> {
	const usage = 'Usage: npx sitrep migrate-sqlite-to-postgres [--from FILE]   (the target is DATABASE_URL)';
	let parsed;
	try {
		parsed = parseArgs({ args, options: { from: { type: 'string' } } });
	} catch (err) {
		return fail(`${err instanceof Error ? err.message : String(err)}\n${usage}`, 2);
	}
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

const IMPORT_USAGE = 'Usage: npx sitrep import timelinejs|timelinejs-csv|acled FILE --out DIR [--source-url URL] [--timezone ZONE]';
const EXPORT_USAGE = 'Usage: npx sitrep export timelinejs|ics|csv [--data DIR] [--out FILE]';

async function exportCommand(args: string[]): Promise<void> {
	let parsed;
	try {
		parsed = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, data: { type: 'string' } } });
	} catch (err) {
		return fail(`${err instanceof Error ? err.message : String(err)}\n${EXPORT_USAGE}`, 2);
	}
	const format = parsed.positionals[0];
	if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format))
		return fail(`${format ? `Unknown export format "${format}". ` : ''}${EXPORT_USAGE}`, 2);
	const config = loadConfig();
	const dir = parsed.values.data ?? config.dataDir;
	const r = await loadDataset(dir);
	if (!r.ok) return fail(new DatasetLoadError(dir, r.errors).message, 1);
	// An export is published material: drafts and events still under embargo stay out.
	const visible = visibleView(r.snapshot, config.now ? Date.parse(config.now) : Date.now()).view;
	const out = exportDataset(visible, format as ExportFormat);
	for (const n of out.notes) process.stderr.write(`${n}\n`);
	if (parsed.values.out) {
		await writeFile(parsed.values.out, out.content);
		process.stderr.write(`wrote ${parsed.values.out} (${visible.counts.events} events)\n`);
	} else process.stdout.write(out.content);
}

const RELOAD_USAGE =
	'Usage: npx sitrep reload --dry-run DIR [--data SERVED_DIR] [--now ISO-DATETIME]   (to apply a reload, send the bot SIGHUP or use /reload)';

/** The served dataset and the edited one, both as readers would see them at `now`. */
async function servedAndEdited(
	served: string,
	edited: string,
	now: number,
): Promise<{ before: DatasetSnapshot; after: DatasetSnapshot; diff: DatasetDiff } | string> {
	const a = await loadDataset(served);
	if (!a.ok) return new DatasetLoadError(served, a.errors).message;
	const b = await loadDataset(edited);
	if (!b.ok) return new DatasetLoadError(edited, b.errors).message;
	const before = visibleView(a.snapshot, now).view;
	const after = visibleView(b.snapshot, now).view;
	return { before, after, diff: diffDatasets(before, after) };
}

async function reloadCommand(args: string[]): Promise<void> {
	let parsed;
	try {
		parsed = parseArgs({
			args,
			allowPositionals: true,
			options: { 'dry-run': { type: 'boolean' }, data: { type: 'string' }, now: { type: 'string' }, lang: { type: 'string' } },
		});
	} catch (err) {
		return fail(`${err instanceof Error ? err.message : String(err)}\n${RELOAD_USAGE}`, 2);
	}
	const dir = parsed.positionals[0];
	if (!parsed.values['dry-run'] || !dir) return fail(RELOAD_USAGE, 2);
	const loaded = tryLoadConfig();
	if (!loaded.ok) return fail(loaded.message, 1);
	const config = loaded.config;
	const now = parsed.values.now ?? config.now;
	if (now !== undefined && Number.isNaN(Date.parse(now)))
		return fail(`--now "${now}" is not a date-time; use ISO 8601, e.g. 2025-06-30T09:00:00+04:00`, 2);
	const at = now ? Date.parse(now) : Date.now();
	const r = await servedAndEdited(parsed.values.data ?? config.dataDir, dir, at);
	if (typeof r === 'string') return fail(r, 1);
	const i18n = createTranslator(parsed.values.lang ?? config.locale ?? 'en');
	// The store says who would be told; without one (no database yet) nobody would.
	const haveStore = Boolean(config.databaseUrl) || existsSync(config.dbPath);
	const stores = haveStore ? await openStores(config) : undefined;
	try {
		const plan = stores
			? await new LiveService({
					store: stores.live,
					subscriptions: stores.subscriptions,
					senders: new Map(),
					dataset: () => r.after,
					clock: () => new Date(at),
					logger: silentLogger(),
					...(config.correctionDays ? { correctionDays: config.correctionDays } : {}),
				}).plan(r.before, r.after, r.diff)
			: { alerts: [], alertChats: 0, correctedEvents: 0, editedMessages: 0, correctedChats: 0 };
		const reply = {
			blocks: [
				para(bold(i18n.t('reload.dryRun', { after: r.after.version, before: r.before.version }))),
				...diffBlocks(r.diff, i18n),
				...liveBlocks(plan, i18n),
			],
		};
		process.stdout.write(`${renderPlainText(reply)}\n`);
		if (!stores) process.stderr.write(`No database at ${config.dbPath}: no subscriptions or pushed messages to count.\n`);
	} finally {
		await stores?.close();
	}
}

async function alertsCommand(args: string[]): Promise<void> {
	const usage = 'Usage: npx sitrep alerts DIR [--data SERVED_DIR] [--lang en|ru|az|fa] [--now ISO-DATETIME]';
	let parsed;
	try {
		parsed = parseArgs({
			args,
			allowPositionals: true,
			options: { data: { type: 'string' }, now: { type: 'string' }, lang: { type: 'string' } },
		});
	} catch (err) {
		return fail(`${err instanceof Error ? err.message : String(err)}\n${usage}`, 2);
	}
	const dir = parsed.positionals[0];
	if (!dir) return fail(usage, 2);
	const config = loadConfig();
	const now = parsed.values.now ?? config.now;
	if (now !== undefined && Number.isNaN(Date.parse(now)))
		return fail(`--now "${now}" is not a date-time; use ISO 8601, e.g. 2025-06-30T09:00:00+04:00`, 2);
	const lang = parsed.values.lang;
	if (lang !== undefined && !isLocale(lang)) return fail(`--lang is en, ru, az or fa; "${lang}" is not.`, 2);
	const r = await servedAndEdited(parsed.values.data ?? config.dataDir, dir, now ? Date.parse(now) : Date.now());
	if (typeof r === 'string') return fail(r, 1);
	const added = r.diff.events.added.map((id) => r.after.event(id)!).filter(Boolean);
	if (!added.length) {
		process.stdout.write(`A reload to ${dir} brings no new events: no alert would go out.\n`);
		return;
	}
	const breaking = added.filter((e) => e.priority === 'breaking');
	process.stdout.write(
		`To alerts:all subscriptions (before their actor and tag filters):\n\n${renderPlainText(composeAlert(r.after, added, lang as Locale | undefined).reply)}\n`,
	);
	if (breaking.length && breaking.length < added.length)
		process.stdout.write(
			`\nTo alerts:breaking subscriptions:\n\n${renderPlainText(composeAlert(r.after, breaking, lang as Locale | undefined).reply)}\n`,
		);
	else if (!breaking.length)
		process.stdout.write('\nalerts:breaking subscriptions get none: no new event is marked priority: breaking.\n');
}

async function ask(args: string[]): Promise<void> {
	let parsed;
	try {
		parsed = parseArgs({
			args,
			allowPositionals: true,
			options: { data: { type: 'string' }, now: { type: 'string' }, images: { type: 'string' }, lang: { type: 'string' } },
		});
	} catch (err) {
		return fail(
			`${err instanceof Error ? err.message : String(err)}\nUsage: npx sitrep ask [--data DIR] [--now ISO-DATETIME] "/timeline actor:kremlin"`,
			2,
		);
	}
	const line = parsed.positionals.join(' ').trim();
	if (!line) return fail('Give a command line to answer, e.g.: npx sitrep ask "/timeline from:2025-06-27 to:2025-07-01"', 2);
	const loaded = tryLoadConfig();
	if (!loaded.ok) return fail(loaded.message, 1);
	const config = loaded.config;
	const now = parsed.values.now ?? config.now;
	if (now !== undefined && Number.isNaN(Date.parse(now)))
		return fail(`--now "${now}" is not a date-time; use ISO 8601, e.g. 2025-06-30T09:00:00+04:00`, 2);
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
