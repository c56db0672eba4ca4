/**
 * The images commands attach: a timeline of events and an actor's relations, as PNG attachments
 * with alt text that says in words what the picture shows.
 */
import type { ImageAttachment } from '../core/reply.js';
import type { StoryEvent } from '../dataset/model.js';
import { formatHuman } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { drawRelations, layoutRelations } from './relations-svg.js';
import { renderPngOffThread } from './render-png.js';
import { oneLine } from './svg.js';
import { layoutTimeline } from './timeline-layout.js';
import { drawTimeline } from './timeline-svg.js';

export { closeImageWorkers, configureImageWorkers, renderPng, renderPngOffThread } from './render-png.js';
export { relationsSvg } from './relations-svg.js';
export { timelineSvg } from './timeline-svg.js';

/**
 * A PNG timeline of `events` under `title`, rendered off the event loop. Alt text example:
 * "Timeline of 12 events from 27 Jun 2025 to 10 Jul 2025: Azerbaijan 7, Russia 5; 3 disputed."
 */
export async function timelineImage(dataset: DatasetSnapshot, events: readonly StoryEvent[], title: string): Promise<ImageAttachment> {
	const layout = layoutTimeline(dataset, events, { title });
	const png = await renderPngOffThread(drawTimeline(layout));
	const marks = layout.marks;
	let alt = `Timeline: ${oneLine(title)}. No events.`;
	if (marks.length > 0) {
		const first = marks.reduce((a, b) => (b.event.date.earliestDay < a.event.date.earliestDay ? b : a)).event.date;
		const last = marks.reduce((a, b) => (b.event.date.latestDay > a.event.date.latestDay ? b : a)).event.date;
		const n = marks.length;
		const lanes = layout.lanes.map((l) => `${l.name} ${l.events}`).join(', ');
		const disputed = marks.filter((m) => m.event.status === 'disputed').length;
		const corrected = marks.filter((m) => m.event.status === 'corrected').length;
		const status = [disputed > 0 ? `${disputed} disputed` : '', corrected > 0 ? `${corrected} corrected` : ''].filter(Boolean).join(', ');
		alt =
			`Timeline of ${n} event${n === 1 ? '' : 's'} from ${formatHuman(first)} to ${formatHuman(last)}` +
			` by side of the first actor: ${lanes}${status ? `; ${status}` : ''}.`;
	}
	return { name: 'timeline.png', png, alt };
}

/**
 * A PNG of the actors `actorId` shares events with, rendered off the event loop. Throws a
 * RangeError for an unknown actor. Alt text lists the neighbours with their shared-event counts.
 */
export async function relationsImage(dataset: DatasetSnapshot, actorId: string): Promise<ImageAttachment> {
	const layout = layoutRelations(dataset, actorId);
	const png = await renderPngOffThread(drawRelations(layout));
	const who = oneLine(layout.centre.actor.name);
	const list = layout.nodes.map((n) => `${oneLine(n.actor.name)} (${n.shared})`).join(', ');
	const alt = list
		? `Relations of ${who}: actors who share events with them, with the number of shared events: ${list}.`
		: `Relations of ${who}: no other actor shares an event with them.`;
	return { name: `relations-${actorId.replace(/[^a-z0-9-]+/giu, '_')}.png`, png, alt };
}
