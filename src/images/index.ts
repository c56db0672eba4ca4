/**
 * The images commands attach: a timeline of events and an actor's relations, as PNG attachments
 * with alt text that says in words what the picture shows, all in the reader's language. Text that
 * needs no shaping is blended in from cached glyph masks rather than laid out by resvg (see glyphs.ts
 * and glyph-raster.ts), and the last few pictures are kept per dataset snapshot, so asking the same
 * question again costs no render.
 */
import { createHash } from 'node:crypto';
import type { ImageAttachment } from '../core/reply.js';
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot, DerivedIndex } from '../dataset/snapshot.js';
import type { Translator } from '../i18n/translator.js';
import { GlyphSink } from './glyphs.js';
import { drawRelations, layoutRelations, type RelationsLayout } from './relations-svg.js';
import { renderPngOffThread } from './render-png.js';
import { ENGLISH } from './sides.js';
import { oneLine } from './svg.js';
import { layoutTimeline, type TimelineLayout } from './timeline-layout.js';
import { drawTimeline } from './timeline-svg.js';

export { closeImageWorkers, configureImageWorkers, imageWorkerThreadIds, renderPng, renderPngOffThread } from './render-png.js';
export { relationsSvg } from './relations-svg.js';
export { timelineSvg } from './timeline-svg.js';

export interface TimelineImageOptions {
	/** Most events drawn, the earliest first; the picture and its alt text say how many more there are. */
	readonly maxEvents?: number;
}

/**
 * A timeline picture's events named by a key rather than listed: a question's result, listed only
 * when its picture is not cached. A long result costs its listing (and the old key, a hash of every
 * event id) on every ask otherwise, though the picture draws only its first few events.
 */
export interface TimelineQuery {
	/** What identifies the result within one snapshot, e.g. the filter as JSON. */
	readonly key: string;
	/** The result's first events in date order (at least maxEvents + 1 when there are as many) and how many it has in all. */
	readonly head: () => { readonly events: readonly StoryEvent[]; readonly total: number; readonly capped?: boolean };
}

/** Pictures kept, across snapshots; a picture is 50–250 kB. */
const CACHE_SIZE = 32;
/**
 * The last pictures drawn, by snapshot and question. Process-wide on purpose: a picture depends only
 * on the snapshot and the question, never on who asks or on which platform, so every caller (each
 * command, the web site, each shard's core) shares one small bounded cache.
 */
const cache = new Map<string, Promise<ImageAttachment>>();
let nextSnapshotId = 1;
/** A number for the snapshot in the cache's keys, kept by the snapshot (two snapshots may share a version). */
const CACHE_ID: DerivedIndex<number> = { name: 'pictureCacheId', make: () => nextSnapshotId++ };

/** Forgets every cached picture (tests, or to measure rendering). */
export function clearImageCache(): void {
	cache.clear();
}

/**
 * The picture for `key` in `dataset`: the cached one, else `make()`'s, kept (least recently used
 * goes first). A render that fails is not kept, so the next request tries again.
 */
function cached(dataset: DatasetSnapshot, key: string, make: () => Promise<ImageAttachment>): Promise<ImageAttachment> {
	const full = `${dataset.derived(CACHE_ID)}\u0000${key}`;
	const hit = cache.get(full);
	if (hit) {
		cache.delete(full);
		cache.set(full, hit);
		return hit;
	}
	const made = make();
	cache.set(full, made);
	made.catch(() => {
		if (cache.get(full) === made) cache.delete(full);
	});
	while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
	return made;
}

/** The cache key of a timeline picture of listed events: its kind, language, title, size and a hash of the ids. */
function listedKey(kind: string, events: readonly StoryEvent[], title: string, i18n: Translator, opts: TimelineImageOptions): string {
	const ids = createHash('sha1')
		.update(events.map((e) => e.id).join('\n'))
		.digest('base64');
	return [kind, i18n.locale, title, opts.maxEvents ?? '', ids].join('\u0000');
}

