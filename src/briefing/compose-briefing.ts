/**
 * Composes the briefing for a day: a pure function of (dataset, day, window, filter, what was
 * updated since the previous delivery), so the scheduler can compose each distinct briefing once
 * and send it to every subscriber that shares it.
 */
import { claimBlock, claimsByClaimant, eventLine, actorName } from '../core/present.js';
import { bold, heading, para, type Block, type Reply } from '../core/reply.js';
import type { Claim, StoryEvent } from '../dataset/model.js';
import { civilFromDay, formatHuman, isoFromDay, parsePartialDate } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';

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
}

/**
 * What the store knows of event versions (EventVersionStore.firstSeen and .introduced), relative to
 * the channel's previous delivery.
 */
export interface UpdatedSince {
	/** ISO instant of the previous delivery: events whose current version was first seen after it are listed. */
	readonly at: string;
	/** Event id → when its current version was first seen (ISO). Events without an entry are not listed. */
	readonly firstSeen: ReadonlyMap<string, string>;
	/**
	 * Event id → when any version of it was first seen (ISO). An event already known at `at` is
	 * "changed"; one that appeared after `at`, whatever its edits since, is "added".
	 */
	readonly introduced: ReadonlyMap<string, string>;
}

export interface UpdatedEvent {
	readonly event: StoryEvent;
	readonly change: 'added' | 'changed';
}

export interface Briefing {
	readonly reply: Reply;
	/** Events in the window: zero means a quiet day. */
	readonly newEvents: readonly StoryEvent[];
	/** Events listed under "Updated since your last briefing", in timeline order. */
	readonly updatedEvents: readonly UpdatedEvent[];
}

const MAX_DISPUTES = 4;

export function composeBriefing(dataset: DatasetSnapshot, req: BriefingRequest): Briefing {
	const since = req.sinceDay ?? req.day - 1;
	const maxNew = req.maxNew ?? 10;
	const dayText = formatHuman(parsePartialDateOrThrow(isoFromDay(req.day)));
	const filter = { ...(req.actorId ? { actorId: req.actorId } : {}), ...(req.tag ? { tag: req.tag } : {}) };
	const upToToday = dataset.timeline({ ...filter, toDay: req.day });
	// "New" means the event began inside the window; a month-long event is news once, not all month.
	const fresh = upToToday.filter((e) => e.date.earliestDay >= since && e.date.earliestDay <= req.day);
	const blocks: Block[] = [heading(`Briefing for ${dayText}: ${dataset.story.title}`)];
	const scope = [req.actorId ? `actor ${actorName(dataset, req.actorId)}` : '', req.tag ? `tag ${req.tag}` : ''].filter(Boolean).join(', ');
	if (scope) blocks.push(para({ text: `Filtered to ${scope}.`, mark: 'italic' }));

	const windowText = since === req.day - 1 ? 'In the last 24 hours' : `Since ${formatHuman(parsePartialDateOrThrow(isoFromDay(since)))}`;
	if (fresh.length) {
		blocks.push(heading(`${windowText}: ${fresh.length} ${fresh.length === 1 ? 'event' : 'events'}`));
		for (const e of fresh.slice(0, maxNew)) blocks.push(eventLine(dataset, e));
		if (fresh.length > maxNew) blocks.push(para(`… and ${fresh.length - maxNew} more: /timeline from:${isoFromDay(since)} to:${isoFromDay(req.day)}`));
	} else {
		blocks.push(heading(`${windowText}: nothing new`));
		blocks.push(para('No new events are recorded in the dataset for this period. Where the story stands:'));
		blocks.push(para(dataset.story.summary));
		const recent = upToToday.slice(-3);
		if (recent.length) {
			blocks.push(para(bold('Most recent events')));
			for (const e of recent) blocks.push(eventLine(dataset, e));
		}
	}

	const updated = req.updatedSince ? updatedEvents(upToToday, fresh, req.updatedSince) : [];
	if (updated.length) {
		blocks.push(heading('Updated since your last briefing'));
		const shown = updated.slice(0, maxNew);
		for (const change of ['added', 'changed'] as const) {
			const list = shown.filter((u) => u.change === change);
			if (!list.length) continue;
			blocks.push(para(bold(change === 'added' ? 'Added' : 'Changed')));
			for (const u of list) blocks.push(eventLine(dataset, u.event));
		}
		if (updated.length > maxNew) blocks.push(para(`… and ${updated.length - maxNew} more.`));
	}

	// Open disputes: the latest disputed events up to today, with what is disputed.
	const disputes = upToToday.filter((e) => e.status === 'disputed').slice(-MAX_DISPUTES).reverse();
	if (disputes.length) {
		blocks.push(heading('Open disputes'));
		for (const e of disputes) {
			blocks.push(eventLine(dataset, e));
			const topics = [...new Set(dataset.claimsOf(e).map((c) => c.topic).filter((t): t is string => t !== undefined))];
			if (topics.length) blocks.push(para({ text: `Disputed: ${topics.map((t) => t.replace(/-/gu, ' ')).join('; ')}`, mark: 'italic' }));
		}
	}

	// Key claims of each side: claims on today's events, else on the open disputes.
	const claimSource: readonly StoryEvent[] = fresh.length ? fresh : disputes.slice(0, 2);
	const claims: Claim[] = claimSource.flatMap((e) => dataset.claimsOf(e));
	if (claims.length) {
		blocks.push(heading('Key claims, by who makes them'));
		for (const [, list] of [...claimsByClaimant(claims)].slice(0, 6)) {
			for (const c of list.slice(0, 2)) blocks.push(claimBlock(dataset, c));
		}
	}

	// On this day in earlier years.
	const { year, month, day } = civilFromDay(req.day);
	const onThisDay = dataset.events.filter(
		(e) => e.date.start.precision === 'day' && e.date.start.month === month && e.date.start.day === day && e.date.start.year < year && !e.date.end,
	);
	if (onThisDay.length) {
		blocks.push(heading('On this day in earlier years'));
		for (const e of onThisDay.slice(0, 5)) blocks.push(eventLine(dataset, e));
	}
	blocks.push(para({ text: `Dataset version ${dataset.version}. Every claim is attributed; the bot takes no side.`, mark: 'italic' }));
	return { reply: { blocks }, newEvents: fresh, updatedEvents: updated };
}

// Events already in the window section are news there; listing them again would say it twice.
function updatedEvents(candidates: readonly StoryEvent[], fresh: readonly StoryEvent[], u: UpdatedSince): UpdatedEvent[] {
	const listed = new Set(fresh.map((e) => e.id));
	const out: UpdatedEvent[] = [];
	for (const event of candidates) {
		const seen = u.firstSeen.get(event.id);
		if (seen === undefined || seen <= u.at || listed.has(event.id)) continue;
		const since = u.introduced.get(event.id) ?? seen;
		out.push({ event, change: since <= u.at ? 'changed' : 'added' });
	}
	return out;
}

function parsePartialDateOrThrow(text: string) {
	const r = parsePartialDate(text);
	if (!r.ok) throw new Error(r.message);
	return r.value;
}
