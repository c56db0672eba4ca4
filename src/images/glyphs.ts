/**
 * Text for the pictures without resvg's text layout where it is not needed. The resvg-js build
 * re-reads the whole 740 kB font file for every glyph it lays out (fontdb keeps a file source, not
 * the bytes), which made text most of a picture's render time. So text that needs no shaping
 * (Latin, Cyrillic, Greek and Armenian letters, digits, punctuation, symbols) is set here from the
 * shipped DejaVu Sans's own outlines, advances and pair kerning, in one of three ways:
 *
 * - 'svg': a plain <text>, as before (readable SVG; the golden tests use it);
 * - 'outlines': one <path> per run of glyph outlines, a self-contained SVG;
 * - a GlyphSink: glyph draws handed to the renderer, which blends cached glyph masks onto the
 *   picture (glyph-raster.ts); the fastest, and what the bot sends.
 *
 * Anything else (Arabic script, Hebrew, combining marks, bidi controls, a character the font lacks)
 * stays a <text> element for resvg to shape, so Persian is still joined and ordered right to left by
 * a real shaper, set in a small Arabic-script cut of the font (fonts/README.md).
 */
import type { GlyphJob, GlyphOutline, TextSprite } from './glyph-raster.js';
import { ARABIC_FAMILY, el, escapeXml, FONT_FAMILY, glyphOf, metrics, num, textWidth, type FontMetrics, type FontWeight } from './svg.js';

export type TextMode = 'svg' | 'outlines';
export type TextAnchor = 'start' | 'middle' | 'end';

export interface TextStyle {
	readonly size?: number;
	readonly weight?: 'bold';
	readonly fill?: string;
}

/** A run of text; one with x or y starts a new line there (a positioned <tspan>). */
export interface TextSpan extends TextStyle {
	readonly text: string;
	readonly x?: number;
	readonly y?: number;
}

export interface TextSpec extends TextStyle {
	readonly x?: number;
	readonly y?: number;
	readonly anchor?: TextAnchor;
	readonly spans: readonly TextSpan[];
}

/** What a <text> inherits from the <svg> element: needed to draw it without the document. */
export interface TextDefaults {
	readonly size: number;
	readonly fill: string;
}

const RTL_CHAR = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;

/**
 * In a right-to-left picture, a line with right-to-left letters is set as a right-to-left paragraph
 * (between RIGHT-TO-LEFT ISOLATE and POP DIRECTIONAL ISOLATE), which resvg honours where it ignores
 * the direction attribute: "۱۹ رویداد · …" then reads from its right end, numbers and Latin names
 * in place. Left-to-right lines (an English title in a Persian picture) are left as they are.
 */
export function isolate(l: { readonly dir: 'ltr' | 'rtl' }, spans: readonly TextSpan[]): readonly TextSpan[] {
	if (l.dir !== 'rtl' || spans.length === 0 || !spans.some((s) => RTL_CHAR.test(s.text))) return spans;
	const out = [...spans];
	out[0] = { ...out[0]!, text: `\u2067${out[0]!.text}` };
	out[out.length - 1] = { ...out[out.length - 1]!, text: `${out[out.length - 1]!.text}\u2069` };
	return out;
}

/** A glyph outline in font units, y up: where it starts, then relative path commands. */
interface GlyphPath {
	readonly sx: number;
	readonly sy: number;
	readonly rest: string;
}

interface Outliner {
	readonly m: FontMetrics;
	readonly glyf: number;
	readonly longLoca: boolean;
	readonly loca: number;
	readonly kern: ReadonlyMap<number, number>;
	readonly paths: Map<number, GlyphPath | null>;
}

const outliners = new Map<FontWeight, Outliner>();

function outliner(weight: FontWeight): Outliner {
	let o = outliners.get(weight);
	if (!o) {
		const m = metrics(weight);
		const glyf = m.tables.get('glyf');
		const loca = m.tables.get('loca');
		const head = m.tables.get('head');
		if (!glyf || !loca || !head) throw new Error('the shipped font has no TrueType outlines');
		o = {
			m,
			glyf: glyf.offset,
			loca: loca.offset,
			longLoca: m.data.readInt16BE(head.offset + 50) === 1,
			kern: readKern(m),
			paths: new Map(),
		};
		outliners.set(weight, o);
	}
	return o;
}

