/**
 * Geometry of the timeline image, separate from its SVG text so tests can check it: the date axis,
 * one lane per side, and for each event a mark and a label placed in the first row of its lane
 * where neither touches anything else (greedy interval packing with measured text widths).
 */
import type { StoryEvent } from '../dataset/model.js';
import { compareDates } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { RTL } from '../i18n/locale.js';
import { storyTitle } from '../i18n/story-text.js';
import { pick, type Translator } from '../i18n/translator.js';
import { chooseSides, ENGLISH, eventCountry, OTHER_SIDE, sideColours, sideName } from './sides.js';
import { fontExtents, shortLabeller, textWidth, truncateToWidth } from './svg.js';
import { chooseScale, type AxisScale } from './time-scale.js';

export interface TimelineOptions {
	/** Image width in px; the layout is designed for 1200. */
	readonly width?: number;
	/** Title line; defaults to the story title. */
	readonly title?: string;
	/** Most countries with a lane of their own; the rest share "Other". */
	readonly maxSides?: number;
	/** Widest label in px, status symbol included. */
	readonly labelMaxWidth?: number;
	/** Label rows per lane before further events are drawn as marks only. */
	readonly maxRowsPerLane?: number;
	/**
	 * Most events drawn: the earliest ones, in date order; the picture says how many more there are
	 * and from which date. Unlimited by default. Events past the cap are counted, not deduplicated.
	 */
	readonly maxEvents?: number;
	/**
	 * How many events the result has in all, when `events` is only its head (the first ones, in date
	 * order): the rest count as omitted. Default: `events.length`.
	 */
	readonly total?: number;
	/** Set when `total` is a lower bound (the engine stopped counting at its cap): the omitted count reads "1000+ more". */
	readonly capped?: boolean;
	/** The reader's language for every word and date drawn (English by default); titles are shown in it when the dataset has them. */
	readonly i18n?: Translator;
}

export interface Box {
	readonly x0: number;
	readonly y0: number;
	readonly x1: number;
	readonly y1: number;
}

export type StatusSymbol = '⚠' | '✎' | '';

export interface EventMark {
	readonly event: StoryEvent;
	readonly side: string;
	readonly colour: string;
	readonly shape: 'point' | 'bar';
	/** Extent of the mark itself (a point's circle or a bar's rectangle). */
	readonly x0: number;
	readonly x1: number;
	/** Vertical centre of the row the mark sits in. */
	readonly y: number;
	/** Row in its lane, or -1 when the lane was full and the event is drawn unlabelled. */
	readonly row: number;
	readonly symbol: StatusSymbol;
	/** Label text without the symbol; empty when unlabelled. */
	readonly label: string;
	readonly labelX: number;
	readonly labelAnchor: 'start' | 'end';
	/** The label sits inside a long bar, which is then drawn as a light band. */
	readonly labelInside: boolean;
	/** Box of the label (symbol included); undefined when unlabelled. */
	readonly labelBox?: Box;
	/** Everything the event occupies in its row: mark, status ring and label. */
	readonly box: Box;
}

export interface Lane {
	readonly side: string;
	readonly name: string;
	/** What follows the name: "19 events", "40 events, 12 unlabelled". */
	readonly head: string;
	readonly colour: string;
	readonly top: number;
	readonly height: number;
	readonly rows: number;
	readonly events: number;
	readonly unlabelled: number;
}

export interface TimelineLayout {
	readonly width: number;
	readonly height: number;
	readonly title: string;
	readonly subtitle: string;
	readonly scale: AxisScale;
	/** Inclusive day range the axis covers. */
	readonly fromDay: number;
	readonly toDay: number;
	readonly plotLeft: number;
	readonly plotRight: number;
	/** y of the axis lines (top, and bottom when the image is tall). */
	readonly axisTop: number;
	readonly axisBottom?: number;
	readonly lanes: readonly Lane[];
	readonly marks: readonly EventMark[];
	readonly legend: { readonly y: number; readonly items: readonly LegendItem[] };
	/** Notes under the plot: events drawn unlabelled, events left out by {@link TimelineOptions.maxEvents}. */
	readonly footer?: { readonly y: number; readonly lines: readonly string[] };
	/** Events left out by {@link TimelineOptions.maxEvents}; at least so many when {@link omittedCapped}. */
	readonly omitted: number;
	/** The omitted count is a lower bound ({@link TimelineOptions.capped}). */
	readonly omittedCapped?: true;
	readonly empty: boolean;
	/** Text direction of the picture's language: right-to-left text is drawn as such. */
	readonly dir: 'ltr' | 'rtl';
	/** Between a lane's name and its head. */
	readonly separator: string;
}

