/**
 * A fast path in front of the zod schemas (schema.ts) for the common case: a record that is valid
 * and already in its output form. zod's cost per event is mostly allocation; these hand-written
 * checks allocate nothing and are many times faster (figures in bench/README.md).
 *
 * The contract is one-sided. A check returns true only when zod would accept the record AND its
 * output would equal the input (no string needs trimming), so the caller may use the record as the
 * parsed value. Anything else — an invalid record, a field zod would trim, a numeric date, an unusual
 * object — returns false and the caller asks zod, which stays the only source of error messages.
 * test/dataset/fast-validate.test.ts checks the two agree on generated and mutated records.
 */
import { parsePartialDate, type PartialDate } from './partial-date.js';
import { actorTypes, EMBARGO, embargoMs, eventStatuses, priorities, relationTypes, SLUG, sourceAffiliations, stances } from './schema.js';

const ACTOR_TYPES: ReadonlySet<string> = new Set(actorTypes);
const EVENT_STATUSES: ReadonlySet<string> = new Set(eventStatuses);
const RELATION_TYPES: ReadonlySet<string> = new Set(relationTypes);
const STANCES: ReadonlySet<string> = new Set(stances);
const PRIORITIES: ReadonlySet<string> = new Set(priorities);
const AFFILIATIONS: ReadonlySet<string> = new Set(sourceAffiliations);
// The same patterns as schema.ts.
const LANG = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/u;
const COUNTRY = /^[A-Z]{3}$/u;
const WIKIDATA = /^Q[1-9]\d*$/u;
/** schema.ts's URL: http(s), no spaces, no user:password@ (anything else goes to zod for the message). */
const URL = /^https?:\/\/(?![^/?#]*@)[^\s<>"]+$/u;

type Obj = Record<string, unknown>;

/** Distinct date texts kept parsed at once (see createFastValidator). */
const MAX_CACHED_DATES = 20_000;

/** A plain object as JSON.parse and the YAML parser make them; anything else goes to zod. */
function plain(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Own enumerable keys; equal to the number of known fields seen means no unknown field (strict). */
function keyCount(o: Obj): number {
	let n = 0;
	for (const _ in o) n++;
	return n;
}

/**
 * `text(max)` of schema.ts is trim → min 1 → max; the output equals the input only when there is
 * nothing to trim. Code units 0x21–0x9f are never whitespace, so most strings are decided by their
 * first and last character; anything else asks String.prototype.trim itself.
 */
function text(v: unknown, max: number): boolean {
	if (typeof v !== 'string') return false;
	const n = v.length;
	if (n === 0 || n > max) return false;
	const a = v.charCodeAt(0);
	const b = v.charCodeAt(n - 1);
	if (a > 0x20 && a < 0xa0 && b > 0x20 && b < 0xa0) return true;
	return v.trim().length === n;
}

function slug(v: unknown): boolean {
	return typeof v === 'string' && v.length <= 80 && SLUG.test(v);
}

function slugList(v: unknown, min: number, max: number): boolean {
	if (!Array.isArray(v) || v.length < min || v.length > max) return false;
	for (let i = 0; i < v.length; i++) if (!slug(v[i])) return false;
	return true;
}

function lang(v: unknown): boolean {
	return typeof v === 'string' && LANG.test(v);
}

/** `translations` of schema.ts: a record of language tag → text(2000). */
function translations(v: unknown): boolean {
	if (!plain(v)) return false;
	for (const k in v) if (!LANG.test(k) || !text(v[k], 2000)) return false;
	return true;
}

export interface FastValidator {
	actor(v: unknown): boolean;
	source(v: unknown): boolean;
	event(v: unknown): boolean;
	/**
	 * The parsed form of a date that passed the schema, frozen, and shared by the records of one load
	 * with the same text while it stays in the validator's cache.
	 */
	date(v: string | number): PartialDate;
}

/** One validator per load: it carries the load's cache of parsed dates. */
export function createFastValidator(): FastValidator {
	const dates = new Map<string | number, PartialDate | null>();

	const parsedDate = (v: string | number): PartialDate | null => {
		let d = dates.get(v);
		if (d === undefined) {
			const r = parsePartialDate(v);
			d = r.ok ? freezeDate(r.value) : null;
			// Ranges and approximate dates make distinct texts grow with the dataset: the cache is
			// emptied now and then rather than kept whole (a date parsed again is the same date).
			if (dates.size >= MAX_CACHED_DATES) dates.clear();
			dates.set(v, d);
		}
		return d;
	};

	/** `dateField`: a string, or a safe integer (zod's int), that parses. */
	const date = (v: unknown): boolean =>
		(typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v))) && parsedDate(v) !== null;

	const claim = (c: unknown): boolean => {
		if (!plain(c)) return false;
		let n = 5;
		if (
			!slug(c['id']) ||
			!slug(c['by']) ||
			typeof c['stance'] !== 'string' ||
			!STANCES.has(c['stance']) ||
			!text(c['text'], 2000) ||
			!slug(c['source'])
		)
			return false;
		if (c['topic'] !== undefined) {
			if (!slug(c['topic'])) return false;
			n++;
		}
		const quote = c['quote'];
		if (quote !== undefined) {
			if (!plain(quote) || !text(quote['text'], 2000) || !lang(quote['lang']) || keyCount(quote) !== 2) return false;
			n++;
		}
		if (c['date'] !== undefined) {
			if (!date(c['date'])) return false;
			n++;
		}
		if (c['translations'] !== undefined) {
			if (!translations(c['translations'])) return false;
			n++;
		}
		return keyCount(c) === n;
	};

	return {
		actor(a: unknown): boolean {
			if (!plain(a)) return false;
			let n = 4;
			if (
				!slug(a['id']) ||
				!text(a['name'], 200) ||
				typeof a['type'] !== 'string' ||
				!ACTOR_TYPES.has(a['type']) ||
				!text(a['description'], 2000)
			)
				return false;
			const aliases = a['aliases'];
			if (aliases !== undefined) {
				if (!Array.isArray(aliases) || aliases.length > 100) return false;
				for (let i = 0; i < aliases.length; i++) if (!text(aliases[i], 200)) return false;
				n++;
			}
			if (a['country'] !== undefined) {
				if (typeof a['country'] !== 'string' || !COUNTRY.test(a['country'])) return false;
				n++;
			}
			if (a['affiliations'] !== undefined) {
				if (!slugList(a['affiliations'], 0, 50)) return false;
				n++;
			}
			if (a['wikidata'] !== undefined) {
				if (typeof a['wikidata'] !== 'string' || !WIKIDATA.test(a['wikidata'])) return false;
				n++;
			}
			if (a['names'] !== undefined) {
				if (!translations(a['names'])) return false;
				n++;
			}
			if (a['descriptions'] !== undefined) {
				if (!translations(a['descriptions'])) return false;
				n++;
			}
			return keyCount(a) === n;
		},

		source(s: unknown): boolean {
			if (!plain(s)) return false;
			let n = 3;
			const url = s['url'];
			if (!slug(s['id']) || typeof url !== 'string' || url.length > 2000 || !URL.test(url) || !lang(s['language'])) return false;
			// Either outlet: alone, or the older publisher: + affiliation: (schema.ts's superRefine).
			if (s['outlet'] !== undefined) {
				if (!slug(s['outlet']) || s['publisher'] !== undefined || s['affiliation'] !== undefined) return false;
				n++;
			} else {
				if (!text(s['publisher'], 200) || typeof s['affiliation'] !== 'string' || !AFFILIATIONS.has(s['affiliation'])) return false;
				n += 2;
			}
			if (s['title'] !== undefined) {
				if (!text(s['title'], 500)) return false;
				n++;
			}
			if (s['published'] !== undefined) {
				if (!date(s['published'])) return false;
				n++;
			}
			return keyCount(s) === n;
		},

		event(e: unknown): boolean {
			if (!plain(e)) return false;
			let n = 7;
			if (!slug(e['id']) || !date(e['date']) || !text(e['title'], 200) || !text(e['summary'], 4000)) return false;
			if (typeof e['status'] !== 'string' || !EVENT_STATUSES.has(e['status']) || !slugList(e['sources'], 1, 50)) return false;
			const actors = e['actors'];
			if (!Array.isArray(actors) || actors.length < 1 || actors.length > 50) return false;
			for (let i = 0; i < actors.length; i++) {
				const x: unknown = actors[i];
				if (!plain(x) || !slug(x['actor'])) return false;
				if (x['role'] === undefined ? keyCount(x) !== 1 : !slug(x['role']) || keyCount(x) !== 2) return false;
			}
			const location = e['location'];
			if (location !== undefined) {
				if (!plain(location) || !text(location['name'], 200)) return false;
				const country = location['country'];
				if (country !== undefined && (typeof country !== 'string' || !COUNTRY.test(country))) return false;
				if (location['names'] !== undefined && !translations(location['names'])) return false;
				if (keyCount(location) !== 1 + (country === undefined ? 0 : 1) + (location['names'] === undefined ? 0 : 1)) return false;
				n++;
			}
			if (e['tags'] !== undefined) {
				if (!slugList(e['tags'], 0, 30)) return false;
				n++;
			}
			if (e['note'] !== undefined) {
				if (!text(e['note'], 2000)) return false;
				n++;
			}
			const related = e['related'];
			if (related !== undefined) {
				if (!Array.isArray(related) || related.length > 50) return false;
				for (let i = 0; i < related.length; i++) {
					const r: unknown = related[i];
					if (
						!plain(r) ||
						!slug(r['event']) ||
						typeof r['type'] !== 'string' ||
						!RELATION_TYPES.has(r['type']) ||
						keyCount(r) !== 2
					)
						return false;
				}
				n++;
			}
			const claims = e['claims'];
			if (claims !== undefined) {
				if (!Array.isArray(claims) || claims.length > 200) return false;
				for (let i = 0; i < claims.length; i++) if (!claim(claims[i])) return false;
				n++;
			}
			if (e['titles'] !== undefined) {
				if (!translations(e['titles'])) return false;
				n++;
			}
			if (e['summaries'] !== undefined) {
				if (!translations(e['summaries'])) return false;
				n++;
			}
			if (e['notes'] !== undefined) {
				if (!translations(e['notes'])) return false;
				n++;
			}
			if (e['priority'] !== undefined) {
				if (typeof e['priority'] !== 'string' || !PRIORITIES.has(e['priority'])) return false;
				n++;
			}
			if (e['draft'] !== undefined) {
				if (typeof e['draft'] !== 'boolean') return false;
				n++;
			}
			const embargo = e['embargo'];
			if (embargo !== undefined) {
				if (typeof embargo !== 'string' || !EMBARGO.test(embargo) || Number.isNaN(embargoMs(embargo))) return false;
				n++;
			}
			return keyCount(e) === n;
		},

		date(v: string | number): PartialDate {
			const d = parsedDate(v);
			if (!d) throw new Error(`date passed the schema but not the parser: ${String(v)}`);
			return d;
		},
	};
}

function freezeDate(d: PartialDate): PartialDate {
	Object.freeze(d.start);
	if (d.end) Object.freeze(d.end);
	return Object.freeze(d);
}
