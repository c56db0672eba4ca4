/**
 * Why a subscription is paused, in the reader's language. The scheduler stores the reason as the
 * platform sender worded it, in English (src/platforms/telegram/send-errors.ts: "403: Forbidden: bot
 * was blocked by the user"; src/platforms/discord/discord-sender.ts: "Discord 403 50001: Missing
 * Access"; src/scheduler/tick.ts: "the chat moved to …"). The known forms are recognised here, at
 * display time, and shown from the catalog with the platform's error code; anything else is shown
 * as the platform's own words inside a localized frame. test/i18n/pause-reasons.test.ts feeds the
 * real senders' output through this, so a change of wording there fails a test rather than
 * silently showing English.
 */
import type { MessageKey } from './messages/index.js';
import type { Translator } from './translator.js';

/** Telegram API descriptions (error_description) → what they mean for a paused subscription. */
const TELEGRAM: readonly (readonly [RegExp, MessageKey])[] = [
	[/bot was blocked by the user/iu, 'pause.blocked'],
	[/bot was kicked/iu, 'pause.kicked'],
	[/bot is not a member/iu, 'pause.notMember'],
	[/user is deactivated/iu, 'pause.deactivated'],
	[/can't initiate conversation/iu, 'pause.notStarted'],
	[/chat not found/iu, 'pause.chatNotFound'],
	[/chat was deleted/iu, 'pause.chatDeleted'],
	[/not enough rights|have no rights|CHAT_WRITE_FORBIDDEN|CHAT_SEND_\w+_FORBIDDEN|need administrator rights/iu, 'pause.noRights'],
	[/^Unauthorized/iu, 'pause.unauthorized'],
];

/** Discord JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes). */
const DISCORD: Readonly<Record<string, MessageKey>> = {
	'10003': 'pause.chatNotFound',
	'50001': 'pause.noAccess',
	'50013': 'pause.noRights',
};
const DISCORD_STATUS: Readonly<Record<string, MessageKey>> = {
	'401': 'pause.unauthorized',
	'403': 'pause.noAccess',
	'404': 'pause.chatNotFound',
};

/** "(after 2 messages of the reply went out)", which the Telegram sender appends to a partial send. */
const PARTIAL = / \(after (\d+) messages? of the reply went out\)$/u;

/** Reasons written by the scheduler and the senders themselves, not by a platform. */
const OWN: readonly (readonly [RegExp, (m: RegExpExecArray, i18n: Translator) => string])[] = [
	[/^the chat moved to (.+), which has its own subscription$/u, (m, i18n) => i18n.t('pause.moved', { channel: m[1]! })],
	[/^the chat migrated twice \(to (.+)\)$/u, (m, i18n) => i18n.t('pause.migratedTwice', { channel: m[1]! })],
	[/^".*" is not a Discord channel id$/u, (_m, i18n) => i18n.t('pause.badChannel')],
	[/^the console output is closed$/u, (_m, i18n) => i18n.t('pause.consoleClosed')],
	[/^removed from the (?:server|guild)$/u, (_m, i18n) => i18n.t('pause.removedFromServer')],
	[/^removed from the chat$/u, (_m, i18n) => i18n.t('pause.removedFromChat')],
	[/^missing access$/iu, (_m, i18n) => i18n.t('pause.noAccess')],
];

function describe(stored: string, platform: string, i18n: Translator): string {
	for (const [pattern, show] of OWN) {
		const m = pattern.exec(stored);
		if (m) return show(m, i18n);
	}
	const discord = /^Discord (\d{3}) (\d+): /u.exec(stored);
	if (discord) {
		const key = DISCORD[discord[2]!] ?? DISCORD_STATUS[discord[1]!];
		if (key) return i18n.t('pause.known', { reason: i18n.t(key), code: `Discord ${discord[2]!}` });
	}
	const telegram = platform === 'telegram' ? /^(\d{3}): (.*)$/su.exec(stored) : null;
	if (telegram) {
		const found = TELEGRAM.find(([pattern]) => pattern.test(telegram[2]!));
		if (found) return i18n.t('pause.known', { reason: i18n.t(found[1]), code: `Telegram ${telegram[1]!}` });
	}
	return i18n.t('pause.other', { detail: stored });
}

/**
 * The stored pause reason of a subscription on `platform`, for a reader: a catalog message for the
 * known causes, else the stored text (the platform's words, in English) in a localized frame.
 */
export function pauseReason(i18n: Translator, platform: string, stored: string): string {
	const text = stored.trim();
	const partial = PARTIAL.exec(text);
	if (!partial) return describe(text, platform, i18n);
	return i18n.t('pause.partial', { reason: describe(text.slice(0, partial.index), platform, i18n), n: Number(partial[1]) });
}

/**
 * A short, stable label for why a subscription is paused (a metrics label: "blocked", "kicked",
 * "noRights", "moved", "other"…), from the same patterns as {@link pauseReason}.
 */
export function pauseCategory(platform: string, stored: string): string {
	const partial = PARTIAL.exec(stored.trim());
	const text = partial ? stored.trim().slice(0, partial.index) : stored.trim();
	if (/^the chat (?:moved|migrated)/u.test(text)) return 'moved';
	if (/^removed from the (?:server|guild)$/u.test(text)) return 'removedFromServer';
	if (/^removed from the chat$/u.test(text)) return 'removedFromChat';
	if (/^missing access$/iu.test(text)) return 'noAccess';
	if (/^".*" is not a Discord channel id$/u.test(text)) return 'badChannel';
	const discord = /^Discord (\d{3}) (\d+): /u.exec(text);
	const key = discord
		? (DISCORD[discord[2]!] ?? DISCORD_STATUS[discord[1]!])
		: platform === 'telegram'
			? TELEGRAM.find(([pattern]) => pattern.test(/^(\d{3}): (.*)$/su.exec(text)?.[2] ?? text))?.[1]
			: undefined;
	return key ? key.slice('pause.'.length) : 'other';
}
