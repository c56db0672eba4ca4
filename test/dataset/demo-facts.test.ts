/**
 * Fact checks on the demo dataset: a rule for one class of error (an editorial note that names an
 * outlet the event does not cite), and the specific corrections of issue #20, each against
 * story-facts.md so that a later edit cannot quietly undo them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { loadSnapshot } from '../helpers/dataset-fixture.js';

let data: DatasetSnapshot;
/** The name of the outlet that published a source: its outlet record's, or the older form's publisher. */
function publisherOf(sourceId: string): string {
	const s = data.source(sourceId)!;
	return (s.outlet ? data.outlet(s.outlet)?.name : undefined) ?? s.publisher ?? '';
}
beforeAll(async () => {
	data = await loadSnapshot('data');
});

/** `name` as a whole word or phrase of `text` (not inside a longer word: "UNN" is not in "UNNAMED"). */
function names(text: string, name: string): boolean {
	const escaped = name.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
	return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(text);
}

describe('editorial notes', () => {
	it('name only outlets the event cites or whose claims it records', () => {
		// Every outlet the dataset knows: source publishers ("MENAFN (Trend News Agency)" → "MENAFN")
		// and media actors with their aliases.
		const outlets = new Set<string>();
		for (const s of [...data.eachSource()])
			outlets.add(
				publisherOf(s.id)
					.replace(/\s*\(.*\)$/u, '')
					.trim(),
			);
		for (const a of [...data.eachActor()]) if (a.type === 'media_org') for (const n of [a.name, ...a.aliases]) outlets.add(n);
		const problems: string[] = [];
		for (const e of data.timeline()) {
			if (!e.note) continue;
			const cited = e.sourceIds.map((id) => publisherOf(id));
			const claimants = data.claimsOf(e).flatMap((c) => {
				const a = data.actor(c.by);
				return a ? [a.name, ...a.aliases] : [];
			});
			for (const outlet of outlets) {
				if (outlet.length < 2 || !names(e.note, outlet)) continue;
				if (cited.some((p) => names(p, outlet)) || claimants.includes(outlet)) continue;
				problems.push(`${e.id}: the note names ${outlet}, which the event does not cite`);
			}
		}
		expect(problems).toEqual([]);
	});

	it('catch what the rule is for: a note naming an uncited outlet is reported', () => {
		// The rule above on a known case (the 27 June note once cited AnewZ without citing it).
		const e = data.event('yekaterinburg-raids')!;
		const cited = e.sourceIds.map((id) => publisherOf(id));
		expect(cited.some((p) => names(p, 'AnewZ'))).toBe(false);
		expect(names(`${e.note!} (one outlet, AnewZ, says Ziyaddin)`, 'AnewZ')).toBe(true);
		expect(names(e.note!, 'AnewZ')).toBe(false);
	});
});

describe('the corrections of issue #20 (story-facts.md)', () => {
	it('attributes the "official visit to Baku" of 4 July to the seed article\'s outlet, Trendozz, not to the Kremlin-linked sources (row 18)', () => {
		const c = data.claim('seed-pezeshkian-official-visit-baku')!;
		expect(c.by).toBe('trendozz');
		expect(data.actor('trendozz')?.type).toBe('media_org');
		expect(publisherOf(c.sourceId)).toBe('Trendozz');
		for (const k of data.claimsBy('kremlin-linked-sources')) expect(k.text).not.toMatch(/official visit/iu);
	});

	it('records Putin and Aliyev in China as Kremlin claims with their own dates: Tianjin 31 Aug–1 Sep, Beijing 3 Sep (row 23)', () => {
		const e = data.event('putin-aliyev-sco-encounter')!;
		expect(e.date.text).toBe('2025-08-31/2025-09-03');
		expect(e.title).not.toMatch(/at (the )?SCO summit/iu);
		const claims = data.claimsOf(e);
		const byDate = Object.fromEntries(claims.map((c) => [`${c.by} ${c.date?.text}`, c.text]));
		expect(byDate['yury-ushakov 2025-08-31']).toMatch(/did not talk at the SCO summit in Tianjin/u);
		expect(byDate['dmitry-peskov 2025-09-01']).toMatch(/did not talk at the SCO summit in Tianjin/u);
		expect(byDate['dmitry-peskov 2025-09-03']).toMatch(/Beijing.*shook hands.*no substantive communication/u);
	});

	it('cites the OC Media report for Kartavykh on 19 October, not the article about Belousov landing on 25 October (row 27)', () => {
		const e = data.event('kartavykh-returns-moscow')!;
		expect(e.sourceIds).toContain('oc-media-sputnik-head-released');
		expect(e.sourceIds).not.toContain('mosregtoday-belousov-landed');
		expect(data.event('belousov-released-returns')!.sourceIds).toContain('mosregtoday-belousov-landed');
	});

	it('says in the story who was freed, and that nothing on file says the eight Russians were', () => {
		const s = data.story.summary;
		expect(s).not.toMatch(/released on both sides/u);
		for (const name of ['Agayev', 'Kartavykh', 'Belousov']) expect(s).toContain(name);
		expect(s).toMatch(/nothing on file says that the eight Russians/u);
		for (const lang of ['ru', 'az', 'fa']) expect(data.story.summaries?.[lang], lang).toMatch(/Агаев|Ağayev|آقایف/u);
	});

	it('gives no place the sources do not give', () => {
		expect(data.event('investigative-committee-confirms-deaths')!.location?.name).not.toBe('Moscow');
		expect(data.event('overchuk-visit-cancelled')!.location).toMatchObject({ name: 'Azerbaijan', country: 'AZE' });
	});
});
