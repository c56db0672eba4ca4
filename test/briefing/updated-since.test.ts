import { describe, expect, it } from 'vitest';
import { composeBriefing, type UpdatedSince } from '../../src/briefing/compose-briefing.js';
import { dayNumber } from '../../src/dataset/partial-date.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { boundedSnapshot } from '../helpers/bounded-snapshot.js';
import { makeDataset } from '../scheduler/helpers/fixtures.js';
import { versionTimesFromMaps } from '../../src/briefing/version-times.js';

// The fixture has e1 (27 Jun, kremlin, media), e2 (30 Jun, aliyev, courts), e3 (1 Jul, both, media).
const dataset = makeDataset();
const JULY_1 = dayNumber(2025, 7, 1);
const JULY_5 = dayNumber(2025, 7, 5);
const PREVIOUS = '2025-07-01T05:00:00.000Z';
const BEFORE = '2025-06-20T00:00:00.000Z';
const AFTER = '2025-07-01T12:00:00.000Z';

function updated(firstSeen: Record<string, string>, introduced: Record<string, string> = {}, at = PREVIOUS): UpdatedSince {
	return {
		at,
		times: versionTimesFromMaps(new Map(Object.entries(firstSeen)), new Map(Object.entries({ ...firstSeen, ...introduced }))),
	};
}

/** The lines of the section, from its heading to the next heading. */
function section(text: string): string[] {
	const lines = text.split('\n');
	const start = lines.indexOf('## Updated since your last briefing');
	if (start < 0) return [];
	const rest = lines.slice(start + 1);
	const end = rest.findIndex((l) => l.startsWith('## ') || l.startsWith('_Dataset version'));
	return rest.slice(0, end < 0 ? undefined : end).filter((l) => l.trim() !== '');
}

const ids = (lines: readonly string[]) => lines.map((l) => /\[([\w-]+)\]$/u.exec(l)?.[1] ?? l);

describe('"Updated since your last briefing"', () => {
	it('lists events first seen after the previous delivery, as added or changed', () => {
		// e1 existed before and changed after the delivery; e2 appeared after it.
		const b = composeBriefing(dataset, { day: JULY_5, updatedSince: updated({ e1: AFTER, e2: AFTER, e3: BEFORE }, { e1: BEFORE }) });
		expect(ids(section(renderPlainText(b.reply)))).toEqual(['*Added*', 'e2', '*Changed*', 'e1']);
		expect(b.updatedEvents.map((u) => [u.event.id, u.change])).toEqual([
			['e1', 'changed'],
			['e2', 'added'],
		]);
	});

	it('calls an event added after the delivery "added", however often it changed since', () => {
		const b = composeBriefing(dataset, {
			day: JULY_5,
			updatedSince: updated({ e2: '2025-07-02T00:00:00.000Z' }, { e2: '2025-07-01T06:00:00.000Z' }),
		});
		expect(b.updatedEvents.map((u) => [u.event.id, u.change])).toEqual([['e2', 'added']]);
	});

	it('leaves out events already listed as new in the window', () => {
		// On 1 July the window (30 Jun – 1 Jul) lists e2 and e3 as new.
		const b = composeBriefing(dataset, {
			day: JULY_1,
			updatedSince: updated({ e1: AFTER, e2: AFTER, e3: AFTER }, { e1: BEFORE, e3: BEFORE }),
		});
		expect(b.newEvents.map((e) => e.id)).toEqual(['e2', 'e3']);
		expect(ids(section(renderPlainText(b.reply)))).toEqual(['*Changed*', 'e1']);
	});

	it('leaves out versions seen at or before the delivery, and events with no recorded version', () => {
		const b = composeBriefing(dataset, { day: JULY_5, updatedSince: updated({ e1: PREVIOUS, e2: BEFORE }) });
		expect(b.updatedEvents).toEqual([]);
		expect(renderPlainText(b.reply)).not.toMatch(/Updated since/u);
	});

	it("keeps to the subscription's filter", () => {
		const b = composeBriefing(dataset, { day: JULY_5, actorId: 'aliyev', updatedSince: updated({ e1: AFTER, e2: AFTER }) });
		expect(b.updatedEvents.map((u) => u.event.id)).toEqual(['e2']);
	});

	it('points at the rest beyond maxNew', () => {
		const b = composeBriefing(dataset, { day: JULY_5, maxNew: 2, updatedSince: updated({ e1: AFTER, e2: AFTER, e3: AFTER }) });
		expect(b.updatedEvents).toHaveLength(3);
		expect(section(renderPlainText(b.reply))).toEqual([
			'*Added*',
			expect.stringMatching(/\[e1\]$/u),
			expect.stringMatching(/\[e2\]$/u),
			'… and 1 more.',
		]);
	});

	it('is absent without updatedSince, and adds nothing else to the briefing', () => {
		const plain = composeBriefing(dataset, { day: JULY_5 });
		expect(plain.updatedEvents).toEqual([]);
		const blocks = [...composeBriefing(dataset, { day: JULY_5, updatedSince: updated({ e2: AFTER }) }).reply.blocks];
		const start = blocks.findIndex((b) => b.kind === 'heading' && b.text === 'Updated since your last briefing');
		// Heading, "Added", one event line.
		expect(blocks.splice(start, 3).map((b) => b.kind)).toEqual(['heading', 'paragraph', 'event']);
		expect(blocks).toEqual(plain.reply.blocks);
	});
});

describe('"Updated since", bounded', () => {
	it('finds the events by id and orders them by position: no whole list read, the same section', () => {
		const u = updated({ e1: AFTER, e2: AFTER, e3: AFTER }, { e1: BEFORE });
		const guarded = composeBriefing(boundedSnapshot(dataset).dataset, { day: JULY_5, updatedSince: u });
		const plain = composeBriefing(dataset, { day: JULY_5, updatedSince: u });
		expect(renderPlainText(guarded.reply)).toBe(renderPlainText(plain.reply));
		expect(guarded.updatedEvents.map((x) => x.event.id)).toEqual(plain.updatedEvents.map((x) => x.event.id));
	});
});
