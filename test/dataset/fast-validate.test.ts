/**
 * The loader's fast validity check (src/dataset/fast-validate.ts) may only say "valid" where zod
 * accepts the record and returns it unchanged; anything else must go to zod. Checked here on
 * generated records and on thousands of mutations of them.
 */
import { describe, expect, it } from 'vitest';
import { generateStory, rng } from '../../bench/generate.js';
import { createFastValidator } from '../../src/dataset/fast-validate.js';
import { actorSchema, eventSchema, sourceSchema } from '../../src/dataset/schema.js';

type Kind = 'actor' | 'source' | 'event';
const SCHEMAS = { actor: actorSchema, source: sourceSchema, event: eventSchema };

/** Values that break, stretch or pass a field. */
const VALUES: readonly unknown[] = [
	undefined,
	null,
	'',
	' ',
	' padded ',
	'x'.repeat(81),
	'x'.repeat(201),
	'x'.repeat(2001),
	'Bad Id',
	'ok-slug',
	'ok_slug-2',
	'-bad',
	'2025-02-30',
	'2025-13',
	'~2025-06-01/2025-06-03',
	'2025-07-04/2025-07-01',
	2025,
	2025.5,
	Number.MAX_SAFE_INTEGER + 2,
	'AZE',
	'aze',
	'Q42',
	'Q0',
	'https://example.org/a b',
	'https://example.org/ok',
	'ftp://x',
	'en',
	'EN',
	'ru-Latn',
	'confirmed',
	'disputed',
	'state',
	'asserts',
	'context',
	'\u00a0nbsp\u00a0',
	'Səfərov',
	'tab\tinside',
	'\u2028line',
	0,
	true,
	[],
	['ok-slug'],
	['ok-slug', 'ok-slug'],
	[' x '],
	[null],
	{},
	{ ru: 'Текст' },
	{ RU: 'x' },
	{ ru: '' },
	{ name: 'Baku' },
	{ name: 'Baku', country: 'AZE' },
	{ name: 'Baku', extra: 1 },
	{ text: 'q', lang: 'en' },
	{ text: 'q', lang: 'en', x: 1 },
	[{ actor: 'ok-slug' }],
	[{ actor: 'ok-slug', role: 'host' }],
	[{ actor: 'ok-slug', role: 'Host' }],
	[{ event: 'ok-slug', type: 'context' }],
	[{ event: 'ok-slug', type: 'other' }],
	Array.from({ length: 51 }, () => 'ok-slug'),
	'breaking',
	'normal',
	'urgent',
	false,
	'2025-07-01T09:00:00+04:00',
	'2025-07-01T05:00Z',
	'2025-07-01T09:00:00.123-03:30',
	'2025-07-01T09:00:00',
	'2025-07-01 09:00:00+04:00',
	'2025-02-30T09:00:00Z',
	'2025-07-01T25:00:00Z',
];

const FIELDS: Record<Kind, readonly string[]> = {
	actor: ['id', 'name', 'aliases', 'type', 'country', 'description', 'affiliations', 'wikidata', 'names', 'unknown'],
	source: ['id', 'outlet', 'publisher', 'url', 'title', 'published', 'language', 'affiliation', 'unknown'],
	event: [
		'id',
		'date',
		'title',
		'summary',
		'location',
		'actors',
		'tags',
		'sources',
		'status',
		'note',
		'related',
		'claims',
		'titles',
		'summaries',
		'priority',
		'draft',
		'embargo',
		'unknown',
	],
};

/** fast says valid ⇒ zod says valid and returns an equal value. */
function agrees(kind: Kind, record: unknown): void {
	const fast = createFastValidator()[kind](record);
	const r = SCHEMAS[kind].safeParse(record);
	if (fast) {
		expect(r.success, JSON.stringify(record)).toBe(true);
		expect(r.data).toEqual(record);
	}
}

describe('fast record validation', () => {
	const story = generateStory(200, 3);
	const claimed = story.events.filter((e) => e.claims).slice(0, 20);

	it('takes the fast path for generated records, which zod accepts as they are', () => {
		const v = createFastValidator();
		for (const a of story.actors) expect(v.actor(a)).toBe(true);
		for (const s of story.sources) expect(v.source(s)).toBe(true);
		expect(v.source({ id: 's', outlet: 'tass', url: 'https://tass.com/1', language: 'en' })).toBe(true);
		agrees('source', { id: 's', outlet: 'tass', url: 'https://tass.com/1', language: 'en' });
		for (const e of story.events) expect(v.event(e)).toBe(true);
		for (const a of story.actors) agrees('actor', a);
		for (const e of story.events.slice(0, 50)) agrees('event', e);
	});

	it('never says valid where zod disagrees or would change the record', () => {
		const r = rng(11);
		// Sources in both forms: the older publisher + affiliation, and outlet alone.
		const outletForm = story.sources
			.slice(0, 50)
			.map(({ publisher: _p, affiliation: _a, ...rest }) => ({ ...rest, outlet: 'ok-slug' }));
		const base: Record<Kind, readonly Record<string, unknown>[]> = {
			actor: story.actors,
			source: [...story.sources, ...outletForm],
			event: [...story.events.slice(0, 30), ...claimed],
		};
		let checked = 0;
		for (const kind of ['actor', 'source', 'event'] as const) {
			for (let n = 0; n < 1500; n++) {
				const record: Record<string, unknown> = structuredClone(base[kind][Math.floor(r() * base[kind].length)]!);
				const edits = 1 + Math.floor(r() * 2);
				for (let k = 0; k < edits; k++) {
					const field = FIELDS[kind][Math.floor(r() * FIELDS[kind].length)]!;
					const value = VALUES[Math.floor(r() * VALUES.length)];
					if (value === undefined) delete record[field];
					else record[field] = structuredClone(value);
				}
				// Claims: break one inside a valid event too.
				if (kind === 'event' && Array.isArray(record['claims']) && r() < 0.5) {
					const c = (record['claims'] as Record<string, unknown>[])[0];
					if (c && typeof c === 'object') {
						const field = ['id', 'by', 'stance', 'topic', 'text', 'quote', 'source', 'date', 'translations', 'unknown'][
							Math.floor(r() * 10)
						]!;
						c[field] = structuredClone(VALUES[Math.floor(r() * VALUES.length)]);
					}
				}
				agrees(kind, record);
				checked++;
			}
		}
		expect(checked).toBe(4500);
	});

	it('shares one frozen date object per distinct date text', () => {
		const v = createFastValidator();
		const a = v.date('2025-06-27');
		expect(v.date('2025-06-27')).toBe(a);
		expect(Object.isFrozen(a) && Object.isFrozen(a.start)).toBe(true);
		expect(() => v.date('2025-02-30')).toThrow(/passed the schema/);
	});
});
