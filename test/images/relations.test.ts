import { afterAll, describe, expect, it } from 'vitest';
import { layoutRelations, relationsSvg } from '../../src/images/relations-svg.js';
import { renderPng } from '../../src/images/render-png.js';
import { escapeXml } from '../../src/images/svg.js';
import { cleanupDatasets, demoDataset, loadFixture } from '../helpers/dataset-fixture.js';
import { assertWellFormedXml, overlaps, pixelStats, pngSize } from './helpers.js';

afterAll(cleanupDatasets);

describe('relations image of the demo story', async () => {
	const ds = await demoDataset();
	const id = 'ilham-aliyev';
	const layout = layoutRelations(ds, id);
	const svg = relationsSvg(ds, id);

	it('puts the actor in the centre and up to 12 co-actors around it, most shared first', () => {
		expect(layout.centre.actor.id).toBe(id);
		expect(layout.centre.x).toBe(layout.width / 2);
		const expected = ds.coActors(id, 12);
		expect(layout.nodes.map((n) => [n.actor.id, n.shared])).toEqual(expected.map((c) => [c.actor.id, c.shared]));
		expect(layout.nodes).toHaveLength(12);
		expect(layout.nodes[0]!.actor.id).toBe('vladimir-putin');
		// The first neighbour sits straight above the centre, the rest clockwise at equal angles.
		expect(layout.nodes[0]!.x).toBeCloseTo(layout.centre.x, 6);
		expect(layout.nodes[0]!.y).toBeLessThan(layout.centre.y);
		expect(layout.nodes[3]!.x).toBeGreaterThan(layout.centre.x);
		expect(layout.subtitle).toContain(`${ds.coActors(id, Infinity).length} actors`);
	});

	it('draws edges whose width is proportional to the shared count', () => {
		const widths = layout.nodes.map((n) => n.edgeWidth);
		for (let i = 1; i < widths.length; i++) expect(widths[i]!).toBeLessThanOrEqual(widths[i - 1]!);
		const top = layout.nodes[0]!;
		for (const n of layout.nodes) expect(n.edgeWidth).toBeCloseTo(Math.max(1.5, (top.edgeWidth * n.shared) / top.shared), 6);
		expect(widths[0]!).toBeGreaterThan(widths[widths.length - 1]!);
		for (const n of layout.nodes) expect(svg).toContain(`font-weight="bold" text-anchor="middle">${n.shared}</text>`);
	});

	it('names every actor, escaped, without overlapping labels', () => {
		for (const n of layout.nodes) for (const line of n.lines) expect(svg).toContain(`>${escapeXml(line)}</tspan>`);
		expect(overlaps(layout.nodes.map((n) => n.labelBox))).toEqual([]);
		for (const n of layout.nodes) {
			expect(n.labelBox.x0).toBeGreaterThanOrEqual(0);
			expect(n.labelBox.x1).toBeLessThanOrEqual(layout.width);
			expect(n.labelBox.y0).toBeGreaterThan(110);
			expect(n.labelBox.y1).toBeLessThanOrEqual(layout.height);
		}
	});

	it('renders a non-blank 1200 px PNG from well-formed, deterministic SVG', () => {
		assertWellFormedXml(svg);
		expect(relationsSvg(ds, id)).toBe(svg);
		expect(pngSize(renderPng(svg))).toEqual({ width: 1200, height: layout.height });
		const stats = pixelStats(svg);
		expect(stats.colours).toBeGreaterThan(100);
		expect(stats.inked).toBeGreaterThan(0.02);
	});

	it('draws every actor in the demo story without error', () => {
		for (const a of [...ds.eachActor()]) assertWellFormedXml(relationsSvg(ds, a.id));
	});

	it('rejects an unknown actor', () => {
		expect(() => relationsSvg(ds, 'nobody')).toThrow(RangeError);
	});
});

describe('relations image of a fixture', () => {
	it('escapes hostile names and handles an actor with no co-actors', async () => {
		const ds = await loadFixture({
			'actors-more.yaml': `actors:
  - id: hostile
    name: '</text><script>&"''</script>'
    type: person
    country: RUS
    description: x
`,
			'events/2.yaml': `events:
  - id: second
    date: 2025-06-28
    title: Second
    summary: x
    actors: [{ actor: alpha-ministry }, { actor: hostile }]
    sources: [wire-1]
    status: confirmed
`,
		});
		const svg = relationsSvg(ds, 'alpha-ministry');
		expect(svg).toContain('>&lt;/text&gt;&lt;script&gt;&amp;&quot;&apos;…</tspan>');
		expect(svg).not.toContain('<script');
		assertWellFormedXml(svg);
		const centred = relationsSvg(ds, 'hostile');
		expect(centred).toContain('Relations: &lt;/text&gt;');
		assertWellFormedXml(centred);
		expect(pngSize(renderPng(centred)).width).toBe(1200);
		const alone = layoutRelations(ds, 'beta-agency');
		expect(alone.nodes).toEqual([]);
		expect(alone.subtitle).toMatch(/No other actor/u);
		assertWellFormedXml(relationsSvg(ds, 'beta-agency'));
	});
});
