/**
 * The relations image: an actor in the centre, the actors it shares the most events with on an
 * ellipse around it (most shared at the top, then clockwise), and an edge to each whose width is
 * proportional to the number of shared events, labelled with that number.
 */
import type { Actor } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { RTL } from '../i18n/locale.js';
import type { Translator } from '../i18n/translator.js';
import { drawText, isolate, type GlyphSink, type TextAnchor, type TextMode, type TextSpan } from './glyphs.js';
import { actorCountry, chooseSides, ENGLISH, OTHER_SIDE, sideColours, sideName } from './sides.js';
import { el, FONT_FAMILY, fontExtents, num, textWidth, truncateToWidth, wrapText } from './svg.js';
import type { Box } from './timeline-layout.js';

export interface RelationsOptions {
	/** Most neighbours drawn (default 12). */
	readonly limit?: number;
	readonly width?: number;
	readonly height?: number;
	/** The reader's language for the words drawn and the actors' names (English by default). */
	readonly i18n?: Translator;
	/** 'svg' (default) writes <text> elements; 'outlines' draws what it can as glyph paths, for fast PNG rendering. */
	readonly text?: TextMode;
}

export interface RelationNode {
	readonly actor: Actor;
	/** The actor's name in the reader's language when the dataset has it. */
	readonly name: string;
	readonly shared: number;
	readonly x: number;
	readonly y: number;
	readonly r: number;
	readonly colour: string;
	/** The name, wrapped and truncated. */
	readonly lines: readonly string[];
	readonly anchor: 'start' | 'middle' | 'end';
	readonly labelX: number;
	/** Baseline of the first line. */
	readonly labelY: number;
	readonly labelBox: Box;
	/** Edge stroke width, proportional to `shared`. */
	readonly edgeWidth: number;
	/** Where the shared-event count sits on the edge. */
	readonly countX: number;
	readonly countY: number;
}

export interface RelationsLayout {
	readonly width: number;
	readonly height: number;
	readonly title: string;
	readonly subtitle: string;
	readonly centre: {
		readonly actor: Actor;
		readonly name: string;
		readonly x: number;
		readonly y: number;
		readonly r: number;
		readonly colour: string;
		readonly lines: readonly string[];
	};
	readonly nodes: readonly RelationNode[];
	readonly sides: readonly { readonly name: string; readonly colour: string }[];
	readonly maxShared: number;
	/** The edge-width legend's texts, for 1 and for {@link maxShared} shared events. */
	readonly sharedLabels: readonly { readonly n: number; readonly text: string }[];
	readonly dir: 'ltr' | 'rtl';
}

const FONT = { title: 26, subtitle: 15, name: 15, centre: 16, count: 14, legend: 14 } as const;
const LINE = 18;
const MAX_EDGE = 18;
const MIN_EDGE = 1.5;
const NAME_WIDTH = 170;
const CENTRE_R = 72;
const INK = '#1f2328';

/**
 * Lays out the relations image for `actorId`. Throws a RangeError for an unknown actor.
 * Deterministic: neighbours come in {@link DatasetSnapshot.coActors} order (most shared, then id).
 */