export type LegendKind = 'point' | 'bar' | 'approximate' | 'disputed' | 'corrected';
export interface LegendItem {
	readonly kind: LegendKind;
	/** The text as drawn, symbol included. */
	readonly text: string;
	/** Left edge of the swatch. */
	readonly x: number;
	readonly y: number;
	/** Where the text is anchored: after the swatch (start), or before it in a right-to-left picture (end). */
	readonly textX: number;
	readonly textAnchor: 'start' | 'end';
}

/** Font sizes in px at 1200 px width: nothing below 14, so a phone showing the image at a third stays readable. */
export const FONT = { title: 26, subtitle: 15, label: 15, lane: 16, tick: 14, legend: 14 } as const;
const MARGIN = 20;
const ROW = 26;
const LANE_HEADER = 30;
const LANE_PAD = 8;
const POINT_R = 6;
const RING_R = 9.5;
/** Horizontal space kept between anything in the same row. */
export const GAP = 6;
const LABEL_GAP = 5;
/** Space between a long bar's ends and the label drawn inside it. */
const BAND_PAD = 7;

/** Width of a legend item's symbol before its text. */
export const LEGEND_SWATCH = 30;
/** Gap between the footer's lines. */
export const FOOTER_LINE = 22;

/** A legend item's text as drawn: disputed and corrected carry their label symbol. */
export function legendText(kind: LegendKind, i18n: Translator = ENGLISH): string {
	const text = i18n.t(`image.legend.${kind}`);
	return kind === 'disputed' ? `⚠ ${text}` : kind === 'corrected' ? `✎ ${text}` : text;
}

/** An event's title in the reader's language when the dataset has it, else as written. */
export function eventTitle(e: StoryEvent, i18n: Translator): string {
	return i18n.locale === 'en' ? e.title : (pick(e.titles, i18n.locale) ?? e.title);
}

function isBar(e: StoryEvent): boolean {
	return e.date.start.precision !== 'day' || e.date.earliestDay !== e.date.latestDay;
}

function symbolOf(e: StoryEvent): StatusSymbol {
	return e.status === 'disputed' ? '⚠' : e.status === 'corrected' ? '✎' : '';
}

function labelWidth(symbol: StatusSymbol, label: string): number {
	return textWidth(symbol ? `${symbol} ${label}` : label, FONT.label);
}

/**
 * Lays out a timeline of `events` (any order; duplicates by id are dropped). Deterministic: the
 * same input gives the same geometry.
 */
