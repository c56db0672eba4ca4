/**
 * Two kinds of failure. A UserFacingError is an expected outcome of bad input: its message is shown
 * as is and says how to fix the input. Anything else is a bug: logged with context and answered
 * with a generic line that leaks nothing.
 */
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

export class UserFacingError extends Error {
	override readonly name = 'UserFacingError';
	constructor(
		/** Stable code, for tests and logs. */
		readonly code: UserErrorCode,
		message: string,
		/** The right form or an example, shown under the message. */
		readonly hint?: string,
	) {
		super(message);
	}
}

/** Narrows anything thrown to an Error without losing it. */
export function toError(err: unknown): Error {
	return err instanceof Error ? err : new Error(String(err), { cause: err });
}
