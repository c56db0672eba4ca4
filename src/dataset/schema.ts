/**
 * The dataset schema as editors write it. The loader validates every file against these zod
 * schemas, and data/schema.json (for editors' YAML completion) is generated from them, so the two
 * can never disagree.
 */
import { z } from 'zod';
import { DATE_FORMS, parsePartialDate } from './partial-date.js';
import { eventStatuses, stances } from '../vocabulary/words.js';

export { eventStatuses, stances };

/** Editor-written ids: lowercase slugs, stable across edits. */
export const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/u;
const slug = z
	.string()
	.max(80, 'an id is at most 80 characters')
	.regex(SLUG, 'an id is a lowercase slug: letters a-z, digits, "-" or "_" between them (e.g. "russian-mfa")');

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** A language tag such as "en", "ru", "az", "fa" (BCP 47, short form). */
const lang = z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/u, 'a language tag such as "en", "ru", "az" or "fa"');

/** A date in any of the accepted forms; checked for existence (no 2025-02-30). */
export const dateField = z
	.union([z.string(), z.number().int()])
	.superRefine((value, ctx) => {
		const r = parsePartialDate(value);
		if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
	})
	.meta({
		description: `A date at its precision: ${DATE_FORMS}. Examples: 2025-06-27, 2025-06, 2025, ~2025-10-20, 2025-07-03/2025-07-04`,
	});