/** Horizontal pairs of the 'kern' table (format 0), keyed left << 16 | right. */
function readKern(m: FontMetrics): Map<number, number> {
	const out = new Map<number, number>();
	const t = m.tables.get('kern');
	if (!t) return out;
	const b = m.data;
	if (b.readUInt16BE(t.offset) !== 0) return out;
	let p = t.offset + 4;
	for (let i = 0, n = b.readUInt16BE(t.offset + 2); i < n; i++) {
		const length = b.readUInt16BE(p + 2);
		const coverage = b.readUInt16BE(p + 4);
		if (coverage >> 8 === 0 && (coverage & 0x7) === 1) {
			const pairs = b.readUInt16BE(p + 6);
			for (let j = 0; j < pairs; j++) {
				const q = p + 14 + j * 6;
				const key = (b.readUInt16BE(q) << 16) | b.readUInt16BE(q + 2);
				if (!out.has(key)) out.set(key, b.readInt16BE(q + 4));
			}
		}
		p += length;
	}
	return out;
}

interface Point {
	readonly x: number;
	readonly y: number;
	readonly on: boolean;
}

/** The contours of a glyph in font units, composites resolved. */
function contours(o: Outliner, g: number, depth = 0): Point[][] {
	const b = o.m.data;
	const start = o.longLoca ? b.readUInt32BE(o.loca + g * 4) : b.readUInt16BE(o.loca + g * 2) * 2;
	const end = o.longLoca ? b.readUInt32BE(o.loca + g * 4 + 4) : b.readUInt16BE(o.loca + g * 2 + 2) * 2;
	if (end <= start || depth > 8) return [];
	const at = o.glyf + start;
	const n = b.readInt16BE(at);
	let p = at + 10;
	if (n < 0) {
		const out: Point[][] = [];
		let flags: number;
		do {
			flags = b.readUInt16BE(p);
			const component = b.readUInt16BE(p + 2);
			p += 4;
			let dx: number;
			let dy: number;
			if (flags & 0x1) [dx, dy, p] = [b.readInt16BE(p), b.readInt16BE(p + 2), p + 4];
			else [dx, dy, p] = [b.readInt8(p), b.readInt8(p + 1), p + 2];
			// Point-matched placement (no ARGS_ARE_XY_VALUES) does not occur in DejaVu; treat it as no offset.
			if (!(flags & 0x2)) [dx, dy] = [0, 0];
			const f2 = (q: number): number => b.readInt16BE(q) / 16384;
			let [a, bb, c, d] = [1, 0, 0, 1];
			if (flags & 0x8) [a, d, p] = [f2(p), f2(p), p + 2];
			else if (flags & 0x40) [a, d, p] = [f2(p), f2(p + 2), p + 4];
			else if (flags & 0x80) [a, bb, c, d, p] = [f2(p), f2(p + 2), f2(p + 4), f2(p + 6), p + 8];
			for (const contour of contours(o, component, depth + 1)) {
				out.push(contour.map((q) => ({ x: a * q.x + c * q.y + dx, y: bb * q.x + d * q.y + dy, on: q.on })));
			}
		} while (flags & 0x20);
		return out;
	}
	const ends: number[] = [];
	for (let i = 0; i < n; i++, p += 2) ends.push(b.readUInt16BE(p));
	const count = n > 0 ? ends[n - 1]! + 1 : 0;
	p += 2 + b.readUInt16BE(p);
	const flags = new Uint8Array(count);
	for (let i = 0; i < count;) {
		const f = b[p++]!;
		flags[i++] = f;
		if (f & 0x8) for (let r = b[p++]!; r > 0 && i < count; r--) flags[i++] = f;
	}
	const xs = new Int32Array(count);
	const ys = new Int32Array(count);
	for (const [arr, short, same] of [
		[xs, 0x2, 0x10],
		[ys, 0x4, 0x20],
	] as const) {
		let v = 0;
		for (let i = 0; i < count; i++) {
			const f = flags[i]!;
			if (f & short) v += f & same ? b[p++]! : -b[p++]!;
			else if (!(f & same)) {
				v += b.readInt16BE(p);
				p += 2;
			}
			arr[i] = v;
		}
	}
	const out: Point[][] = [];
	let first = 0;
	for (const last of ends) {
		const c: Point[] = [];
		for (let i = first; i <= last; i++) c.push({ x: xs[i]!, y: ys[i]!, on: (flags[i]! & 0x1) === 1 });
		out.push(c);
		first = last + 1;
	}
	return out;
}

