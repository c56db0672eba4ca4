/**
 * Option values: a command's raw text values turned into typed arguments, each checked against its
 * option's definition and resolved against the snapshot, with "did you mean" answers for near misses.
 */
import { resolveOutlet } from '../dataset/outlet-lookup.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { localDayNumber, parsePartialDate, isoFromDay, type PartialDate } from '../dataset/partial-date.js';
import { closest } from '../dataset/text.js';
import { optionDescription } from '../i18n/command-text.js';
import type { CommandModule, OptionDefinition } from './command.js';
import { msg, UserFacingError, type ErrorText } from './errors.js';
import { cleanValue } from './invisible.js';
import { nearEventIds } from './lookup.js';
import { usageOf } from './usage.js';

/** Longest value one option accepts. */
export const MAX_VALUE = 500;

/**
 * The typed arguments of `module` from its raw option values: each value cleaned of invisible
 * characters, checked against its option's type and resolved against `dataset` (actors, events,
 * tags, outlets, dates). Throws a UserFacingError that says how to fix the first bad value.
 */
export function convertArgs(
	module: CommandModule,
	raw: Record<string, string>,
	dataset: DatasetSnapshot,
	now: Date,
): Record<string, unknown> {
	const args: Record<string, unknown> = {};
	for (const opt of module.data.options) {
		const given = raw[opt.name];
		const value = given === undefined ? undefined : cleanValue(given, opt.type === 'text').trim();
		if (value === undefined || value === '') {
			if (opt.required) {
				throw new UserFacingError(
					'MISSING_OPTION',
					(i18n) =>
						i18n.t('error.missingOption', {
							command: `/${module.data.name}`,
							option: opt.name,
							description: optionDescription(i18n, module.data, opt),
						}),
					usageOf(module),
				);
			}
			args[opt.name] = undefined;
			continue;
		}
		if (value.length > MAX_VALUE)
			throw new UserFacingError('BAD_VALUE', msg('error.tooLong', { option: opt.name, length: value.length, limit: MAX_VALUE }));
		args[opt.name] = convertValue(module, opt, value, dataset, now);
	}
	return args;
}

