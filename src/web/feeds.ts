/**
 * The Atom feed (RFC 4287) of new and corrected events: the timeline's selection, newest version
 * first. An entry's `published` is when the event first appeared here and its `updated` when its
 * current version did, so a correction brings the entry back to the top of a reader's feed.
 * Without an event-versions store, every entry carries the dataset's load time.
 */
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot, TimelineFilter } from '../dataset/snapshot.js';
import { eventPath, joinUrl } from '../core/web-links.js';
import { eventSummary, eventTitle } from '../core/present.js';
import type { Translator } from '../i18n/translator.js';
import type { VersionTimes } from '../briefing/version-times.js';
import { escapeHtml } from './html.js';

/** Most entries in one feed. */
export const FEED_ENTRIES = 50;

/** When each event's first version appeared (`introduced`) and its current one did (`firstSeen`). */
export type FeedEntryTimes = VersionTimes;

export interface AtomInput {
	readonly dataset: DatasetSnapshot;
	/** The selection, in timeline order: the whole of it, or its {@link feedCandidates}. */
	readonly events: readonly StoryEvent[];
	readonly i18n: Translator;
	/** Absolute base URL of the site. */
	readonly base: string;
	/** The feed's own path and query. */
	readonly self: string;
	readonly times?: FeedEntryTimes | undefined;
}

/** Entries of the newest versions looked at, at most, for those the filter keeps. */
const MAX_VERSIONS_WALKED = 5000;

/**
 * A memo, kept module-level on purpose: its key is the times one store read made (the site's
 * HistoryCache keeps them a minute, for one snapshot), which never change, and the sorted ids go with them.
 */
const newestFirst = new WeakMap<VersionTimes, readonly string[]>();

/**
 * Event ids by when their current version appeared, newest first, among those that appeared after
 * tracking began: the rest share its time, and the feed's tail (the selection's latest events)
 * already holds every one of them that could rank among the entries.
 */
function byNewestVersion(times: VersionTimes): readonly string[] {
	let ids = newestFirst.get(times);
	if (!ids)
		newestFirst.set(times, (ids = times.trackingSince === undefined ? [] : [...times.updatedAfter(times.trackingSince)].reverse()));
	return ids;
}

/** Whether `e` passes the filter's parts other than its text (see DatasetSnapshot.timeline). */
function passes(e: StoryEvent, f: TimelineFilter): boolean {
	return (
		(f.fromDay === undefined || e.date.latestDay >= f.fromDay) &&
		(f.toDay === undefined || e.date.earliestDay <= f.toDay) &&
		(f.actorId === undefined || e.actors.some((a) => a.actorId === f.actorId)) &&
		(f.tag === undefined || e.tags.includes(f.tag)) &&
		(f.status === undefined || e.status === f.status)
	);
}

/**
 * The events the feed of a timeline selection picks its entries from, in timeline order, without
 * listing the selection: its last {@link FEED_ENTRIES} events (two pages from the end), and, with
 * version times, the events the filter keeps among the newest versions (a correction brings an old
 * event back to the top). A text filter cannot be checked event by event, so with one only the
 * selection's latest events are candidates; so are they for an event whose version is not recorded
 * yet (the store records every version at start-up and after each swap, so only for a moment).
 */
export function feedCandidates(dataset: DatasetSnapshot, filter: TimelineFilter, times?: FeedEntryTimes): StoryEvent[] {
	// The newest events that pass: a feed never shows more than these and the newest versions.
	const tail = dataset.latest(filter, FEED_ENTRIES);
	const picked = new Map(tail.map((e) => [e.id, e]));
	if (times && filter.text === undefined) {
		let kept = 0;
		const ids = byNewestVersion(times);
		for (let i = 0; i < ids.length && i < MAX_VERSIONS_WALKED && kept < FEED_ENTRIES; i++) {
			const e = dataset.event(ids[i]!);
			if (!e || !passes(e, filter)) continue;
			kept++;
			picked.set(e.id, e);
		}
	}
	const position = (e: StoryEvent): number => dataset.positionOf(e.id) ?? -1;
	return [...picked.values()].sort((a, b) => position(a) - position(b));
}

/** XML escaping; characters XML 1.0 forbids are dropped. */
function xml(text: string): string {
	// eslint-disable-next-line no-control-regex
	return escapeHtml(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/gu, ''));
}

export function atomFeed(input: AtomInput): string {
	const { dataset, i18n, base, times } = input;
	const fallback = dataset.loadedAt;
	const updatedOf = (e: StoryEvent) => times?.firstSeen(e.id) ?? fallback;
	const publishedOf = (e: StoryEvent) => times?.introduced(e.id) ?? updatedOf(e);
	// Newest version first; among equal times, the later event first (the timeline's reverse).
	const entries = input.events
		.map((e, i) => ({ e, i, updated: updatedOf(e) }))
		.sort((a, b) => (a.updated === b.updated ? b.i - a.i : a.updated < b.updated ? 1 : -1))
		.slice(0, FEED_ENTRIES);
	const feedUpdated = entries.reduce((max, x) => (x.updated > max ? x.updated : max), fallback);
	const lang = i18n.locale !== 'en' ? `?lang=${i18n.locale}` : '';
	const storyTitle = i18n.content(dataset.story.title, dataset.story.titles);
	const lines = [
		'<?xml version="1.0" encoding="utf-8"?>',
		`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${i18n.locale}">`,
		`<title>${xml(i18n.t('web.feed.title', { story: storyTitle }))}</title>`,
		`<id>${xml(joinUrl(base, '/feed.atom'))}</id>`,
		`<link rel="self" type="application/atom+xml" href="${xml(joinUrl(base, input.self))}"/>`,
		`<link rel="alternate" type="text/html" href="${xml(joinUrl(base, `/timeline${lang}`))}"/>`,
		`<updated>${xml(feedUpdated)}</updated>`,
		'<author><name>sitrep</name></author>',
		'<generator>sitrep</generator>',
	];
	for (const { e, updated } of entries) {
		const title = eventTitle(e, i18n);
		const corrected = e.status === 'corrected' || (times !== undefined && publishedOf(e) !== updated);
		lines.push(
			'<entry>',
			`<title>${xml(corrected ? i18n.t('web.feed.corrected', { title }) : title)}</title>`,
			// The id stays the same across corrections: it names the event, not the version.
			`<id>${xml(joinUrl(base, eventPath(e.id)))}</id>`,
			`<link rel="alternate" type="text/html" href="${xml(joinUrl(base, `${eventPath(e.id)}${lang}`))}"/>`,
			`<published>${xml(publishedOf(e))}</published>`,
			`<updated>${xml(updated)}</updated>`,
			`<summary type="text">${xml(`${i18n.date(e.date)} — ${eventSummary(e, i18n)}`)}</summary>`,
			...e.tags.map((t) => `<category term="${xml(t)}"/>`),
			`<category term="status:${e.status}"/>`,
			'</entry>',
		);
	}
	lines.push('</feed>', '');
	return lines.join('\n');
}
