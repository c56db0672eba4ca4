/**
 * Snapshot records made from validated input records (the loader's last step for each record).
 */
import type { FastValidator } from './fast-validate.js';
import type { Actor, Claim, Label, Outlet, Source, StoryEvent } from './model.js';
import type { ActorInput, ClaimInput, EventInput, LabelInput, OutletInput, SourceInput } from './schema.js';

/**
 * Snapshot records. Each object is frozen as it is made: the shape is known, so there is no need
 * to walk every record again with a generic deep freeze (a sizeable share of a big load).
 * Empty lists and maps are one shared frozen object each, and equal dates one shared frozen date.
 * (Repeated short values — roles, places, source ids — are not made one string each: the memory it
 * saved did not pay for the Map lookups it added to every load; bench/README.md.)
 */
export function toActor(a: ActorInput): Actor {
	return Object.freeze({
		id: a.id,
		name: a.name,
		aliases: frozenList(a.aliases),
		type: a.type,
		...(a.country ? { country: a.country } : {}),
		description: a.description,
		affiliations: frozenList(a.affiliations),
		...(a.wikidata ? { wikidata: a.wikidata } : {}),
		names: nullProto(a.names),
		descriptions: nullProto(a.descriptions),
	});
}

export function toSource(x: SourceInput, fast: FastValidator): Source {
	return Object.freeze({
		id: x.id,
		...(x.outlet ? { outlet: x.outlet } : {}),
		...(x.publisher ? { publisher: x.publisher } : {}),
		url: x.url,
		...(x.title ? { title: x.title } : {}),
		...(x.published !== undefined ? { published: fast.date(x.published) } : {}),
		language: x.language,
		...(x.affiliation ? { affiliation: x.affiliation } : {}),
	});
}

export function toOutlet(o: OutletInput): Outlet {
	return Object.freeze({
		id: o.id,
		name: o.name,
		names: nullProto(o.names),
		...(o.country ? { country: o.country } : {}),
		kind: o.kind,
		...(o.state ? { state: o.state } : {}),
		...(o.party ? { party: o.party } : {}),
		parties: nullProto(o.parties),
		note: o.note,
		notes: nullProto(o.notes),
		...(o.url ? { url: o.url } : {}),
	});
}

export function toLabel(l: LabelInput): Label {
	return Object.freeze({ id: l.id, label: l.label, labels: nullProto(l.labels) });
}

export function toClaim(c: ClaimInput, eventId: string, fast: FastValidator): Claim {
	return Object.freeze({
		id: c.id,
		eventId,
		by: c.by,
		stance: c.stance,
		...(c.topic ? { topic: c.topic } : {}),
		text: c.text,
		...(c.quote ? { quote: Object.freeze({ text: c.quote.text, lang: c.quote.lang }) } : {}),
		sourceId: c.source,
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
		...(ev.location
			? {
					location: Object.freeze({
						name: ev.location.name,
						...(ev.location.country ? { country: ev.location.country } : {}),
						...(ev.location.names && Object.keys(ev.location.names).length
							? { names: Object.freeze({ ...ev.location.names }) }
							: {}),
					}),
				}
			: {}),
		actors: Object.freeze(ev.actors.map((a) => Object.freeze({ actorId: a.actor, ...(a.role ? { role: a.role } : {}) }))),
		tags: frozenList(ev.tags),
		sourceIds: Object.freeze(ev.sources),
		status: ev.status,
		...(ev.note ? { note: ev.note } : {}),
		related: ev.related?.length ? Object.freeze(ev.related.map((r) => Object.freeze({ eventId: r.event, type: r.type }))) : EMPTY_LIST,
		claimIds: claims?.length ? Object.freeze(claims.map((c) => c.id)) : EMPTY_LIST,
		titles: nullProto(ev.titles),
		summaries: nullProto(ev.summaries),
		notes: nullProto(ev.notes),
		file,
		...(ev.priority === 'breaking' ? { priority: 'breaking' as const } : {}),
		...(ev.draft ? { draft: true as const } : {}),
		...(ev.embargo ? { embargo: ev.embargo } : {}),
	});
}

const EMPTY_LIST: readonly never[] = Object.freeze([]);
const EMPTY_RECORD: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

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
