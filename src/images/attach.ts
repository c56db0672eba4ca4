/**
 * Attaching pictures to command replies. Rendering costs real CPU (tens of milliseconds, done off
 * the event loop), so it is opt-in per deployment: the composition root turns it on with the
 * `images` service; one-shot CLI answers and tests leave it off unless asked.
 */
import type { CommandServices } from '../core/command.js';
import type { ImageAttachment } from '../core/reply.js';
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot, TimelineFilter } from '../dataset/snapshot.js';
import { stripBidiMarks } from '../i18n/bidi.js';
import type { Translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import { relationsImage, relationsSvgImage, timelineImage, timelineImageOf, timelineSvgImage, timelineSvgImageOf } from './index.js';

/**
 * Most events drawn in one timeline picture: the earliest of the result, as its first page of text
 * lists them; the picture says how many more there are. About the most that stay labelled and
 * legible at 1200 px, and it keeps a picture's render time bounded whatever the result's size.
 */
export const MAX_IMAGE_EVENTS = 40;

/** What the attachments need from a command's context; `i18n` is the reader's language (English without it). */
export interface AttachContext {
	readonly services: CommandServices;
	readonly dataset: DatasetSnapshot;
	readonly logger: Logger;
	readonly i18n?: Translator;
}

export function imagesEnabled(services: CommandServices): boolean {
	return services.images === true || services.images === 'svg';
}

/** Whether the deployment wants SVG text rather than PNG (the web site's core, which inlines pictures). */
function wantsSvg(services: CommandServices): boolean {
	return services.images === 'svg';
}

/** A timeline picture, or nothing when images are off or rendering fails (the text answer still goes out). */
export async function timelineAttachment(ctx: AttachContext, events: readonly StoryEvent[], title: string): Promise<ImageAttachment[]> {
	if (!imagesEnabled(ctx.services) || events.length === 0) return [];
	try {
		// The picture lays its title out itself; direction marks meant for chat clients are left out.
		const draw = wantsSvg(ctx.services) ? timelineSvgImage : timelineImage;
		return [await draw(ctx.dataset, events, stripBidiMarks(title), ctx.i18n, { maxEvents: MAX_IMAGE_EVENTS })];
	} catch (err) {
		ctx.logger.error({ err }, 'Timeline image failed; answering with text only');
		return [];
	}
}

/**
 * The timeline picture of a /timeline question: the cached picture when the same question was asked
 * of this snapshot, else one drawn from the result's first {@link MAX_IMAGE_EVENTS} events (and the
 * next, for the "more from …" note) and its count — never the list of every matching event.
 */
export async function timelineFilterAttachment(ctx: AttachContext, filter: TimelineFilter, title: string): Promise<ImageAttachment[]> {
	if (!imagesEnabled(ctx.services)) return [];
	const key = JSON.stringify(Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	const head = () => {
		// The snapshot's date order is the picture's (date, then id), so the result's first events are the ones it draws.
		const page = ctx.dataset.timelinePage(filter, 1, MAX_IMAGE_EVENTS + 1);
		return { events: page.events, total: page.total, ...(page.capped ? { capped: true } : {}) };
	};
	try {
		const draw = wantsSvg(ctx.services) ? timelineSvgImageOf : timelineImageOf;
		return [await draw(ctx.dataset, { key, head }, stripBidiMarks(title), ctx.i18n, { maxEvents: MAX_IMAGE_EVENTS })];
	} catch (err) {
		ctx.logger.error({ err }, 'Timeline image failed; answering with text only');
		return [];
	}
}

export async function relationsAttachment(ctx: AttachContext, actorId: string): Promise<ImageAttachment[]> {
	if (!imagesEnabled(ctx.services) || ctx.dataset.timelinePage({ actorId }, 1, 1).total === 0) return [];
	try {
		return [await (wantsSvg(ctx.services) ? relationsSvgImage : relationsImage)(ctx.dataset, actorId, ctx.i18n)];
	} catch (err) {
		ctx.logger.error({ err }, 'Relations image failed; answering with text only');
		return [];
	}
}