/** Quadratic outline of a glyph as relative path commands from its first point; null for an empty glyph. */
function glyphPath(o: Outliner, g: number): GlyphPath | null {
	const cached = o.paths.get(g);
	if (cached !== undefined) return cached;
	// Points are rounded to 1/100 font unit before taking differences, so relative steps add up exactly.
	const r = (v: number): number => Math.round(v * 100) / 100;
	let [sx, sy, cx, cy] = [0, 0, 0, 0];
	let out = '';
	let started = false;
	/** One command whose points are all relative to the current point, which moves to the last. */
	const seg = (cmd: string, ...pts: Point[]): void => {
		out += cmd + pts.map((q) => `${num(r(q.x) - cx)} ${num(r(q.y) - cy)}`).join(' ');
		const last = pts[pts.length - 1]!;
		[cx, cy] = [r(last.x), r(last.y)];
	};
	const mid = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, on: true });
	for (const pts of contours(o, g)) {
		if (pts.length < 2) continue;
		const i0 = pts.findIndex((q) => q.on);
		const seq = i0 < 0 ? [mid(pts[pts.length - 1]!, pts[0]!), ...pts] : [...pts.slice(i0), ...pts.slice(0, i0)];
		const s0 = seq[0]!;
		if (!started) {
			[sx, sy, cx, cy] = [r(s0.x), r(s0.y), r(s0.x), r(s0.y)];
			started = true;
		} else seg('m', s0);
		let ctrl: Point | undefined;
		for (let i = 1; i <= seq.length; i++) {
			const q = seq[i % seq.length]!;
			if (q.on) {
				if (ctrl) seg('q', ctrl, q);
				else if (i < seq.length) seg('l', q);
				ctrl = undefined;
			} else {
				if (ctrl) seg('q', ctrl, mid(ctrl, q));
				ctrl = q;
			}
		}
		out += 'z';
		// After "z" the current point is the contour's start.
		[cx, cy] = [r(s0.x), r(s0.y)];
	}
	const path = started ? { sx, sy, rest: out } : null;
	o.paths.set(g, path);
	return path;
}

// Text resvg must shape: Arabic script (with its Common punctuation in those blocks), Hebrew, Syriac,
// combining marks, format and control characters (bidi marks, ZWNJ, ZWJ).
const NEEDS_SHAPING = /[\p{M}\p{Cf}\p{Cc}\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const SIMPLE_SCRIPT = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Common}]*$/u;

/** True when `text` can be drawn from outlines: simple scripts only, and the font has every glyph. */
export function outlinable(text: string, weight: FontWeight = 'normal'): boolean {
	if (NEEDS_SHAPING.test(text) || !SIMPLE_SCRIPT.test(text)) return false;
	const m = metrics(weight);
	for (const ch of text) if (glyphOf(m, ch.codePointAt(0)!) === 0) return false;
	return true;
}

/** Glyphs of a run with their pen positions in font units (pair kerning applied), and its advance. */
function runGlyphs(text: string, weight: FontWeight): { glyphs: number[]; pens: number[]; advance: number } {
	const o = outliner(weight);
	const { m } = o;
	const glyphs: number[] = [];
	const pens: number[] = [];
	let pen = 0;
	let prev = -1;
	for (const ch of text) {
		const g = glyphOf(m, ch.codePointAt(0)!);
		if (prev >= 0) pen += o.kern.get((prev << 16) | g) ?? 0;
		glyphs.push(g);
		pens.push(pen);
		pen += m.advances[Math.min(g, m.advances.length - 1)]!;
		prev = g;
	}
	return { glyphs, pens, advance: pen };
}

/** The box of a glyph's outline in font units (xMin, yMin, xMax, yMax). */
function glyphBox(o: Outliner, g: number): [number, number, number, number] {
	const b = o.m.data;
	const start = o.longLoca ? b.readUInt32BE(o.loca + g * 4) : b.readUInt16BE(o.loca + g * 2) * 2;
	const at = o.glyf + start;
	return [b.readInt16BE(at + 2), b.readInt16BE(at + 4), b.readInt16BE(at + 6), b.readInt16BE(at + 8)];
}

/**
 * Collects a picture's plain text as glyph draws for glyph-raster.ts, which blends cached glyph
 * masks onto the rendered picture: the fastest way to draw it. Text drawn this way leaves nothing in
 * the SVG, so it must not lie under any other shape.
 */
