/** Deterministic synthetic stories for image tests and the image bench: many events, dense clusters. */
import type { Actor, EventStatus, StoryEvent } from '../../src/dataset/model.js';
import { isoFromDay, parsePartialDate, type PartialDate } from '../../src/dataset/partial-date.js';
import { DatasetSnapshot } from '../../src/dataset/snapshot.js';

/** mulberry32: a small seeded PRNG, so every run builds the same story. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const WORDS = [
	'Ministry',
	'summons',
	'ambassador',
	'court',
	'remands',
	'Səfərov',
	'Сафаров',
	'delegation',
	'cancels',
	'visit',
	'talks',
	'phone',
	'call',
	'Kremlin',
	'Baku',
	'Moscow',
	'Tehran',
	'protest',
	'note',
	'verbale',
	'release',
	'journalists',
	'raid',
	'office',
	'crash',
	'compensation',
	'AZAL',
	'Şuşa',
	'Yekaterinburg',
	'"unfriendly"',
	'actions',
	'&',
	'diaspora',
];
const COUNTRIES = ['AZE', 'RUS', 'IRN', 'ARM', 'TUR', 'GEO', undefined];
const STATUSES: EventStatus[] = ['confirmed', 'confirmed', 'confirmed', 'reported', 'reported', 'disputed', 'corrected'];

function date(text: string): PartialDate {
	const r = parsePartialDate(text);
	if (!r.ok) throw new Error(r.message);
	return r.value;
}

/** A snapshot with `count` events over about `spanDays` days starting 2024-01-01, half of them in a few dense clusters. */
export function syntheticDataset(count: number, spanDays = 730, seed = 42): DatasetSnapshot {
	const rnd = prng(seed);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
	const actors: Actor[] = COUNTRIES.map((country, i) => ({
		id: `actor-${i}`,
		name: `Actor ${i} ${country ?? 'stateless'}`,
		aliases: [],
		type: 'government_body',
		...(country ? { country } : {}),
		description: 'Synthetic.',
		affiliations: [],
		names: {},
		descriptions: {},
	}));
	actors.push({
		id: 'actor-child',
		name: 'Affiliated person',
		aliases: [],
		type: 'person',
		description: 'Synthetic.',
		affiliations: ['actor-1'],
		names: {},
		descriptions: {},
	});
	const start = 19723; // 2024-01-01
	const clusters = [0.2, 0.5, 0.52, 0.9].map((f) => start + Math.floor(f * spanDays));
	const events: StoryEvent[] = [];
	for (let i = 0; i < count; i++) {
		const day = rnd() < 0.5 ? pick(clusters) + Math.floor(rnd() * 6) : start + Math.floor(rnd() * spanDays);
		const iso = isoFromDay(day);
		const kind = rnd();
		let text = iso;
		if (kind < 0.08) text = iso.slice(0, 7);
		else if (kind < 0.1) text = iso.slice(0, 4);
		else if (kind < 0.15) text = `${iso}/${isoFromDay(day + 1 + Math.floor(rnd() * 20))}`;
		if (rnd() < 0.1) text = `~${text}`;
		const words = Array.from({ length: 2 + Math.floor(rnd() * 18) }, () => pick(WORDS));
		events.push({
			id: `ev-${String(i).padStart(4, '0')}`,
			date: date(text),
			title: `${i} ${words.join(' ')}`.slice(0, 200),
			summary: 'Synthetic.',
			actors: [{ actorId: pick(actors).id }],
			tags: [],
			sourceIds: ['src'],
			status: pick(STATUSES),
			related: [],
			claimIds: [],
			titles: {},
			summaries: {},
			notes: {},
			file: 'synthetic.yaml',
		});
	}
	return DatasetSnapshot.fromRecords(
		{ title: 'Synthetic story', summary: 'Synthetic.', timezone: 'UTC', status: 'developing', languages: ['en'] },
		actors,
		[{ id: 'src', publisher: 'Wire', url: 'https://example.org', language: 'en', affiliation: 'independent' }],
		events,
		[],
		'synthetic',
		'2025-01-01T00:00:00Z',
	);
}
