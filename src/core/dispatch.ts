/**
 * Dispatch: a platform-neutral CommandRequest in, a Reply out. Parses and validates arguments
 * against the command's definition, resolves dataset references, runs the access guard, and turns
 * every failure into an answer: a user error says how to fix the input, anything else is logged and
 * answered with a generic line.
 */
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { closest } from '../dataset/text.js';
import { toLocale, type Locale } from '../i18n/locale.js';
import { createTranslator, type Translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { CommandContext, CommandModule, CommandServices, Place, Requester } from './command.js';
import { errorReply } from './error-reply.js';
import { msg, toError, UserFacingError, type UserErrorCode } from './errors.js';
import { stripInvisible } from './invisible.js';
import { convertArgs } from './option-values.js';
import { parseLine } from './parse-line.js';
import { withUntranslatedNote } from './present.js';
import type { Registry } from './registry.js';
import { containBidiControls, type Reply } from './reply.js';
import { commandLine, usageOf } from './usage.js';
import { webPathFor, withWebLinks } from './web-links.js';

/** What a platform adapter hands the core. Either a text line or structured options (Discord). */
export interface CommandRequest {
	/** "/timeline actor:kremlin" — the console and Telegram. */
	readonly line?: string;
	/** Structured form: command name and option values as text. */
	readonly command?: string;
	readonly options?: Readonly<Record<string, string>>;
	readonly requester: Requester;
	readonly place: Place;
	/** The platform's language hint: Discord's interaction locale (else the guild's), Telegram's language_code. */
	readonly locale?: string;
	/**
	 * Whether the requester administers the place, for a platform where finding out costs a call
	 * (Telegram's getChatMember). Asked only for a command whose access is 'channel_admin', and only
	 * when `requester` is neither an admin already nor an owner. A rejection is the platform's failure,
	 * not the command's: handle() rejects with it, so the adapter's error boundary reports it.
	 */
	readonly isChannelAdmin?: () => Promise<boolean>;
	/** The bot's own username on the platform: a `/cmd@name` line addressed to another name is ignored. */
	readonly botName?: string;
}

export type Outcome =
	| { readonly kind: 'ok' }
	| { readonly kind: 'user_error'; readonly code: UserErrorCode }
	| { readonly kind: 'denied' }
	| { readonly kind: 'internal_error' }
	| { readonly kind: 'ignored' };

export interface HandleResult {
	readonly reply: Reply;
	readonly outcome: Outcome;
	readonly command?: string;
}

export interface CoreOptions {
	readonly registry: Registry;
	/** The live snapshot; read once per request. */
	readonly dataset: () => DatasetSnapshot;
	readonly clock: () => Date;
	readonly logger: Logger;
	readonly services?: CommandServices;
	/** Lowercased bot username: `/cmd@otherbot` lines are ignored. A request's own botName wins. */
	readonly botName?: string;
	/**
	 * A language pinned for the place (a channel setting), which beats the platform's hint. Failures
	 * are logged and the hint is used. The composition root sets it from the subscription store's channel
	 * languages (`channelLanguagePin` in src/store/store.ts, /language set:ru); without it, no pins.
	 */
	readonly localePin?: (place: Place) => Promise<Locale | undefined> | Locale | undefined;
	/** Called after every answered request, e.g. for metrics. Must not throw. */
	readonly onHandled?: (info: { platform: string; command: string; outcome: Outcome['kind']; seconds: number }) => void;
	/**
	 * The web site's address as readers reach it (SITREP_PUBLIC_URL). When set, answers carry an
	 * "Open on the web" link to the page for exactly what was asked, and event lines link to theirs.
	 */
	readonly publicUrl?: string;
}

/**
 * The platform could not say whether the requester is an admin. Only a marker that carries the
 * platform's failure past the command's error handling: handle() rejects with `cause` itself.
 */
class AdminCheckFailed extends Error {
	override readonly name = 'AdminCheckFailed';
	constructor(override readonly cause: unknown) {
		super(undefined, { cause });
	}
}

/** The requester, an admin when the platform's lazy check says so (asked only when it is needed). */
async function withAdminStatus(request: CommandRequest): Promise<Requester> {
	const { requester, isChannelAdmin } = request;
	if (requester.isChannelAdmin || requester.isOwner || !isChannelAdmin) return requester;
	let admin: boolean;
	try {
		admin = await isChannelAdmin();
	} catch (err) {
		throw new AdminCheckFailed(err);
	}
	return admin ? { ...requester, isChannelAdmin: true } : requester;
}

/** Who and where for {@link Core.resolveArgs}, which runs no command. */
const NOBODY: Requester = { platform: 'console', userId: '', displayName: '', isChannelAdmin: false, isOwner: false };
const NOWHERE: Place = { platform: 'console', channelId: '', kind: 'console' };

export class Core {
	constructor(private readonly options: CoreOptions) {}

	get registry(): Registry {
		return this.options.registry;
	}

	/** The snapshot a new request would see. */
	dataset(): DatasetSnapshot {
		return this.options.dataset();
	}

	now(): Date {
		return this.options.clock();
	}

	/** Answers one request. Never throws, except with the failure of the request's own isChannelAdmin(). */
	async handle(request: CommandRequest): Promise<HandleResult> {
		const started = performance.now();
		const result = await this.answer(request, started);
		if (this.options.onHandled && result.outcome.kind !== 'ignored') {
			try {
				this.options.onHandled({
					platform: request.place.platform,
					command: result.command ?? 'unknown',
					outcome: result.outcome.kind,
					seconds: (performance.now() - started) / 1000,
				});
			} catch (err) {
				this.options.logger.warn({ err }, 'onHandled hook failed');
			}
		}
		return result;
	}

	/** The reader's language: the place's pinned language, else the platform's hint, else English. */
	private async translator(request: CommandRequest): Promise<Translator> {
		let pinned: Locale | undefined;
		try {
			pinned = await this.options.localePin?.(request.place);
		} catch (err) {
			this.options.logger.warn(
				{ err: toError(err), channel: request.place.channelId },
				'Could not read the pinned language; using the platform hint',
			);
		}
		return createTranslator(pinned ?? toLocale(request.locale));
	}

	private async answer(request: CommandRequest, started: number): Promise<HandleResult> {
		let log = this.options.logger.child({ platform: request.place.platform, channel: request.place.channelId });
		let commandName: string | undefined;
		const i18n = await this.translator(request);
		const lang = i18n.locale;
		try {
			const { module, raw } = this.parse(request);
			if (!module) return { reply: { blocks: [] }, outcome: { kind: 'ignored' } };
			commandName = module.data.name;
			log = log.child({ command: commandName });
			const access = module.data.access;
			const requester = access === 'channel_admin' ? await withAdminStatus(request) : request.requester;
			if (access === 'owner' && !requester.isOwner) {
				log.info({ user: request.requester.userId }, 'Denied: owner-only command');
				return {
					reply: errorReply(i18n.t('error.ownerOnly', { command: `/${commandName}` }), undefined, lang),
					outcome: { kind: 'denied' },
					command: commandName,
				};
			}
			if (access === 'channel_admin' && !requester.isChannelAdmin && !requester.isOwner) {
				log.info({ user: request.requester.userId }, 'Denied: admin-only command');
				return {
					reply: errorReply(i18n.t('error.adminOnly', { command: `/${commandName}` }), i18n.t('error.adminOnly.hint'), lang),
					outcome: { kind: 'denied' },
					command: commandName,
				};
			}
			const dataset = this.options.dataset();
			const now = this.options.clock();
			const args = convertArgs(module, raw, dataset, now);
			const ctx: CommandContext = {
				args,
				dataset,
				now,
				requester,
				place: request.place,
				locale: request.locale ?? 'en',
				i18n,
				logger: log,
				services: this.options.services ?? {},
				commandLine: (overrides) => commandLine(module.data.name, { ...raw, ...overrides }),
			};
			let reply = containBidiControls(
				withUntranslatedNote(await (module.execute as (c: CommandContext) => Reply | Promise<Reply>)(ctx), i18n),
			);
			if (this.options.publicUrl) reply = withWebLinks(reply, this.options.publicUrl, webPathFor(module.data.name, args, lang), i18n);
			log.debug({ ms: Math.round(performance.now() - started) }, 'Answered command');
			return {
				reply: reply.locale === undefined && lang !== 'en' ? { ...reply, locale: lang } : reply,
				outcome: { kind: 'ok' },
				command: commandName,
			};
		} catch (err) {
			if (err instanceof AdminCheckFailed) throw err.cause;
			if (err instanceof UserFacingError) {
				log.debug({ code: err.code }, 'User error');
				return {
					reply: errorReply(err.messageText(i18n), err.hintText(i18n), lang),
					outcome: { kind: 'user_error', code: err.code },
					...(commandName ? { command: commandName } : {}),
				};
			}
			log.error({ err: toError(err), line: request.line?.slice(0, 200) }, 'Command failed');
			return {
				reply: errorReply(i18n.t('error.generic'), undefined, lang),
				outcome: { kind: 'internal_error' },
				...(commandName ? { command: commandName } : {}),
			};
		}
	}

	/**
	 * The arguments `command` would receive for these option values, resolved against `dataset`
	 * exactly as {@link handle} resolves them (the web site's feeds select events with them).
	 * Throws a UserFacingError for input the command would refuse.
	 */
	resolveArgs(command: string, options: Readonly<Record<string, string>>, dataset: DatasetSnapshot): Record<string, unknown> {
		const { module, raw } = this.parse({ command, options, requester: NOBODY, place: NOWHERE });
		if (!module) throw new UserFacingError('UNKNOWN_COMMAND', msg('error.unknownCommand', { command: `/${command}` }));
		return convertArgs(module, raw, dataset, this.options.clock());
	}

	/** Finds the command and gathers its raw option values. */
	private parse(request: CommandRequest): { module?: CommandModule; raw: Record<string, string> } {
		const registry = this.options.registry;
		if (request.line !== undefined) {
			const parsed = parseLine(
				stripInvisible(request.line),
				(cmd, name) => registry.get(cmd)?.data.options.some((o) => o.name === name) ?? false,
			);
			const botName = request.botName?.toLowerCase() ?? this.options.botName;
			if (parsed.botName && botName && parsed.botName !== botName) return { raw: {} };
			const module = this.find(parsed.command);
			const raw: Record<string, string> = Object.fromEntries(parsed.named);
			if (parsed.positional.length) {
				const first = module.data.options[0];
				if (!first)
					throw new UserFacingError(
						'BAD_SYNTAX',
						msg('error.noArguments', { command: `/${module.data.name}` }),
						msg('error.noArguments.hint', { command: `/${module.data.name}` }),
					);
				if (raw[first.name] !== undefined)
					throw new UserFacingError('BAD_SYNTAX', msg('error.optionTwiceUnnamed', { option: first.name }), usageOf(module));
				raw[first.name] = parsed.positional.join(' ');
			}
			return { module, raw };
		}
		const module = this.find(stripInvisible(request.command ?? ''));
		const raw: Record<string, string> = {};
		for (const [k, v] of Object.entries(request.options ?? {})) {
			if (!module.data.options.some((o) => o.name === k))
				throw new UserFacingError(
					'UNKNOWN_OPTION',
					msg('error.noSuchOption', { command: `/${module.data.name}`, option: k }),
					usageOf(module),
				);
			raw[k] = v;
		}
		return { module, raw };
	}

	private find(name: string): CommandModule {
		const module = this.options.registry.get(name.toLowerCase());
		if (module) return module;
		const near = closest(name, this.options.registry.keys(), 1);
		const command = `/${name.slice(0, 40)}`;
		throw new UserFacingError(
			'UNKNOWN_COMMAND',
			near.length
				? msg('error.unknownCommand.suggest', { command, suggestion: `/${near[0]!}` })
				: msg('error.unknownCommand', { command }),
			msg('error.unknownCommand.hint', { commands: [...this.options.registry.keys()].map((k) => `/${k}`).join(' ') }),
		);
	}
}
