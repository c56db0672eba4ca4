/**
 * The logger: pino, JSON lines, with every known secret path redacted so a token never reaches a log.
 */
import pino from 'pino';

export type Logger = pino.Logger;

/** Paths pino blanks in every record. Tokens are also scrubbed from messages by {@link redactSecrets}. */
const REDACT = [
	'token',
	'*.token',
	'config.discordToken',
	'config.telegramToken',
	'headers.authorization',
	'*.headers.authorization',
	'password',
	'*.password',
];

export interface LoggerOptions {
	readonly level: string;
	/** Secrets that must never appear in output, even inside an error message. */
	readonly secrets?: readonly string[];
	/** Destination; standard error by default so stdout stays free for the console chat. */
	readonly destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
	const secrets = [...new Set((options.secrets ?? []).filter((s) => s.length > 0))];
	return pino(
		{
			level: options.level,
			redact: { paths: REDACT, censor: '[redacted]' },
			hooks: secrets.length
				? {
						streamWrite: (line: string) => redactLine(line, secrets),
					}
				: {},
		},
		options.destination ?? pino.destination(2),
	);
}

/** A secret this short may also be part of the record's own text (a key, a level, JSON syntax). */
const SHORT = 8;

/**
 * Redacts every secret in one JSON log line. Long secrets are replaced anywhere in the line; a
 * short one only inside the record's string values and keys (the line is parsed for it), so that a
 * two-letter secret is still hidden without breaking the JSON around it.
 */
function redactLine(line: string, secrets: readonly string[]): string {
	const long = secrets.filter((s) => s.length >= SHORT);
	const short = secrets.filter((s) => s.length < SHORT);
	const out = redactSecrets(line, long);
	if (short.length === 0 || !short.some((s) => out.includes(s) || out.includes(encodeURIComponent(s)))) return out;
	try {
		const walk = (v: unknown): unknown => {
			if (typeof v === 'string') return redactSecrets(v, short);
			if (Array.isArray(v)) return v.map(walk);
			if (v && typeof v === 'object')
				return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactSecrets(k, short), walk(x)]));
			return v;
		};
		return `${JSON.stringify(walk(JSON.parse(out)))}\n`;
	} catch {
		// Not JSON (a pretty transport): blunt replacement is still better than a leak.
		return redactSecrets(out, short);
	}
}

/** Replaces each secret (and its URL-encoded form) in `text`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const s of secrets) {
		out = out.split(s).join('[redacted]');
		const enc = encodeURIComponent(s);
		if (enc !== s) out = out.split(enc).join('[redacted]');
	}
	return out;
}

/** A logger that discards everything, for tests and one-shot CLI answers. */
export function silentLogger(): Logger {
	return pino({ level: 'silent' });
}
