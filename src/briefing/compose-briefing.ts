/**
 * Composes the briefing for a day: a pure function of (dataset, day, window, filter, what was
 * updated since the previous delivery), so the scheduler can compose each distinct briefing once
 * and send it to every subscriber that shares it.
 */
import { claimBlocks, claimsByClaimant, eventLine, eventLines, actorName, readLineActors, withUntranslatedNote } from '../core/present.js';
import { bold, containBidiControls, heading, italic, para, type Block, type Reply } from '../core/reply.js';
import type { Claim, StoryEvent } from '../dataset/model.js';
import { civilFromDay, isoFromDay, parsePartialDate } from '../dataset/partial-date.js';
import type { DatasetSnapshot, EventFilter } from '../dataset/snapshot.js';
import type { Locale } from '../i18n/locale.js';
import { tagLabel, topicLabel } from '../i18n/slugs.js';
import { storySummary, storyTitle } from '../i18n/story-text.js';
import { createTranslator } from '../i18n/translator.js';
import { updatedEvents, type UpdatedEvent, type UpdatedSince } from './updated-since.js';

export type { UpdatedEvent, UpdatedSince } from './updated-since.js';

export interface BriefingRequest {
	/** The briefing's local day (day number, see partial-date.ts). */
	readonly day: number;
	/** First day of the "what happened" window; defaults to the day before `day` (the last 24 hours). */
	readonly sinceDay?: number;
	readonly actorId?: string;
	readonly tag?: string;
	/** How many events the "new" section lists before pointing at /timeline. */
	readonly maxNew?: number;
	/** Adds the section "Updated since your last briefing"; without it there is none. */
	readonly updatedSince?: UpdatedSince;
	/** The language to compose in (a subscription's pinned language, the reader's); English by default. */
	readonly locale?: Locale;
}

export interface Briefing {
	readonly reply: Reply;
	/** The first events in the window, as many as the briefing lists (`maxNew`). */
	readonly newEvents: readonly StoryEvent[];
	/** How many events the window holds: zero means a quiet day. */
	readonly newCount: number;
	/** Events listed under "Updated since your last briefing", in timeline order. */
	readonly updatedEvents: readonly UpdatedEvent[];
}

const MAX_DISPUTES = 4;
/**
 * The window's events whose claims make "Key claims": the first this many (a day of a real story
 * has far fewer; a bound keeps a briefing of a crowded day from reading every one of its events).
 */
const CLAIM_EVENTS = 50;
/** "Key claims" shows the claims of this many claimants, in the order they first appear… */
const KEY_CLAIMANTS = 6;
/** …and at most this many claims of each. */
const CLAIMS_EACH = 2;

