/**
 * An event back in the editors' input shape from the record and its claims alone (no snapshot), and
 * the fingerprint of its version: what the build stores per event, and what to-input.ts exports.
 */
import type { Claim, StoryEvent } from './model.js';
import type { EventInput } from './schema.js';
import { sha256Hex } from './sha256.js';

/** An event and its claims (in the event's order) back in the editors' input shape. */
export function eventInputOf(e: StoryEvent, claims: readonly Claim[]): EventInput {
	return inputOf(e, e.claimIds.length ? claims.map((c) => claimInputOf(c)) : undefined);
}

/** The editors' shape of an event with `claims` in its place (absent when undefined). */
function inputOf(e: StoryEvent, claims: EventInput['claims'] | undefined): EventInput {
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
		...(claims ? { claims } : {}),
		...(Object.keys(e.titles).length ? { titles: { ...e.titles } } : {}),
		...(Object.keys(e.summaries).length ? { summaries: { ...e.summaries } } : {}),
		...(Object.keys(e.notes).length ? { notes: { ...e.notes } } : {}),
		...(e.priority ? { priority: e.priority } : {}),
		...(e.draft ? { draft: true } : {}),
		...(e.embargo ? { embargo: e.embargo } : {}),
	};
}

type ClaimInput = NonNullable<EventInput['claims']>[number];

/** A claim in the editors' shape; with `event`, that key last (the fingerprint's shape of a claim). */
function claimInputOf(c: Claim, event?: string): ClaimInput {
	return {
		id: c.id,
		by: c.by,
		stance: c.stance,
		...(c.topic ? { topic: c.topic } : {}),
		text: c.text,
		...(c.quote ? { quote: { ...c.quote } } : {}),
		source: c.sourceId,
		...(c.date ? { date: c.date.text } : {}),
		...(Object.keys(c.translations).length ? { translations: { ...c.translations } } : {}),
		...(event !== undefined ? { event } : {}),
	};
}

/**
 * The event's part of the fingerprint: the JSON of inputOf(e, undefined), byte for byte. Made as one
 * object of a fixed shape whose absent fields are undefined (JSON.stringify leaves those keys out, as
 * inputOf leaves them out of its object), with the record's own lists and maps in place of inputOf's
 * copies (the same JSON): a build fingerprints every event, and the spreads and copies were most of
 * its cost. Not for export: the input shape's objects must not carry undefined keys.
 */
function fingerprintJson(e: StoryEvent): string {
	return JSON.stringify({
		id: e.id,
		date: e.date.text,
		title: e.title,
		summary: e.summary,
		location: e.location ? e.location : undefined,
		actors: e.actors.map((a) => ({ actor: a.actorId, role: a.role ? a.role : undefined })),
		tags: e.tags.length ? e.tags : undefined,
		sources: e.sourceIds,
		status: e.status,
		note: e.note ? e.note : undefined,
		related: e.related.length ? e.related.map((r) => ({ event: r.eventId, type: r.type })) : undefined,
		titles: nonEmpty(e.titles),
		summaries: nonEmpty(e.summaries),
		notes: nonEmpty(e.notes),
		priority: e.priority ? e.priority : undefined,
		draft: e.draft ? true : undefined,
		embargo: e.embargo ? e.embargo : undefined,
	});
}

/** A claim's part of the fingerprint: the JSON of claimInputOf(c, event), made as {@link fingerprintJson} is. */
function claimFingerprintJson(c: Claim, event: string): string {
	return JSON.stringify({
		id: c.id,
		by: c.by,
		stance: c.stance,
		topic: c.topic ? c.topic : undefined,
		text: c.text,
		quote: c.quote ? c.quote : undefined,
		source: c.sourceId,
		date: c.date ? c.date.text : undefined,
		translations: nonEmpty(c.translations),
		event,
	});
}

/** The map when it has a key, else undefined. */
function nonEmpty(m: Readonly<Record<string, string>>): Readonly<Record<string, string>> | undefined {
	for (const _ in m) return m;
	return undefined;
}

/**
 * The fingerprint of an event's version: SHA-256 of its canonical JSON in the editors' shape with
 * its claims' (sorted by id, so reordering claims in a file is no change). Editing a claim makes a
 * new version of its event. The delivery ledger and corrections key on it, so it must not change
 * between releases.
 */
export function eventFingerprint(e: StoryEvent, claims: readonly Claim[]): string {
	// The same bytes as JSON.stringify([JSON.stringify(event without claims), ...JSON.stringify(claim +
	// event) sorted by id]), made with one serialisation of each part and no copy of the whole input.
	let out = '[' + JSON.stringify(fingerprintJson(e));
	if (e.claimIds.length) {
		const sorted = claims.length > 1 ? [...claims].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) : claims;
		for (const c of sorted) out += ',' + JSON.stringify(claimFingerprintJson(c, e.id));
	}
	return sha256Hex(out + ']');
}