export function layoutTimeline(dataset: DatasetSnapshot, events: readonly StoryEvent[], opts: TimelineOptions = {}): TimelineLayout {
	const width = opts.width ?? 1200;
	const labelMax = opts.labelMaxWidth ?? 300;
	const maxRows = opts.maxRowsPerLane ?? 16;
	const i18n = opts.i18n ?? ENGLISH;
	const seen = new Set<string>();
	const order = (a: StoryEvent, b: StoryEvent): number => compareDates(a.date, b.date) || a.id.localeCompare(b.id);
	const cap = Math.max(0, opts.maxEvents ?? Infinity);
	// Callers pass results in date order. Then only the head the cap keeps is sorted (with the whole
	// run of events on the date where it ends, for the tie order): sorting and copying a large
	// result only to draw its first few would waste time. Otherwise everything is sorted.
	let byDate = true;
	for (let i = 1; i < events.length && byDate; i++) byDate = compareDates(events[i - 1]!.date, events[i]!.date) <= 0;
	let headEnd = events.length;
	if (byDate && cap < events.length) {
		headEnd = cap;
		while (headEnd < events.length && headEnd > 0 && compareDates(events[headEnd - 1]!.date, events[headEnd]!.date) === 0) headEnd++;
	}
	const head = events.slice(0, headEnd).sort(order);
	const list: StoryEvent[] = [];
	let next = 0;
	for (; next < head.length && list.length < cap; next++) {
		const e = head[next]!;
		if (seen.has(e.id)) continue;
		seen.add(e.id);
		list.push(e);
	}
	while (next < head.length && seen.has(head[next]!.id)) next++;
	const omittedFrom = head[next] ?? events[headEnd];
	// Events past the cap are counted as given (duplicates among them are not looked for).
	const omitted = head.length - next + (events.length - headEnd) + Math.max(0, (opts.total ?? events.length) - events.length);
	const title = truncateToWidth(opts.title ?? storyTitle(i18n, dataset.story), width - 2 * MARGIN, FONT.title, 'bold');
	const plotLeft = MARGIN + 10;
	const plotRight = width - MARGIN - 10;

	const first = list[0];
	const from = first ? first.date.earliestDay : 0;
	const to = list.reduce((m, e) => Math.max(m, e.date.latestDay), from);
	const pad = Math.ceil((to - from + 1) * 0.02);
	const fromDay = from - pad;
	const toDay = to + pad;
	const scale = chooseScale(fromDay, toDay, i18n);
	const xOf = (day: number): number => plotLeft + ((day - fromDay) / (toDay + 1 - fromDay)) * (plotRight - plotLeft);
	const last = list.reduce<StoryEvent | undefined>((m, e) => (!m || e.date.latestDay > m.date.latestDay ? e : m), undefined);
	const subtitle =
		first && last
			? truncateToWidth(
					i18n.t('image.timeline.subtitle', { n: list.length, from: i18n.date(first.date), to: i18n.date(last.date) }),
					width - 2 * MARGIN,
					FONT.subtitle,
				)
			: i18n.t('image.timeline.empty');

	const present = new Set<LegendKind>(list.length > 0 ? ['point'] : []);
	for (const e of list) {
		if (isBar(e)) present.add('bar');
		if (e.date.approximate) present.add('approximate');
		if (e.status === 'disputed') present.add('disputed');
		if (e.status === 'corrected') present.add('corrected');
	}
	const legendItems: LegendItem[] = [];
	const rtl = RTL.has(i18n.locale);
	// Left to right from the left margin; a right-to-left reader starts at the right edge, each swatch
	// before (right of) its text.
	let lx = MARGIN;
	let rx = width - MARGIN;
	let ly = 98;
	for (const kind of ['point', 'bar', 'approximate', 'disputed', 'corrected'] as const) {
		if (!present.has(kind)) continue;
		const text = legendText(kind, i18n);
		const w = LEGEND_SWATCH + 8 + textWidth(text, FONT.legend) + 28;
		if (rtl) {
			if (rx - w < MARGIN && rx < width - MARGIN) [rx, ly] = [width - MARGIN, ly + 24];
			const x = rx - LEGEND_SWATCH;
			legendItems.push({ kind, text, x, y: ly, textX: x - 8, textAnchor: 'end' });
			rx -= w;
		} else {
			if (lx + w > width - MARGIN && lx > MARGIN) [lx, ly] = [MARGIN, ly + 24];
			legendItems.push({ kind, text, x: lx, y: ly, textX: lx + LEGEND_SWATCH + 8, textAnchor: 'start' });
			lx += w;
		}
	}
	const axisTop = ly + 46;

	const countries = list.map((e) => eventCountry(dataset, e));
	const sides = chooseSides(countries, opts.maxSides ?? 4);
	const sideOf = (i: number): string => {
		const c = countries[i];
		return c !== undefined && sides.includes(c) ? c : OTHER_SIDE;
	};
	const laneSides = [...sides, ...(list.some((_, i) => sideOf(i) === OTHER_SIDE) ? [OTHER_SIDE] : [])];

	const { ascent, descent } = fontExtents(FONT.label);
	const marks: EventMark[] = [];
	const lanes: Lane[] = [];
	let top = axisTop + 6;
	const colours = sideColours(sides);
	for (const side of laneSides) {
		const colour = colours.get(side)!;
		const members = list
			.filter((_, i) => sideOf(i) === side)
			.map((event) => ({ event, ...markExtent(event, xOf) }))
			.sort((a, b) => a.x0 - b.x0 || compareDates(a.event.date, b.event.date) || a.event.id.localeCompare(b.event.id));
		const rows: RowSpans[] = [];
		const placed: Omit<EventMark, 'y' | 'box' | 'labelBox'>[] = [];
		const spans: { x0: number; x1: number; lx0: number; lx1: number }[] = [];
		for (const m of members) {
			const symbol = symbolOf(m.event);
			const ring = symbol ? RING_R - POINT_R + 1 : 1;
			const mx0 = m.x0 - ring;
			const mx1 = m.x1 + ring;
			const options = placements(
				eventTitle(m.event, i18n),
				symbol,
				m.shape === 'bar' ? [m.x0, m.x1] : undefined,
				mx0,
				mx1,
				labelMax,
				MARGIN,
				width - MARGIN,
			);
			let chosen: { row: number; p: Placement } | undefined;
			for (let r = 0; r < maxRows && !chosen; r++) {
				const row = rows[r];
				const p = row ? options.find((o) => row.fits(o.x0 - GAP, o.x1 + GAP)) : options[0];
				if (p) chosen = { row: r, p };
			}
			if (chosen) (rows[chosen.row] ??= new RowSpans()).add(chosen.p.x0, chosen.p.x1);
			const p = chosen?.p;
			placed.push({
				event: m.event,
				side,
				colour,
				shape: m.shape,
				x0: m.x0,
				x1: m.x1,
				row: chosen ? chosen.row : -1,
				symbol,
				label: p?.label ?? '',
				labelX: p?.labelX ?? 0,
				labelAnchor: p?.anchor ?? 'start',
				labelInside: p?.inside ?? false,
			});
			spans.push({ x0: p ? p.x0 : mx0, x1: p ? p.x1 : mx1, lx0: p?.lx0 ?? 0, lx1: p?.lx1 ?? 0 });
		}
		const unlabelled = placed.filter((m) => m.row < 0).length;
		const rowCount = rows.length + (unlabelled > 0 ? 1 : 0);
		const height = LANE_HEADER + rowCount * ROW + LANE_PAD;
		placed.forEach((m, i) => {
			const y = top + LANE_HEADER + (m.row < 0 ? rows.length : m.row) * ROW + ROW / 2;
			const s = spans[i]!;
			const baseline = y + labelBaselineShift();
			marks.push({
				...m,
				y,
				box: { x0: s.x0, y0: y - ROW / 2 + 1, x1: s.x1, y1: y + ROW / 2 - 1 },
				...(m.row >= 0 ? { labelBox: { x0: s.lx0, y0: baseline - ascent, x1: s.lx1, y1: baseline + descent } } : {}),
			});
		});
		const head =
			unlabelled > 0
				? i18n.t('image.lane.head.unlabelled', { n: placed.length, unlabelled })
				: i18n.t('image.lane.head', { n: placed.length });
		lanes.push({ side, name: sideName(side, i18n), head, colour, top, height, rows: rows.length, events: placed.length, unlabelled });
		top += height;
	}
	const tall = top - axisTop > 420;
	const axisBottom = tall ? top + 4 : undefined;
	const unlabelled = lanes.reduce((n, l) => n + l.unlabelled, 0);
	const footerY = (axisBottom ?? top) + (tall ? 50 : 28);
	const notes = [
		...(unlabelled > 0 ? [i18n.t('image.timeline.unlabelled', { n: unlabelled })] : []),
		...(omittedFrom
			? [
					i18n.t(opts.capped ? 'image.timeline.more.capped' : 'image.timeline.more', {
						n: omitted,
						date: i18n.date(omittedFrom.date),
					}),
				]
			: []),
	].map((line) => truncateToWidth(line, width - 2 * MARGIN, FONT.legend));
	const footer = notes.length > 0 ? { y: footerY, lines: notes } : undefined;
	const bottom = footer ? footerY + (notes.length - 1) * FOOTER_LINE : (axisBottom ?? top) + (tall ? 24 : 0);
	const height = list.length === 0 ? 96 : Math.ceil(bottom + MARGIN);
	return {
		width,
		height,
		title,
		subtitle,
		scale,
		fromDay,
		toDay,
		plotLeft,
		plotRight,
		axisTop,
		lanes,
		marks,
		legend: { y: legendItems[0]?.y ?? 98, items: legendItems },
		empty: list.length === 0,
		omitted,
		...(opts.capped && omitted > 0 ? { omittedCapped: true as const } : {}),
		dir: RTL.has(i18n.locale) ? 'rtl' : 'ltr',
		separator: i18n.t('image.separator'),
		...(axisBottom !== undefined ? { axisBottom } : {}),
		...(footer ? { footer } : {}),
	};
}

