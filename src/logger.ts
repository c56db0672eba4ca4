/**
 * The logger: pino, JSON lines, with every known secret path redacted so a token never reaches a log.
 */
import pino from 'pino';

export type Logger = pino.Logger;

/** Paths pino blanks in every record. Tokens are also scrubbed from messages by {@link redactSecrets}. */
const REDACT = ['token', '*.token', 'config.discordToken', 'config.telegramToken', 'headers.authorization', '*.headers.authorization', 'password', '*.password'];

export interface LoggerOptions {
	readonly level: string;
	/** Secrets that must never appear in output, even inside an error message. */
	readonly secrets?: readonly string[];
	/** Destination; standard error by default so stdout stays free for the console chat. */
	readonly destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
	const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
	return pino(
		{
			level: options.level,
			redact: { paths: REDACT, censor: '[redacted]' },
			hooks: secrets.length
				? {
						streamWrite: (line: string) => redactSecrets(line, secrets),
					}
				: {},
		},
		options.destination ?? pino.destination(2),
	);
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
