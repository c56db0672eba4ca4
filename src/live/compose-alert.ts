/**
 * The alert message: the events a reload (or a lifted embargo) brought that a subscription wants,
 * in one message, in the chat's language, each with its status marker and sources. Pure.
 */
import { eventLine, sourcesBlock, withUntranslatedNote } from '../core/present.js';
import { heading, italic, para, type Block, type Reply } from '../core/reply.js';
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Locale } from '../i18n/locale.js';
import { createTranslator } from '../i18n/translator.js';

/** At most this many events are spelled out in one alert, so that it stays one message; the rest are counted. */
export const MAX_ALERT_EVENTS = 8;

export interface ComposedAlert {
	readonly reply: Reply;
	/** The events the message shows, in order (the ones it only counts are not among them). */
	readonly shown: readonly StoryEvent[];
}

/** Composes the alert for `events` (already filtered for the subscription), newest last. */
export function composeAlert(dataset: DatasetSnapshot, events: readonly StoryEvent[], locale?: Locale): ComposedAlert {
	const i18n = createTranslator(locale ?? 'en');
	const breaking = events.some((e) => e.priority === 'breaking');
	const shown = [...events]
		.sort((a, b) => (a.priority === b.priority ? 0 : a.priority === 'breaking' ? -1 : 1))
		.slice(0, MAX_ALERT_EVENTS);
	const blocks: Block[] = [heading(i18n.t(breaking ? 'live.alert.breaking' : 'live.alert.new', { n: events.length }))];
	for (const e of shown) {
		blocks.push(eventLine(dataset, e, i18n));
		if (e.sourceIds.length) blocks.push(sourcesBlock(dataset, e.sourceIds.slice(0, 3), i18n));
	}
	if (events.length > shown.length) blocks.push(para(i18n.t('live.alert.more', { n: events.length - shown.length })));
	blocks.push(para(italic(i18n.t('live.alert.footer'))));
	return { reply: withUntranslatedNote({ blocks, ...(i18n.locale !== 'en' ? { locale: i18n.locale } : {}) }, i18n), shown };
}