export function layoutRelations(dataset: DatasetSnapshot, actorId: string, opts: RelationsOptions = {}): RelationsLayout {
	const actor = dataset.actor(actorId);
	if (!actor) throw new RangeError(`unknown actor "${actorId}"`);
	const i18n = opts.i18n ?? ENGLISH;
	const nameOf = (a: Actor): string => i18n.name(a.name, a.names);
	const width = opts.width ?? 1200;
	const height = opts.height ?? 960;
	const limit = opts.limit ?? 12;
	const all = dataset.coActors(actorId, Infinity);
	const shown = all.slice(0, limit);
	const maxShared = shown.reduce((m, c) => Math.max(m, c.shared), 0);
	const countries = [actor, ...shown.map((c) => c.actor)].map((a) => actorCountry(dataset, a));
	const sideList = chooseSides(countries, 5);
	const colours = sideColours(sideList);
	const colourOf = (country: string | undefined): string =>
		colours.get(country !== undefined && sideList.includes(country) ? country : OTHER_SIDE)!;

	const cx = width / 2;
	const cy = 120 + (height - 120) / 2;
	const rx = width / 2 - NAME_WIDTH - 70;
	const ry = (height - 120) / 2 - 75;
	const { ascent, descent } = fontExtents(FONT.name);
	const nodes: RelationNode[] = shown.map(({ actor: a, shared }, i) => {
		const angle = -Math.PI / 2 + (i * 2 * Math.PI) / Math.max(shown.length, 1);
		const cos = Math.cos(angle);
		const sin = Math.sin(angle);
		const x = cx + rx * cos;
		const y = cy + ry * sin;
		const r = 9 + 9 * (shared / maxShared);
		const lines = wrapText(nameOf(a), NAME_WIDTH, FONT.name, 2);
		const anchor = cos > 0.35 ? 'start' : cos < -0.35 ? 'end' : 'middle';
		const gap = r + 8;
		const labelX = anchor === 'start' ? x + gap : anchor === 'end' ? x - gap : x;
		const block = (lines.length - 1) * LINE;
		// Above the node at the top, below it at the bottom, centred beside it on the sides.
		const labelY = anchor !== 'middle' ? y + FONT.name * 0.36 - block / 2 : sin < 0 ? y - gap - descent - block : y + gap + ascent;
		const w = Math.max(0, ...lines.map((l) => textWidth(l, FONT.name)));
		const lx0 = anchor === 'start' ? labelX : anchor === 'end' ? labelX - w : labelX - w / 2;
		const t = 0.55;
		return {
			actor: a,
			name: nameOf(a),
			shared,
			x,
			y,
			r,
			colour: colourOf(countries[i + 1]),
			lines,
			anchor,
			labelX,
			labelY,
			labelBox: { x0: lx0, y0: labelY - ascent, x1: lx0 + w, y1: labelY + block + descent },
			edgeWidth: Math.max(MIN_EDGE, (MAX_EDGE * shared) / maxShared),
			countX: cx + (x - cx) * t,
			countY: cy + (y - cy) * t,
		};
	});
	const centreName = nameOf(actor);
	const name = truncateToWidth(centreName, width - 300, FONT.title, 'bold');
	const total = all.length;
	const subtitle =
		total === 0
			? i18n.t('image.relations.none')
			: total > shown.length
				? i18n.t('image.relations.subtitle.top', { n: total, name: centreName, shown: shown.length })
				: i18n.t('image.relations.subtitle', { n: total, name: centreName });
	const used = new Set(countries.map((c) => (c !== undefined && sideList.includes(c) ? c : OTHER_SIDE)));
	return {
		width,
		height,
		title: i18n.t('image.relations.title', { name }),
		subtitle: truncateToWidth(subtitle, width - 40, FONT.subtitle),
		maxShared,
		centre: {
			actor,
			name: centreName,
			x: cx,
			y: cy,
			r: CENTRE_R,
			colour: colourOf(countries[0]),
			lines: wrapText(centreName, CENTRE_R * 2 - 22, FONT.centre, 3, 'bold'),
		},
		nodes,
		sides: [...sideList, OTHER_SIDE]
			.filter((s) => used.has(s))
			.map((s) => ({ name: s === OTHER_SIDE ? i18n.t('image.side.otherOrUnknown') : sideName(s, i18n), colour: colours.get(s)! })),
		sharedLabels: (maxShared > 1 ? [1, maxShared] : maxShared === 1 ? [1] : []).map((n) => ({
			n,
			text: i18n.t('image.relations.shared', { n }),
		})),
		dir: RTL.has(i18n.locale) ? 'rtl' : 'ltr',
	};
}

/**
 * SVG text of the relations image for `actorId` (1200 × 960 px by default). Names are escaped
 * and truncated; the output is byte-identical for the same input.
 */
export function relationsSvg(dataset: DatasetSnapshot, actorId: string, opts: RelationsOptions = {}): string {
	return drawRelations(layoutRelations(dataset, actorId, opts), opts.text);
}

interface Style {
	readonly x?: number;
	readonly y?: number;
	readonly size?: number;
	readonly weight?: 'bold';
	readonly fill?: string;
	readonly anchor?: TextAnchor | undefined;
}
type TextFn = (spans: readonly TextSpan[], s: Style) => string;

/**
 * Draws a computed relations layout, its text as <text> elements, or where it can as glyph outlines
 * (in the SVG, or as glyph draws in a {@link GlyphSink} for the renderer to blend in).
 */
