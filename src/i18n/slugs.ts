/**
 * Dataset slugs that readers see: an actor's role in an event (`role: speaker`), the topic a claim
 * answers (`topic: cause-of-death`) and an event's tags (`yekaterinburg`). The dataset may label
 * them (`topics:`, `tags:`, `roles:` with `label` and `labels` per language); the shared vocabulary
 * also has catalog entries (`role.<slug>`, `topic.<slug>`). What has neither is shown humanized
 * ("sputnik raid grounds"), which in a language other than English counts as untranslated text, so
 * the reply says that some of it is shown in English.
 */
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { pick, type Translator } from './translator.js';

/** "delegation-head" → "delegation head". */
export function humanizeSlug(slug: string): string {
	return slug.replace(/[-_]+/gu, ' ').trim();
}

/**
 * The dataset's label in the reader's language first (the editors know their story's words), then
 * the catalog's, then the dataset's English label or the humanized slug, counted as untranslated.
 */
function label(i18n: Translator, kind: 'role' | 'topic' | 'tag', slug: string, dataset: DatasetSnapshot | undefined): string {
	const own = dataset?.label(kind, slug);
	if (own) {
		if (i18n.locale === 'en') return own.label;
		const translated = pick(own.labels, i18n.locale);
		if (translated !== undefined) return translated;
	}
	return i18n.maybe(`${kind}.${slug}`) ?? (own ? i18n.content(own.label) : i18n.content(humanizeSlug(slug)));
}

/** An actor's role in an event, as /event shows it next to the name. */
export function roleLabel(i18n: Translator, role: string, dataset?: DatasetSnapshot): string {
	return label(i18n, 'role', role, dataset);
}

/** A claim topic, as the briefing's "Disputed:" line shows it. */
export function topicLabel(i18n: Translator, topic: string, dataset?: DatasetSnapshot): string {
	return label(i18n, 'topic', topic, dataset);
}

/** An event tag as readers see it ("Yekaterinburg", "Екатеринбург"); filters still take the slug. */
export function tagLabel(i18n: Translator, tag: string, dataset?: DatasetSnapshot): string {
	return label(i18n, 'tag', tag, dataset);
}
