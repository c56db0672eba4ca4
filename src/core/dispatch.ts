/**
 * Dispatch: a platform-neutral CommandRequest in, a Reply out. Parses and validates arguments
 * against the command's definition, resolves dataset references, runs the access guard, and turns
 * every failure into an answer: a user error says how to fix the input, anything else is logged and
 * answered with a generic line.
 */
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { localDayNumber, parsePartialDate, isoFromDay, type PartialDate } from '../dataset/partial-date.js';
import { closest } from '../dataset/text.js';
import type { Logger } from '../logger.js';
import type { CommandContext, CommandModule, CommandServices, OptionDefinition, Place, Requester } from './command.js';
import { toError, UserFacingError, type UserErrorCode } from './errors.js';
import { parseLine, quoteValue } from './parse-line.js';
import type { Registry } from './registry.js';
import { para, type Reply } from './reply.js';

/** What a platform adapter hands the core. Either a text line or structured options (Discord). */
export interface CommandRequest {
	/** "/timeline actor:kremlin" — the console and Telegram. */
	readonly line?: string;
	/** Structured form: command name and option values as text. */
	readonly command?: string;
	readonly options?: Readonly<Record<string, string>>;
	readonly requester: Requester;
	readonly place: Place;
	readonly locale?: string;
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
	/** Lowercased bot username: `/cmd@otherbot` lines are ignored. */
	readonly botName?: string;
	/** Called after every answered request, e.g. for metrics. Must not throw. */
	readonly onHandled?: (info: { platform: string; command: string; outcome: Outcome['kind']; seconds: number }) => void;
}

/** Longest value one option accepts. */
export const MAX_VALUE = 500;

