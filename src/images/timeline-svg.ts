/**
 * The timeline image as SVG text: title, legend, date axis, one lane per side, and each event as a
 * mark with a short label. Geometry comes from timeline-layout.ts; this file only draws it.
 */
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { drawText, isolate, type GlyphSink, type TextAnchor, type TextMode, type TextSpan } from './glyphs.js';
import { CORRECTED_COLOUR, DISPUTED_COLOUR } from './sides.js';
import { el, FONT_FAMILY, num, textWidth } from './svg.js';
import {
	FONT,
	FOOTER_LINE,
	labelBaselineShift,
	layoutTimeline,
	type EventMark,
	type LegendItem,
	type TimelineLayout,
	type TimelineOptions,
} from './timeline-layout.js';

export type { TimelineOptions } from './timeline-layout.js';

export interface TimelineSvgOptions extends TimelineOptions {
	/** 'svg' (default) writes <text> elements; 'outlines' draws what it can as glyph paths, for fast PNG rendering. */
	readonly text?: TextMode;
}

const INK = '#1f2328';
const MUTED = '#57606a';
const GRID = '#d8dee4';
const BAND = '#f4f6f8';

/**
 * SVG text of a timeline of `events` (about 1200 px wide; the height follows the content).
 * All dataset text is escaped; the output is byte-identical for the same input.
 */
export function timelineSvg(dataset: DatasetSnapshot, events: readonly StoryEvent[], opts: TimelineSvgOptions = {}): string {
	return drawTimeline(layoutTimeline(dataset, events, opts), opts.text);
}

/**
 * Draws a computed layout, its text as <text> elements, or where it can as glyph outlines (in the SVG,
 * or as glyph draws in a {@link GlyphSink} for the renderer to blend in).
 */
export function drawTimeline(l: TimelineLayout, mode: TextMode | GlyphSink = 'svg'): string {
	const text = (x: number, y: number, content: string | readonly TextSpan[], s: TextStyle): string => {
		const spans = typeof content === 'string' ? [{ text: content }] : content;
		return drawText({ x, y, size: s.size, weight: s.weight, fill: s.fill, anchor: s.anchor, spans: isolate(l, spans) }, mode, {
			size: FONT.label,
			fill: INK,
		});
	};
	// Right-to-left pictures set their heading against the right edge.
	const headX = l.dir === 'rtl' ? l.width - 20 : 20;
	const headAnchor: TextAnchor | undefined = l.dir === 'rtl' ? 'end' : undefined;
	const parts: string[] = [];
	parts.push(el('rect', { x: 0, y: 0, width: l.width, height: l.height, fill: '#ffffff' }));
	parts.push(text(headX, 44, l.title, { size: FONT.title, weight: 'bold', anchor: headAnchor }));
	parts.push(text(headX, 70, l.subtitle, { size: FONT.subtitle, fill: MUTED, anchor: headAnchor }));
	for (const item of l.legend.items) parts.push(legendItem(item, text));
	// The subtitle already says there is nothing to show.
	if (l.empty) return wrap(l, parts);
	const lanesBottom = l.lanes.reduce((m, lane) => Math.max(m, lane.top + lane.height), l.axisTop);
	l.lanes.forEach((lane, i) => {
		if (i % 2 === 0) parts.push(el('rect', { x: 0, y: lane.top, width: l.width, height: lane.height, fill: BAND }));
	});
	const xOf = (day: number): number => l.plotLeft + ((day - l.fromDay) / (l.toDay + 1 - l.fromDay)) * (l.plotRight - l.plotLeft);
	const mid = l.scale.unit === 'day' || l.scale.unit === 'week' ? 0.5 : 0;
	const grid: string[] = [];
	const tickText: string[] = [];
	let lastRight = -Infinity;
	for (const t of l.scale.ticks) {
		const x = xOf(t.day + mid);
		grid.push(`M${num(x)} ${num(l.axisTop)}V${num(l.axisBottom ?? lanesBottom)}`);
		const w = textWidth(t.label, FONT.tick);
		const lx = Math.min(Math.max(x - w / 2, 4), l.width - 4 - w);
		// Thin out labels that would touch; the grid line stays.
		if (lx < lastRight + 8) continue;
		lastRight = lx + w;
		tickText.push(text(lx, l.axisTop - 10, t.label, { size: FONT.tick, fill: MUTED }));
		if (l.axisBottom !== undefined) tickText.push(text(lx, l.axisBottom + 22, t.label, { size: FONT.tick, fill: MUTED }));
	}
	parts.push(el('path', { d: grid.join(''), stroke: GRID, 'stroke-width': 1, fill: 'none' }));
	parts.push(el('path', { d: `M${num(l.plotLeft)} ${num(l.axisTop)}H${num(l.plotRight)}`, stroke: MUTED, 'stroke-width': 1.5 }));
	if (l.axisBottom !== undefined)
		parts.push(el('path', { d: `M${num(l.plotLeft)} ${num(l.axisBottom)}H${num(l.plotRight)}`, stroke: MUTED, 'stroke-width': 1.5 }));
	parts.push(...tickText);
	// Lane heads sit where the reader starts: the right edge in a right-to-left picture.
	for (const lane of l.lanes) {
		parts.push(
			text(
				headX,
				lane.top + 21,
				[
					{ text: lane.name, weight: 'bold' },
					{ text: `${l.separator}${lane.head}`, fill: MUTED, size: FONT.tick },
				],
				{ size: FONT.lane, fill: lane.colour, anchor: headAnchor },
			),
		);
	}
	for (const m of l.marks) parts.push(drawMark(m));
	for (const m of l.marks) if (m.label) parts.push(drawLabel(m, text));
	l.footer?.lines.forEach((line, i) =>
		parts.push(text(headX, l.footer!.y + i * FOOTER_LINE, line, { size: FONT.legend, fill: MUTED, anchor: headAnchor })),
	);
	return wrap(l, parts);
}