const url = z
	.string()
	.max(2000)
	.regex(/^https?:\/\/[^\s<>"]+$/u, 'must be an http:// or https:// URL without spaces')
	// The URL is published in /event and the .ics export: a user name or password in it would be too.
	.refine(
		(v) => !/^https?:\/\/[^/?#]*@/iu.test(v),
		'must not contain a user name or password before the host (…@); remove them, as the URL is published with every event that cites it',
	);

/** Per-language translations of a text field, keyed by language tag. */
const translations = z.record(lang, text(2000)).meta({ description: 'Translations keyed by language tag, e.g. { ru: "…", az: "…" }' });

export const actorTypes = [
	'state',
	'government_body',
	'person',
	'media_org',
	'security_force',
	'court',
	'parliament',
	'igo',
	'diaspora_org',
	'group',
	'company',
	'other',
] as const;

/**
 * The story's title or summary in other languages, each held to the English field's length (events'
 * `titles` and `summaries` use {@link translations}, which the loader's fast path mirrors).
 */
const storyTranslations = (max: number) =>
	z
		.record(lang, text(max))
		.meta({ description: `Translations keyed by language tag, e.g. { ru: "…", az: "…" }; each at most ${max} characters` });

export const storySchema = z
	.object({
		title: text(200),
		summary: text(4000),
		timezone: z
			.string()
			.refine((tz) => isTimeZone(tz), 'must be an IANA timezone such as "Asia/Baku" or "Europe/Moscow"')
			.meta({ description: 'IANA timezone for "today" and daily briefings' }),
		status: z.enum(['developing', 'dormant', 'concluded']),
		updated: dateField.optional(),
		languages: z.array(lang).optional(),
		titles: storyTranslations(200).optional(),
		summaries: storyTranslations(4000).optional(),
	})
	.strict();

export const actorSchema = z
	.object({
		id: slug,
		name: text(200),
		aliases: z
			.array(text(200))
			.max(100)
			.optional()
			.meta({ description: 'Other names, spellings and transliterations (Səfərov, Сафаров, Guseyn)' }),
		type: z.enum(actorTypes),
		country: z
			.string()
			.regex(/^[A-Z]{3}$/u, 'an ISO 3166-1 alpha-3 code such as "AZE", "RUS", "IRN"')
			.optional(),
		description: text(2000),
		affiliations: z.array(slug).max(50).optional().meta({ description: 'Ids of actors this one belongs to or speaks for' }),
		wikidata: z
			.string()
			.regex(/^Q[1-9]\d*$/u, 'a Wikidata id such as "Q227"')
			.optional(),
		names: translations.optional(),
		descriptions: translations.optional().meta({ description: 'The short description in other languages, keyed by language tag' }),
	})
	.strict();

export const outletKinds = [
	'state',
	'pro-government',
	'public',
	'private',
	'affiliated',
	'independent',
	'official',
	'wire',
	'unknown',
] as const;
/** The older, coarse source label; a source that names no outlet still gives one. */
export const sourceAffiliations = ['independent', 'state-affiliated', 'party'] as const;

const country = z.string().regex(/^[A-Z]{3}$/u, 'an ISO 3166-1 alpha-3 code such as "AZE", "RUS", "IRN"');

/**
 * A news outlet, agency or official channel that sources are published by. Its kind and note are
 * what readers weigh a source by, so every source line shows them ("TASS — Russian state media").
 */
export const outletSchema = z
	.object({
		id: slug,
		name: text(200),
		names: translations
			.optional()
			.meta({ description: "The outlet's name where another language has an established form (ТАСС, «Коммерсантъ»)" }),
		country: country.optional().meta({ description: 'Where the outlet is based' }),
		kind: z.enum(outletKinds).meta({
			description:
				'state (state-owned or state-run media of `state`); pro-government (privately owned, follows the government of `state`); public (publicly funded, independent by statute, of `state`); private (privately owned); affiliated (speaks for the party or movement `party`); independent; official (an official body of `state` publishing for itself); wire (a news agency); unknown (ownership not established)',
		}),
		state: country
			.optional()
			.meta({ description: 'For state, pro-government, public and official outlets: the state whose media or body it is' }),
		party: text(200).optional().meta({ description: 'For affiliated outlets: the party or movement (Hezbollah)' }),
		parties: translations.optional().meta({ description: 'The party or movement in other languages' }),
		note: text(300).meta({ description: 'One line giving the reason for the kind: owner, funder or who appoints the editor' }),
		notes: translations.optional(),
		url: url.optional().meta({ description: "The outlet's home page" }),
	})
	.strict()
	.superRefine((o, ctx) => {
		const needsState = o.kind === 'state' || o.kind === 'pro-government' || o.kind === 'public' || o.kind === 'official';
		if (needsState && o.state === undefined)
			ctx.addIssue({
				code: 'custom',
				path: ['kind'],
				message: `a ${o.kind} outlet names its state: add state: with an ISO 3166-1 alpha-3 code such as "RUS"`,
			});
		if (!needsState && o.state !== undefined)
			ctx.addIssue({
				code: 'custom',
				path: ['state'],
				message: `state: is for state, pro-government, public and official outlets, not ${o.kind}; remove it or change the kind`,
			});
		if (o.kind === 'affiliated' && o.party === undefined)
			ctx.addIssue({
				code: 'custom',
				path: ['kind'],
				message: 'an affiliated outlet names the party or movement it speaks for: add party: (e.g. "Hezbollah")',
			});
		if (o.kind !== 'affiliated' && (o.party !== undefined || o.parties !== undefined))
			ctx.addIssue({
				code: 'custom',
				path: [o.party !== undefined ? 'party' : 'parties'],
				message: `party: is for affiliated outlets, not ${o.kind}; remove it or change the kind`,
			});
	});

/**
 * A source: one article or document. It names its outlet (an id from outlets.yaml); the older form,
 * a publisher name and a coarse affiliation, is still read for datasets written before outlets.
 */
export const sourceSchema = z
	.object({
		id: slug,
		outlet: slug.optional().meta({ description: 'Id of the outlet that published it (outlets.yaml)' }),
		publisher: text(200).optional().meta({ description: 'Older form, without outlet: the publisher name' }),
		url,
		title: text(500).optional(),
		published: dateField.optional(),
		language: lang,
		affiliation: z.enum(sourceAffiliations).optional().meta({
			description:
				'Older form, without outlet: independent; state-affiliated (state media of any country); party (a side in the story speaking for itself)',
		}),
	})
	.strict()
	.superRefine((x, ctx) => {
		if (x.outlet !== undefined) {
			for (const k of ['publisher', 'affiliation'] as const) {
				if (x[k] !== undefined)
					ctx.addIssue({
						code: 'custom',
						path: [k],
						message: `a source with outlet: takes its name and label from the outlet; remove ${k}:`,
					});
			}
		} else if (x.publisher === undefined || x.affiliation === undefined) {
			ctx.addIssue({
				code: 'custom',
				path: ['outlet'],
				message:
					'a source names its outlet: add outlet: with an id from outlets.yaml (or, in the older form, both publisher: and affiliation:)',
			});
		}
	});

/** A readable label for a slug readers see (a dispute topic, a tag, a role), in other languages too. */
export const labelSchema = z
	.object({
		id: slug,
		label: text(120),
		labels: translations.optional().meta({ description: 'The label in other languages, e.g. { ru: "причина смерти" }' }),
	})
	.strict();

export const claimSchema = z
	.object({
		id: slug,
		by: slug.meta({ description: 'Id of the actor who makes the claim' }),
		stance: z.enum(stances),
		topic: slug.optional().meta({ description: 'What the claim is about, shared by opposing claims: cause-of-death, detainee-count…' }),
		text: text(2000),
		quote: z
			.object({ text: text(2000), lang })
			.strict()
			.optional(),
		source: slug,
		date: dateField.optional(),
		translations: translations.optional(),
	})
	.strict();

export const priorities = ['breaking', 'normal'] as const;

/**
 * An embargo instant: an ISO 8601 date-time with seconds optional and an explicit offset or Z, so the
 * moment an event becomes visible never depends on the server's timezone.
 */
export const EMBARGO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/u;

/** Milliseconds since the epoch of an embargo; NaN for one that fails {@link EMBARGO} or is impossible (2025-02-30T…). */
export function embargoMs(value: string): number {
	const offset = EMBARGO.test(value) ? /(?:Z|([+-])(\d{2}):(\d{2}))$/u.exec(value) : null;
	const ms = offset ? Date.parse(value) : NaN;
	// Date.parse rolls 2025-02-30 over to March 2; the date part must survive the round trip.
	if (!offset || Number.isNaN(ms)) return NaN;
	const shift = offset[1] ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
	return new Date(ms + shift).toISOString().slice(0, 10) === value.slice(0, 10) ? ms : NaN;
}

const embargoField = z
	.string()
	.regex(EMBARGO, 'an embargo is a date-time with its offset, such as "2025-07-01T09:00:00+04:00" or "2025-07-01T05:00:00Z"')
	.refine((v) => !Number.isNaN(embargoMs(v)), 'is not a real date-time (check the day and the hour)')
	.meta({
		description: 'The event stays invisible (commands, briefings, alerts, exports) until this instant, e.g. 2025-07-01T09:00:00+04:00',
	});
export const relationTypes = ['response_to', 'caused_by', 'part_of', 'follows', 'context'] as const;

export const eventSchema = z
	.object({
		id: slug,
		date: dateField,
		title: text(200),
		summary: text(4000),
		location: z
			.object({
				name: text(200),
				country: z
					.string()
					.regex(/^[A-Z]{3}$/u, 'an ISO 3166-1 alpha-3 code such as "AZE"')
					.optional(),
				names: translations.optional().meta({ description: 'The place name in other languages: { ru: Баку, az: Bakı, fa: باکو }' }),
			})
			.strict()
			.optional(),
		actors: z
			.array(z.object({ actor: slug, role: slug.optional() }).strict())
			.min(1, 'an event names at least one actor')
			.max(50),
		tags: z.array(slug).max(30).optional(),
		sources: z.array(slug).min(1, 'every event cites at least one source').max(50),
		status: z.enum(eventStatuses),
		note: text(2000).optional().meta({ description: 'Editorial note shown with disputed or corrected events' }),
		related: z
			.array(z.object({ event: slug, type: z.enum(relationTypes) }).strict())
			.max(50)
			.optional(),
		claims: z.array(claimSchema).max(200).optional(),
		titles: translations.optional(),
		summaries: translations.optional(),
		notes: translations.optional().meta({ description: 'The editorial note in other languages, keyed by language tag' }),
		priority: z.enum(priorities).optional().meta({
			description:
				'breaking: pushed at once to subscriptions with alerts:breaking or alerts:all; normal (the default): only to alerts:all',
		}),
		draft: z
			.boolean()
			.optional()
			.meta({ description: 'true: the event is never shown anywhere until this is removed or set to false' }),
		embargo: embargoField.optional(),
	})
	.strict();

/** What a file in data/ may hold. */
export const storyFileSchema = z.object({ story: storySchema }).strict();
export const actorsFileSchema = z.object({ actors: z.array(actorSchema) }).strict();
export const sourcesFileSchema = z.object({ sources: z.array(sourceSchema) }).strict();
export const eventsFileSchema = z.object({ events: z.array(eventSchema) }).strict();
export const outletsFileSchema = z.object({ outlets: z.array(outletSchema) }).strict();

export type StoryInput = z.infer<typeof storySchema>;
export type ActorInput = z.infer<typeof actorSchema>;
export type SourceInput = z.infer<typeof sourceSchema>;
export type ClaimInput = z.infer<typeof claimSchema>;
export type EventInput = z.infer<typeof eventSchema>;
export type OutletInput = z.infer<typeof outletSchema>;
export type LabelInput = z.infer<typeof labelSchema>;

/** One JSON Schema for every dataset file: each file holds one or more of the top-level keys. */
export const datasetFileSchema = z
	.object({
		story: storySchema.optional(),
		actors: z.array(actorSchema).optional(),
		sources: z.array(sourceSchema).optional(),
		events: z.array(eventSchema).optional(),
		outlets: z.array(outletSchema).optional(),
		topics: z.array(labelSchema).optional().meta({ description: 'Labels of the dispute topics claims name (topic: cause-of-death)' }),
		tags: z.array(labelSchema).optional().meta({ description: 'Labels of the tags events carry' }),
		roles: z
			.array(labelSchema)
			.optional()
			.meta({ description: 'Labels of the roles actors play in events (role: speaker), beyond the built-in ones' }),
	})
	.strict();

export function isTimeZone(tz: string): boolean {
	if (tz.length > 64) return false;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}
