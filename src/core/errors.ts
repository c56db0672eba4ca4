/**
 * Two kinds of failure. A UserFacingError is an expected outcome of bad input: its message is shown
 * as is and says how to fix the input. Anything else is a bug: logged with context and answered
 * with a generic line that leaks nothing.
 */
import { createTranslator, localize, type Localizable, type MessageKey, type Params, type Translator } from '../i18n/translator.js';

export type UserErrorCode =
	| 'UNKNOWN_COMMAND'
	| 'UNKNOWN_OPTION'
	| 'MISSING_OPTION'
	| 'BAD_VALUE'
	| 'BAD_SYNTAX'
	| 'NOT_FOUND'
	| 'AMBIGUOUS'
	| 'FORBIDDEN'
	| 'UNAVAILABLE'
	| 'RATE_LIMITED';

/**
 * A message given as literal text, as a catalog key to be put into the reader's language, or as a
 * function of the reader's Translator (for messages assembled from several catalog entries).
 */
export type ErrorText = string | Localizable | ((i18n: Translator) => string);

const EN = createTranslator('en');

function render(text: ErrorText, i18n: Translator): string {
	return typeof text === 'string' ? text : typeof text === 'function' ? text(i18n) : localize(i18n, text);
}

export class UserFacingError extends Error {
	override readonly name = 'UserFacingError';
	/** The hint in English (logs, tests); {@link hintText} localizes it. */
	readonly hint?: string;

	constructor(
		/** Stable code, for tests and logs. */
		readonly code: UserErrorCode,
		/** What went wrong; `message` holds it in English. */
		readonly text: ErrorText,
		/** The right form or an example, shown under the message. */
		readonly hintSource?: ErrorText,
	) {
		super(render(text, EN));
		if (hintSource !== undefined) this.hint = render(hintSource, EN);
	}

	/** The message in the reader's language. */
	messageText(i18n: Translator): string {
		return render(this.text, i18n);
	}

	/** The hint in the reader's language, if any. */
	hintText(i18n: Translator): string | undefined {
		return this.hintSource === undefined ? undefined : render(this.hintSource, i18n);
	}
}

/** A catalog message for a UserFacingError: `msg('error.noTag', { tag })`. */
export function msg(key: MessageKey, params?: Params): Localizable {
	return params ? { key, params } : { key };
}

/** Narrows anything thrown to an Error without losing it. */
export function toError(err: unknown): Error {
	return err instanceof Error ? err : new Error(String(err), { cause: err });
}
