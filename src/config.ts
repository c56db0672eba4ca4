/**
 * Configuration: the only reader of process.env. `.env` is loaded with dotenv, then every value is
 * validated once into a frozen Config; a bad value fails at start-up with the variable's name.
 */
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { isTimeZone } from './dataset/schema.js';

const optionalText = z
	.string()
	.trim()
	.transform((v) => (v === '' ? undefined : v))
	.optional();
/** A TCP port, or unset (absent or empty). */
const optionalPort = z.coerce
	.number()
	.int()
	.min(0)
	.max(65535)
	.optional()
	.or(z.literal('').transform(() => undefined));

/** A parsable postgres:// or postgresql:// URL with a host. */
function isPostgresUrl(v: string): boolean {
	if (!/^postgres(?:ql)?:\/\/\S+$/u.test(v)) return false;
	try {
		return new URL(v).hostname !== '';
	} catch {
		return false;
	}
}

const url = (name: string) =>
	optionalText.refine((v) => v === undefined || /^https?:\/\/\S+$/u.test(v), `${name} must be an http:// or https:// URL`);

/** Owner ids as "platform:id" pairs, e.g. "telegram:12345,discord:67890". */
const owners = optionalText.transform((v, ctx) => {
	const out: { platform: 'discord' | 'telegram'; id: string }[] = [];
	for (const part of (v ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)) {
		const m = /^(discord|telegram):(\d{1,25})$/u.exec(part);
		if (!m) {
			ctx.addIssue({ code: 'custom', message: `SITREP_OWNERS entry "${part}" must look like telegram:12345 or discord:67890` });
			continue;
		}
		out.push({ platform: m[1] as 'discord' | 'telegram', id: m[2]! });
	}
	return out;
});