/**
 * A PNG timeline of `events` under `title`, rendered off the event loop. Alt text example:
 * "Timeline of 12 events from 27 Jun 2025 to 10 Jul 2025 by side of the first actor: Azerbaijan 7,
 * Russia 5; 3 disputed."
 */
export function timelineImage(
	dataset: DatasetSnapshot,
	events: readonly StoryEvent[],
	title: string,
	i18n: Translator = ENGLISH,
	opts: TimelineImageOptions = {},
): Promise<ImageAttachment> {
	const key = listedKey('timeline', events, title, i18n, opts);
	return cached(dataset, key, () => drawTimelineImage(dataset, events, title, i18n, opts));
}

/**
 * {@link timelineImage} of a query's result: the cache is asked first, by the query's key, and the
 * result's head is listed only to draw a picture not yet cached.
 */
export function timelineImageOf(
	dataset: DatasetSnapshot,
	query: TimelineQuery,
	title: string,
	i18n: Translator = ENGLISH,
	opts: TimelineImageOptions = {},
): Promise<ImageAttachment> {
	const key = ['timeline-query', i18n.locale, title, opts.maxEvents ?? '', query.key].join('\u0000');
	return cached(dataset, key, () => {
		const { events, total, capped } = query.head();
		return drawTimelineImage(dataset, events, title, i18n, opts, total, capped);
	});
}

async function drawTimelineImage(
	dataset: DatasetSnapshot,
	events: readonly StoryEvent[],
	title: string,
	i18n: Translator,
	opts: TimelineImageOptions,
	total?: number,
	capped?: boolean,
): Promise<ImageAttachment> {
	const layout = layoutTimeline(dataset, events, {
		title,
		i18n,
		...(opts.maxEvents !== undefined ? { maxEvents: opts.maxEvents } : {}),
		...(total !== undefined ? { total } : {}),
		...(capped ? { capped } : {}),
	});
	const glyphs = new GlyphSink();
	const svg = drawTimeline(layout, glyphs);
	const png = await renderPngOffThread({ svg, glyphs: glyphs.job(), opaque: true });
	return { name: 'timeline.png', png, alt: timelineAlt(layout, title, i18n) };
}

/** What a timeline picture shows, in words: its alt text. */
function timelineAlt(layout: TimelineLayout, title: string, i18n: Translator): string {
	const marks = layout.marks;
	let alt = i18n.t('image.alt.timeline.empty', { title: oneLine(title) });
	if (marks.length > 0) {
		const first = marks.reduce((a, b) => (b.event.date.earliestDay < a.event.date.earliestDay ? b : a)).event.date;
		const last = marks.reduce((a, b) => (b.event.date.latestDay > a.event.date.latestDay ? b : a)).event.date;
		const lanes = i18n.list(layout.lanes.map((l) => i18n.t('image.alt.lane', { name: l.name, n: l.events })));
		const disputed = marks.filter((m) => m.event.status === 'disputed').length;
		const corrected = marks.filter((m) => m.event.status === 'corrected').length;
		const flags = [
			...(disputed > 0 ? [i18n.t('image.alt.disputed', { n: disputed })] : []),
			...(corrected > 0 ? [i18n.t('image.alt.corrected', { n: corrected })] : []),
		];
		const params = { n: marks.length, from: i18n.date(first), to: i18n.date(last), lanes };
		alt =
			flags.length > 0
				? i18n.t('image.alt.timeline.flagged', { ...params, flags: i18n.list(flags) })
				: i18n.t('image.alt.timeline', params);
	}
	if (layout.omitted > 0) alt += ` ${i18n.t(layout.omittedCapped ? 'image.alt.more.capped' : 'image.alt.more', { n: layout.omitted })}`;
	return alt;
}

