/**
 * Turning dataset records into reply blocks, shared by the commands and the briefing so an event or
 * a claim looks the same wherever it appears. Dataset text goes through the reader's Translator: a
 * translation when the dataset has one, else the English original, noted once per reply.
 */
import type { Actor, Claim, Source, Stance, StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { sourceByline } from '../i18n/outlets.js';
import { createTranslator, type Translator } from '../i18n/translator.js';
import { italic, para, type Block, type Reply, type Span } from './reply.js';

const EN = createTranslator('en');

/** An actor's name in the reader's language (its `names` entry), else as written; the id when unknown. */
export function actorName(dataset: DatasetSnapshot, id: string, i18n: Translator = EN): string {
	const a = dataset.actorNames([id])[0];
	return a ? i18n.name(a.name, a.names) : id;
}

/** An event's title in the reader's language when the dataset has it. */
export function eventTitle(e: StoryEvent, i18n: Translator): string {
	return i18n.content(e.title, e.titles);
}

export function eventSummary(e: StoryEvent, i18n: Translator): string {
	return i18n.content(e.summary, e.summaries);
}

export function claimText(c: Claim, i18n: Translator): string {
	return i18n.content(c.text, c.translations);
}

/**
 * One timeline line: date at its precision, title, actors, status marker, id. `titleSpans` (search
 * matches) must mark the title as {@link eventTitle} gives it.
 */
export function eventLine(dataset: DatasetSnapshot, e: StoryEvent, i18n: Translator, titleSpans?: readonly Span[]): Block {
	// The names as actorName gives them, the actors read together; written over the line's own list of
	// ids (made for this line), and the block made by one literal: every answer makes dozens of lines.
	const actors = lineActorIds(e);
	const names = dataset.actorNames(actors);
	for (let i = 0; i < actors.length; i++) {
		const a = names[i];
		if (a) actors[i] = i18n.name(a.name, a.names);
	}
	const date = i18n.date(e.date);
	const title = eventTitle(e, i18n);
	return titleSpans
		? { kind: 'event', date, title, actors, status: e.status, id: e.id, titleSpans }
		: { kind: 'event', date, title, actors, status: e.status, id: e.id };
}

/**
 * Reads together the actors that the event lines of `events` name, so that {@link eventLine} finds
 * them in the snapshot's record cache: one statement for a list instead of one per line. An id named
 * by several lines is asked for each time (the snapshot reads it once): no Set and no second array.
 */
export function readLineActors(dataset: DatasetSnapshot, events: readonly StoryEvent[]): void {
	const ids: string[] = [];
	for (let i = 0; i < events.length; i++) lineActorIds(events[i]!, ids);
	dataset.actorNames(ids);
}

/** How many actors an event line names. */
const LINE_ACTORS = 4;

/**
 * The actors an event line names: the first {@link LINE_ACTORS} distinct ids of its actors, in their
 * order, appended to `into` (a new list by default). A loop over a list of at most four, not a Set
 * and two arrays a line: every answer makes dozens of lines.
 */
function lineActorIds(e: StoryEvent, into: string[] = []): string[] {
	const from = into.length;
	// Indexes, not for…of: no iterator is made for each line.
	for (let i = 0; i < e.actors.length && into.length - from < LINE_ACTORS; i++) {
		const id = e.actors[i]!.actorId;
		if (into.indexOf(id, from) < 0) into.push(id);
	}
	return into;
}

/** The lines of `events` (see {@link eventLine}), their actors read together. */
export function eventLines(dataset: DatasetSnapshot, events: readonly StoryEvent[], i18n: Translator): Block[] {
	readLineActors(dataset, events);
	return events.map((e) => eventLine(dataset, e, i18n));
}

/** The blocks of `claims` (see {@link claimBlock}), their claimants and sources read together. */
export function claimBlocks(dataset: DatasetSnapshot, claims: readonly Claim[], i18n: Translator): Block[] {
	dataset.actorNames([...new Set(claims.map((c) => c.by))]);
	dataset.sourcesById([...new Set(claims.map((c) => c.sourceId))]);
	return claims.map((c) => claimBlock(dataset, c, i18n));
}

/**
 * The lead-in of a claim, phrased so it reads right for a person, a body or "unnamed sources":
 * "According to …", "Denial by …", "Counter-claim by …" (and their equivalents in the catalog).
 */
export function claimLead(by: string, stance: Stance, i18n: Translator = EN): string {
	return i18n.t(`claim.${stance}`, { by: by.trim() || i18n.t('claim.unnamed') });
}

/** A claim, always with who makes it and where it was reported. */
export function claimBlock(dataset: DatasetSnapshot, c: Claim, i18n: Translator, spans?: readonly Span[]): Block {
	const src = dataset.source(c.sourceId);
	return {
		kind: 'claim',
		by: actorName(dataset, c.by, i18n),
		stance: c.stance,
		spans: spans ?? [{ text: claimText(c, i18n) }],
		...(c.quote ? { quote: c.quote } : {}),
		...(src ? { source: { ...bylineOf(dataset, src, i18n), url: src.url } } : {}),
		eventId: c.eventId,
	};
}

function bylineOf(dataset: DatasetSnapshot, s: Source, i18n: Translator): { publisher: string; label: string } {
	const b = sourceByline(dataset, s, i18n);
	return { publisher: b.publisher, label: b.label };
}

/** The sources of an event (or any list of source ids), each with its outlet's name and label. */
export function sourcesBlock(dataset: DatasetSnapshot, ids: readonly string[], i18n: Translator): Block {
	return {
		kind: 'sources',
		sources: ids
			.map((id) => dataset.source(id))
			.filter((s) => s !== undefined)
			.map((s) => ({ ...bylineOf(dataset, s, i18n), url: s.url, ...(s.title ? { title: s.title } : {}) })),
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

/** "confirmed", "reported (single source)", "disputed: sources disagree", "corrected". */
export function statusLabel(status: StoryEvent['status'], i18n: Translator): string {
	return i18n.t(`statusLabel.${status}`);
}

export function describeActorType(a: Actor, i18n: Translator = EN): string {
	return i18n.t(`actorType.${a.type}`);
}

/**
 * Adds, once, the note that some dataset text is shown in English for want of a translation into
 * the reader's language. Nothing changes for English readers or when everything was translated.
 */
export function withUntranslatedNote(reply: Reply, i18n: Translator): Reply {
	if (i18n.locale === 'en' || i18n.untranslated === 0) return reply;
	const note = i18n.t('content.untranslated');
	if (reply.blocks.some((b) => b.kind === 'paragraph' && b.spans.some((s) => s.text === note))) return reply;
	return { ...reply, blocks: [...reply.blocks, para(italic(note))] };
}
