/**
 * Sides for the images: an actor's country, found on the actor or up its affiliations (a person
 * affiliated with a ministry belongs to the ministry's country), and the colours that tell sides apart.
 */
import type { Actor, StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Locale } from '../i18n/locale.js';
import { createTranslator, type Translator } from '../i18n/translator.js';

/** The pictures' language when a caller names none. */
export const ENGLISH: Translator = createTranslator('en');

/** The side of events and actors with no country, or of countries beyond the lanes shown. */
export const OTHER_SIDE = 'other';

/** Side colours in lane order; dark enough for white text contrast and distinct from the status colours. */
export const SIDE_COLOURS: readonly string[] = ['#1f5fa8', '#c62828', '#2e7d32', '#8d5a2b', '#00838f', '#3949ab', '#827717'];
const FIXED_COLOURS: Readonly<Record<string, string>> = { AZE: '#1f5fa8', RUS: '#c62828', IRN: '#2e7d32', ARM: '#8d5a2b', TUR: '#00838f' };
export const OTHER_COLOUR = '#5f6b78';
/** Status colours: disputed and corrected marks and their symbols. */
export const DISPUTED_COLOUR = '#ef6c00';
export const CORRECTED_COLOUR = '#8e24aa';

// ISO 3166 alpha-3 codes a story is likely to use, to alpha-2 for Intl.DisplayNames; any other code
// (or an alpha-2 one) is looked up as written, and shown as written when Intl has no name for it.
const ALPHA2: Readonly<Record<string, string>> = {
	AZE: 'AZ',
	RUS: 'RU',
	IRN: 'IR',
	ARM: 'AM',
	TUR: 'TR',
	GEO: 'GE',
	KAZ: 'KZ',
	TJK: 'TJ',
	UZB: 'UZ',
	TKM: 'TM',
	KGZ: 'KG',
	BLR: 'BY',
	UKR: 'UA',
	PAK: 'PK',
	CHN: 'CN',
	USA: 'US',
	GBR: 'GB',
	FRA: 'FR',
	DEU: 'DE',
	ISR: 'IL',
	ARE: 'AE',
	SAU: 'SA',
	QAT: 'QA',
	IND: 'IN',
	POL: 'PL',
	ITA: 'IT',
	ESP: 'ES',
	AFG: 'AF',
	IRQ: 'IQ',
	SYR: 'SY',
	EGY: 'EG',
	JPN: 'JP',
	KOR: 'KR',
	MDA: 'MD',
	LTU: 'LT',
	LVA: 'LV',
	EST: 'EE',
	FIN: 'FI',
	SWE: 'SE',
	NOR: 'NO',
	NLD: 'NL',
	BEL: 'BE',
	CHE: 'CH',
	AUT: 'AT',
	HUN: 'HU',
	CZE: 'CZ',
	SVK: 'SK',
	ROU: 'RO',
	BGR: 'BG',
	SRB: 'RS',
	GRC: 'GR',
	CAN: 'CA',
	BRA: 'BR',
	VAT: 'VA',
	OMN: 'OM',
};

const regionNames = new Map<Locale, Intl.DisplayNames>();

/** A reader's name for a country code: the locale's name for it (Intl.DisplayNames), else the code itself. */
export function countryName(code: string, locale: Locale = 'en'): string {
	const alpha2 = ALPHA2[code] ?? (/^[A-Z]{2}$/u.test(code) ? code : undefined);
	if (alpha2 === undefined) return code;
	let names = regionNames.get(locale);
	if (!names) regionNames.set(locale, (names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' })));
	return names.of(alpha2) ?? code;
}

/** A reader's name for a side key: a country name, the code itself, or "Other" in the reader's language. */
export function sideName(side: string, i18n: Translator = ENGLISH): string {
	if (side === OTHER_SIDE) return i18n.t('image.side.other');
	return countryName(side, i18n.locale);
}

/**
 * The country of an actor: its own, else the first country found walking its affiliations
 * breadth-first (cycle-safe). Undefined when none is known.
 */
export function actorCountry(dataset: DatasetSnapshot, actor: Actor | undefined): string | undefined {
	if (!actor) return undefined;
	const seen = new Set<string>([actor.id]);
	let frontier: Actor[] = [actor];
	while (frontier.length > 0) {
		const next: Actor[] = [];
		for (const a of frontier) {
			if (a.country) return a.country;
			for (const id of a.affiliations) {
				if (seen.has(id)) continue;
				seen.add(id);
				const parent = dataset.actor(id);
				if (parent) next.push(parent);
			}
		}
		frontier = next;
	}
	return undefined;
}

/** The country of an event's first actor, or undefined. */
export function eventCountry(dataset: DatasetSnapshot, event: StoryEvent): string | undefined {
	const first = event.actors[0];
	return first ? actorCountry(dataset, dataset.actor(first.actorId)) : undefined;
}

/**
 * Chooses which countries get their own side: the most frequent first (ties by code), at most
 * `max`, each with at least `minCount` items; everything else falls into {@link OTHER_SIDE}.
 */
export function chooseSides(countries: readonly (string | undefined)[], max: number, minCount = 1): string[] {
	const counts = new Map<string, number>();
	for (const c of countries) if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
	return [...counts]
		.filter(([, n]) => n >= minCount)
		.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
		.slice(0, max)
		.map(([c]) => c);
}

/**
 * Colours for the sides shown: a fixed colour for the countries a story is likely to feature (so
 * Azerbaijan is blue in every image), the remaining palette colours in order for the rest, grey for
 * {@link OTHER_SIDE}.
 */
export function sideColours(sides: readonly string[]): Map<string, string> {
	const out = new Map<string, string>([[OTHER_SIDE, OTHER_COLOUR]]);
	const used = new Set<string>();
	for (const s of sides) {
		const fixed = FIXED_COLOURS[s];
		if (fixed !== undefined && !used.has(fixed)) {
			out.set(s, fixed);
			used.add(fixed);
		}
	}
	let next = 0;
	for (const s of sides) {
		if (out.has(s)) continue;
		while (next < SIDE_COLOURS.length && used.has(SIDE_COLOURS[next]!)) next++;
		const colour = SIDE_COLOURS[next] ?? OTHER_COLOUR;
		used.add(colour);
		out.set(s, colour);
	}
	return out;
}
