/**
 * A seeded generator of synthetic stories for benchmarks: N events, N/10 actors, N/5 sources,
 * claims on about a third of the events, realistic lengths and vocabulary. The same seed always
 * gives the same story.
 *
 * The story is made record by record ({@link syntheticStory}) and {@link writeSyntheticStory}
 * writes it file by file, so a million events (about 950 MB of JSON) never sit in memory at once.
 * One random sequence is drawn in a fixed order (actors, sources, events, then the story's summary),
 * so the files are byte for byte those of the earlier all-in-memory generator for the same seed and
 * sizes, and earlier figures stay comparable.
 *
 * `scripts: 'three'` makes a three-script story: about a fifth of the events and actor names in
 * Cyrillic and a tenth in Persian (some of them spelled with the Arabic ي and ك, words joined by
 * ZWNJ), and every actor's name in the other two scripts under `names`. Its choices come from a
 * second random sequence, so the dates, actors, statuses and structure are those of the Latin story.
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

const WORDS =
	'ministry police raid detained court appeal embassy summoned protest statement foreign minister border talks sanctions journalists agency office charges investigation prosecutor trial release arrest diplomatic visit summit compensation airline crash missile energy pipeline trade transit railway corridor parliament delegation cancelled cultural festival exhibition concert diaspora community consulate spokesperson briefing interview report claims denies confirms alleged unnamed sources officials according'.split(
		' ',
	);
// The same words, in the same places, in Russian and Persian (three-script stories).
const WORDS_RU =
	'министерство полиция обыск задержан суд апелляция посольство вызван протест заявление иностранных министр граница переговоры санкции журналисты агентство офис обвинения расследование прокурор процесс освобождение арест дипломатический визит саммит компенсация авиакомпания крушение ракета энергетика трубопровод торговля транзит железнодорожный коридор парламент делегация отменён культурный фестиваль выставка концерт диаспора община консульство представитель брифинг интервью доклад утверждает отрицает подтверждает предполагаемый неназванные источники чиновники согласно'.split(
		' ',
	);
const WORDS_FA =
	'وزارت پلیس یورش بازداشت‌شده دادگاه تجدیدنظر سفارت احضار اعتراض بیانیه خارجه وزیر مرز مذاکرات تحریم‌ها خبرنگاران خبرگزاری دفتر اتهامات تحقیقات دادستان محاکمه آزادی دستگیری دیپلماتیک دیدار اجلاس غرامت هواپیمایی سقوط موشک انرژی خط‌لوله تجارت ترانزیت راه‌آهن کریدور مجلس هیئت لغو فرهنگی جشنواره نمایشگاه کنسرت دیاسپورا جامعه کنسولگری سخنگو نشست مصاحبه گزارش ادعا تکذیب تأیید ادعایی ناشناس منابع مقامات طبق'.split(
		' ',
	);
const NAMES =
	'Aliyev Petrov Hasanov Ivanova Mammadov Sokolov Karimov Orlova Huseynov Volkov Rahimov Smirnov Guliyev Kuznetsova Ismayilov Popov Bayramov Lebedev Safarov Morozova'.split(
		' ',
	);
const NAMES_RU =
	'Алиев Петров Гасанов Иванова Мамедов Соколов Каримов Орлова Гусейнов Волков Рагимов Смирнов Гулиев Кузнецова Исмаилов Попов Байрамов Лебедев Сафаров Морозова'.split(
		' ',
	);
const NAMES_FA =
	'علی‌اف پتروف حسن‌اف ایوانوا محمداف سوکولوف کریم‌اف اورلوا حسین‌اف ولکوف رحیم‌اف اسمیرنوف قلی‌اف کوزنتسوا اسماعیل‌اف پوپوف بایرام‌اف لبدف صفراف موروزوا'.split(
		' ',
	);
const BODIES = ['Ministry', 'Agency', 'Office', 'Group', 'Council', 'Service'];
const BODIES_RU = ['Министерство', 'Агентство', 'Офис', 'Группа', 'Совет', 'Служба'];
const BODIES_FA = ['وزارت', 'آژانس', 'دفتر', 'گروه', 'شورا', 'سرویس'];
const PLACES = ['Baku', 'Moscow', 'Yekaterinburg', 'Tehran', 'Ganja', 'Sumgait', 'Kazan', 'Dushanbe', 'Astana', 'Tbilisi'];
const TYPES = ['state', 'government_body', 'person', 'media_org', 'security_force', 'court'] as const;
const STATUSES = ['confirmed', 'confirmed', 'confirmed', 'reported', 'disputed', 'corrected'] as const;
const TAGS = ['diplomacy', 'detentions', 'media', 'courts', 'energy', 'trade', 'culture', 'summits', 'diaspora', 'security'];

type Script = 'latin' | 'cyrillic' | 'persian';
const VOCABULARY: Record<Script, { words: readonly string[]; names: readonly string[]; bodies: readonly string[] }> = {
	latin: { words: WORDS, names: NAMES, bodies: BODIES },
	cyrillic: { words: WORDS_RU, names: NAMES_RU, bodies: BODIES_RU },
	persian: { words: WORDS_FA, names: NAMES_FA, bodies: BODIES_FA },
};

export interface GenerateOptions {
	/** 'latin' (the default): every text in English. 'three': a three-script story (see above). */
	readonly scripts?: 'latin' | 'three';
}