export const GENERIC_FAILURE = 'Something went wrong on our side while answering that. It has been logged; please try again in a moment.';

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

	/** Answers one request. Never throws. */
	async handle(request: CommandRequest): Promise<HandleResult> {
		const started = performance.now();
		const result = await this.answer(request, started);
		if (this.options.onHandled && result.outcome.kind !== 'ignored') {
			try {
				this.options.onHandled({ platform: request.place.platform, command: result.command ?? 'unknown', outcome: result.outcome.kind, seconds: (performance.now() - started) / 1000 });
			} catch (err) {
				this.options.logger.warn({ err }, 'onHandled hook failed');
			}
		}
		return result;
	}

	private async answer(request: CommandRequest, started: number): Promise<HandleResult> {
		let log = this.options.logger.child({ platform: request.place.platform, channel: request.place.channelId });
		let commandName: string | undefined;
		try {
			const { module, raw } = this.parse(request);
			if (!module) return { reply: { blocks: [] }, outcome: { kind: 'ignored' } };
			commandName = module.data.name;
			log = log.child({ command: commandName });
			const access = module.data.access;
			if (access === 'owner' && !request.requester.isOwner) {
				log.info({ user: request.requester.userId }, 'Denied: owner-only command');
				return { reply: errorReply(`/${commandName} is for the bot's owners only.`), outcome: { kind: 'denied' }, command: commandName };
			}
			if (access === 'channel_admin' && !request.requester.isChannelAdmin && !request.requester.isOwner) {
				log.info({ user: request.requester.userId }, 'Denied: admin-only command');
				return {
					reply: errorReply(`/${commandName} is for admins of this chat only.`, 'Ask an admin of this chat to run it.'),
					outcome: { kind: 'denied' },
					command: commandName,
				};
			}
			const dataset = this.options.dataset();
			const now = this.options.clock();
			const args = this.convert(module, raw, dataset, now);
			const ctx: CommandContext = {
				args,
				dataset,
				now,
				requester: request.requester,
				place: request.place,
				locale: request.locale ?? 'en',
				logger: log,
				services: this.options.services ?? {},
				commandLine: (overrides) => commandLine(module.data.name, { ...raw, ...overrides }),
			};
			const reply = await (module.execute as (c: CommandContext) => Reply | Promise<Reply>)(ctx);
			log.debug({ ms: Math.round(performance.now() - started) }, 'Answered command');
			return { reply, outcome: { kind: 'ok' }, command: commandName };
		} catch (err) {
			if (err instanceof UserFacingError) {
				log.debug({ code: err.code }, 'User error');
				return { reply: errorReply(err.message, err.hint), outcome: { kind: 'user_error', code: err.code }, ...(commandName ? { command: commandName } : {}) };
			}
			log.error({ err: toError(err), line: request.line?.slice(0, 200) }, 'Command failed');
			return { reply: errorReply(GENERIC_FAILURE), outcome: { kind: 'internal_error' }, ...(commandName ? { command: commandName } : {}) };
		}
	}

	/** Finds the command and gathers its raw option values. */
	private parse(request: CommandRequest): { module?: CommandModule; raw: Record<string, string> } {
		const registry = this.options.registry;
		if (request.line !== undefined) {
			const parsed = parseLine(request.line, (cmd, name) => registry.get(cmd)?.data.options.some((o) => o.name === name) ?? false);
			if (parsed.botName && this.options.botName && parsed.botName !== this.options.botName) return { raw: {} };
			const module = this.find(parsed.command);
			const raw: Record<string, string> = Object.fromEntries(parsed.named);
			if (parsed.positional.length) {
				const first = module.data.options[0];
				if (!first) throw new UserFacingError('BAD_SYNTAX', `/${module.data.name} takes no arguments.`, `Type just /${module.data.name}`);
				if (raw[first.name] !== undefined) throw new UserFacingError('BAD_SYNTAX', `The option ${first.name} is given twice (once without its name).`, usage(module));
				raw[first.name] = parsed.positional.join(' ');
			}
			return { module, raw };
		}
		const module = this.find(request.command ?? '');
		const raw: Record<string, string> = {};
		for (const [k, v] of Object.entries(request.options ?? {})) {
			if (!module.data.options.some((o) => o.name === k)) throw new UserFacingError('UNKNOWN_OPTION', `/${module.data.name} has no option "${k}".`, usage(module));
			raw[k] = v;
		}
		return { module, raw };
	}

	private find(name: string): CommandModule {
		const module = this.options.registry.get(name.toLowerCase());
		if (module) return module;
		const near = closest(name, this.options.registry.keys(), 1);
		throw new UserFacingError(
			'UNKNOWN_COMMAND',
			`There is no command /${name.slice(0, 40)}.${near.length ? ` Did you mean /${near[0]!}?` : ''}`,
			`Commands: ${[...this.options.registry.keys()].map((k) => `/${k}`).join(' ')}`,
		);
	}

	private convert(module: CommandModule, raw: Record<string, string>, dataset: DatasetSnapshot, now: Date): Record<string, unknown> {
		const args: Record<string, unknown> = {};
		for (const opt of module.data.options) {
			const value = raw[opt.name]?.trim();
			if (value === undefined || value === '') {
				if (opt.required) throw new UserFacingError('MISSING_OPTION', `/${module.data.name} needs ${opt.name}: ${opt.description}.`, usage(module));
				args[opt.name] = undefined;
				continue;
			}
			if (value.length > MAX_VALUE) throw new UserFacingError('BAD_VALUE', `${opt.name} is ${value.length} characters long; the limit is ${MAX_VALUE}.`);
			args[opt.name] = convertValue(module, opt, value, dataset, now);
		}
		return args;
	}
}

