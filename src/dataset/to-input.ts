/**
 * Snapshot records back in the shape editors write them, for exports, diffs and round trips.
 */
import { createHash } from 'node:crypto';
import type { Actor, Claim, Label, Outlet, Source, StoryEvent } from './model.js';
import type { ActorInput, EventInput, LabelInput, OutletInput, SourceInput } from './schema.js';
import type { DatasetSnapshot } from './snapshot.js';

/** A snapshot event back in the editors' input shape. */
export function eventToInput(dataset: DatasetSnapshot, id: string): EventInput {
	const e = dataset.event(id)!;
	return eventInputOf(e, dataset.claimsOf(e));
}

/** An event and its claims (in the event's order) back in the editors' input shape. */
export function eventInputOf(e: StoryEvent, claims: readonly Claim[]): EventInput {
	return {
		id: e.id,
		date: e.date.text,
		title: e.title,
		summary: e.summary,
		...(e.location ? { location: { ...e.location, ...(e.location.names ? { names: { ...e.location.names } } : {}) } } : {}),
		actors: e.actors.map((a) => ({ actor: a.actorId, ...(a.role ? { role: a.role } : {}) })),
		...(e.tags.length ? { tags: [...e.tags] } : {}),
		sources: [...e.sourceIds],
		status: e.status,
		...(e.note ? { note: e.note } : {}),
		...(e.related.length ? { related: e.related.map((r) => ({ event: r.eventId, type: r.type })) } : {}),
		...(e.claimIds.length
			? {
					claims: claims.map((c) => ({
						id: c.id,
						by: c.by,
						stance: c.stance,
						...(c.topic ? { topic: c.topic } : {}),
						text: c.text,
						...(c.quote ? { quote: { ...c.quote } } : {}),
						source: c.sourceId,
						...(c.date ? { date: c.date.text } : {}),
						...(Object.keys(c.translations).length ? { translations: { ...c.translations } } : {}),
					})),
				}
			: {}),
		...(Object.keys(e.titles).length ? { titles: { ...e.titles } } : {}),
		...(Object.keys(e.summaries).length ? { summaries: { ...e.summaries } } : {}),
		...(Object.keys(e.notes).length ? { notes: { ...e.notes } } : {}),
		...(e.priority ? { priority: e.priority } : {}),
		...(e.draft ? { draft: true } : {}),
		...(e.embargo ? { embargo: e.embargo } : {}),
	};
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

/**
 * The fingerprint of an event's version: SHA-256 of its canonical JSON in the editors' shape with
 * its claims' (sorted by id, so reordering claims in a file is no change). Editing a claim makes a
 * new version of its event. The delivery ledger and corrections key on it, so it must not change
 * between releases.
 */
export function eventFingerprint(e: StoryEvent, claims: readonly Claim[]): string {
	const input = eventInputOf(e, claims);
	const eventJson = JSON.stringify({ ...input, claims: undefined });
	const claimJson = (input.claims ?? [])
		.map((c) => ({ id: c.id, json: JSON.stringify({ ...c, event: e.id }) }))
		.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
		.map((c) => c.json);
	return createHash('sha256').update(JSON.stringify([eventJson, ...claimJson])).digest('hex');
}
