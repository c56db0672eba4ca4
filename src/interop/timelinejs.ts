/**
 * Knight Lab TimelineJS3 JSON: import into a dataset draft, export from a snapshot.
 *
 * TimelineJS has no precision field: a missing month or day is the precision. It numbers BCE years
 * as negatives without a year zero (55 BC → -55); sitrep uses astronomical years (55 BC → -54), so
 * both directions convert. The export carries each record in full under a "sitrep" key that
 * TimelineJS ignores, so an export imports back without loss.
 */
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { formatHuman, parsePartialDate, type DatePoint, type PartialDate } from '../dataset/partial-date.js';
import type { EventInput, SourceInput } from '../dataset/schema.js';
import {
	actorToInput as rawActor,
	eventToInput as rawEvent,
	labelToInput as rawLabel,
	outletToInput as rawOutlet,
	sourceToInput as rawSource,
} from '../dataset/to-input.js';
import { bylineText, sourceByline } from '../i18n/outlets.js';
import { createTranslator } from '../i18n/translator.js';
import { clip, IdAllocator, slugify, type DatasetDraft, type ImportIssue, type ImportResult } from './draft.js';
import { htmlToText } from './html-to-text.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface TimelineDate {
	year: number;
	month?: number;
	day?: number;
	display_date?: string;
}

export interface TimelineSlide {
	unique_id?: string;
	start_date?: TimelineDate;
	end_date?: TimelineDate;
	display_date?: string;
	text?: { headline?: string; text?: string };
	group?: string;
	media?: { url: string; caption?: string; credit?: string };
	/** sitrep's own record, for a lossless round trip. TimelineJS ignores unknown keys. */
	sitrep?: Json;
}

export class TimelineJsError extends Error {
	override readonly name = 'TimelineJsError';
}

// ---------- import ----------

const num = (v: unknown): number | undefined => {
	if (typeof v === 'number' && Number.isInteger(v)) return v;
	if (typeof v === 'string' && /^-?\d+$/u.test(v.trim())) return Number(v.trim());
	return undefined;
};

/** A TimelineJS date object as sitrep date text, or a reason it cannot be read. */
export function timelineDateToText(d: unknown, where: string): { text?: string; issue?: ImportIssue } {
	if (!d || typeof d !== 'object') return { issue: { where, message: 'no date' } };
	const o = d as Record<string, unknown>;
	const year = num(o['year']);
	if (year === undefined) return { issue: { where, message: `year ${JSON.stringify(o['year'] ?? null)} is not a whole number` } };
	if (year === 0) return { issue: { where, message: 'year 0 does not exist in TimelineJS numbering (1 BC is -1)' } };
	const astro = year < 0 ? year + 1 : year;
	const y = astro < 0 ? `-${String(-astro).padStart(4, '0')}` : String(astro).padStart(4, '0');
	const month = num(o['month']);
	const day = num(o['day']);
	let text = y;
	if (month !== undefined) {
		text += `-${String(month).padStart(2, '0')}`;
		if (day !== undefined) text += `-${String(day).padStart(2, '0')}`;
	}
	const r = parsePartialDate(text);
	if (!r.ok) return { issue: { where, message: r.message } };
	return { text: r.value.text };
}

function hostOf(url: string): string {
	try {
		return new URL(url).hostname.replace(/^www\./u, '');
	} catch {
		return url;
	}
}

