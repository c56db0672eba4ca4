/**
 * Snapshot records made from validated input records (the loader's last step for each record).
 */
import type { FastValidator } from './fast-validate.js';
import type { Actor, Claim, Source, StoryEvent } from './model.js';
import type { ActorInput, ClaimInput, EventInput, SourceInput } from './schema.js';

/**
 * Snapshot records. Each object is frozen as it is made: the shape is known, so there is no need
 * to walk every record again with a generic deep freeze (a tenth of the load time at 100k events).
 * Empty lists and maps are one shared frozen object each, equal dates one shared frozen date, and
 * the short values many records repeat (ids they refer to, roles, places) one string each.
 */
export function toActor(a: ActorInput, fast: FastValidator): Actor {
	return Object.freeze({
		id: a.id,
		name: a.name,
		aliases: frozenList(a.aliases),
		type: a.type,
		...(a.country ? { country: fast.shared(a.country) } : {}),
		description: a.description,
		affiliations: frozenList(a.affiliations),
		...(a.wikidata ? { wikidata: a.wikidata } : {}),
		names: nullProto(a.names),
	});
}

export function toSource(x: SourceInput, fast: FastValidator): Source {
	return Object.freeze({
		id: x.id,
		publisher: fast.shared(x.publisher),
		url: x.url,
		...(x.title ? { title: x.title } : {}),
		...(x.published !== undefined ? { published: fast.date(x.published) } : {}),
		language: fast.shared(x.language),
		affiliation: fast.shared(x.affiliation) as Source['affiliation'],
	});
}

export function toClaim(c: ClaimInput, eventId: string, fast: FastValidator): Claim {
	return Object.freeze({
		id: c.id,
		eventId,
		by: fast.shared(c.by),
		stance: c.stance,
		...(c.topic ? { topic: fast.shared(c.topic) } : {}),
		text: c.text,
		...(c.quote ? { quote: Object.freeze({ text: c.quote.text, lang: c.quote.lang }) } : {}),
		sourceId: fast.shared(c.source),
		...(c.date !== undefined ? { date: fast.date(c.date) } : {}),
		translations: nullProto(c.translations),
	});
}

export function toEvent(ev: EventInput, file: string, fast: FastValidator): StoryEvent {
	const claims = ev.claims;
	return Object.freeze({
		id: ev.id,
		date: fast.date(ev.date),
		title: ev.title,
		summary: ev.summary,
		...(ev.location ? { location: Object.freeze({ name: fast.shared(ev.location.name), ...(ev.location.country ? { country: fast.shared(ev.location.country) } : {}) }) } : {}),
		actors: Object.freeze(ev.actors.map((a) => Object.freeze({ actorId: fast.shared(a.actor), ...(a.role ? { role: fast.shared(a.role) } : {}) }))),
		tags: frozenList(sharedAll(ev.tags, fast)),
		sourceIds: Object.freeze(sharedAll(ev.sources, fast)),
		status: ev.status,
		...(ev.note ? { note: ev.note } : {}),
		related: ev.related?.length ? Object.freeze(ev.related.map((r) => Object.freeze({ eventId: r.event, type: r.type }))) : EMPTY_LIST,
		claimIds: claims?.length ? Object.freeze(claims.map((c) => c.id)) : EMPTY_LIST,
		titles: nullProto(ev.titles),
		summaries: nullProto(ev.summaries),
		file,
	});
}

const EMPTY_LIST: readonly never[] = Object.freeze([]);
const EMPTY_RECORD: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

/** The list with each value replaced by its shared copy (in place: the list is the parser's own). */
function sharedAll(list: string[], fast: FastValidator): string[];
function sharedAll(list: string[] | undefined, fast: FastValidator): string[] | undefined;
function sharedAll(list: string[] | undefined, fast: FastValidator): string[] | undefined {
	if (list) for (let i = 0; i < list.length; i++) list[i] = fast.shared(list[i]!);
	return list;
}

function frozenList<T>(list: readonly T[] | undefined): readonly T[] {
	return list?.length ? Object.freeze(list) : EMPTY_LIST;
}

/** A record without a prototype, so a translation keyed "constructor" can never reach Object.prototype. */
function nullProto(input: Record<string, string> | undefined): Readonly<Record<string, string>> {
	// Most records have no translations: share one empty map (a prototype-less object is a
	// dictionary of some hundreds of bytes, two or three per event).
	if (!input) return EMPTY_RECORD;
	let any = false;
	const out = Object.create(null) as Record<string, string>;
	for (const [k, v] of Object.entries(input)) {
		out[k] = v;
		any = true;
	}
	return any ? Object.freeze(out) : EMPTY_RECORD;
}
