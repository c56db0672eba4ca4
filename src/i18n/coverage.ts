/**
 * Which dataset text has no translation into a language: what `sitrep validate --languages ru,az,fa`
 * lists for editors. Everything a reader sees in the dataset's own words is covered: the story, event
 * titles, summaries, notes and places, claims, actors' names and descriptions, outlets' notes, and the labels of
 * the dispute topics, tags and roles in use (a label the message catalog has counts as translated).
 */
import type { Label } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { isLocale } from './locale.js';
import { CATALOGS, isMessageKey } from './messages/index.js';
import { pick } from './translator.js';

/** One piece of dataset text without a translation into `lang`. */
export interface MissingTranslation {
	readonly lang: string;
	/** What it is: "event", "claim", "actor", "story", "outlet", "topic", "tag" or "role". */
	readonly kind: 'story' | 'event' | 'claim' | 'actor' | 'outlet' | 'topic' | 'tag' | 'role';
	readonly id: string;
	/** The field an editor adds the translation to, e.g. "summaries", "translations", "labels". */
	readonly field: string;
	/** The file the record is in, when the snapshot knows it (events). */
	readonly file?: string;
}

/** A translation for `lang` in `map`: the exact tag, or one with the same base language ("ru-RU"). */
function has(map: Readonly<Record<string, string>> | undefined, lang: string): boolean {
	if (!map) return false;
	if (map[lang]?.trim()) return true;
	if (isLocale(lang)) return pick(map, lang) !== undefined;
	const base = lang.split('-')[0]!;
	return Object.entries(map).some(([tag, text]) => tag.split('-')[0] === base && text.trim() !== '');
}

/** The catalog names this slug in `lang` (the shared vocabulary of roles and topics). */
function inCatalog(kind: 'topic' | 'tag' | 'role', slug: string, lang: string): boolean {
	const key = `${kind}.${slug}`;
	return isLocale(lang) && isMessageKey(key) && CATALOGS[lang][key].trim() !== '';
}

/**
 * Every missing translation for each of `languages`, in dataset order: story, events (with their
 * claims), actors, outlets, then the topic, tag and role labels. English is the original and is
 * never reported.
 */
export function missingTranslations(dataset: DatasetSnapshot, languages: readonly string[]): MissingTranslation[] {
	const out: MissingTranslation[] = [];
	const topics = new Set<string>();
	const tags = new Set<string>();
	const roles = new Set<string>();
	for (const e of dataset.eachEvent()) {
		for (const t of e.tags) tags.add(t);
		for (const a of e.actors) if (a.role) roles.add(a.role);
	}
	for (const c of dataset.eachClaim()) if (c.topic) topics.add(c.topic);

	for (const lang of languages) {
		if (lang === 'en') continue;
		const miss = (kind: MissingTranslation['kind'], id: string, field: string, file?: string) =>
			out.push({ lang, kind, id, field, ...(file ? { file } : {}) });
		const s = dataset.story;
		if (!has(s.titles, lang)) miss('story', 'story', 'titles');
		if (!has(s.summaries, lang)) miss('story', 'story', 'summaries');
		for (const e of dataset.eachEvent()) {
			if (!has(e.titles, lang)) miss('event', e.id, 'titles', e.file);
			if (!has(e.summaries, lang)) miss('event', e.id, 'summaries', e.file);
			if (e.note && !has(e.notes, lang)) miss('event', e.id, 'notes', e.file);
			if (e.location && !has(e.location.names, lang)) miss('event', e.id, 'location.names', e.file);
			for (const c of dataset.claimsOf(e)) if (!has(c.translations, lang)) miss('claim', c.id, 'translations', e.file);
		}
		for (const a of dataset.eachActor()) {
			if (!has(a.names, lang)) miss('actor', a.id, 'names');
			if (!has(a.descriptions, lang)) miss('actor', a.id, 'descriptions');
		}
		for (const o of dataset.vocabulary.outlets.values()) {
			if (!has(o.notes, lang)) miss('outlet', o.id, 'notes');
			if (o.party !== undefined && !has(o.parties, lang)) miss('outlet', o.id, 'parties');
		}
		const labels = (kind: 'topic' | 'tag' | 'role', used: ReadonlySet<string>, own: ReadonlyMap<string, Label>) => {
			for (const slug of [...used].sort()) {
				const l = own.get(slug);
				if (!(l && has(l.labels, lang)) && !inCatalog(kind, slug, lang))
					miss(kind, slug, l ? 'labels' : `${kind}s: (no label yet)`);
			}
		};
		labels('topic', topics, dataset.vocabulary.topics);
		labels('tag', tags, dataset.vocabulary.tags);
		labels('role', roles, dataset.vocabulary.roles);
	}
	return out;
}