/** The occupied x-intervals of one row, disjoint and sorted, with a binary-search fit test. */
class RowSpans {
	private readonly starts: number[] = [];
	private readonly ends: number[] = [];

	/** True when [x0, x1] touches no interval already in the row. */
	fits(x0: number, x1: number): boolean {
		const i = this.firstEndingAfter(x0);
		return i >= this.starts.length || this.starts[i]! >= x1;
	}

	add(x0: number, x1: number): void {
		const i = this.firstEndingAfter(x0);
		this.starts.splice(i, 0, x0);
		this.ends.splice(i, 0, x1);
	}

	/** Index of the first interval whose end lies after `x` (intervals are disjoint, so ends are sorted too). */
	private firstEndingAfter(x: number): number {
		let lo = 0;
		let hi = this.ends.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.ends[mid]! <= x) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
}

/** Offset from a row's centre to a label's baseline, so the text's x-height sits on the mark. */
export function labelBaselineShift(): number {
	return Math.round(FONT.label * 0.36);
}

function markExtent(e: StoryEvent, xOf: (day: number) => number): { shape: 'point' | 'bar'; x0: number; x1: number } {
	if (!isBar(e)) {
		const cx = xOf(e.date.earliestDay + 0.5);
		return { shape: 'point', x0: cx - POINT_R, x1: cx + POINT_R };
	}
	let x0 = xOf(e.date.earliestDay);
	let x1 = xOf(e.date.latestDay + 1);
	if (x1 - x0 < 6) [x0, x1] = [(x0 + x1) / 2 - 3, (x0 + x1) / 2 + 3];
	return { shape: 'bar', x0, x1 };
}