export function composeBriefing(dataset: DatasetSnapshot, req: BriefingRequest): Briefing {
	const i18n = createTranslator(req.locale);
	const since = req.sinceDay ?? req.day - 1;
	const maxNew = req.maxNew ?? 10;
	const dayText = i18n.date(parsePartialDateOrThrow(isoFromDay(req.day)));
	const filter: EventFilter = { ...(req.actorId ? { actorId: req.actorId } : {}), ...(req.tag ? { tag: req.tag } : {}) };
	// Every part reads the timeline up to today (with the filter) through the snapshot's indexes,
	// without making that list: at 100k events it is most of them.
	// "New" means the event began inside the window; a month-long event is news once, not all month.
	const freshCount = dataset.countStartingBetween(since, req.day, filter);
	const fresh = freshCount ? dataset.startingBetween(since, req.day, filter, maxNew) : [];
	// Open disputes and "on this day" read now, so that the actors of every list are read together.
	const disputes = dataset.lastStartingBy(req.day, MAX_DISPUTES, { ...filter, status: 'disputed' }).reverse();
	const { year, month, day } = civilFromDay(req.day);
	const onThisDay = dataset.onThisDay(month, day, year, 5);
	readLineActors(dataset, [...fresh, ...disputes, ...onThisDay]);
	const disputeClaims = dataset.claimsOfEach(disputes);
	const blocks: Block[] = [heading(i18n.t('briefing.title', { day: dayText, title: storyTitle(i18n, dataset.story) }))];
	const scope = [
		...(req.actorId ? [i18n.t('filter.actor', { name: actorName(dataset, req.actorId, i18n) })] : []),
		...(req.tag ? [i18n.t('filter.tag', { tag: tagLabel(i18n, req.tag, dataset) })] : []),
	];
	if (scope.length) blocks.push(para(italic(i18n.t('briefing.filtered', { scope: i18n.list(scope) }))));

	const last24 = since === req.day - 1;
	const sinceText = last24 ? '' : i18n.date(parsePartialDateOrThrow(isoFromDay(since)));
	if (freshCount) {
		blocks.push(
			heading(
				last24
					? i18n.t('briefing.last24.count', { n: freshCount })
					: i18n.t('briefing.since.count', { date: sinceText, n: freshCount }),
			),
		);
		blocks.push(...eventLines(dataset, fresh, i18n));
		if (freshCount > maxNew)
			blocks.push(
				para(
					i18n.t('briefing.more', {
						n: freshCount - maxNew,
						command: `/timeline from:${isoFromDay(since)} to:${isoFromDay(req.day)}`,
					}),
				),
			);
	} else {
		blocks.push(heading(last24 ? i18n.t('briefing.last24.none') : i18n.t('briefing.since.none', { date: sinceText })));
		blocks.push(para(i18n.t('briefing.quiet')));
		blocks.push(para(storySummary(i18n, dataset.story)));
		const recent = dataset.lastStartingBy(req.day, 3, filter);
		if (recent.length) {
			blocks.push(para(bold(i18n.t('briefing.recent'))));
			blocks.push(...eventLines(dataset, recent, i18n));
		}
	}

	const updated = req.updatedSince ? updatedEvents(dataset, req.day, filter, since, req.updatedSince) : [];
	if (updated.length) {
		blocks.push(heading(i18n.t('briefing.updated')));
		const shown = updated.slice(0, maxNew);
		for (const change of ['added', 'changed'] as const) {
			const list = shown.filter((u) => u.change === change);
			if (!list.length) continue;
			blocks.push(para(bold(i18n.t(change === 'added' ? 'briefing.added' : 'briefing.changed'))));
			for (const u of list) blocks.push(eventLine(dataset, u.event, i18n));
		}
		if (updated.length > maxNew) blocks.push(para(i18n.t('briefing.moreUpdated', { n: updated.length - maxNew })));
	}

	// Open disputes: the latest disputed events up to today, with what is disputed.
	if (disputes.length) {
		blocks.push(heading(i18n.t('briefing.disputes')));
		for (const [i, e] of disputes.entries()) {
			blocks.push(eventLine(dataset, e, i18n));
			// Topics are dataset slugs ("detainee-count"), shown as words.
			const topics = [...new Set(disputeClaims[i]!.map((c) => c.topic).filter((t): t is string => t !== undefined))];
			if (topics.length)
				blocks.push(
					para(
						italic(
							i18n.t('briefing.disputed', {
								topics: i18n.list(
									topics.map((t) => topicLabel(i18n, t, dataset)),
									'semicolon',
								),
							}),
						),
					),
				);
		}
	}

	// Key claims of each side: claims on today's events (read by the window, not event by event;
	// only the claims shown), else on the open disputes.
	const claims: readonly Claim[] = freshCount
		? dataset.keyClaimsStartingBetween(since, req.day, filter, CLAIM_EVENTS, KEY_CLAIMANTS, CLAIMS_EACH)
		: disputeClaims.slice(0, 2).flat();
	if (claims.length) {
		blocks.push(heading(i18n.t('briefing.claims')));
		const shown = [...claimsByClaimant(claims)].slice(0, KEY_CLAIMANTS).flatMap(([, list]) => list.slice(0, CLAIMS_EACH));
		blocks.push(...claimBlocks(dataset, shown, i18n));
	}

	// On this day in earlier years.
	if (onThisDay.length) {
		blocks.push(heading(i18n.t('briefing.onThisDay')));
		blocks.push(...eventLines(dataset, onThisDay.slice(0, 5), i18n));
	}
	blocks.push(para(italic(i18n.t('briefing.footer', { version: dataset.version }))));
	// Briefings reach the platforms without the core: dataset text is contained here as in Core.handle.
	const reply: Reply = containBidiControls(
		withUntranslatedNote({ blocks, ...(i18n.locale !== 'en' ? { locale: i18n.locale } : {}) }, i18n),
	);
	return { reply, newEvents: fresh, newCount: freshCount, updatedEvents: updated };
}

function parsePartialDateOrThrow(text: string) {
	const r = parsePartialDate(text);
	if (!r.ok) throw new Error(r.message);
	return r.value;
}