/** What a relations picture shows, in words: its alt text. */
function relationsAlt(layout: RelationsLayout, i18n: Translator): string {
	const name = oneLine(layout.centre.name);
	const list = i18n.list(layout.nodes.map((n) => i18n.t('image.alt.neighbour', { name: oneLine(n.name), n: n.shared })));
	return layout.nodes.length > 0 ? i18n.t('image.alt.relations', { name, list }) : i18n.t('image.alt.relations.none', { name });
}

/**
 * The timeline picture as SVG text with its alt text (`png` empty), for the web site to inline:
 * the same layout and words as {@link timelineImage}, with no rendering off the event loop.
 */
export function timelineSvgImage(
	dataset: DatasetSnapshot,
	events: readonly StoryEvent[],
	title: string,
	i18n: Translator = ENGLISH,
	opts: TimelineImageOptions = {},
): Promise<ImageAttachment> {
	const key = listedKey('timeline-svg', events, title, i18n, opts);
	return cached(dataset, key, async () => {
		const layout = layoutTimeline(dataset, events, {
			title,
			i18n,
			...(opts.maxEvents !== undefined ? { maxEvents: opts.maxEvents } : {}),
		});
		return { name: 'timeline.svg', png: new Uint8Array(0), svg: drawTimeline(layout, 'svg'), alt: timelineAlt(layout, title, i18n) };
	});
}

/** {@link timelineImageOf} as SVG text with its alt text (`png` empty), for the web site to inline. */
export function timelineSvgImageOf(
	dataset: DatasetSnapshot,
	query: TimelineQuery,
	title: string,
	i18n: Translator = ENGLISH,
	opts: TimelineImageOptions = {},
): Promise<ImageAttachment> {
	const key = ['timeline-query-svg', i18n.locale, title, opts.maxEvents ?? '', query.key].join('\u0000');
	return cached(dataset, key, async () => {
		const { events, total, capped } = query.head();
		const layout = layoutTimeline(dataset, events, {
			title,
			i18n,
			...(opts.maxEvents !== undefined ? { maxEvents: opts.maxEvents } : {}),
			total,
			...(capped ? { capped } : {}),
		});
		return { name: 'timeline.svg', png: new Uint8Array(0), svg: drawTimeline(layout, 'svg'), alt: timelineAlt(layout, title, i18n) };
	});
}

/** The relations picture as SVG text with its alt text (`png` empty), for the web site to inline. */
export function relationsSvgImage(dataset: DatasetSnapshot, actorId: string, i18n: Translator = ENGLISH): Promise<ImageAttachment> {
	if (!dataset.actor(actorId)) return Promise.reject(new RangeError(`unknown actor "${actorId}"`));
	return cached(dataset, ['relations-svg', i18n.locale, actorId].join('\u0000'), async () => {
		const layout = layoutRelations(dataset, actorId, { i18n });
		return { name: 'relations.svg', png: new Uint8Array(0), svg: drawRelations(layout, 'svg'), alt: relationsAlt(layout, i18n) };
	});
}

/**
 * A PNG of the actors `actorId` shares events with, rendered off the event loop. Throws a
 * RangeError for an unknown actor. Alt text lists the neighbours with their shared-event counts.
 */
export function relationsImage(dataset: DatasetSnapshot, actorId: string, i18n: Translator = ENGLISH): Promise<ImageAttachment> {
	if (!dataset.actor(actorId)) return Promise.reject(new RangeError(`unknown actor "${actorId}"`));
	return cached(dataset, ['relations', i18n.locale, actorId].join('\u0000'), async () => {
		const layout = layoutRelations(dataset, actorId, { i18n });
		const glyphs = new GlyphSink();
		const svg = drawRelations(layout, glyphs);
		const png = await renderPngOffThread({ svg, glyphs: glyphs.job(), opaque: true });
		return { name: `relations-${actorId.replace(/[^a-z0-9-]+/giu, '_')}.png`, png, alt: relationsAlt(layout, i18n) };
	});
}
