/**
 * Snapshot records back in the shape editors write them, for exports, diffs and round trips.
 */
import { eventInputOf } from './event-input.js';
import type { Actor, Label, Outlet, Source } from './model.js';
import type { ActorInput, EventInput, LabelInput, OutletInput, SourceInput } from './schema.js';
import type { DatasetSnapshot } from './snapshot.js';

/** A snapshot event back in the editors' input shape. */
export function eventToInput(dataset: DatasetSnapshot, id: string): EventInput {
	const e = dataset.event(id)!;
	return eventInputOf(e, dataset.claimsOf(e));
}

/** A snapshot actor back in the editors' input shape. */
export function actorToInput(a: Actor): ActorInput {
	return {
		id: a.id,
		name: a.name,
		...(a.aliases.length ? { aliases: [...a.aliases] } : {}),
		type: a.type,
		...(a.country ? { country: a.country } : {}),
		description: a.description,
		...(a.affiliations.length ? { affiliations: [...a.affiliations] } : {}),
		...(a.wikidata ? { wikidata: a.wikidata } : {}),
		...(Object.keys(a.names).length ? { names: { ...a.names } } : {}),
		...(Object.keys(a.descriptions).length ? { descriptions: { ...a.descriptions } } : {}),
	};
}

/** A snapshot source back in the editors' input shape. */
export function sourceToInput(s: Source): SourceInput {
	return {
		id: s.id,
		...(s.outlet ? { outlet: s.outlet } : {}),
		...(s.publisher ? { publisher: s.publisher } : {}),
		url: s.url,
		...(s.title ? { title: s.title } : {}),
		...(s.published ? { published: s.published.text } : {}),
		language: s.language,
		...(s.affiliation ? { affiliation: s.affiliation } : {}),
	};
}

/** A snapshot outlet back in the editors' input shape. */
export function outletToInput(o: Outlet): OutletInput {
	return {
		id: o.id,
		name: o.name,
		...(Object.keys(o.names).length ? { names: { ...o.names } } : {}),
		...(o.country ? { country: o.country } : {}),
		kind: o.kind,
		...(o.state ? { state: o.state } : {}),
		...(o.party ? { party: o.party } : {}),
		...(Object.keys(o.parties).length ? { parties: { ...o.parties } } : {}),
		note: o.note,
		...(Object.keys(o.notes).length ? { notes: { ...o.notes } } : {}),
		...(o.url ? { url: o.url } : {}),
	};
}

/** A topic, tag or role label back in the editors' input shape. */
export function labelToInput(l: Label): LabelInput {
	return { id: l.id, label: l.label, ...(Object.keys(l.labels).length ? { labels: { ...l.labels } } : {}) };
}
