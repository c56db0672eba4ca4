/**
 * The editorial gate. A loaded snapshot holds every event the editors wrote, drafts and embargoed
 * ones included (so they are validated and diffed like any other); what anyone sees is the visible
 * view of it at a clock instant: without drafts, without events whose embargo is still ahead, and
 * without links to either. The view is itself a DatasetSnapshot, so every reader — commands,
 * briefings, alerts, exports, pictures — sees the gate by reading the holder and nothing else.
 */
import type { Claim, StoryEvent } from '../../../src/dataset/model.js';
import { embargoMs } from '../../../src/dataset/schema.js';
import { DatasetSnapshot } from './heap-snapshot.js';

/** A visible view and when it stops being right. */
export interface VisibleView {
	readonly view: DatasetSnapshot;
	/** The earliest embargo still ahead (ms since the epoch), or null when none is. */
	readonly nextRelease: number | null;
}

/** What the editors hide in a loaded snapshot; computed once per snapshot. */
interface Gate {
	readonly drafts: number;
	/** Embargoed, non-draft events by instant, ascending. */
	readonly embargoes: readonly { readonly at: number; readonly id: string }[];
}

const gates = new WeakMap<DatasetSnapshot, Gate>();
const views = new WeakMap<DatasetSnapshot, Map<number, DatasetSnapshot>>();

function gateOf(full: DatasetSnapshot): Gate {
	let g = gates.get(full);
	if (g) return g;
	let drafts = 0;
	const embargoes: { at: number; id: string }[] = [];
	for (const e of full.events) {
		if (e.draft) drafts++;
		else if (e.embargo !== undefined) embargoes.push({ at: embargoMs(e.embargo), id: e.id });
	}
	embargoes.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
	g = { drafts, embargoes };
	gates.set(full, g);
	return g;
}

/**
 * The view of `full` at `nowMs`. When nothing is hidden it is `full` itself (no copy, no cost: the
 * common case). Otherwise its version is the loaded version plus how many embargoes have passed, so
 * two processes at the same instant agree on it (briefing keys include the version), and a view
 * changes version exactly when an embargo lifts.
 */
export function visibleView(full: DatasetSnapshot, nowMs: number): VisibleView {
	const gate = gateOf(full);
	let released = 0;
	while (released < gate.embargoes.length && gate.embargoes[released]!.at <= nowMs) released++;
	const nextRelease = released < gate.embargoes.length ? gate.embargoes[released]!.at : null;
	if (gate.drafts === 0 && nextRelease === null) return { view: full, nextRelease };
	let cache = views.get(full);
	if (!cache) views.set(full, (cache = new Map()));
	let view = cache.get(released);
	if (!view) {
		const hidden = new Set<string>();
		for (const e of full.events) if (e.draft) hidden.add(e.id);
		for (let i = released; i < gate.embargoes.length; i++) hidden.add(gate.embargoes[i]!.id);
		view = buildView(full, hidden, nextRelease === null ? full.version : `${full.version}+${released}`);
		cache.set(released, view);
	}
	return { view, nextRelease };
}

/** Whether an event of a loaded snapshot is hidden from readers at `nowMs`. */
export function isHidden(e: StoryEvent, nowMs: number): boolean {
	return e.draft === true || (e.embargo !== undefined && embargoMs(e.embargo) > nowMs);
}

/** How many events of `full` are drafts and how many are under an embargo at `nowMs`. */
export function hiddenCounts(full: DatasetSnapshot, nowMs: number): { drafts: number; embargoed: number } {
	const gate = gateOf(full);
	return { drafts: gate.drafts, embargoed: gate.embargoes.filter((x) => x.at > nowMs).length };
}

function buildView(full: DatasetSnapshot, hidden: ReadonlySet<string>, version: string): DatasetSnapshot {
	const events: StoryEvent[] = [];
	for (const e of full.events) {
		if (hidden.has(e.id)) continue;
		// A link to a hidden event would show its id, and a reader could look it up: drop the link.
		events.push(
			e.related.some((r) => hidden.has(r.eventId))
				? Object.freeze({ ...e, related: Object.freeze(e.related.filter((r) => !hidden.has(r.eventId))) })
				: e,
		);
	}
	const claims: Claim[] = full.claims.filter((c) => !hidden.has(c.eventId));
	return new DatasetSnapshot(full.story, full.actors, full.sources, events, claims, version, full.loadedAt);
}