export interface StoryHeader {
	title: string;
	summary: string;
	timezone: string;
	status: 'developing';
}

export interface SyntheticStory {
	story: StoryHeader;
	actors: ActorInput[];
	sources: SourceInput[];
	events: EventInput[];
}

/**
 * A story made record by record. The parts draw from one random sequence and must be taken in
 * order, each to its end: actors, sources, events, then story (which throws otherwise).
 */
export interface StoryStream {
	readonly n: number;
	readonly nActors: number;
	readonly nSources: number;
	actors(): Generator<ActorInput>;
	sources(): Generator<SourceInput>;
	events(): Generator<EventInput>;
	story(): StoryHeader;
}

export function syntheticStory(n: number, seed = 1, options: GenerateOptions = {}): StoryStream {
	const r = rng(seed);
	// The second sequence only chooses scripts, so the main one is the same with or without them.
	const three = options.scripts === 'three';
	const r2 = rng(seed ^ 0x3c3c3c3c);
	const script = (cyrillic: number, persian: number): Script => {
		if (!three) return 'latin';
		const x = r2();
		return x < cyrillic ? 'cyrillic' : x < cyrillic + persian ? 'persian' : 'latin';
	};
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
	const pickIndex = (length: number): number => Math.floor(r() * length);
	const sentence = (len: number, s: Script = 'latin'): string => {
		const vocabulary = VOCABULARY[s].words;
		const w = Array.from({ length: len }, () => vocabulary[pickIndex(WORDS.length)]!);
		w[0] = w[0]![0]!.toUpperCase() + w[0]!.slice(1);
		const text = `${w.join(' ')}.`;
		// A tenth of the Persian texts spelled with the Arabic yeh and kaf, as copied text often is.
		return s === 'persian' && r2() < 0.1 ? text.replace(/ی/g, 'ي').replace(/ک/g, 'ك') : text;
	};
	const nActors = Math.max(5, Math.floor(n / 10));
	const nSources = Math.max(3, Math.floor(n / 5));
	let phase = 0;
	const enter = (expected: number, part: string): void => {
		if (phase !== expected)
			throw new Error(`syntheticStory: take actors, sources, events and story in that order, each to its end (asked for ${part})`);
	};

	return {
		n,
		nActors,
		nSources,
		*actors() {
			enter(0, 'actors');
			for (let i = 0; i < nActors; i++) {
				const surname = pickIndex(NAMES.length);
				const body = pickIndex(BODIES.length);
				const nameIn = (s: Script): string => `${VOCABULARY[s].names[surname]!} ${VOCABULARY[s].bodies[body]!} ${i}`;
				const s = script(0.2, 0.1);
				const name = nameIn(s);
				const type = pick(TYPES);
				const country = pick(['AZE', 'RUS', 'IRN']);
				const description = sentence(12, s);
				const actor: ActorInput = {
					id: `actor-${i}`,
					name,
					aliases: [`${name.toLowerCase()}`, `A${i}`],
					type,
					country,
					description,
					...(i > 0 && r() < 0.3 ? { affiliations: [`actor-${Math.floor(r() * i)}`] } : {}),
				};
				if (three) {
					const names: Record<string, string> = {};
					if (s !== 'latin') names['en'] = nameIn('latin');
					if (s !== 'cyrillic') names['ru'] = nameIn('cyrillic');
					if (s !== 'persian') names['fa'] = nameIn('persian');
					actor.names = names;
				}
				yield actor;
			}
			phase = 1;
		},
		*sources() {
			enter(1, 'sources');
			for (let i = 0; i < nSources; i++) {
				yield {
					id: `source-${i}`,
					publisher: `${pick(['Wire', 'Gazette', 'Times', 'News'])} ${i % 50}`,
					url: `https://news.example.org/${i}/${pick(WORDS)}`,
					language: pick(['en', 'ru', 'az']),
					affiliation: pick(['independent', 'state-affiliated', 'party'] as const),
				};
			}
			phase = 2;
		},
		*events() {
			enter(2, 'events');
			const start = dayNumber(2015, 1, 1);
			const span = 365 * 11;
			for (let i = 0; i < n; i++) {
				const s = script(0.2, 0.1);
				const day = start + Math.floor(r() * span);
				const p = r();
				const iso = isoFromDay(day);
				const date =
					p < 0.8
						? iso
						: p < 0.9
							? iso.slice(0, 7)
							: p < 0.95
								? `~${iso}`
								: `${iso}/${isoFromDay(day + 1 + Math.floor(r() * 5))}`;
				const status = pick(STATUSES);
				const na = 1 + Math.floor(r() * 4);
				const eventActors = [...new Set(Array.from({ length: na }, () => `actor-${Math.floor(r() * nActors)}`))].map((a) => ({
					actor: a,
					role: pick(['speaker', 'target', 'host', 'participant']),
				}));
				const claims =
					status === 'disputed' || r() < 0.25
						? Array.from({ length: 2 }, (_, k) => ({
								id: `claim-${i}-${k}`,
								by: eventActors[k % eventActors.length]!.actor,
								stance: k === 0 ? ('asserts' as const) : ('disputes' as const),
								topic: 'count',
								text: sentence(14, s),
								source: `source-${Math.floor(r() * nSources)}`,
							}))
						: undefined;
				yield {
					id: `event-${i}`,
					date,
					title: sentence(8 + Math.floor(r() * 6), s).slice(0, 190),
					summary: `${sentence(18, s)} ${sentence(14, s)} ${sentence(10, s)}`,
					location: { name: pick(PLACES) },
					actors: eventActors,
					tags: [...new Set([pick(TAGS), pick(TAGS)])],
					sources: [`source-${Math.floor(r() * nSources)}`],
					status,
					...(status === 'corrected' ? { note: sentence(10, s) } : {}),
					...(claims ? { claims } : {}),
				};
			}
			phase = 3;
		},
		story() {
			enter(3, 'story');
			phase = 4;
			return {
				title: `Synthetic story of ${n} events${three ? ' in three scripts' : ''}`,
				summary: sentence(20),
				timezone: 'Asia/Baku',
				status: 'developing',
			};
		},
	};
}

