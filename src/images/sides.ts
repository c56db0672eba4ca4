/**
 * Sides for the images: an actor's country, found on the actor or up its affiliations (a person
 * affiliated with a ministry belongs to the ministry's country), and the colours that tell sides apart.
 */
import type { Actor, StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';

/** The side of events and actors with no country, or of countries beyond the lanes shown. */
export const OTHER_SIDE = 'other';

/** Side colours in lane order; dark enough for white text contrast and distinct from the status colours. */
export const SIDE_COLOURS: readonly string[] = ['#1f5fa8', '#c62828', '#2e7d32', '#8d5a2b', '#00838f', '#3949ab', '#827717'];
const FIXED_COLOURS: Readonly<Record<string, string>> = { AZE: '#1f5fa8', RUS: '#c62828', IRN: '#2e7d32', ARM: '#8d5a2b', TUR: '#00838f' };
export const OTHER_COLOUR = '#5f6b78';
/** Status colours: disputed and corrected marks and their symbols. */
export const DISPUTED_COLOUR = '#ef6c00';
export const CORRECTED_COLOUR = '#8e24aa';

// Names for the codes a story is likely to use; any other code is shown as written.
const COUNTRY_NAMES: Readonly<Record<string, string>> = {
	AZE: 'Azerbaijan', RUS: 'Russia', IRN: 'Iran', ARM: 'Armenia', TUR: 'Türkiye', GEO: 'Georgia', KAZ: 'Kazakhstan',
	TJK: 'Tajikistan', UZB: 'Uzbekistan', TKM: 'Turkmenistan', KGZ: 'Kyrgyzstan', BLR: 'Belarus', UKR: 'Ukraine',
	PAK: 'Pakistan', CHN: 'China', USA: 'United States', GBR: 'United Kingdom', FRA: 'France', DEU: 'Germany',
	ISR: 'Israel', ARE: 'UAE', SAU: 'Saudi Arabia', QAT: 'Qatar', IND: 'India', POL: 'Poland', ITA: 'Italy', ESP: 'Spain',
};

/** A reader's name for a side key: a country name, the code itself, or "Other". */
export function sideName(side: string): string {
	if (side === OTHER_SIDE) return 'Other';
	return COUNTRY_NAMES[side] ?? side;
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