function convertValue(module: CommandModule, opt: OptionDefinition, value: string, dataset: DatasetSnapshot, now: Date): unknown {
	const bad = (message: string, hint?: string): never => {
		throw new UserFacingError('BAD_VALUE', message, hint ?? usage(module));
	};
	switch (opt.type) {
		case 'text':
			return value;
		case 'integer': {
			if (!/^-?\d{1,15}$/u.test(value)) return bad(`${opt.name} must be a whole number, not "${value.slice(0, 40)}".`);
			const n = Number(value);
			if (opt.min !== undefined && n < opt.min) return bad(`${opt.name} must be at least ${opt.min}.`);
			if (opt.max !== undefined && n > opt.max) return bad(`${opt.name} must be at most ${opt.max}.`);
			return n;
		}
		case 'boolean': {
			const v = value.toLowerCase();
			if (['true', 'yes', 'on', '1'].includes(v)) return true;
			if (['false', 'no', 'off', '0'].includes(v)) return false;
			return bad(`${opt.name} is true or false, not "${value.slice(0, 40)}".`);
		}
		case 'choice': {
			const found = opt.choices?.find((c) => c.toLowerCase() === value.toLowerCase());
			if (found === undefined) return bad(`${opt.name} is one of ${opt.choices?.join(', ')}; "${value.slice(0, 40)}" is not.`);
			return found;
		}
		case 'date':
			return parseCommandDate(opt.name, value, dataset.story.timezone, now);
		case 'tag': {
			const tag = value.toLowerCase().replace(/^#/u, '');
			if (dataset.hasTag(tag)) return tag;
			const near = closest(tag, dataset.tags().map((t) => t.tag), 3);
			throw new UserFacingError('NOT_FOUND', `No event is tagged "${value.slice(0, 40)}".${near.length ? ` Did you mean ${near.map((t) => `"${t}"`).join(', ')}?` : ''}`, `Tags in use: ${dataset.tags().slice(0, 15).map((t) => t.tag).join(', ')}`);
		}
		case 'actor': {
			const m = dataset.resolveActor(value);
			if (m.kind === 'found') return m.actor;
			if (m.kind === 'ambiguous') {
				throw new UserFacingError('AMBIGUOUS', `"${value.slice(0, 60)}" could be ${m.candidates.slice(0, 5).map((a) => `${a.name} (${a.id})`).join(', ')}.`, `Give the id, e.g. ${opt.name}:${m.candidates[0]!.id}`);
			}
			throw new UserFacingError('NOT_FOUND', `No actor matches "${value.slice(0, 60)}".${m.suggestions.length ? ` Did you mean ${m.suggestions.map((a) => a.name).join(', ')}?` : ''}`, 'Search by any spelling, e.g. /actor Pezeshkian, or list actors with /search');
		}
		case 'event': {
			const byId = dataset.event(value.toLowerCase());
			if (byId) return byId;
			const hits = dataset.search(value, 20).filter((r) => r.kind === 'event');
			if (hits.length === 1 && hits[0]!.kind === 'event') return hits[0]!.event;
			const near = closest(value, dataset.events.map((e) => e.id), 3);
			const ids = near.length ? near : hits.slice(0, 3).map((h) => (h.kind === 'event' ? h.event.id : ''));
			throw new UserFacingError('NOT_FOUND', `No event has the id "${value.slice(0, 60)}".${ids.length ? ` Did you mean ${ids.join(', ')}?` : ''}`, 'Event ids are shown at the end of each /timeline line.');
		}
	}
}

/** Parses a date option: a dataset date form, or "today" / "yesterday" in the story's timezone. */
export function parseCommandDate(name: string, value: string, timeZone: string, now: Date): PartialDate {
	const v = value.toLowerCase();
	if (v === 'today' || v === 'yesterday') {
		const day = localDayNumber(now, timeZone) - (v === 'yesterday' ? 1 : 0);
		const r = parsePartialDate(isoFromDay(day));
		if (r.ok) return r.value;
	}
	const r = parsePartialDate(value);
	if (!r.ok) throw new UserFacingError('BAD_VALUE', `${name}: ${r.message}.`, `For example ${name}:2025-06-27, ${name}:2025-06 or ${name}:today`);
	return r.value;
}

/** `/timeline [from:DATE] [to:DATE] …` */
export function usage(module: CommandModule): string {
	const parts = module.data.options.map((o) => {
		const v = o.type === 'choice' ? (o.choices ?? []).join('|') : o.type.toUpperCase();
		return o.required ? `${o.name}:${v}` : `[${o.name}:${v}]`;
	});
	return `Usage: /${module.data.name}${parts.length ? ` ${parts.join(' ')}` : ''}`;
}

/** Rebuilds a canonical command line from option values. */
export function commandLine(name: string, values: Record<string, string | undefined>): string {
	const parts = Object.entries(values)
		.filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
		.map(([k, v]) => `${k}:${quoteValue(v)}`);
	return `/${name}${parts.length ? ` ${parts.join(' ')}` : ''}`;
}

/** An error answer: shown only to the requester where the platform allows. */
export function errorReply(message: string, hint?: string): Reply {
	const blocks = [para({ text: message, mark: 'bold' })];
	if (hint) blocks.push(para(hint));
	return { blocks, ephemeral: true };
}