const envSchema = z.object({
	DISCORD_TOKEN: optionalText,
	DISCORD_APP_ID: optionalText.refine(
		(v) => v === undefined || /^\d{5,25}$/u.test(v),
		'DISCORD_APP_ID is the numeric application id from the Developer Portal',
	),
	DISCORD_API_ROOT: url('DISCORD_API_ROOT'),
	TELEGRAM_BOT_TOKEN: optionalText.refine(
		(v) => v === undefined || /^\d+:[\w-]+$/u.test(v),
		'TELEGRAM_BOT_TOKEN looks like 123456:ABC-DEF… (from @BotFather)',
	),
	TELEGRAM_API_ROOT: url('TELEGRAM_API_ROOT'),
	TELEGRAM_WEBHOOK_URL: url('TELEGRAM_WEBHOOK_URL'),
	TELEGRAM_WEBHOOK_SECRET: optionalText.refine(
		(v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/u.test(v),
		'TELEGRAM_WEBHOOK_SECRET is 1-256 characters of A-Z, a-z, 0-9, _ and -',
	),
	TELEGRAM_WEBHOOK_PORT: z.coerce.number().int().min(1).max(65535).default(8443),
	// Loopback by default: the listener sits behind a TLS proxy, like the ops server.
	TELEGRAM_WEBHOOK_HOST: optionalText.default('127.0.0.1'),
	SITREP_DATA: optionalText.default('data'),
	SITREP_DB: optionalText.default('var/sitrep.db'),
	SITREP_DATASET_CACHE: optionalText,
	DATABASE_URL: optionalText.refine(
		(v) => v === undefined || isPostgresUrl(v),
		'DATABASE_URL must be a postgres:// or postgresql:// URL, e.g. postgres://sitrep:password@db.internal:5432/sitrep',
	),
	SITREP_IMAGE_DIR: optionalText.default('var/images'),
	SITREP_NOW: optionalText.refine(
		(v) => v === undefined || !Number.isNaN(Date.parse(v)),
		'SITREP_NOW is an ISO date-time such as 2025-06-30T09:00:00+04:00',
	),
	SITREP_OWNERS: owners,
	SITREP_WATCH: z
		.enum(['0', '1', ''])
		.optional()
		.transform((v) => v === '1'),
	SITREP_RELOAD_MAX_REMOVED_PERCENT: z.coerce.number().int().min(0).max(100).default(50),
	SITREP_CATCHUP_MINUTES: z.coerce
		.number()
		.int()
		.min(0)
		.max(24 * 60)
		.default(120),
	SITREP_DEFAULT_TIME: optionalText
		.default('08:00')
		.refine((v) => v === undefined || /^([01]\d|2[0-3]):[0-5]\d$/u.test(v), 'SITREP_DEFAULT_TIME is HH:MM, e.g. 08:00'),
	SITREP_DEFAULT_TIMEZONE: optionalText.refine(
		(v) => v === undefined || isTimeZone(v),
		'SITREP_DEFAULT_TIMEZONE must be an IANA zone such as Asia/Baku',
	),
	SITREP_OPS_PORT: optionalPort,
	SITREP_OPS_HOST: optionalText.default('127.0.0.1'),
	SITREP_PLATFORM_DOWN_SECONDS: z.coerce
		.number()
		.int()
		.min(10)
		.max(24 * 3600)
		.default(300),
	SITREP_WEB_PORT: optionalPort,
	SITREP_WEB_HOST: optionalText.default('127.0.0.1'),
	SITREP_WEB_ROUTES: optionalText.default('site').transform((v, ctx) => {
		const parts = (v ?? 'site')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
		const bad = parts.filter((p) => !(WEB_ROUTES as readonly string[]).includes(p));
		if (bad.length)
			ctx.addIssue({
				code: 'custom',
				message: `SITREP_WEB_ROUTES lists ${bad.map((b) => `"${b}"`).join(', ')}; use a comma-separated list of ${WEB_ROUTES.join(', ')}`,
			});
		return new Set(parts as WebRoute[]);
	}),
	SITREP_PUBLIC_URL: url('SITREP_PUBLIC_URL'),
	SITREP_LOCALE: optionalText.refine((v) => v === undefined || ['en', 'ru', 'az', 'fa'].includes(v), 'SITREP_LOCALE is en, ru, az or fa'),
	SITREP_SHARDS: optionalText.superRefine((v, ctx) => {
		const parsed = v === undefined ? undefined : parseShards(v);
		if (typeof parsed === 'object' && 'error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
	}),
	SITREP_SCHEDULER: optionalText.refine(
		(v) => v === undefined || ['auto', 'on', 'off'].includes(v),
		'SITREP_SCHEDULER is auto (on, unless SITREP_SHARDS is a range without shard 0), on or off',
	),
	SITREP_PAGER: optionalText,
	SITREP_CONSOLE_HISTORY: optionalText.default('var/console-history'),
	PAGER: optionalText,
	NO_COLOR: optionalText,
	TERM: optionalText,
	TERM_PROGRAM: optionalText,
	KITTY_WINDOW_ID: optionalText,
	TMUX: optionalText,
	STY: optionalText,
	SITREP_ALERTS_PER_HOUR: z.coerce
		.number()
		.int('SITREP_ALERTS_PER_HOUR is a whole number of alert messages, such as 6')
		.min(1, 'SITREP_ALERTS_PER_HOUR is at least 1')
		.max(60, 'SITREP_ALERTS_PER_HOUR is at most 60')
		.default(6),
	SITREP_CORRECTION_DAYS: z.coerce
		.number()
		.int('SITREP_CORRECTION_DAYS is a whole number of days, such as 14')
		.min(1, 'SITREP_CORRECTION_DAYS is at least 1')
		.max(90, 'SITREP_CORRECTION_DAYS is at most 90')
		.default(14),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Shards `first`..`last` (inclusive) of a bot of `total` shards: this machine's share of a bot several run. */
export interface ShardRange {
	readonly first: number;
	readonly last: number;
	readonly total: number;
}

/**
 * SITREP_SHARDS: "auto", a count ("2"), or a range of a total ("0-3/8", one shard "4/8"); or what is
 * wrong with it, for the configuration error.
 */
export function parseShards(v: string): 'auto' | number | ShardRange | { readonly error: string } {
	if (v === 'auto') return 'auto';
	if (/^[1-9]\d{0,3}$/u.test(v)) return Number(v);
	const m = /^(\d{1,4})(?:-(\d{1,4}))?\/([1-9]\d{0,3})$/u.exec(v);
	if (!m)
		return {
			error: `SITREP_SHARDS is "auto", a number of Discord shards such as 2, or this machine's shards of a total such as 0-3/8 (shards 0 to 3 of 8), not "${v.slice(0, 40)}"`,
		};
	const first = Number(m[1]);
	const last = m[2] === undefined ? first : Number(m[2]);
	const total = Number(m[3]);
	if (last < first)
		return { error: `SITREP_SHARDS ${v}: the range runs backwards; write the lower shard first, e.g. ${last}-${first}/${total}` };
	if (last >= total)
		return { error: `SITREP_SHARDS ${v}: shard ids run from 0 to ${total - 1} for ${total} shards; ${last} is past the end` };
	return { first, last, total };
}
/** What the web server (SITREP_WEB_PORT) can carry, each mounted only when listed in SITREP_WEB_ROUTES. */
export const WEB_ROUTES = ['site', 'healthz', 'metrics', 'webhook'] as const;
export type WebRoute = (typeof WEB_ROUTES)[number];

/** Validated configuration. */
export interface Config {
	readonly discord?: { readonly token: string; readonly appId: string; readonly apiRoot?: string };
	readonly telegram?: {
		readonly token: string;
		readonly apiRoot?: string;
		readonly webhook?: { readonly url: string; readonly secret?: string; readonly port: number; readonly host?: string };
	};
	readonly dataDir: string;
	readonly dbPath: string;
	/**
	 * Directory of built datasets (SQLite files named by content hash; engine/build.ts). Default
	 * `.sitrep-cache` beside the SQLite store file (var/.sitrep-cache). Several processes may share it.
	 * createConfig always sets it; a Config built by hand may leave it out.
	 */
	readonly datasetCache?: string;
	/** PostgreSQL instead of the SQLite file at dbPath: set for several processes sharing one store. */
	readonly databaseUrl?: string;
	/** The console's language (en, ru, az, fa); the platforms take each reader's own. */
	readonly locale?: string;
	/**
	 * Run Discord through discord.js's ShardingManager: "auto", a shard count, or a range of the shards
	 * of a bot that several machines share (SITREP_SHARDS=0-3/8). Off: one in-process client.
	 */
	readonly shards?: 'auto' | number | ShardRange;
	/**
	 * Whether this process runs the briefing scheduler. False on the machines of a shared bot whose
	 * shard range leaves out shard 0 (SITREP_SCHEDULER=auto), so that exactly one machine posts
	 * briefings; SITREP_SCHEDULER=on|off decides outright. Absent: true.
	 */
	readonly scheduler?: boolean;
	/** Where the console writes pictures and exported files. */
	readonly imageDir: string;
	readonly now?: string;
	readonly owners: readonly { readonly platform: 'discord' | 'telegram'; readonly id: string }[];
	readonly watch: boolean;
	/**
	 * The share (0-1) of events, actors or claims a reload may remove before an owner must confirm it
	 * with /reload confirm:true; the file watch never confirms.
	 */
	readonly reloadMaxRemovedShare?: number;
	readonly catchupMinutes: number;
	readonly defaultTime: string;
	readonly defaultTimezone?: string;
	/** Alert messages per chat per hour; more events are merged into the next one. */
	readonly alertsPerHour?: number;
	/** How long pushed briefings and alerts are remembered, and corrected, in days. */
	readonly correctionDays?: number;
	readonly logLevel: string;
	/** /healthz and /metrics: off unless a port is set. */
	readonly ops?: { readonly port: number; readonly host: string };
	/** /healthz answers 503 once a platform connection has been down this long (seconds). Default 300. */
	readonly platformDownSeconds?: number;
	/** The interactive console in a terminal (createConfig always sets it; a Config built by hand may leave it out). */
	readonly console?: ConsoleConfig;
	/**
	 * The one HTTP listener (SITREP_WEB_PORT, SITREP_WEB_HOST) and what it carries: the site, /healthz,
	 * /metrics, the Telegram webhook. Off unless a port is set.
	 */
	readonly web?: { readonly port: number; readonly host: string; readonly routes: ReadonlySet<WebRoute> };
	/** The site's address as readers reach it (SITREP_PUBLIC_URL): replies link to their pages when set. */
	readonly publicUrl?: string;
	/** Every secret, for log redaction. */
	readonly secrets: readonly string[];
}

/** The console chat's terminal settings: paging, history and what the terminal says it is. */
export interface ConsoleConfig {
	/**
	 * The pager for long answers, when SITREP_PAGER asks for paging: its command ("less -R"), or
	 * PAGER's (else less -R) when SITREP_PAGER is "on". `--pager` turns paging on with the same command.
	 */
	readonly pager?: string;
	/** The pager `--pager` uses: SITREP_PAGER's command, else PAGER, else less -R. */
	readonly pagerCommand: string;
	/** File of the command history kept across runs; absent when SITREP_CONSOLE_HISTORY is "off". */
	readonly historyFile?: string;
	readonly terminal: {
		readonly noColor: boolean;
		readonly term?: string;
		readonly termProgram?: string;
		readonly kittyWindowId?: string;
		readonly multiplexer: boolean;
	};
}

const PAGER_ON = new Set(['1', 'on', 'true', 'yes']);
const PAGER_OFF = new Set(['0', 'off', 'false', 'no']);

function consoleConfig(e: z.infer<typeof envSchema>): ConsoleConfig {
	const sitrepPager = e.SITREP_PAGER?.toLowerCase();
	const named = e.SITREP_PAGER && !PAGER_ON.has(sitrepPager!) && !PAGER_OFF.has(sitrepPager!) ? e.SITREP_PAGER : undefined;
	const pagerCommand = named ?? e.PAGER ?? 'less -R';
	const history = e.SITREP_CONSOLE_HISTORY;
	return {
		...(sitrepPager && !PAGER_OFF.has(sitrepPager) ? { pager: pagerCommand } : {}),
		pagerCommand,
		...(history && history.toLowerCase() !== 'off' ? { historyFile: history } : {}),
		terminal: {
			noColor: Boolean(e.NO_COLOR),
			...(e.TERM ? { term: e.TERM } : {}),
			...(e.TERM_PROGRAM ? { termProgram: e.TERM_PROGRAM } : {}),
			...(e.KITTY_WINDOW_ID ? { kittyWindowId: e.KITTY_WINDOW_ID } : {}),
			multiplexer: Boolean(e.TMUX || e.STY || e.TERM?.startsWith('screen') || e.TERM?.startsWith('tmux')),
		},
	};
}

/** The password in a database URL, as written and decoded, so that logs redact it on its own too. */
function databasePasswords(v: string | undefined): string[] {
	if (!v) return [];
	try {
		const password = new URL(v).password;
		return password ? [password, decodeURIComponent(password)] : [];
	} catch {
		return [];
	}
}

export class ConfigError extends Error {
	override readonly name = 'ConfigError';
}

/** Builds a Config from an environment-like record. Throws ConfigError listing every bad variable. */
export function createConfig(env: Record<string, string | undefined>): Config {
	const r = envSchema.safeParse(env);
	if (!r.success) {
		const lines = r.error.issues.map((i) => `- ${i.path.join('.') || 'environment'}: ${i.message}`);
		throw new ConfigError(`Invalid configuration (check .env; .env.example documents every variable):\n${lines.join('\n')}`);
	}
	const e = r.data;
	if (e.DISCORD_TOKEN && !e.DISCORD_APP_ID)
		throw new ConfigError(
			'DISCORD_TOKEN is set but DISCORD_APP_ID is not; copy the Application ID from the Developer Portal into .env',
		);
	const shards =
		e.SITREP_SHARDS === undefined
			? undefined
			: (parseShards(e.SITREP_SHARDS) as Exclude<ReturnType<typeof parseShards>, { readonly error: string }>);
	const config: Config = {
		...(e.DISCORD_TOKEN && e.DISCORD_APP_ID
			? {
					discord: {
						token: e.DISCORD_TOKEN,
						appId: e.DISCORD_APP_ID,
						...(e.DISCORD_API_ROOT ? { apiRoot: e.DISCORD_API_ROOT } : {}),
					},
				}
			: {}),
		...(e.TELEGRAM_BOT_TOKEN
			? {
					telegram: {
						token: e.TELEGRAM_BOT_TOKEN,
						...(e.TELEGRAM_API_ROOT ? { apiRoot: e.TELEGRAM_API_ROOT } : {}),
						...(e.TELEGRAM_WEBHOOK_URL
							? {
									webhook: {
										url: e.TELEGRAM_WEBHOOK_URL,
										port: e.TELEGRAM_WEBHOOK_PORT,
										host: e.TELEGRAM_WEBHOOK_HOST ?? '127.0.0.1',
										...(e.TELEGRAM_WEBHOOK_SECRET ? { secret: e.TELEGRAM_WEBHOOK_SECRET } : {}),
									},
								}
							: {}),
					},
				}
			: {}),
		dataDir: e.SITREP_DATA ?? 'data',
		dbPath: e.SITREP_DB ?? 'var/sitrep.db',
		datasetCache: e.SITREP_DATASET_CACHE ?? path.join(path.dirname(e.SITREP_DB ?? 'var/sitrep.db'), '.sitrep-cache'),
		...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
		...(e.SITREP_LOCALE ? { locale: e.SITREP_LOCALE } : {}),
		...(shards !== undefined ? { shards } : {}),
		scheduler:
			e.SITREP_SCHEDULER === 'on' ? true : e.SITREP_SCHEDULER === 'off' ? false : !(typeof shards === 'object' && shards.first > 0),
		imageDir: e.SITREP_IMAGE_DIR ?? 'var/images',
		...(e.SITREP_NOW ? { now: e.SITREP_NOW } : {}),
		owners: e.SITREP_OWNERS,
		watch: e.SITREP_WATCH,
		reloadMaxRemovedShare: e.SITREP_RELOAD_MAX_REMOVED_PERCENT / 100,
		catchupMinutes: e.SITREP_CATCHUP_MINUTES,
		defaultTime: e.SITREP_DEFAULT_TIME ?? '08:00',
		...(e.SITREP_DEFAULT_TIMEZONE ? { defaultTimezone: e.SITREP_DEFAULT_TIMEZONE } : {}),
		alertsPerHour: e.SITREP_ALERTS_PER_HOUR,
		correctionDays: e.SITREP_CORRECTION_DAYS,
		logLevel: e.LOG_LEVEL,
		...(e.SITREP_OPS_PORT !== undefined ? { ops: { port: e.SITREP_OPS_PORT, host: e.SITREP_OPS_HOST ?? '127.0.0.1' } } : {}),
		platformDownSeconds: e.SITREP_PLATFORM_DOWN_SECONDS,
		console: consoleConfig(e),
		...(e.SITREP_WEB_PORT !== undefined
			? { web: { port: e.SITREP_WEB_PORT, host: e.SITREP_WEB_HOST ?? '127.0.0.1', routes: e.SITREP_WEB_ROUTES } }
			: {}),
		...(e.SITREP_PUBLIC_URL ? { publicUrl: e.SITREP_PUBLIC_URL.replace(/\/+$/u, '') } : {}),
		secrets: [
			e.DISCORD_TOKEN,
			e.TELEGRAM_BOT_TOKEN,
			e.TELEGRAM_WEBHOOK_SECRET,
			e.DATABASE_URL,
			...databasePasswords(e.DATABASE_URL),
		].filter((s): s is string => Boolean(s)),
	};
	return Object.freeze(config);
}

/** Loads `.env` (if present) into the environment, then validates it. */
export function loadConfig(options: { envFile?: string } = {}): Config {
	loadDotenv({ path: options.envFile ?? '.env', quiet: true });
	return createConfig(process.env);
}

/**
 * {@link loadConfig} for entry points: an invalid environment comes back as the message to show the
 * operator (a ConfigError's says what to fix), not as an exception.
 */
export function tryLoadConfig(): { ok: true; config: Config } | { ok: false; message: string } {
	try {
		return { ok: true, config: loadConfig() };
	} catch (err) {
		return { ok: false, message: err instanceof ConfigError ? err.message : String(err) };
	}
}

/** The environment as a plain record, for child processes in tests and the CLI. */
export function currentEnv(): Record<string, string | undefined> {
	return process.env;
}
