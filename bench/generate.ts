/**
 * A seeded generator of synthetic stories for benchmarks: N events, N/10 actors, N/5 sources,
 * claims on about a third of the events, realistic lengths and vocabulary. The same seed always
 * gives the same story.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ActorInput, EventInput, SourceInput } from '../src/dataset/schema.js';
import { isoFromDay, dayNumber } from '../src/dataset/partial-date.js';

export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const WORDS = 'ministry police raid detained court appeal embassy summoned protest statement foreign minister border talks sanctions journalists agency office charges investigation prosecutor trial release arrest diplomatic visit summit compensation airline crash missile energy pipeline trade transit railway corridor parliament delegation cancelled cultural festival exhibition concert diaspora community consulate spokesperson briefing interview report claims denies confirms alleged unnamed sources officials according'.split(' ');
const NAMES = 'Aliyev Petrov Hasanov Ivanova Mammadov Sokolov Karimov Orlova Huseynov Volkov Rahimov Smirnov Guliyev Kuznetsova Ismayilov Popov Bayramov Lebedev Safarov Morozova'.split(' ');
const PLACES = ['Baku', 'Moscow', 'Yekaterinburg', 'Tehran', 'Ganja', 'Sumgait', 'Kazan', 'Dushanbe', 'Astana', 'Tbilisi'];
const TYPES = ['state', 'government_body', 'person', 'media_org', 'security_force', 'court'] as const;
const STATUSES = ['confirmed', 'confirmed', 'confirmed', 'reported', 'disputed', 'corrected'] as const;
const TAGS = ['diplomacy', 'detentions', 'media', 'courts', 'energy', 'trade', 'culture', 'summits', 'diaspora', 'security'];

export interface SyntheticStory {
	story: { title: string; summary: string; timezone: string; status: 'developing' };
	actors: ActorInput[];
	sources: SourceInput[];
	events: EventInput[];
}

export function generateStory(n: number, seed = 1): SyntheticStory {
	const r = rng(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
	const sentence = (len: number): string => {
		const w = Array.from({ length: len }, () => pick(WORDS));
		w[0] = w[0]![0]!.toUpperCase() + w[0]!.slice(1);
		return `${w.join(' ')}.`;
	};
	const nActors = Math.max(5, Math.floor(n / 10));
	const actors: ActorInput[] = Array.from({ length: nActors }, (_, i) => {
		const name = `${pick(NAMES)} ${pick(['Ministry', 'Agency', 'Office', 'Group', 'Council', 'Service'])} ${i}`;
		return { id: `actor-${i}`, name, aliases: [`${name.toLowerCase()}`, `A${i}`], type: pick(TYPES), country: pick(['AZE', 'RUS', 'IRN']), description: sentence(12), ...(i > 0 && r() < 0.3 ? { affiliations: [`actor-${Math.floor(r() * i)}`] } : {}) };
	});
	const nSources = Math.max(3, Math.floor(n / 5));
	const sources: SourceInput[] = Array.from({ length: nSources }, (_, i) => ({ id: `source-${i}`, publisher: `${pick(['Wire', 'Gazette', 'Times', 'News'])} ${i % 50}`, url: `https://news.example.org/${i}/${pick(WORDS)}`, language: pick(['en', 'ru', 'az']), affiliation: pick(['independent', 'state-affiliated', 'party'] as const) }));
	const start = dayNumber(2015, 1, 1);
	const span = 365 * 11;
	const events: EventInput[] = Array.from({ length: n }, (_, i) => {
		const day = start + Math.floor(r() * span);
		const p = r();
		const iso = isoFromDay(day);
		const date = p < 0.8 ? iso : p < 0.9 ? iso.slice(0, 7) : p < 0.95 ? `~${iso}` : `${iso}/${isoFromDay(day + 1 + Math.floor(r() * 5))}`;
		const status = pick(STATUSES);
		const na = 1 + Math.floor(r() * 4);
		const eventActors = [...new Set(Array.from({ length: na }, () => `actor-${Math.floor(r() * nActors)}`))].map((a) => ({ actor: a, role: pick(['speaker', 'target', 'host', 'participant']) }));
		const claims =
			status === 'disputed' || r() < 0.25
				? Array.from({ length: 2 }, (_, k) => ({ id: `claim-${i}-${k}`, by: eventActors[k % eventActors.length]!.actor, stance: k === 0 ? ('asserts' as const) : ('disputes' as const), topic: 'count', text: sentence(14), source: `source-${Math.floor(r() * nSources)}` }))
				: undefined;
		return {
			id: `event-${i}`,
			date,
			title: sentence(8 + Math.floor(r() * 6)).slice(0, 190),
			summary: `${sentence(18)} ${sentence(14)} ${sentence(10)}`,
			location: { name: pick(PLACES) },
			actors: eventActors,
			tags: [...new Set([pick(TAGS), pick(TAGS)])],
			sources: [`source-${Math.floor(r() * nSources)}`],
			status,
			...(status === 'corrected' ? { note: sentence(10) } : {}),
			...(claims ? { claims } : {}),
		};
	});
	return { story: { title: `Synthetic story of ${n} events`, summary: sentence(20), timezone: 'Asia/Baku', status: 'developing' }, actors, sources, events };
}

/**
 * Writes a story as a dataset directory: events in files of `perFile`, as YAML or JSON. Actors and
 * sources go in actors.<ext> and sources.<ext>, or, past `listPerFile` records, in files of that many
 * under actors/ and sources/, so that every file stays under the loader's 2 MB default cap.
 */
export function writeStory(story: SyntheticStory, dir: string, format: 'yaml' | 'json' = 'yaml', perFile = 500, listPerFile = 5000): void {
	mkdirSync(path.join(dir, 'events'), { recursive: true });
	const put = (rel: string, value: unknown): void => {
		mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
		writeFileSync(path.join(dir, `${rel}.${format}`), format === 'json' ? JSON.stringify(value) : stringify(value, { lineWidth: 0 }));
	};
	const chunks = <T>(key: 'actors' | 'sources', list: T[], size: number): void => {
		if (list.length <= size) return put(key, { [key]: list });
		for (let i = 0; i < list.length; i += size) put(`${key}/${String(i / size).padStart(4, '0')}`, { [key]: list.slice(i, i + size) });
	};
	put('story', { story: story.story });
	chunks('actors', story.actors, listPerFile);
	chunks('sources', story.sources, listPerFile);
	for (let i = 0; i < story.events.length; i += perFile) put(`events/${String(i / perFile).padStart(4, '0')}`, { events: story.events.slice(i, i + perFile) });
}
