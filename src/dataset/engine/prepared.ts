/**
 * What an event and its claims become for the build's tables, made from the records alone: the
 * stored documents, the fingerprint, the key lists and the text still to be folded. This is the part
 * of a build that needs the records themselves; the rest (folding, digests, SQLite) needs only
 * these plain values, so a build can make them on the loader's thread and write them on another
 * (write-channel.ts), or both on one (writer.ts).
 */
import type { Claim, StoryEvent } from '../model.js';
import { eventStatuses } from '../../vocabulary/words.js';
import { embargoMs } from '../schema.js';
import { eventFingerprint } from '../event-input.js';
import { type DateCheck, eventDoc } from './event-doc.js';
import { HIDDEN_ALWAYS, textKey } from './format.js';

/** A claim as the writer stages it: plain values (structured-cloned to a writer thread as they are). */
export interface PreparedClaim {
	readonly id: string;
	readonly by: string;
	readonly source: string;
	/** The record as JSON (claims.doc). */
	readonly doc: string;
	/** Its text and quote, to be folded into the text tables. */
	readonly text: string;
	readonly quote: string | null;
}

/** An event as the writer stages it, with its claims in their order (see {@link prepareEvent}). */
export interface PreparedEvent {
	readonly id: string;
	readonly firstDay: number;
	readonly lastDay: number;
	/** Index in eventStatuses (255: unknown). */
	readonly status: number;
	readonly hideAt: number;
	readonly priority: number;
	/** month × 100 + day for an event on one exact day, else null (events.md). */
	readonly md: number | null;
	readonly year: number;
	readonly file: number;
	/** The stored document (event-doc.ts). */
	readonly doc: string;
	/** The version fingerprint (event-input.ts), over the event and its claims. */
	readonly fp: string;
	/** JSON lists: distinct actor ids, tags, related [id, type] pairs, source ids. */
	readonly actors: string;
	readonly tags: string;
	readonly links: string;
	readonly sources: string;
	/** The textKey of each of the event's own actors, space-joined (event_text.keys). */
	readonly keys: string;
	/** Texts to fold into event_text.title (title, translations) and .summary (summary, tags, place). */
	readonly title: readonly string[];
	readonly summary: readonly (string | undefined)[];
	/** The textKey of each claimant, once each, in the claims' order (they follow the claims' words). */
	readonly claimants: readonly string[];
	readonly claims: readonly PreparedClaim[];
}

const STATUS = new Map<string, number>(eventStatuses.map((s, i) => [s, i]));

/**
 * `JSON.stringify([...new Set(list)])`: the list as it is when no item repeats (events have a few
 * tags and sources, nearly always distinct), with no Set and no copy made for it.
 */
function distinctJson(list: readonly string[]): string {
	for (let i = 1; i < list.length; i++) if (list.lastIndexOf(list[i]!, i - 1) >= 0) return JSON.stringify([...new Set(list)]);
	return JSON.stringify(list);
}

function prepareClaim(c: Claim): PreparedClaim {
	return { id: c.id, by: c.by, source: c.sourceId, doc: JSON.stringify(c), text: c.text, quote: c.quote?.text ?? null };
}

/**
 * The staged form of `e` and its claims (the claims that follow it in the load, in order), read from
 * file number `file`. `dates`: the build's date check, shared by its events.
 */
export function prepareEvent(e: StoryEvent, claims: readonly Claim[], file: number, dates: DateCheck): PreparedEvent {
	const start = e.date.start;
	const single = start.precision === 'day' && !e.date.end;
	const keys = new Set<string>();
	const actors: string[] = [];
	for (const a of e.actors) {
		const key = textKey(a.actorId);
		if (keys.has(key)) continue;
		keys.add(key);
		actors.push(a.actorId);
	}
	const claimants = new Set<string>();
	for (const c of claims) claimants.add(textKey(c.by));
	return {
		id: e.id,
		firstDay: e.date.earliestDay,
		lastDay: e.date.latestDay,
		status: STATUS.get(e.status) ?? 255,
		hideAt: e.draft ? HIDDEN_ALWAYS : e.embargo !== undefined ? embargoMs(e.embargo) : 0,
		priority: e.priority === 'breaking' ? 1 : 0,
		md: single ? start.month! * 100 + start.day! : null,
		year: start.year,
		file,
		doc: eventDoc(e, dates),
		fp: eventFingerprint(e, claims),
		actors: JSON.stringify(actors),
		tags: distinctJson(e.tags),
		links: e.related.length ? JSON.stringify(e.related.map((r) => [r.eventId, r.type])) : '[]',
		sources: distinctJson(e.sourceIds),
		keys: [...keys].join(' '),
		title: [e.title, ...Object.values(e.titles)],
		summary: [e.summary, ...e.tags, e.location?.name],
		claimants: [...claimants],
		claims: claims.map(prepareClaim),
	};
}