/** Accepts the current format and the legacy {"timeline": {"slides": […]}} wrapper; rejects the v2 format clearly. */
function slidesOf(input: unknown): { title?: TimelineSlide; events: unknown[] } {
	if (!input || typeof input !== 'object' || Array.isArray(input))
		throw new TimelineJsError('expected a JSON object with an "events" list (TimelineJS3 format)');
	const o = input as Record<string, unknown>;
	if (Array.isArray(o['events'])) return { ...(o['title'] ? { title: o['title'] as TimelineSlide } : {}), events: o['events'] };
	const t = o['timeline'];
	if (t && typeof t === 'object') {
		const tl = t as Record<string, unknown>;
		if (Array.isArray(tl['slides'])) return { events: tl['slides'] };
		if (Array.isArray(tl['date']) || 'startDate' in tl) {
			throw new TimelineJsError(
				'this is the TimelineJS version 2 format ("timeline": {"date": […]}); open it in TimelineJS3 or convert it to the version 3 format (a top-level "events" list) first',
			);
		}
	}
	throw new TimelineJsError(
		'no "events" list found; expected the TimelineJS3 JSON format (see timeline.knightlab.com/docs/json-format.html)',
	);
}

export interface TimelineImportOptions {
	/** Where the timeline itself is published: cited for events that link no source. */
	readonly sourceUrl?: string;
	readonly timezone?: string;
	/** Name shown in the report and used as the story title when the file has none. */
	readonly name?: string;
}

export function importTimelineJs(input: unknown, options: TimelineImportOptions = {}): ImportResult {
	const { title, events } = slidesOf(input);
	const report: ImportIssue[] = [];
	const eventIds = new IdAllocator();
	const sourceIds = new IdAllocator();
	const actorIds = new IdAllocator();
	const sourcesByUrl = new Map<string, SourceInput>();
	const actorsByName = new Map<string, string>();
	const draft: DatasetDraft = {
		story: {
			title: clip(htmlToText(title?.text?.headline ?? '').text || options.name || 'Imported timeline', 200),
			summary: clip(
				htmlToText(title?.text?.text ?? '').text || `Imported from TimelineJS${options.name ? ` (${options.name})` : ''}.`,
				4000,
			),
			timezone: options.timezone ?? 'UTC',
			status: 'developing',
		},
		actors: [],
		sources: [],
		events: [],
	};
	// A sitrep export carries the story, every actor and every source on its title slide.
	const titleExt = title?.sitrep as
		| (Pick<DatasetDraft, 'outlets' | 'topics' | 'tags' | 'roles'> & {
				story?: DatasetDraft['story'];
				actors?: DatasetDraft['actors'];
				sources?: SourceInput[];
		  })
		| undefined;
	if (titleExt && typeof titleExt === 'object') {
		if (titleExt.story) draft.story = titleExt.story;
		for (const k of ['outlets', 'topics', 'tags', 'roles'] as const)
			if (Array.isArray(titleExt[k]) && titleExt[k].length) (draft[k] as unknown[]) = [...titleExt[k]];
		for (const a of titleExt.actors ?? []) {
			draft.actors.push(a);
			actorIds.take(a.id);
			actorsByName.set(a.name, a.id);
		}
		for (const x of titleExt.sources ?? []) {
			draft.sources.push(x);
			sourceIds.take(x.id);
			sourcesByUrl.set(x.url, x);
		}
	}
	const source = (url: string, publisher?: string, title?: string): string => {
		const existing = sourcesByUrl.get(url);
		if (existing) return existing.id;
		const s: SourceInput = {
			id: sourceIds.take(slugify(`${hostOf(url)}-${url.split('/').filter(Boolean).pop() ?? ''}`, 50)),
			publisher: clip(publisher || hostOf(url), 200),
			url,
			language: 'en',
			affiliation: 'independent',
			...(title ? { title: clip(title, 500) } : {}),
		};
		sourcesByUrl.set(url, s);
		draft.sources.push(s);
		return s.id;
	};
	const actor = (name: string): string => {
		const key = name.trim();
		const known = actorsByName.get(key);
		if (known) return known;
		const id = actorIds.take(slugify(key));
		actorsByName.set(key, id);
		draft.actors.push({
			id,
			name: clip(key, 200),
			type: 'other',
			description: `Imported from the TimelineJS group "${clip(key, 100)}".`,
		});
		return id;
	};

	events.forEach((raw, i) => {
		const where = `events[${i}]`;
		if (!raw || typeof raw !== 'object') {
			report.push({ where, message: 'not an object; skipped' });
			return;
		}
		const slide = raw as TimelineSlide;
		// A lossless sitrep export: take the record as it was.
		const ext = slide.sitrep as { event?: EventInput } | undefined;
		if (ext && typeof ext === 'object' && ext.event && typeof ext.event === 'object') {
			draft.events.push(ext.event);
			eventIds.take(ext.event.id);
			return;
		}
		const start = timelineDateToText(slide.start_date, `${where}.start_date`);
		if (!start.text) {
			report.push({ ...start.issue!, message: `${start.issue!.message}; event skipped` });
			return;
		}
		let dateText = start.text;
		if (slide.end_date && Object.values(slide.end_date).some((v) => v !== '' && v !== undefined)) {
			const end = timelineDateToText(slide.end_date, `${where}.end_date`);
			if (end.text && end.text !== start.text) {
				const r = parsePartialDate(`${start.text}/${end.text}`);
				if (r.ok) dateText = r.value.text;
				else report.push({ where: `${where}.end_date`, message: `${r.message}; end date dropped` });
			} else if (end.issue) report.push({ ...end.issue, message: `${end.issue.message}; end date dropped` });
		}
		const display = slide.display_date ?? slide.start_date?.display_date;
		if (display && /^\s*(c\.|ca\.|circa|~|about|around)/iu.test(display)) dateText = `~${dateText}`;
		const headline = htmlToText(slide.text?.headline ?? '');
		const body = htmlToText(slide.text?.text ?? '');
		const titleText = headline.text || clip(body.text, 120);
		if (!titleText) {
			report.push({ where, message: 'no headline and no text; event skipped' });
			return;
		}
		const sources = new Set<string>();
		for (const link of [...headline.links, ...body.links]) sources.add(source(link));
		const mediaUrl = slide.media?.url?.trim();
		if (mediaUrl && /^https?:\/\/\S+$/u.test(mediaUrl))
			sources.add(
				source(
					mediaUrl,
					slide.media?.credit ? htmlToText(slide.media.credit).text : undefined,
					slide.media?.caption ? htmlToText(slide.media.caption).text : undefined,
				),
			);
		if (sources.size === 0) {
			if (options.sourceUrl)
				sources.add(source(options.sourceUrl, options.name ? `TimelineJS: ${options.name}` : 'TimelineJS timeline'));
			else {
				report.push({
					where,
					message: `"${clip(titleText, 60)}" links no source URL; skipped — pass --source-url URL (where this timeline is published) to cite it`,
				});
				return;
			}
		}
		const group = slide.group?.trim();
		const id = eventIds.take(slugify(slide.unique_id || titleText, 60));
		draft.events.push({
			id,
			date: dateText,
			title: clip(titleText, 200),
			summary: clip(body.text || titleText, 4000),
			actors: [{ actor: actor(group || 'Unattributed') }],
			sources: [...sources],
			status: 'reported',
			...(group ? { tags: [slugify(group, 40)] } : {}),
		});
	});
	return { draft, report };
}

