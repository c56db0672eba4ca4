/**
 * Completion, one implementation for every front end: Discord's autocomplete, the console's Tab key
 * and any later text interface rank actors, events, tags and outlets here.
 *
 * Suggestions for actor, event, tag and outlet options: at most 25 choices, names of 1–100
 * characters, values that are dataset ids. Pure: an answer is a few bounded queries of the snapshot
 * (lookup.ts), never a walk over every event or actor, so a keystroke costs about the same whatever
 * the dataset's size. Suggestions are only hints: the
 * command re-validates whatever value arrives. Names are in the reader's language (the interaction's
 * locale): translated actor names and event titles where the dataset has them, localized dates and
 * counts; a choice list has no room for a note, so an untranslated title is shown in English as is.
 */
import type { OptionDefinition, OptionType } from './command.js';
import { quoteValue } from './parse-line.js';
import type { Registry } from './registry.js';
import type { Actor, Outlet, StoryEvent } from '../dataset/model.js';
import { resolveOutlet } from '../dataset/outlet-lookup.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { fold } from '../dataset/text.js';
import { actorCandidates, actorsInTheNews, eventCandidates, latestEvents } from './lookup.js';
import { outletLabel, outletName } from '../i18n/outlets.js';
import { tagLabel } from '../i18n/slugs.js';
import { createTranslator, type Translator } from '../i18n/translator.js';

export const MAX_CHOICES = 25;
const MAX_NAME = 100;
const MAX_VALUE = 100;

export interface Choice {
	readonly name: string;
	readonly value: string;
}

