/**
 * A built dataset made from records in memory (as the in-heap DatasetSnapshot's constructor took
 * them), for tests and small tools: written by the writer into an in-memory database.
 */
import Database from 'better-sqlite3';
import type { Actor, Claim, Source, Story, StoryEvent, Vocabulary } from '../model.js';
import { EngineWriter } from './writer.js';

/**
 * An in-memory database holding the records. Claims follow their events whatever order they come
 * in; an event's claims are numbered in its own order (`claimIds`, then any it does not list), as
 * the loader numbers them, so that reading them by number gives them in that order.
 */
export function databaseFromRecords(
	story: Story,
	actors: readonly Actor[],
	sources: readonly Source[],
	events: readonly StoryEvent[],
	claims: readonly Claim[],
	version: string,
	vocabulary: Vocabulary,
): Database.Database {
	const db = new Database(':memory:');
	const w = new EngineWriter(db);
	const file = w.addFile('records', '-');
	for (const a of actors) w.addActor(a, file);
	for (const x of sources) w.addSource(x, file);
	const byEvent = new Map<string, Claim[]>();
	for (const c of claims) {
		const list = byEvent.get(c.eventId);
		if (list) list.push(c);
		else byEvent.set(c.eventId, [c]);
	}
	// Claims are numbered as they come: events go in the order their claims are listed (then the
	// rest), so that claims keep the order given.
	const byId = new Map(events.map((e) => [e.id, e]));
	const added = new Set<string>();
	for (const e of [...[...byEvent.keys()].flatMap((id) => byId.get(id) ?? []), ...events]) {
		if (added.has(e.id)) continue;
		added.add(e.id);
		w.addEvent(e, file);
		const place = new Map(e.claimIds.map((id, i) => [id, i]));
		const own = (c: Claim): number => place.get(c.id) ?? e.claimIds.length;
		for (const c of [...(byEvent.get(e.id) ?? [])].sort((a, b) => own(a) - own(b))) w.addClaim(c);
	}
	w.finish({ story, vocabulary, version });
	return db;
}
