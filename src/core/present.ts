/**
 * Turning dataset records into reply blocks, shared by the commands and the briefing so an event or
 * a claim looks the same wherever it appears.
 */
import type { Actor, Claim, Stance, StoryEvent } from '../dataset/model.js';
import { formatHuman } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Block, Span } from './reply.js';

export function actorName(dataset: DatasetSnapshot, id: string): string {
	return dataset.actor(id)?.name ?? id;
}

/** One timeline line: date at its precision, title, actors, status marker, id. */
export function eventLine(dataset: DatasetSnapshot, e: StoryEvent, titleSpans?: readonly Span[]): Block {
	const actors = [...new Set(e.actors.map((a) => a.actorId))].slice(0, 4).map((id) => actorName(dataset, id));
	return { kind: 'event', date: formatHuman(e.date), title: e.title, actors, status: e.status, id: e.id, ...(titleSpans ? { titleSpans } : {}) };
}

/**
 * The lead-in of a claim, phrased without a verb so it reads right for a person, a body or
 * "unnamed sources": "According to …", "Denial by …", "Counter-claim by …".
 */
export function claimLead(by: string, stance: Stance): string {
	if (stance === 'denies') return `Denial by ${by}`;
	if (stance === 'disputes') return `Counter-claim by ${by}`;
	return `According to ${by}`;
}

/** A claim, always with who makes it and where it was reported. */
export function claimBlock(dataset: DatasetSnapshot, c: Claim, spans?: readonly Span[]): Block {
	const src = dataset.source(c.sourceId);
	return {
		kind: 'claim',
		by: actorName(dataset, c.by),
		stance: c.stance,
		spans: spans ?? [{ text: c.text }],
		...(c.quote ? { quote: c.quote } : {}),
		...(src ? { source: { publisher: src.publisher, url: src.url } } : {}),
		eventId: c.eventId,
	};
}

export function sourcesBlock(dataset: DatasetSnapshot, ids: readonly string[]): Block {
	return {
		kind: 'sources',
		sources: ids
			.map((id) => dataset.source(id))
			.filter((s) => s !== undefined)
			.map((s) => ({ publisher: s.publisher, url: s.url, affiliation: s.affiliation, ...(s.title ? { title: s.title } : {}) })),
	};
}

/** Claims grouped by claimant, in the order claimants first appear. */
export function claimsByClaimant(claims: readonly Claim[]): Map<string, Claim[]> {
	const out = new Map<string, Claim[]>();
	for (const c of claims) {
		const list = out.get(c.by);
		if (list) list.push(c);
		else out.set(c.by, [c]);
	}
	return out;
}

export const STATUS_LABEL: Record<StoryEvent['status'], string> = {
	confirmed: 'confirmed',
	reported: 'reported (single source)',
	disputed: 'disputed: sources disagree',
	corrected: 'corrected',
};

export function describeActorType(a: Actor): string {
	return a.type.replace(/_/gu, ' ');
}