// ---------- export ----------

function pointToTimeline(p: DatePoint): TimelineDate {
	// Astronomical → TimelineJS: -54 → -55 (55 BC).
	const year = p.year <= 0 ? p.year - 1 : p.year;
	return { year, ...(p.month !== undefined ? { month: p.month } : {}), ...(p.day !== undefined ? { day: p.day } : {}) };
}

function escapeHtml(s: string): string {
	return s.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;');
}

/** The export's own words are English, like the rest of its text. */
const EN = createTranslator('en');

/** " (via TASS — Russian state media)" after a claim. */
function claimVia(dataset: DatasetSnapshot, sourceId: string): string {
	const s = dataset.source(sourceId);
	return s ? ` (via ${escapeHtml(bylineText(sourceByline(dataset, s, EN), EN))})` : '';
}

/** The snapshot as TimelineJS3 JSON. */
export function exportTimelineJs(dataset: DatasetSnapshot): { title: TimelineSlide; events: TimelineSlide[] } {
	// A state's name by its country, from one pass over the actors rather than a search per event.
	const states = new Map<string, string>();
	const actors: ReturnType<typeof rawActor>[] = [];
	for (const a of dataset.eachActor()) {
		if (a.type === 'state' && a.country && !states.has(a.country)) states.set(a.country, a.name);
		actors.push(rawActor(a));
	}
	const sources: ReturnType<typeof rawSource>[] = [];
	for (const s of dataset.eachSource()) sources.push(rawSource(s));
	const events: TimelineSlide[] = [];
	for (const e of dataset.eachEvent()) events.push(slideOf(dataset, e, states));
	const s = dataset.story;
	const story = {
		title: s.title,
		summary: s.summary,
		timezone: s.timezone,
		status: s.status,
		...(s.updated ? { updated: s.updated.text } : {}),
		languages: [...s.languages],
	};
	return {
		title: {
			text: { headline: escapeHtml(s.title), text: `<p>${escapeHtml(s.summary)}</p>` },
			sitrep: toJson({
				story,
				actors,
				sources,
				outlets: [...dataset.vocabulary.outlets.values()].map(rawOutlet),
				topics: [...dataset.vocabulary.topics.values()].map(rawLabel),
				tags: [...dataset.vocabulary.tags.values()].map(rawLabel),
				roles: [...dataset.vocabulary.roles.values()].map(rawLabel),
			}),
		},
		events,
	};
}

