/**
 * The command contract. Each commands/<name>.ts default-exports `{ data, execute }`; `data` is plain,
 * platform-neutral data from which Discord slash commands, Telegram's command menu, /help and the
 * argument parser are all derived.
 */
import type { Actor, Outlet, StoryEvent } from '../dataset/model.js';
import type { PartialDate } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { CommandDefinition, OptionDefinition } from '../vocabulary/command-definition.js';
import type { Place, Requester } from '../vocabulary/place.js';
import type { Reply } from './reply.js';

export type { Access, CommandDefinition, OptionDefinition, OptionType } from '../vocabulary/command-definition.js';

type ValueOf<O extends OptionDefinition> = O['type'] extends 'integer'
	? number
	: O['type'] extends 'date'
		? PartialDate
		: O['type'] extends 'actor'
			? Actor
			: O['type'] extends 'event'
				? StoryEvent
				: O['type'] extends 'outlet'
					? Outlet
					: O['type'] extends 'boolean'
						? boolean
						: O['type'] extends 'choice'
							? O['choices'] extends readonly (infer C)[]
								? C
								: string
							: string;

/** The parsed arguments of a command, typed from its definition: required options are never undefined. */
export type ArgsOf<D extends CommandDefinition> = {
	readonly [O in D['options'][number] as O['name']]: O['required'] extends true ? ValueOf<O> : ValueOf<O> | undefined;
};

export type { Place, Platform, Requester } from '../vocabulary/place.js';

/** Everything a command may use. Commands never reach for globals. */
export interface CommandContext<A = Record<string, unknown>> {
	readonly args: A;
	/** The dataset as it was when the command started; a reload does not change it mid-command. */
	readonly dataset: DatasetSnapshot;
	/** The current instant (settable, for replays). */
	readonly now: Date;
	readonly requester: Requester;
	readonly place: Place;
	/** The platform's language hint as given (Discord's interaction locale, Telegram's language_code), or "en". */
	readonly locale: string;
	/**
	 * The reader's language: a pinned language, else the platform's hint, else English. Every string
	 * the command puts in its reply comes from here (ctx.i18n.t), and dataset text goes through
	 * ctx.i18n.content so that a missing translation is noted once in the reply.
	 */
	readonly i18n: Translator;
	readonly logger: Logger;
	/** The command line that produced this request, without paging, for building page links. */
	readonly commandLine: (overrides: Record<string, string | undefined>) => string;
	/** Services the composition root provides (stores, reload); absent in pure tests. */
	readonly services: CommandServices;
}

/**
 * Optional capabilities wired by the composition root: one typed interface, every member optional
 * (a build without a store or a reloader still answers). Commands check for what they need.
 */
export interface CommandServices {
	/** Every command, for /help. */
	readonly registry?: ReadonlyMap<string, { readonly data: CommandDefinition }>;
	/** Pictures with answers: true for PNG, 'svg' for inline SVG (the web site), absent or false for none. */
	readonly images?: boolean | 'svg';
	// The subscription store and its defaults (src/store/services.ts) and the reloader
	// (src/reload/reloader.ts) are members too: their layers add them by declaration merging, so
	// that the core names no store and no reloader and the layers stay in order.
}

export interface CommandModule<D extends CommandDefinition = CommandDefinition> {
	readonly data: D;
	readonly execute: (ctx: CommandContext<ArgsOf<D>>) => Reply | Promise<Reply>;
}

/** Declares a command with its argument types inferred from `data`. */
export function defineCommand<const D extends CommandDefinition>(module: {
	data: D;
	execute: (ctx: CommandContext<ArgsOf<D>>) => Reply | Promise<Reply>;
}): CommandModule<D> {
	return module;
}

export const NAME_PATTERN = /^[a-z0-9_]{1,32}$/u;

/** Problems with a definition, empty when it is valid on both platforms. */
export function definitionProblems(d: CommandDefinition): string[] {
	const out: string[] = [];
	if (!NAME_PATTERN.test(d.name)) out.push(`command name "${d.name}" must match ${NAME_PATTERN.source}`);
	if (d.description.length < 1 || d.description.length > 100) out.push(`/${d.name}: description must be 1–100 characters`);
	if (d.options.length > 25) out.push(`/${d.name}: at most 25 options`);
	const seen = new Set<string>();
	let optionalSeen = false;
	for (const o of d.options) {
		if (!NAME_PATTERN.test(o.name)) out.push(`/${d.name}: option name "${o.name}" must match ${NAME_PATTERN.source}`);
		if (seen.has(o.name)) out.push(`/${d.name}: option "${o.name}" is declared twice`);
		seen.add(o.name);
		if (o.description.length < 1 || o.description.length > 100) out.push(`/${d.name} ${o.name}: description must be 1–100 characters`);
		if (o.type === 'choice' && (!o.choices || o.choices.length === 0 || o.choices.length > 25))
			out.push(`/${d.name} ${o.name}: a choice option lists 1–25 choices`);
		// Discord requires required options before optional ones.
		if (o.required && optionalSeen) out.push(`/${d.name}: required option "${o.name}" must come before optional ones`);
		if (!o.required) optionalSeen = true;
	}
	if (d.examples.length === 0) out.push(`/${d.name}: give at least one example`);
	return out;
}
