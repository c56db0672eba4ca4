/**
 * An event's stored document (format.ts `event_docs.doc`): the StoryEvent as JSON without what is
 * made again on read — the date as its text (the parsed date is five times its length) and the
 * empty lists and maps. Documents are most of a built file and of what a build writes, so every
 * byte left out here is left out of the file, the staging tables and the pages a command reads.
 */
import type { PartialDate } from '../partial-date.js';
import { parsePartialDate } from '../partial-date.js';
import type { StoryEvent } from '../model.js';

/** The fields left out of a document when empty, in the record's key order (records.ts toEvent); `file` follows them. */
const EMPTY_FIELDS = ['related', 'claimIds', 'titles', 'summaries', 'notes'] as const;
const EMPTY_VALUE: Readonly<Record<(typeof EMPTY_FIELDS)[number], () => unknown>> = {
	related: () => [],
	claimIds: () => [],
	titles: () => ({}),
	summaries: () => ({}),
	notes: () => ({}),
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
 * The event of a stored document: the date parsed from its text, the empty fields put back where the
 * record has them (before `file`), every other field as stored and in its order — so the event, and
 * its JSON, are the loader's record exactly.
 */
export function eventOfDoc(doc: string): StoryEvent {
	const stored = JSON.parse(doc) as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	// The empty fields put back before the first field stored after them: `next` is the first not yet placed.
	let next = 0;
	const placeUpTo = (end: number): void => {
		for (; next < end; next++) {
			const f = EMPTY_FIELDS[next]!;
			if (!(f in stored)) out[f] = EMPTY_VALUE[f]();
		}
	};
	for (const key of Object.keys(stored)) {
		const at = (EMPTY_FIELDS as readonly string[]).indexOf(key);
		if (at >= 0) placeUpTo(at + 1);
		else if (key === 'file') placeUpTo(EMPTY_FIELDS.length);
		const value = stored[key];
		if (key === 'date' && typeof value === 'string') {
			const d = parsePartialDate(value);
			if (!d.ok) throw new Error(`a stored event's date does not parse: ${value}`);
			out[key] = d.value;
		} else out[key] = value;
	}
	placeUpTo(EMPTY_FIELDS.length);
	return out as unknown as StoryEvent;
}