/** The whole story in memory (small sizes: tests). */
export function generateStory(n: number, seed = 1, options: GenerateOptions = {}): SyntheticStory {
	const s = syntheticStory(n, seed, options);
	const actors = [...s.actors()];
	const sources = [...s.sources()];
	const events = [...s.events()];
	return { story: s.story(), actors, sources, events };
}

function putter(dir: string, format: 'yaml' | 'json'): (rel: string, value: unknown) => void {
	return (rel, value) => {
		mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
		writeFileSync(path.join(dir, `${rel}.${format}`), format === 'json' ? JSON.stringify(value) : stringify(value, { lineWidth: 0 }));
	};
}

/** Lists of records in files of `size`: `key.<ext>` when they fit in one, else `key/0000.<ext>`, ... */
function writeList<T>(
	put: (rel: string, value: unknown) => void,
	key: 'actors' | 'sources',
	total: number,
	records: Iterable<T>,
	size: number,
): void {
	let chunk: T[] = [];
	let index = 0;
	for (const record of records) {
		chunk.push(record);
		if (chunk.length === size && total > size) {
			put(`${key}/${String(index++).padStart(4, '0')}`, { [key]: chunk });
			chunk = [];
		}
	}
	if (total <= size) put(key, { [key]: chunk });
	else if (chunk.length) put(`${key}/${String(index).padStart(4, '0')}`, { [key]: chunk });
}

/**
 * Writes a story as a dataset directory: events in files of `perFile`, as YAML or JSON. Actors and
 * sources go in actors.<ext> and sources.<ext>, or, past `listPerFile` records, in files of that many
 * under actors/ and sources/, so that every file stays under the loader's 2 MB default cap.
 */
export function writeStory(story: SyntheticStory, dir: string, format: 'yaml' | 'json' = 'yaml', perFile = 500, listPerFile = 5000): void {
	mkdirSync(path.join(dir, 'events'), { recursive: true });
	const put = putter(dir, format);
	put('story', { story: story.story });
	writeList(put, 'actors', story.actors.length, story.actors, listPerFile);
	writeList(put, 'sources', story.sources.length, story.sources, listPerFile);
	for (let i = 0; i < story.events.length; i += perFile)
		put(`events/${String(i / perFile).padStart(4, '0')}`, { events: story.events.slice(i, i + perFile) });
}

/**
 * {@link writeStory} of `syntheticStory(n, seed, options)`, made and written one file at a time:
 * memory holds one file's records, whatever `n`. The files are those writeStory writes.
 */
export function writeSyntheticStory(
	n: number,
	seed: number,
	dir: string,
	format: 'yaml' | 'json' = 'json',
	perFile = 500,
	listPerFile = 5000,
	options: GenerateOptions = {},
): void {
	mkdirSync(path.join(dir, 'events'), { recursive: true });
	const put = putter(dir, format);
	const s = syntheticStory(n, seed, options);
	writeList(put, 'actors', s.nActors, s.actors(), listPerFile);
	writeList(put, 'sources', s.nSources, s.sources(), listPerFile);
	let chunk: EventInput[] = [];
	let index = 0;
	const flush = (): void => {
		put(`events/${String(index++).padStart(4, '0')}`, { events: chunk });
		chunk = [];
	};
	for (const e of s.events()) {
		chunk.push(e);
		if (chunk.length === perFile) flush();
	}
	if (chunk.length) flush();
	put('story', { story: s.story() });
}