/** One event's slide; `states` is a state's name by its country (see {@link groupName}). */
function slideOf(dataset: DatasetSnapshot, e: StoryEvent, states: ReadonlyMap<string, string>): TimelineSlide {
	const sources = e.sourceIds.map((id) => dataset.source(id)!);
	const actors = e.actors.map((a) => dataset.actor(a.actorId)!);
	const claims = dataset.claimsOf(e);
	const claimHtml = claims.length
		? `<p><b>Claims</b></p><ul>${claims.map((c) => `<li>${escapeHtml(dataset.actor(c.by)?.name ?? c.by)} (${c.stance}): ${escapeHtml(c.text)}${claimVia(dataset, c.sourceId)}</li>`).join('')}</ul>`
		: '';
	// Each source with its outlet's label, as the bot shows it: readers weigh a report by its outlet.
	const text = `<p>${escapeHtml(e.summary)}</p>${e.note ? `<p><i>${escapeHtml(e.note)}</i></p>` : ''}${claimHtml}<p>Sources: ${sources
		.map((s) => {
			const b = sourceByline(dataset, s, EN);
			return `<a href="${escapeHtml(s.url)}">${escapeHtml(b.publisher)}</a> (${escapeHtml(b.label)})`;
		})
		.join(', ')}</p>`;
	const first = actors[0];
	const raw = rawEvent(dataset, e.id);
	return {
		unique_id: e.id,
		start_date: pointToTimeline(e.date.start),
		...(e.date.end ? { end_date: pointToTimeline(e.date.end) } : {}),
		...(e.date.approximate || e.status !== 'confirmed'
			? {
					display_date: `${formatHuman(e.date)}${e.status === 'disputed' ? ' (disputed)' : e.status === 'corrected' ? ' (corrected)' : ''}`,
				}
			: {}),
		text: { headline: escapeHtml(e.title), text },
		...(first ? { group: groupName(states, first) } : {}),
		sitrep: toJson({ event: raw }),
	};
}

/** TimelineJS rows by side: the state an event's first actor belongs to, by name ("Azerbaijan", not "AZE"). */
function groupName(states: ReadonlyMap<string, string>, actor: NonNullable<ReturnType<DatasetSnapshot['actor']>>): string {
	if (!actor.country) return actor.name;
	return states.get(actor.country) ?? actor.country;
}

function toJson(value: unknown): Json {
	return JSON.parse(JSON.stringify(value)) as Json;
}

export { rawEvent };
export type { PartialDate };
