/**
 * The editorial gate. A loaded snapshot holds every event the editors wrote, drafts and embargoed
 * ones included (so they are validated and diffed like any other); what anyone sees is the visible
 * view of it at a clock instant: without drafts, without events whose embargo is still ahead, and
 * without links to either. The view is itself a DatasetSnapshot (SqlSnapshot.at: every query of a
 * view leaves the hidden rows out), so every reader — commands, briefings, alerts, exports,
 * pictures — sees the gate by reading the holder and nothing else.
 */
import type { StoryEvent } from './model.js';
import { embargoMs } from './schema.js';
import type { DatasetSnapshot } from './snapshot.js';

/** A visible view and when it stops being right. */
export interface VisibleView {
	readonly view: DatasetSnapshot;
	/** The earliest embargo still ahead (ms since the epoch), or null when none is. */
	readonly nextRelease: number | null;
}

/**
 * The view of `full` at `nowMs`. When nothing is hidden it is `full` itself (no copy, no cost: the
 * common case). Otherwise its version is the loaded version plus how many embargoes have passed, so
 * two processes at the same instant agree on it (briefing keys include the version), and a view
 * changes version exactly when an embargo lifts.
 */
export function visibleView(full: DatasetSnapshot, nowMs: number): VisibleView {
	return full.at(nowMs);
}

/** Whether an event of a loaded snapshot is hidden from readers at `nowMs`. */
export function isHidden(e: StoryEvent, nowMs: number): boolean {
	return e.draft === true || (e.embargo !== undefined && embargoMs(e.embargo) > nowMs);
}

/** How many events of `full` are drafts and how many are under an embargo at `nowMs`. */
export function hiddenCounts(full: DatasetSnapshot, nowMs: number): { drafts: number; embargoed: number } {
	return full.hiddenCounts(nowMs);
}
