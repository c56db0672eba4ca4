import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPng } from '../../src/images/render-png.js';
import { escapeXml, oneLine } from '../../src/images/svg.js';
import { layoutTimeline, type TimelineLayout } from '../../src/images/timeline-layout.js';
import { timelineSvg } from '../../src/images/timeline-svg.js';
import { cleanupDatasets, demoDataset, loadFixture } from '../helpers/dataset-fixture.js';
import { assertWellFormedXml, overlaps, pixelStats, pngSize } from './helpers.js';
import { syntheticDataset } from './synthetic.js';

afterAll(cleanupDatasets);

const GOLDEN = path.join(import.meta.dirname, 'golden', 'timeline-small.svg');

/** A small story touching every kind of mark: point, month, range, approximate, disputed, corrected, an affiliated actor. */
const SMALL_FIXTURE: Record<string, string> = {
	'actors-more.yaml': `actors:
  - id: russia-mfa
    name: Russian MFA
    type: government_body
    country: RUS
    description: A ministry.
  - id: iran-president
    name: President of Iran
    type: person
    country: IRN
    description: A president.
`,
	'events/more.yaml': `events:
  - id: raid
    date: 2025-06-28
    title: Police raid an office in Baku; seven detained
    summary: A raid.
    actors: [{ actor: russia-mfa }]
    sources: [wire-1]
    status: disputed
    claims:
      - { id: seven, by: alpha-ministry, stance: asserts, text: Seven were detained., source: wire-1 }
      - { id: three, by: russia-mfa, stance: disputes, text: Three were detained., source: wire-1 }
  - id: talks
    date: 2025-07
    title: Talks resume during July
    summary: Talks.
    actors: [{ actor: beta-agency }]
    sources: [wire-1]
    status: reported
  - id: summit
    date: ~2025-07-04
    title: Summit in Khankendi with Ə, Ж & "quotes"
    summary: A summit.
    actors: [{ actor: iran-president }]
    sources: [wire-1]
    status: corrected
    note: The summit was first reported in Baku.
  - id: protests
    date: 2025-07-01/2025-07-03
    title: Three days of protests outside the embassy in Baku over the detentions
    summary: Protests.
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: confirmed
`,
};

function labelledBoxes(l: TimelineLayout): { x0: number; y0: number; x1: number; y1: number }[] {
	return l.marks.filter((m) => m.row >= 0).map((m) => m.box);
}

function expectNoOverlaps(l: TimelineLayout): void {
	const boxes = labelledBoxes(l);
	expect(overlaps(boxes)).toEqual([]);
	for (const m of l.marks) {
		if (!m.labelBox) continue;
		expect(m.labelBox.x0).toBeGreaterThanOrEqual(0);
		expect(m.labelBox.x1).toBeLessThanOrEqual(l.width);
		// The label box lies within the event's box, so box checks cover labels too.
		expect(m.labelBox.x0).toBeGreaterThanOrEqual(m.box.x0);
		expect(m.labelBox.x1).toBeLessThanOrEqual(m.box.x1);
		expect(m.labelBox.y0).toBeGreaterThanOrEqual(m.box.y0);
		expect(m.labelBox.y1).toBeLessThanOrEqual(m.box.y1);
		const lane = l.lanes.find((x) => x.side === m.side)!;
		expect(m.box.y0).toBeGreaterThanOrEqual(lane.top);
		expect(m.box.y1).toBeLessThanOrEqual(lane.top + lane.height);
	}
}

describe('timeline of the demo story', async () => {
	const ds = await demoDataset();
	const layout = layoutTimeline(ds, [...ds.eachEvent()], { title: 'Demo' });
	const svg = timelineSvg(ds, [...ds.eachEvent()], { title: 'Demo' });

	it('renders a PNG about 1200 px wide with the layout height', () => {
		const size = pngSize(renderPng(svg));
		expect(size.width).toBe(1200);
		expect(size.height).toBe(layout.height);
		expect(size.height).toBeGreaterThan(400);
		expect(size.height).toBeLessThan(2600);
	});

	it('is not blank', () => {
		const stats = pixelStats(svg);
		expect(stats.colours).toBeGreaterThan(100);
		expect(stats.inked).toBeGreaterThan(0.03);
	});

	it('labels every one of the 38 events, escaped, from its title', () => {
		expect(layout.marks).toHaveLength(38);
		for (const m of layout.marks) {
			expect(m.row, m.event.id).toBeGreaterThanOrEqual(0);
			expect(m.label.length).toBeGreaterThan(8);
			expect(svg).toContain(`>${escapeXml(m.label)}</text>`);
			expect(oneLine(m.event.title).startsWith(m.label.replace(/…$/u, ''))).toBe(true);
		}
	});

	it('places labels without overlaps', () => {
		expectNoOverlaps(layout);
	});

	it('puts events in lanes by the first actor’s country and marks statuses', () => {
		expect(layout.lanes.map((l) => l.name)).toEqual(['Russia', 'Azerbaijan', 'Iran', 'Other']);
		expect(layout.lanes.reduce((n, l) => n + l.events, 0)).toBe(38);
		const disputed = [...ds.eachEvent()].filter((e) => e.status === 'disputed').length;
		expect(layout.marks.filter((m) => m.symbol === '⚠')).toHaveLength(disputed);
		// One per disputed label, plus the legend's.
		expect(svg.match(/>⚠ </gu)).toHaveLength(disputed + 1);
		expect(layout.marks.filter((m) => m.symbol === '✎')).toHaveLength(
			[...ds.eachEvent()].filter((e) => e.status === 'corrected').length,
		);
		expect(layout.scale.unit).toBe('month');
		expect(layout.legend.items.map((i) => i.kind)).toEqual(['point', 'bar', 'approximate', 'disputed', 'corrected']);
	});

	it('is well-formed and deterministic', () => {
		assertWellFormedXml(svg);
		expect(timelineSvg(ds, [...ds.eachEvent()].reverse(), { title: 'Demo' })).toBe(svg);
	});

	it('keeps every font size at 14 px or more', () => {
		const sizes = [...svg.matchAll(/font-size="([\d.]+)"/gu)].map((m) => Number(m[1]));
		expect(Math.min(...sizes)).toBeGreaterThanOrEqual(14);
	});
});