function convertValue(module: CommandModule, opt: OptionDefinition, value: string, dataset: DatasetSnapshot, now: Date): unknown {
	const bad = (message: ErrorText, hint?: ErrorText): never => {
		throw new UserFacingError('BAD_VALUE', message, hint ?? usageOf(module));
	};
	const option = opt.name;
	switch (opt.type) {
		case 'text':
			return value;
		case 'integer': {
			if (!/^-?\d{1,15}$/u.test(value)) return bad(msg('error.notInteger', { option, value: value.slice(0, 40) }));
			const n = Number(value);
			if (opt.min !== undefined && n < opt.min) return bad(msg('error.atLeast', { option, min: opt.min }));
			if (opt.max !== undefined && n > opt.max) return bad(msg('error.atMost', { option, max: opt.max }));
			return n;
		}
		case 'boolean': {
			const v = value.toLowerCase();
			if (['true', 'yes', 'on', '1'].includes(v)) return true;
			if (['false', 'no', 'off', '0'].includes(v)) return false;
			return bad(msg('error.notBoolean', { option, value: value.slice(0, 40) }));
		}
		case 'choice': {
			const found = opt.choices?.find((c) => c.toLowerCase() === value.toLowerCase());
			if (found === undefined)
				return bad((i18n) =>
					i18n.t('error.notChoice', { option, choices: i18n.list(opt.choices ?? []), value: value.slice(0, 40) }),
				);
			return found;
		}
		case 'date':
			return parseCommandDate(opt.name, value, dataset.story.timezone, now);
		case 'tag': {
			const tag = value.toLowerCase().replace(/^#/u, '');
			if (dataset.hasTag(tag)) return tag;
			const near = closest(
				tag,
				dataset.tags().map((t) => t.tag),
				3,
			);
			const shown = value.slice(0, 40);
			throw new UserFacingError(
				'NOT_FOUND',
				(i18n) =>
					near.length
						? i18n.t('error.noTag.suggest', {
								tag: shown,
								suggestions: i18n.list(near.map((t) => i18n.t('list.quoted', { text: t }))),
							})
						: i18n.t('error.noTag', { tag: shown }),
				(i18n) =>
					i18n.t('error.noTag.hint', {
						tags: i18n.list(
							dataset
								.tags()
								.slice(0, 15)
								.map((t) => t.tag),
						),
					}),
			);
		}
		case 'actor': {
			const m = dataset.resolveActor(value);
			if (m.kind === 'found') return m.actor;
			const shown = value.slice(0, 60);
			if (m.kind === 'ambiguous') {
				throw new UserFacingError(
					'AMBIGUOUS',
					(i18n) =>
						i18n.t('error.ambiguousActor', {
							value: shown,
							candidates: i18n.list(
								m.candidates
									.slice(0, 5)
									.map((a) => i18n.t('error.ambiguousActor.candidate', { name: i18n.name(a.name, a.names), id: a.id })),
							),
						}),
					msg('error.ambiguousActor.hint', { example: `${opt.name}:${m.candidates[0]!.id}` }),
				);
			}
			throw new UserFacingError(
				'NOT_FOUND',
				(i18n) =>
					m.suggestions.length
						? i18n.t('error.noActor.suggest', {
								value: shown,
								suggestions: i18n.list(m.suggestions.map((a) => i18n.name(a.name, a.names))),
							})
						: i18n.t('error.noActor', { value: shown }),
				msg('error.noActor.hint'),
			);
		}
		case 'outlet': {
			const m = resolveOutlet(dataset, value);
			if (m.kind === 'found') return m.outlet;
			const shown = value.slice(0, 60);
			throw new UserFacingError(
				'NOT_FOUND',
				(i18n) =>
					m.suggestions.length
						? i18n.t('error.noOutlet.suggest', {
								value: shown,
								suggestions: i18n.list(m.suggestions.map((o) => i18n.name(o.name, o.names))),
							})
						: i18n.t('error.noOutlet', { value: shown }),
				msg('error.noOutlet.hint'),
			);
		}
		case 'event': {
			const byId = dataset.event(value.toLowerCase());
			if (byId) return byId;
			const hits = dataset.search(value, 20).filter((r) => r.kind === 'event');
			// Words may find the one event they describe; an id that is not exact asks "did you mean"
			// rather than answering with whichever event shares a word with it.
			const idShaped = /^[\p{L}\p{N}]+(?:[-_][\p{L}\p{N}]+)+$/u.test(value);
			if (!idShaped && hits.length === 1 && hits[0]!.kind === 'event') return hits[0]!.event;
			// Among the events a bounded search finds from the value's words, not every event's id.
			const near = nearEventIds(dataset, value);
			const ids = near.length ? near : hits.slice(0, 3).map((h) => (h.kind === 'event' ? h.event.id : ''));
			const shown = value.slice(0, 60);
			throw new UserFacingError(
				'NOT_FOUND',
				(i18n) =>
					ids.length
						? i18n.t('error.noEvent.suggest', { value: shown, suggestions: i18n.list(ids) })
						: i18n.t('error.noEvent', { value: shown }),
				msg('error.noEvent.hint'),
			);
		}
	}
}

/** "today" and "yesterday" as readers of each interface language type them (input, not output). */
const TODAY = new Set(['today', 'сегодня', 'bugün', 'bu gün', 'امروز']);
const YESTERDAY = new Set(['yesterday', 'вчера', 'dünən', 'دیروز']);

/** Parses a date option: a dataset date form, or "today" / "yesterday" in the story's timezone. */
export function parseCommandDate(name: string, value: string, timeZone: string, now: Date): PartialDate {
	const v = value.toLowerCase().trim();
	if (TODAY.has(v) || YESTERDAY.has(v)) {
		const day = localDayNumber(now, timeZone) - (YESTERDAY.has(v) ? 1 : 0);
		const r = parsePartialDate(isoFromDay(day));
		if (r.ok) return r.value;
	}
	const r = parsePartialDate(value);
	if (!r.ok) {
		const shown = value.slice(0, 40);
		throw new UserFacingError(
			'BAD_VALUE',
			// The parser explains in English; other languages get a plain "cannot read this date".
			(i18n) =>
				i18n.t('error.badDate', {
					option: name,
					problem: i18n.locale === 'en' ? r.message : i18n.t('date.problem', { value: shown }),
				}),
			msg('error.badDate.hint', { a: `${name}:2025-06-27`, b: `${name}:2025-06`, c: `${name}:today` }),
		);
	}
	return r.value;
}
