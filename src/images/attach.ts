/**
 * Attaching pictures to command replies. Rendering costs real CPU (a PNG takes 100–200 ms, done
 * off the event loop), so it is opt-in per deployment: the composition root turns it on with the
 * `images` service; one-shot CLI answers and tests leave it off unless asked.
 */
import type { CommandServices } from '../core/command.js';
import type { ImageAttachment } from '../core/reply.js';
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { stripBidiMarks } from '../i18n/bidi.js';
import type { Logger } from '../logger.js';
import { relationsImage, timelineImage } from './index.js';

/** Most events drawn in one timeline picture. */
export const MAX_IMAGE_EVENTS = 300;

export function imagesEnabled(services: CommandServices): boolean {
	return services['images'] === true;
}

/** A timeline picture, or nothing when images are off or rendering fails (the text answer still goes out). */
export async function timelineAttachment(ctx: { services: CommandServices; dataset: DatasetSnapshot; logger: Logger }, events: readonly StoryEvent[], title: string): Promise<ImageAttachment[]> {
	if (!imagesEnabled(ctx.services) || events.length === 0) return [];
	try {
		// The picture lays its title out itself; direction marks meant for chat clients are left out.
		return [await timelineImage(ctx.dataset, events.slice(0, MAX_IMAGE_EVENTS), stripBidiMarks(title))];
	} catch (err) {
		ctx.logger.error({ err }, 'Timeline image failed; answering with text only');
		return [];
	}
}

export async function relationsAttachment(ctx: { services: CommandServices; dataset: DatasetSnapshot; logger: Logger }, actorId: string): Promise<ImageAttachment[]> {
	if (!imagesEnabled(ctx.services) || ctx.dataset.eventsOf(actorId).length === 0) return [];
	try {
		return [await relationsImage(ctx.dataset, actorId)];
	} catch (err) {
		ctx.logger.error({ err }, 'Relations image failed; answering with text only');
		return [];
	}
}