describe('timeline of synthetic stories', () => {
	it('places 200 events without overlapping labels', () => {
		const ds = syntheticDataset(200);
		const l = layoutTimeline(ds, [...ds.eachEvent()]);
		expect(l.marks).toHaveLength(200);
		expectNoOverlaps(l);
		const unlabelled = l.marks.filter((m) => m.row < 0).length;
		if (unlabelled > 0) expect(l.footer?.lines[0]).toContain(`${unlabelled} event`);
		expect(l.height).toBeLessThan(2800);
		assertWellFormedXml(timelineSvg(ds, [...ds.eachEvent()]));
	});

	it('labels all 200 when rows are unlimited, still without overlaps', () => {
		const ds = syntheticDataset(200);
		const l = layoutTimeline(ds, [...ds.eachEvent()], { maxRowsPerLane: Infinity });
		expect(l.marks.every((m) => m.row >= 0 && m.label.length > 0)).toBe(true);
		expectNoOverlaps(l);
		const svg = timelineSvg(ds, [...ds.eachEvent()], { maxRowsPerLane: Infinity });
		for (const m of l.marks) expect(svg).toContain(`>${escapeXml(m.label)}</text>`);
	});

	it('keeps 1,000 events bounded in height and free of overlaps', () => {
		const ds = syntheticDataset(1000, 3650, 7);
		const l = layoutTimeline(ds, [...ds.eachEvent()]);
		expectNoOverlaps(l);
		expect(l.scale.unit).toBe('year');
		expect(l.height).toBeLessThan(2800);
	});
});

describe('timeline of a small fixture', async () => {
	const ds = await loadFixture(SMALL_FIXTURE);

	it('matches the golden SVG', () => {
		const svg = timelineSvg(ds, [...ds.eachEvent()], { title: 'Small fixture' });
		if (process.env.UPDATE_GOLDEN === '1') {
			mkdirSync(path.dirname(GOLDEN), { recursive: true });
			writeFileSync(GOLDEN, svg);
		}
		// On an intended change, regenerate with UPDATE_GOLDEN=1 and review the diff.
		expect(svg).toBe(readFileSync(GOLDEN, 'utf8'));
	});

	it('draws points, bars, approximate, disputed and corrected marks', () => {
		const l = layoutTimeline(ds, [...ds.eachEvent()]);
		const byId = new Map(l.marks.map((m) => [m.event.id, m]));
		expect(byId.get('first')!.shape).toBe('point');
		expect(byId.get('talks')!.shape).toBe('bar');
		expect(byId.get('protests')!.shape).toBe('bar');
		expect(byId.get('summit')!.shape).toBe('point');
		expect(byId.get('raid')!.symbol).toBe('⚠');
		expect(byId.get('summit')!.symbol).toBe('✎');
		// beta-agency has no country; it is affiliated with the AZE ministry.
		expect(byId.get('talks')!.side).toBe('AZE');
		expect(l.scale.unit).toBe('week');
		expect(byId.get('talks')!.x1 - byId.get('talks')!.x0).toBeGreaterThan(500);
	});

	it('escapes hostile titles and still renders', async () => {
		const hostile = await loadFixture({
			...SMALL_FIXTURE,
			'events/2025-06-27-first.yaml': `events:
  - id: first
    date: 2025-06-27
    title: '<script>&"'' ]]> <!-- x'
    summary: x
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: confirmed
`,
		});
		const svg = timelineSvg(hostile, [...hostile.eachEvent()], { title: `</text><script>alert("x")</script>` });
		expect(svg).toContain('&lt;script&gt;&amp;&quot;&apos; ]]&gt; &lt;!-- x');
		expect(svg).not.toMatch(/<script|<!--|\]\]>/u);
		assertWellFormedXml(svg);
		expect(pngSize(renderPng(svg)).width).toBe(1200);
	});

	it('draws an empty selection as a valid image', () => {
		const svg = timelineSvg(ds, []);
		assertWellFormedXml(svg);
		expect(svg).toContain('No events to show');
		expect(pngSize(renderPng(svg)).width).toBe(1200);
	});
});