function wrap(l: TimelineLayout, parts: string[]): string {
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="${num(l.width)}" height="${num(l.height)}" viewBox="0 0 ${num(l.width)} ${num(l.height)}" ` +
		`font-family="${FONT_FAMILY}" font-size="${FONT.label}" fill="${INK}">\n${parts.join('\n')}\n</svg>\n`
	);
}

interface TextStyle {
	readonly size?: number;
	readonly weight?: 'bold';
	readonly fill?: string;
	readonly anchor?: TextAnchor | undefined;
}

type TextFn = (x: number, y: number, content: string | readonly TextSpan[], s: TextStyle) => string;

/** The shape of one event at (x0..x1, y): filled for a known date, hollow and dashed for an approximate one. */
function shape(kind: 'point' | 'bar', x0: number, x1: number, y: number, colour: string, approximate: boolean): string {
	const fill = approximate ? '#ffffff' : colour;
	const dash = approximate ? '3 2' : undefined;
	if (kind === 'point') {
		return el('circle', {
			cx: (x0 + x1) / 2,
			cy: y,
			r: (x1 - x0) / 2 - (approximate ? 1 : 0),
			fill,
			stroke: colour,
			'stroke-width': approximate ? 2 : 1,
			'stroke-dasharray': dash,
		});
	}
	return el('rect', {
		x: x0,
		y: y - 6,
		width: x1 - x0,
		height: 12,
		rx: 3,
		fill: approximate ? '#ffffff' : colour,
		'fill-opacity': approximate ? undefined : 0.85,
		stroke: colour,
		'stroke-width': approximate ? 2 : 1,
		'stroke-dasharray': dash,
	});
}

/** A ring (point) or outline (bar) in a status colour: dashed for disputed, solid for corrected. */
function statusRing(kind: 'point' | 'bar', x0: number, x1: number, y: number, symbol: '⚠' | '✎'): string {
	const colour = symbol === '⚠' ? DISPUTED_COLOUR : CORRECTED_COLOUR;
	const dash = symbol === '⚠' ? '4 2.5' : undefined;
	if (kind === 'point')
		return el('circle', {
			cx: (x0 + x1) / 2,
			cy: y,
			r: 9.5,
			fill: 'none',
			stroke: colour,
			'stroke-width': 2,
			'stroke-dasharray': dash,
		});
	return el('rect', {
		x: x0 - 3.5,
		y: y - 11.5,
		width: x1 - x0 + 7,
		height: 23,
		rx: 5,
		fill: 'none',
		stroke: colour,
		'stroke-width': 2,
		'stroke-dasharray': dash,
	});
}

function drawMark(m: EventMark): string {
	const body = m.labelInside
		? band(m.x0, m.x1, m.y, m.colour, m.event.date.approximate)
		: shape(m.shape, m.x0, m.x1, m.y, m.colour, m.event.date.approximate);
	return m.symbol ? body + statusRing(m.shape, m.x0, m.x1, m.y, m.symbol) : body;
}

/** A long bar with its label inside: a light band in the side's colour, so the text stays readable. */
function band(x0: number, x1: number, y: number, colour: string, approximate: boolean): string {
	return el('rect', {
		x: x0,
		y: y - 9,
		width: x1 - x0,
		height: 18,
		rx: 4,
		fill: approximate ? '#ffffff' : colour,
		'fill-opacity': approximate ? undefined : 0.16,
		stroke: colour,
		'stroke-width': approximate ? 2 : 1.5,
		'stroke-dasharray': approximate ? '3 2' : undefined,
	});
}

function drawLabel(m: EventMark, text: TextFn): string {
	const symbol: TextSpan[] = m.symbol
		? [{ text: `${m.symbol} `, fill: m.symbol === '⚠' ? DISPUTED_COLOUR : CORRECTED_COLOUR, weight: 'bold' }]
		: [];
	return text(m.labelX, m.y + labelBaselineShift(), [...symbol, { text: m.label }], {
		anchor: m.labelAnchor === 'end' ? 'end' : undefined,
	});
}

function legendItem({ kind, text: label, x, y, textX, textAnchor }: LegendItem, text: TextFn): string {
	const cy = y - 5;
	const sx = x + 4;
	let swatch: string;
	switch (kind) {
		case 'point':
			swatch = shape('point', sx + 6, sx + 18, cy, MUTED, false);
			break;
		case 'bar':
			swatch = shape('bar', sx, sx + 24, cy, MUTED, false);
			break;
		case 'approximate':
			swatch = shape('point', sx + 6, sx + 18, cy, MUTED, true);
			break;
		case 'disputed':
		case 'corrected':
			swatch =
				shape('point', sx + 6, sx + 18, cy, MUTED, false) +
				statusRing('point', sx + 6, sx + 18, cy, kind === 'disputed' ? '⚠' : '✎');
			break;
	}
	const symbol = kind === 'disputed' || kind === 'corrected' ? label.slice(0, 2) : '';
	const spans: TextSpan[] = symbol
		? [{ text: symbol, fill: kind === 'disputed' ? DISPUTED_COLOUR : CORRECTED_COLOUR, weight: 'bold' }, { text: label.slice(2) }]
		: [{ text: label }];
	return swatch + text(textX, y, spans, { size: FONT.legend, fill: MUTED, anchor: textAnchor === 'end' ? 'end' : undefined });
}
