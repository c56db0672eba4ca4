import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventFingerprint, eventInputOf } from '../../src/dataset/event-input.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { parsePartialDate } from '../../src/dataset/partial-date.js';
import type { Claim, StoryEvent } from '../../src/dataset/model.js';

/**
 * The fingerprint as it was first defined (the ledger keys on its bytes): the editors' input shape of
 * the event without its claims, then each claim with its event's id, sorted by id, each serialised,
 * and the list serialised again.
 */
function definition(e: StoryEvent, claims: readonly Claim[]): string {
	const { claims: inputClaims, ...event } = eventInputOf(e, claims);
	const parts = [JSON.stringify(event)];
	for (const c of [...(inputClaims ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
		parts.push(JSON.stringify({ ...c, event: e.id }));
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function date(text: string) {
	const d = parsePartialDate(text);
	if (!d.ok) throw new Error(text);
	return d.value;
}

const base: StoryEvent = {
	id: 'event-x',
	date: date('2025-06-28'),
	title: 'Raids in "Yekaterinburg"',
	summary: 'Two killed.\nLine two \u2028 with a separator',
	actors: [{ actorId: 'actor-a' }, { actorId: 'actor-b', role: 'target' }],
	tags: [],
	sourceIds: ['source-1'],
	status: 'confirmed',
	related: [],
	claimIds: [],
	titles: {},
	summaries: {},
	notes: {},
	file: 'events/x.yaml',
};

const claim: Claim = {
	id: 'claim-b',
	eventId: 'event-x',
	by: 'actor-a',
	stance: 'asserts',
	text: 'They died of heart failure.',
	sourceId: 'source-1',
	translations: {},
};

describe('eventFingerprint', () => {
	it('is the SHA-256 of the definition for every demo event', async () => {
		const r = await loadDataset('data');
		if (!r.ok) throw new Error('the demo data does not load');
		let n = 0;
		for (const e of r.snapshot.eachEvent()) {
			expect(eventFingerprint(e, r.snapshot.claimsOf(e))).toBe(definition(e, r.snapshot.claimsOf(e)));
			n++;
		}
		expect(n).toBeGreaterThan(10);
		r.snapshot.close();
	});

	it('leaves out what the input shape leaves out, and keeps every optional field in its place', () => {
		const full: StoryEvent = {
			...base,
			location: { name: 'Yekaterinburg', country: 'RU', names: { ru: 'Екатеринбург' } },
			tags: ['detentions', 'security'],
			note: 'editor note',
			related: [{ eventId: 'event-y', type: 'follows' }],
			claimIds: ['claim-b', 'claim-a'],
			titles: { ru: 'Рейды' },
			summaries: { az: 'İki nəfər' },
			notes: { fa: 'یادداشت' },
			priority: 'breaking',
			draft: true,
			embargo: '2025-06-29T10:00:00+03:00',
		};
		const claims: Claim[] = [
			{ ...claim, topic: 'cause', quote: { text: 'heart', lang: 'ru' }, date: date('2025-06-30'), translations: { ru: 'Сердце' } },
			{ ...claim, id: 'claim-a' },
		];
		const cases: [StoryEvent, Claim[]][] = [
			[base, []],
			[{ ...base, note: '', location: { name: 'Baku' } }, []],
			[full, claims],
			[{ ...full, claimIds: ['claim-b'] }, claims.slice(0, 1)],
		];
		const seen = new Set<string>();
		for (const [e, cs] of cases) {
			const fp = eventFingerprint(e, cs);
			expect(fp).toBe(definition(e, cs));
			seen.add(fp);
		}
		expect(seen.size).toBe(cases.length);
	});
});