function normal(text: string): string {
	return fold(text)
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

/** Cuts to `max` code points, never splitting a surrogate pair; control characters become spaces. */
function cut(text: string, max: number): string {
	// eslint-disable-next-line no-control-regex
	const points = [...text.replace(/[\u0000-\u001f\u007f-\u009f]/gu, ' ').trim()];
	return points.length <= max ? points.join('') : `${points.slice(0, max - 1).join('')}…`;
}

function choice(name: string, value: string): Choice | undefined {
	const n = cut(name, MAX_NAME);
	return n && value.length >= 1 && value.length <= MAX_VALUE ? { name: n, value } : undefined;
}

/** 0 best: the key starts with the query, then a word of it does, then it contains it. */
function rank(keys: readonly string[], q: string): number {
	let best = Infinity;
	for (const k of keys) {
		if (k === q) return 0;
		if (k.startsWith(q)) best = Math.min(best, 1);
		else if (k.includes(` ${q}`)) best = Math.min(best, 2);
		else if (k.includes(q)) best = Math.min(best, 3);
	}
	return best;
}

/**
 * Actors for what was typed: before anything is typed, who is in the news; then the actors the
 * bounded lookups find (lookup.ts), those whose name, alias or id begins with the text first.
 */
function actorChoices(dataset: DatasetSnapshot, typed: string, i18n: Translator): Choice[] {
	const q = normal(typed);
	let picked: readonly Actor[];
	if (!q) picked = actorsInTheNews(dataset);
	else {
		const { actors, resolved } = actorCandidates(dataset, typed);
		const keyed = actors.slice(resolved).map((actor) => ({
			actor,
			r: rank([actor.id, actor.name, ...actor.aliases, ...Object.values(actor.names)].map(normal).filter(Boolean), q),
		}));
		// The resolver's answers stay first; the rest by how the text matches their names (stable: lookup order within a rank).
		picked = [...actors.slice(0, resolved), ...keyed.sort((a, b) => a.r - b.r).map((x) => x.actor)];
	}
	return unique(picked.map((a) => choice(i18n.t('autocomplete.actor', { name: i18n.name(a.name, a.names), id: a.id }), a.id)));
}

function eventName(e: StoryEvent, i18n: Translator): string {
	return i18n.t('autocomplete.event', { date: i18n.date(e.date), title: i18n.content(e.title, e.titles) });
}

/** Events for what was typed: the latest before anything is typed, else the bounded lookups' (lookup.ts). */
function eventChoices(dataset: DatasetSnapshot, typed: string, i18n: Translator): Choice[] {
	const picked = typed.trim() ? eventCandidates(dataset, typed) : latestEvents(dataset, MAX_CHOICES);
	return unique(picked.map((e) => choice(eventName(e, i18n), e.id)));
}

function tagChoices(dataset: DatasetSnapshot, typed: string, i18n: Translator): Choice[] {
	const q = normal(typed.replace(/^#/u, ''));
	const tags = dataset.tags();
	const ranked = q
		? tags
				.map((t) => ({ t, r: rank([normal(t.tag), normal(tagLabel(i18n, t.tag, dataset))], q) }))
				.filter((y) => y.r < Infinity)
				.sort((a, b) => a.r - b.r || b.t.count - a.t.count)
				.map((y) => y.t)
		: tags;
	// The editors' label in the reader's language; the value stays the slug the filter takes.
	return unique(ranked.map((t) => choice(i18n.t('autocomplete.tag', { tag: tagLabel(i18n, t.tag, dataset), n: t.count }), t.tag)));
}

/** Outlets by any of their names (or id), each shown with its label: "TASS — Russian state media". */
function outletChoices(dataset: DatasetSnapshot, typed: string, i18n: Translator): Choice[] {
	const q = normal(typed);
	const outlets = [...dataset.vocabulary.outlets.values()];
	const picked: Outlet[] = [];
	if (!q) picked.push(...outlets);
	else {
		const resolved = resolveOutlet(dataset, typed);
		if (resolved.kind === 'found') picked.push(resolved.outlet);
		const ranked = outlets
			.map((o) => ({ o, r: rank([o.id, o.name, ...Object.values(o.names)].map(normal), q) }))
			.filter((y) => y.r < Infinity)
			.sort((a, b) => a.r - b.r);
		picked.push(...ranked.map((y) => y.o));
		if (resolved.kind === 'none') picked.push(...resolved.suggestions);
	}
	return unique(
		picked.map((o) => choice(i18n.t('outlet.byline', { publisher: outletName(o, i18n), label: outletLabel(o, i18n) }), o.id)),
	);
}

function unique(list: readonly (Choice | undefined)[]): Choice[] {
	const seen = new Set<string>();
	const out: Choice[] = [];
	for (const c of list) {
		if (!c || seen.has(c.value)) continue;
		seen.add(c.value);
		out.push(c);
		if (out.length === MAX_CHOICES) break;
	}
	return out;
}

/** Suggestions for what the user has typed so far into an option of `type`, named for the reader of `locale`. */
export function suggest(dataset: DatasetSnapshot, type: OptionType, typed: string, locale?: string): Choice[] {
	const text = typed.slice(0, 200);
	const i18n = createTranslator(locale);
	switch (type) {
		case 'actor':
			return actorChoices(dataset, text, i18n);
		case 'event':
			return eventChoices(dataset, text, i18n);
		case 'tag':
			return tagChoices(dataset, text, i18n);
		case 'outlet':
			return outletChoices(dataset, text, i18n);
		default:
			return [];
	}
}

/** What a Tab press may put in place of the text from `from` to the cursor. */
export interface LineCompletion {
	/** Where the replaced text starts in the line (the cursor is its end). */
	readonly from: number;
	/** Candidates in ranking order; each replaces the text from `from`. */
	readonly candidates: readonly string[];
}

const NONE = (at: number): LineCompletion => ({ from: at, candidates: [] });

function valueCandidates(dataset: DatasetSnapshot, option: OptionDefinition, typed: string, locale?: string): string[] {
	if (option.type === 'choice') return (option.choices ?? []).filter((c) => c.startsWith(typed.toLowerCase()));
	if (option.type === 'boolean') return ['true', 'false'].filter((c) => c.startsWith(typed.toLowerCase()));
	return suggest(dataset, option.type, typed, locale).map((c) => quoteValue(c.value));
}

/**
 * Completes a text command line (`/timeline actor:kre`) up to its cursor: command names after the
 * slash, then option names (`actor:`) and option values ranked as {@link suggest} ranks them. Words
 * that are not `name:value` fill a command's first option, so `/actor Pezesh` completes that option
 * with the whole positional text. Pure; an unknown command or option completes to nothing.
 */
export function completeLine(registry: Registry, dataset: DatasetSnapshot, line: string, locale?: string): LineCompletion {
	const text = line.slice(0, 600);
	const head = /^\s*\/([a-z0-9_]*)$/u.exec(text);
	if (head) {
		const typed = head[1]!;
		return {
			from: text.length - typed.length - 1,
			candidates: [...registry.keys()].filter((n) => n.startsWith(typed)).map((n) => `/${n} `),
		};
	}
	const cmd = /^\s*\/([a-z0-9_]+)(?:@\S*)?\s/u.exec(text);
	const module = cmd ? registry.get(cmd[1]!) : undefined;
	if (!cmd || !module) return NONE(text.length);
	const options = module.data.options;
	const rest = text.slice(cmd[0].length);
	const word = /\S*$/u.exec(rest)![0];
	const wordAt = text.length - word.length;
	const named = /^([a-z][a-z0-9_]*):(.*)$/su.exec(word);
	if (named) {
		const option = options.find((o) => o.name === named[1]);
		if (!option) return NONE(text.length);
		return { from: text.length - named[2]!.length, candidates: valueCandidates(dataset, option, named[2]!, locale) };
	}
	const used = new Set([...rest.matchAll(/(?:^|\s)([a-z][a-z0-9_]*):/gu)].map((m) => m[1]!));
	const names = options.filter((o) => !used.has(o.name) && o.name.startsWith(word)).map((o) => `${o.name}:`);
	// Positional words fill the first option; they complete only while no option has been named,
	// because after one the positional text is no longer one run at the cursor.
	const first = options[0];
	const positional = used.size === 0 ? rest.trimStart() : word;
	if (!first || positional === '' || used.has(first.name) || (used.size > 0 && word === '')) return { from: wordAt, candidates: names };
	const values = valueCandidates(dataset, first, positional, locale);
	if (positional !== word)
		return values.length ? { from: text.length - positional.length, candidates: values } : { from: wordAt, candidates: names };
	return { from: wordAt, candidates: [...names, ...values] };
}
