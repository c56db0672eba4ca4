/**
 * An event's stored document (format.ts `event_docs.doc`): the StoryEvent as JSON without what is
 * made again on read — the date as its text (the parsed date is five times its length) and the
 * empty lists and maps. Documents are most of a built file and of what a build writes, so every
 * byte left out here is left out of the file, the staging tables and the pages a command reads.
 */
import type { PartialDate } from '../partial-date.js';
import { parsePartialDate, plainDate } from '../partial-date.js';
import type { StoryEvent } from '../model.js';

/** The fields left out of a document when empty, in the record's key order (records.ts toEvent); `file` follows them. */
const EMPTY_FIELDS = ['related', 'claimIds', 'titles', 'summaries', 'notes'] as const;
/**
 * What an empty field reads back as: one frozen empty list and one frozen empty map shared by every
 * event read, since records are deep-frozen anyway (sql-records.ts) and a command reads dozens of
 * events, most of them with three to five empty fields.
 */
const EMPTY_LIST: readonly never[] = Object.freeze([]);
const EMPTY_MAP: Readonly<Record<string, never>> = Object.freeze({});
const EMPTY_VALUE: Readonly<Record<(typeof EMPTY_FIELDS)[number], unknown>> = {
	related: EMPTY_LIST,
	claimIds: EMPTY_LIST,
	titles: EMPTY_MAP,
	summaries: EMPTY_MAP,
	notes: EMPTY_MAP,
};

/**
 * Whether a date's text parses back to the same date (always, for a date the loader parsed: its text
 * is the normalised form). Dates repeat across events, so each text is checked once per build.
 */
export class DateCheck {
	readonly #known = new Map<string, boolean>();

	sameFromText(d: PartialDate): boolean {
		let same = this.#known.get(d.text);
		if (same === undefined) {
			const again = parsePartialDate(d.text);
			same = again.ok && JSON.stringify(again.value) === JSON.stringify(d);
			// A story has a few thousand distinct dates; a file of millions of distinct ones is not kept.
			if (this.#known.size < 100_000) this.#known.set(d.text, same);
		}
		return same;
	}
}

/** The stored document of `e` (read back by {@link eventOfDoc}). */
export function eventDoc(e: StoryEvent, dates: DateCheck): string {
	// A shallow copy in the record's key order (no replacer function: JSON.stringify is fastest without).
	const record = e as unknown as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	for (const key in record) {
		const value = record[key];
		if (key === 'date') out[key] = dates.sameFromText(e.date) ? e.date.text : value;
		else if (!EMPTY.has(key) || !isEmpty(value)) out[key] = value;
	}
	return JSON.stringify(out);
}

const EMPTY: ReadonlySet<string> = new Set(EMPTY_FIELDS);

function isEmpty(v: unknown): boolean {
	if (Array.isArray(v)) return v.length === 0;
	if (typeof v !== 'object' || v === null) return false;
	for (const _ in v) return false;
	return true;
}

/**
 * Dates read back lately, by their text (frozen: events share them). Few: enough for the events of
 * the answers being made (a day's events share one date), and short-lived, so that a date dies young
 * like the garbage it saves rather than outliving the next scavenges and ending in the old generation
 * (as records.ts explains for records).
 */
const DATES_KEPT = 128;
const dates = new Map<string, PartialDate>();

/**
 * The date of a stored date text, parsed once: the events of a day, a month or a year share their
 * date's text, and parsing it (two regular expressions, a split, the bounds) made about as much
 * garbage as parsing the rest of the document; a plain day, month or year is read without them. Bounded: past {@link DATES_KEPT} texts the oldest goes.
 */
function storedDate(text: string): PartialDate {
	const known = dates.get(text);
	if (known) return known;
	let value = plainDate(text);
	if (!value) {
		const d = parsePartialDate(text);
		if (!d.ok) throw new Error(`a stored event's date does not parse: ${text}`);
		value = d.value;
	}
	const date = Object.freeze(value);
	Object.freeze(date.start);
	if (date.end) Object.freeze(date.end);
	if (dates.size >= DATES_KEPT) dates.delete(dates.keys().next().value!);
	dates.set(text, date);
	return date;
}

/**
 * The event of a stored document: the date parsed from its text, the empty fields put back where the
 * record has them (before `file`), every other field as stored and in its order — so the event, and
 * its JSON, are the loader's record exactly. The empty fields put back are shared frozen values.
 */
export function eventOfDoc(doc: string): StoryEvent {
	const stored = JSON.parse(doc) as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	// The empty fields put back before the first field stored after them: `next` is the first not yet placed.
	let next = 0;
	// for…in, not Object.keys: no array of keys per event (JSON.parse's objects have no inherited keys).
	for (const key in stored) {
		const at = key === 'file' ? EMPTY_FIELDS.length : (EMPTY_FIELDS as readonly string[]).indexOf(key) + 1;
		for (; next < at; next++) {
			const f = EMPTY_FIELDS[next]!;
			if (!(f in stored)) out[f] = EMPTY_VALUE[f];
		}
		const value = stored[key];
		out[key] = key === 'date' && typeof value === 'string' ? storedDate(value) : value;
	}
	for (; next < EMPTY_FIELDS.length; next++) {
		const f = EMPTY_FIELDS[next]!;
		if (!(f in stored)) out[f] = EMPTY_VALUE[f];
	}
	return out as unknown as StoryEvent;
}