export class GlyphSink {
	private readonly draws: number[] = [];
	private readonly outlines: GlyphOutline[] = [];
	private readonly index = new Map<string, number>();
	private readonly texts: TextSprite[] = [];

	/** Adds a run's glyphs (see runGlyphs) at `x` (left end) and baseline `y`; false when its colour is not #rrggbb. */
	add(
		run: { readonly glyphs: readonly number[]; readonly pens: readonly number[] },
		weight: FontWeight,
		size: number,
		x: number,
		y: number,
		fill: string,
	): boolean {
		if (!/^#[0-9a-f]{6}$/iu.test(fill)) return false;
		const colour = Number.parseInt(fill.slice(1), 16);
		const o = outliner(weight);
		const k = size / o.m.unitsPerEm;
		const { glyphs, pens } = run;
		glyphs.forEach((g, i) => {
			const path = glyphPath(o, g);
			if (!path) return;
			const key = `${weight === 'bold' ? 1 : 0}:${g}`;
			let n = this.index.get(key);
			if (n === undefined) {
				n = this.outlines.length;
				this.index.set(key, n);
				this.outlines.push({
					key,
					d: `M${num(path.sx)} ${num(path.sy)}${path.rest}`,
					box: glyphBox(o, g),
					unitsPerEm: o.m.unitsPerEm,
				});
			}
			this.draws.push(n, size, x + pens[i]! * k, y, colour);
		});
		return true;
	}

	/**
	 * Adds a text element resvg must shape, drawn relative to the origin, to be placed at (x, y):
	 * the renderer keeps it as a sprite. `box` bounds where it can draw, around the origin.
	 */
	addText(markup: string, x: number, y: number, box: readonly [number, number, number, number]): void {
		this.texts.push({ markup, x, y, box });
	}

	/** What the renderer needs; the draws are in drawing order. */
	job(): GlyphJob {
		return { draws: Float64Array.from(this.draws), outlines: [...this.outlines], texts: [...this.texts] };
	}
}

/**
 * One text element: a <text> (with <tspan>s) in 'svg' mode; in 'outlines' mode one <path> per run,
 * and with a {@link GlyphSink} glyph draws in the sink and nothing in the SVG, when every run can be
 * outlined (else the <text> all the same). Attributes come in a fixed order so the SVG is
 * byte-identical for the same input.
 */
export function drawText(spec: TextSpec, mode: TextMode | GlyphSink, defaults: TextDefaults): string {
	if (mode !== 'svg' && spec.spans.every((s) => outlinable(s.text, (s.weight ?? spec.weight) === 'bold' ? 'bold' : 'normal'))) {
		return outlines(spec, defaults, mode === 'outlines' ? undefined : mode);
	}
	if (mode instanceof GlyphSink) {
		// Shaped by resvg once, then kept as a sprite: the element relative to its origin, with the
		// size and colour it would inherit from the picture made explicit.
		const x0 = spec.x ?? spec.spans[0]?.x ?? 0;
		const y0 = spec.y ?? spec.spans[0]?.y ?? 0;
		const local: TextSpec = {
			...spec,
			x: 0,
			y: 0,
			size: spec.size ?? defaults.size,
			fill: spec.fill ?? defaults.fill,
			spans: spec.spans.map((sp) => ({
				...sp,
				...(sp.x !== undefined ? { x: sp.x - x0 } : {}),
				...(sp.y !== undefined ? { y: sp.y - y0 } : {}),
			})),
		};
		mode.addText(textElement(local, true), x0, y0, spriteBox(local));
		return '';
	}
	return textElement(spec, mode !== 'svg');
}

/** The <text> element of a spec; `rendering` sets right-to-left text in the small Arabic-script font (see ARABIC_FAMILY). */
function textElement(spec: TextSpec, rendering: boolean): string {
	const inner = spec.spans
		.map((s) =>
			s.x !== undefined || s.y !== undefined || s.fill !== undefined || s.size !== undefined || s.weight !== undefined
				? el('tspan', { x: s.x, y: s.y, fill: s.fill, 'font-size': s.size, 'font-weight': s.weight }, escapeXml(s.text))
				: escapeXml(s.text),
		)
		.join('');
	const family = rendering
		? spec.spans.some((sp) => RTL_CHAR.test(sp.text))
			? `'${ARABIC_FAMILY}', '${FONT_FAMILY}'`
			: undefined
		: undefined;
	return el(
		'text',
		{
			x: spec.x,
			y: spec.y,
			'font-family': family,
			'font-size': spec.size,
			'font-weight': spec.weight,
			fill: spec.fill,
			'text-anchor': spec.anchor === 'start' ? undefined : spec.anchor,
		},
		inner,
	);
}

/**
 * A generous box around where resvg may draw a text element at the origin: its lines measured from
 * unshaped advances (joined Arabic forms are narrower), plus a quarter and a font size of slack.
 */
function spriteBox(spec: TextSpec): [number, number, number, number] {
	let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
	let line = { x: 0, y: 0, width: 0, size: 0 };
	const close = (): void => {
		const w = line.width * 1.25 + line.size + 4;
		const left = spec.anchor === 'end' ? line.x - w : spec.anchor === 'middle' ? line.x - w / 2 : line.x - line.size - 4;
		const right = spec.anchor === 'end' ? line.x + line.size + 4 : spec.anchor === 'middle' ? line.x + w / 2 : line.x + w;
		[x0, x1] = [Math.min(x0, left), Math.max(x1, right)];
		[y0, y1] = [Math.min(y0, line.y - line.size * 1.5 - 2), Math.max(y1, line.y + line.size * 0.75 + 2)];
	};
	spec.spans.forEach((sp, i) => {
		if (i > 0 && (sp.x !== undefined || sp.y !== undefined)) {
			close();
			line = { x: sp.x ?? line.x, y: sp.y ?? line.y, width: 0, size: 0 };
		}
		const size = sp.size ?? spec.size ?? 16;
		line.width += textWidth(sp.text, size, (sp.weight ?? spec.weight) === 'bold' ? 'bold' : 'normal');
		line.size = Math.max(line.size, size);
	});
	close();
	return [Math.floor(x0), Math.floor(y0), Math.ceil(x1), Math.ceil(y1)];
}

/** A glyph scale (size / units per em) with six significant digits: two decimals are far too coarse. */
function scale(k: number): string {
	return String(Number(k.toPrecision(6)));
}

function outlines(spec: TextSpec, defaults: TextDefaults, sink: GlyphSink | undefined): string {
	// Lines: a span with a position starts one, as a positioned <tspan> starts a new text chunk.
	const lines: { x: number; y: number; spans: TextSpan[] }[] = [];
	for (const s of spec.spans) {
		const cur = lines[lines.length - 1];
		if (!cur || s.x !== undefined || s.y !== undefined)
			lines.push({ x: s.x ?? cur?.x ?? spec.x ?? 0, y: s.y ?? cur?.y ?? spec.y ?? 0, spans: [s] });
		else cur.spans.push(s);
	}
	const out: string[] = [];
	for (const line of lines) {
		const runs = line.spans.map((s) => {
			const size = s.size ?? spec.size ?? defaults.size;
			const weight: FontWeight = (s.weight ?? spec.weight) === 'bold' ? 'bold' : 'normal';
			const k = size / metrics(weight).unitsPerEm;
			const glyphs = runGlyphs(s.text, weight);
			return { glyphs, size, weight, k, width: glyphs.advance * k, fill: s.fill ?? spec.fill ?? defaults.fill };
		});
		const width = runs.reduce((w, run) => w + run.width, 0);
		let x = line.x - (spec.anchor === 'middle' ? width / 2 : spec.anchor === 'end' ? width : 0);
		for (const run of runs) {
			if (!sink?.add(run.glyphs, run.weight, run.size, x, line.y, run.fill)) {
				const d = runPath(run.glyphs, run.weight);
				if (d)
					out.push(
						el('path', {
							transform: `matrix(${scale(run.k)} 0 0 ${scale(-run.k)} ${num(x)} ${num(line.y)})`,
							fill: run.fill,
							d,
						}),
					);
			}
			x += run.width;
		}
	}
	return out.join('');
}

/** Path data of a run's glyphs from pen 0, in font units. */
function runPath({ glyphs, pens }: { readonly glyphs: readonly number[]; readonly pens: readonly number[] }, weight: FontWeight): string {
	const o = outliner(weight);
	let d = '';
	glyphs.forEach((g, i) => {
		const gp = glyphPath(o, g);
		if (gp) d += `M${num(pens[i]! + gp.sx)} ${num(gp.sy)}${gp.rest}`;
	});
	return d;
}