export function drawRelations(l: RelationsLayout, mode: TextMode | GlyphSink = 'svg'): string {
	// A multi-line name is one right-to-left paragraph per line.
	const text: TextFn = (spans, s) => {
		const lines: TextSpan[][] = [];
		for (const span of spans) {
			if (span.x !== undefined || span.y !== undefined || lines.length === 0) lines.push([span]);
			else lines[lines.length - 1]!.push(span);
		}
		return drawText({ ...s, spans: lines.flatMap((line) => isolate(l, line)) }, mode, { size: FONT.name, fill: INK });
	};
	const headX = l.dir === 'rtl' ? l.width - 20 : 20;
	const headAnchor: TextAnchor | undefined = l.dir === 'rtl' ? 'end' : undefined;
	const p: string[] = [];
	p.push(el('rect', { x: 0, y: 0, width: l.width, height: l.height, fill: '#ffffff' }));
	p.push(text([{ text: l.title }], { x: headX, y: 44, size: FONT.title, weight: 'bold', anchor: headAnchor }));
	p.push(text([{ text: l.subtitle }], { x: headX, y: 70, size: FONT.subtitle, fill: '#57606a', anchor: headAnchor }));
	p.push(legend(l, text));
	const { centre: c } = l;
	// Widest edges first, so thin ones stay visible on top.
	for (const n of [...l.nodes].reverse()) {
		p.push(
			el('line', {
				x1: c.x,
				y1: c.y,
				x2: n.x,
				y2: n.y,
				stroke: '#8c959f',
				'stroke-opacity': 0.75,
				'stroke-width': n.edgeWidth,
				'stroke-linecap': 'round',
			}),
		);
	}
	for (const n of l.nodes) {
		const label = String(n.shared);
		const w = Math.max(26, textWidth(label, FONT.count, 'bold') + 12);
		p.push(
			el('rect', {
				x: n.countX - w / 2,
				y: n.countY - 12,
				width: w,
				height: 24,
				rx: 12,
				fill: '#ffffff',
				stroke: '#8c959f',
				'stroke-width': 1.5,
			}),
		);
		p.push(text([{ text: label }], { x: n.countX, y: n.countY + 5, size: FONT.count, weight: 'bold', anchor: 'middle' }));
	}
	for (const n of l.nodes) {
		p.push(el('circle', { cx: n.x, cy: n.y, r: n.r, fill: n.colour, stroke: '#ffffff', 'stroke-width': 2 }));
		p.push(
			text(
				n.lines.map((line, i) => ({ text: line, x: n.labelX, y: n.labelY + i * LINE })),
				{ size: FONT.name, anchor: n.anchor },
			),
		);
	}
	p.push(el('circle', { cx: c.x, cy: c.y, r: c.r, fill: c.colour, stroke: '#ffffff', 'stroke-width': 3 }));
	const top = c.y + FONT.centre * 0.36 - ((c.lines.length - 1) * LINE) / 2;
	p.push(
		text(
			c.lines.map((line, i) => ({ text: line, x: c.x, y: top + i * LINE })),
			{ size: FONT.centre, weight: 'bold', fill: '#ffffff', anchor: 'middle' },
		),
	);
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="${num(l.width)}" height="${num(l.height)}" viewBox="0 0 ${num(l.width)} ${num(l.height)}" ` +
		`font-family="${FONT_FAMILY}" font-size="${FONT.name}" fill="${INK}">\n${p.join('\n')}\n</svg>\n`
	);
}

function legend(l: RelationsLayout, text: TextFn): string {
	const out: string[] = [];
	const rtl = l.dir === 'rtl';
	// Items run from the left margin, or for a right-to-left reader from the right edge, each symbol
	// before its text in reading order. `x` is where the next item begins, `w` its width.
	let x = rtl ? l.width - 20 : 20;
	const y = 100;
	const place = (w: number): number => (rtl ? x - w : x);
	const advance = (w: number): void => {
		x += rtl ? -w : w;
	};
	if (l.nodes.length > 0) {
		for (const { n: s, text: label } of l.sharedLabels) {
			const ew = Math.max(MIN_EDGE, (MAX_EDGE * s) / l.maxShared);
			const tw = textWidth(label, FONT.legend);
			const left = place(46 + tw);
			const lineX = rtl ? left + tw + 10 : left;
			out.push(
				el('line', {
					x1: lineX + ew / 2,
					y1: y - 5,
					x2: lineX + 36 - ew / 2,
					y2: y - 5,
					stroke: '#8c959f',
					'stroke-opacity': 0.75,
					'stroke-width': ew,
					'stroke-linecap': 'round',
				}),
			);
			out.push(
				text(
					[{ text: label }],
					rtl
						? { x: lineX - 10, y, size: FONT.legend, fill: '#57606a', anchor: 'end' }
						: { x: left + 46, y, size: FONT.legend, fill: '#57606a' },
				),
			);
			advance(46 + tw + 24);
		}
	}
	for (const s of l.sides) {
		const tw = textWidth(s.name, FONT.legend);
		if (rtl ? x - 30 - tw < 20 : x + 30 + tw > l.width - 20) break;
		const left = place(22 + tw);
		const dotX = rtl ? left + tw + 14 : left + 8;
		out.push(el('circle', { cx: dotX, cy: y - 5, r: 7, fill: s.colour }));
		out.push(
			text(
				[{ text: s.name }],
				rtl
					? { x: dotX - 14, y, size: FONT.legend, fill: '#57606a', anchor: 'end' }
					: { x: left + 22, y, size: FONT.legend, fill: '#57606a' },
			),
		);
		advance(22 + tw + 20);
	}
	return out.join('\n');
}
