/**
 * Dataset slugs that readers see: an actor's role in an event (`role: speaker`) and the topic a
 * claim answers (`topic: cause-of-death`). A slug of the shared vocabulary has catalog entries
 * (`role.<slug>`, `topic.<slug>`); any other is shown humanized ("sputnik raid grounds"), which in a
 * language other than English counts as untranslated text, so the reply says that some of it is
 * shown in English.
 */
import type { Translator } from './translator.js';

/** "delegation-head" → "delegation head". */
export function humanizeSlug(slug: string): string {
	return slug.replace(/[-_]+/gu, ' ').trim();
}

function label(i18n: Translator, kind: 'role' | 'topic', slug: string): string {
	return i18n.maybe(`${kind}.${slug}`) ?? i18n.content(humanizeSlug(slug));
}

/** An actor's role in an event, as /event shows it next to the name. */
export function roleLabel(i18n: Translator, role: string): string {
	return label(i18n, 'role', role);
}

/** A claim topic, as the briefing's "Disputed:" line shows it. */
export function topicLabel(i18n: Translator, topic: string): string {
	return label(i18n, 'topic', topic);
}