interface Placement {
	readonly label: string;
	readonly anchor: 'start' | 'end';
	readonly inside?: boolean;
	readonly labelX: number;
	/** Label box. */
	readonly lx0: number;
	readonly lx1: number;
	/** Whole occupied span: mark and label. */
	readonly x0: number;
	readonly x1: number;
}

/**
 * Where an event's label can go, in order of preference: inside a bar long enough to hold it, right
 * of the mark, left of it, then any of those with the label shortened to the room there; over the
 * mark as a last resort.
 */
function placements(
	title: string,
	symbol: StatusSymbol,
	bar: [number, number] | undefined,
	mx0: number,
	mx1: number,
	labelMax: number,
	minX: number,
	maxX: number,
): Placement[] {
	const symbolW = symbol ? textWidth(`${symbol} `, FONT.label) : 0;
	const labeller = shortLabeller(title, FONT.label);
	const fit = (room: number): string => labeller(Math.min(labelMax, room) - symbolW);
	const inside = (label: string): Placement => {
		const x = Math.max(bar![0], minX) + BAND_PAD;
		const w = labelWidth(symbol, label);
		return { label, anchor: 'start', inside: true, labelX: x, lx0: x, lx1: x + w, x0: mx0, x1: mx1 };
	};
	const barRoom = bar ? Math.min(bar[1], maxX) - Math.max(bar[0], minX) - 2 * BAND_PAD : 0;
	const right = (label: string): Placement => {
		const x = mx1 + LABEL_GAP;
		const w = labelWidth(symbol, label);
		return { label, anchor: 'start', labelX: x, lx0: x, lx1: x + w, x0: mx0, x1: x + w };
	};
	const left = (label: string): Placement => {
		const x = mx0 - LABEL_GAP;
		const w = labelWidth(symbol, label);
		return { label, anchor: 'end', labelX: x, lx0: x - w, lx1: x, x0: x - w, x1: mx1 };
	};
	const full = fit(labelMax);
	const need = labelWidth(symbol, full);
	const roomRight = maxX - mx1 - LABEL_GAP;
	const roomLeft = mx0 - LABEL_GAP - minX;
	const out: Placement[] = [];
	if (barRoom >= need) out.push(inside(full));
	if (roomRight >= need) out.push(right(full));
	if (roomLeft >= need) out.push(left(full));
	// Near an edge a slightly shorter label in a higher row beats a full one further down.
	const minRoom = Math.min(need, Math.max(120, need * 0.6));
	if (roomRight < need && roomRight >= minRoom) {
		const label = fit(roomRight);
		if (label) out.push(right(label));
	}
	if (roomLeft < need && roomLeft >= minRoom) {
		const label = fit(roomLeft);
		if (label) out.push(left(label));
	}
	if (barRoom < need && barRoom >= 100) {
		const label = fit(barRoom);
		if (label) out.push(inside(label));
	}
	if (out.length > 0) return out;
	const room = Math.max(roomRight, roomLeft);
	if (room >= 80) {
		const label = fit(room);
		if (label) return [roomRight >= roomLeft ? right(label) : left(label)];
	}
	// The mark spans nearly the whole axis: the label sits over it, inside the plot.
	const label = fit(maxX - minX - 8);
	const x = Math.max(minX + 4, mx0 + 4);
	const w = labelWidth(symbol, label);
	const lx = Math.min(x, maxX - w);
	return [{ label, anchor: 'start', labelX: lx, lx0: lx, lx1: lx + w, x0: Math.min(mx0, lx), x1: Math.max(mx1, lx + w) }];
}
