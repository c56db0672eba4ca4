// Drawing text into a rendered picture from cached glyph coverage masks, shared by render-png.ts
// and the render worker.
//
// Filling glyph outlines with anti-aliasing was the largest part of resvg's drawing time, and the
// same few hundred glyphs recur in every picture. So a picture's plain text (see glyphs.ts: scripts
// that need no shaping) comes here as glyph draws instead of SVG: each glyph's coverage at a size
// and a quarter-pixel offset is rendered by resvg once, from the font's own outline, and kept; a
// draw blends that mask in its colour onto the pixels, as resvg's source-over fill would. Text that
// needs shaping (Persian) comes as <text> elements: resvg shapes each once into a sprite, kept too,
// since month names, legends and lane names recur. Text is drawn after everything else, so it must
// not lie under any other shape (true of both pictures).
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';

/** Sub-pixel steps per pixel for glyph positions. */
const STEPS = 4;
/** Masks kept per thread; a mask is a few hundred bytes. */
const MAX_MASKS = 20000;
const ATLAS_WIDTH = 2048;

/** A glyph outline a picture uses: path data in font units (y up), its box, the font's units per em. */
export interface GlyphOutline {
	/** Weight and glyph id ("0:68"): the same glyph has the same key in every picture. */
	readonly key: string;
	readonly d: string;
	readonly box: readonly [number, number, number, number];
	readonly unitsPerEm: number;
}

/** A text element resvg shapes, drawn relative to the origin; placed at (x, y); `box` bounds its ink around the origin. */
export interface TextSprite {
	readonly markup: string;
	readonly x: number;
	readonly y: number;
	readonly box: readonly [number, number, number, number];
}

/**
 * A picture's text: plain text as glyph draws, five numbers each (outline index, size px, x, y,
 * 0xRRGGBB), and text that needs shaping as elements for resvg, kept as sprites.
 */
export interface GlyphJob {
	readonly draws: Float64Array;
	readonly outlines: readonly GlyphOutline[];
	readonly texts?: readonly TextSprite[];
}

/** A rendered coverage mask (one byte a pixel) or text sprite (premultiplied RGBA), offset from its origin. */
interface Mask {
	readonly ox: number;
	readonly oy: number;
	readonly w: number;
	readonly h: number;
	readonly data: Uint8Array;
}

/** A cell of an atlas: where an element is drawn in the one resvg pass, and the box kept of it. */
interface Cell {
	readonly key: string;
	readonly fx: number;
	readonly fy: number;
	readonly ox: number;
	readonly oy: number;
	readonly w: number;
	readonly h: number;
	readonly cx: number;
	readonly cy: number;
}

const masks = new Map<string, Mask>();
/** Shaped text (right-to-left lines and the like) as premultiplied RGBA sprites; data is w × h × 4. */
const sprites = new Map<string, Mask>();

/** Forgets every glyph mask and text sprite (tests: the first picture after a start renders them all). */
export function clearGlyphMasks(): void {
	masks.clear();
	sprites.clear();
}

/** How many glyph masks and text sprites this thread keeps. */
export function glyphMaskCount(): number {
	return masks.size + sprites.size;
}

/** Whole-pixel position and quarter-pixel phase of a coordinate. */
function snap(v: number): [number, number] {
	const q = Math.round(v * STEPS);
	const i = Math.floor(q / STEPS);
	return [i, (q - i * STEPS) / STEPS];
}

/**
 * Renders the text sprites in `need` in one resvg pass, each element in a cell of an atlas at the
 * sub-pixel phase it has in the picture, and keeps each cropped to its ink. A cell whose ink reaches
 * its edge may have been too small (its box is an estimate), so then the pass is redone with wider
 * margins.
 * `options` are resvg's, with the fonts.
 */
function renderSprites(need: Map<string, { sprite: TextSprite; fx: number; fy: number }>, options: ResvgRenderOptions): void {
	for (let margin = 2, attempt = 0; ; margin *= 4, attempt++) {
		const cells: (Cell & { readonly sprite: TextSprite })[] = [];
		let x = 0;
		let y = 0;
		let rowHeight = 0;
		for (const [key, { sprite, fx, fy }] of need) {
			const [bx0, by0, bx1, by1] = sprite.box;
			const [ox, oy] = [bx0 - margin, by0 - margin];
			const w = bx1 - bx0 + 2 * margin + 1;
			const h = by1 - by0 + 2 * margin + 1;
			if (x + w > ATLAS_WIDTH && x > 0) [x, y, rowHeight] = [0, y + rowHeight + 1, 0];
			cells.push({ key, sprite, fx, fy, ox, oy, w, h, cx: x, cy: y });
			x += w + 1;
			rowHeight = Math.max(rowHeight, h);
		}
		const width = Math.max(1, ...cells.map((c) => c.cx + c.w));
		const height = Math.max(1, y + rowHeight);
		const parts = cells.map((c) => `<g transform="translate(${c.cx - c.ox + c.fx} ${c.cy - c.oy + c.fy})">${c.sprite.markup}</g>`);
		const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
		const img = new Resvg(svg, { ...options, fitTo: { mode: 'original' }, logLevel: 'off' }).render();
		const px = img.pixels;
		const stride = img.width * 4;
		const alpha = (c: Cell, i: number, j: number): number => px[(c.cy + j) * stride + (c.cx + i) * 4 + 3]!;
		const spills = (c: Cell): boolean => {
			for (let i = 0; i < c.w; i++) if (alpha(c, i, 0) || alpha(c, i, c.h - 1)) return true;
			for (let j = 0; j < c.h; j++) if (alpha(c, 0, j) || alpha(c, c.w - 1, j)) return true;
			return false;
		};
		if (attempt < 3 && cells.some(spills)) continue;
		if (sprites.size + cells.length > MAX_MASKS) sprites.clear();
		for (const c of cells) {
			let [i0, j0, i1, j1] = [c.w, c.h, -1, -1];
			for (let j = 0; j < c.h; j++) {
				for (let i = 0; i < c.w; i++) {
					if (!alpha(c, i, j)) continue;
					[i0, j0, i1, j1] = [Math.min(i0, i), Math.min(j0, j), Math.max(i1, i), Math.max(j1, j)];
				}
			}
			const w = Math.max(0, i1 - i0 + 1);
			const h = Math.max(0, j1 - j0 + 1);
			const data = new Uint8Array(w * h * 4);
			for (let j = 0; j < h; j++) {
				const from = (c.cy + j0 + j) * stride + (c.cx + i0) * 4;
				data.set(px.subarray(from, from + w * 4), j * w * 4);
			}
			sprites.set(c.key, { ox: c.ox + i0, oy: c.oy + j0, w, h, data });
		}
		return;
	}
}

/** Draws kept text sprites onto premultiplied RGBA pixels: source over. */
function drawSprites(pixels: Uint8Array, width: number, height: number, texts: readonly TextSprite[], options: ResvgRenderOptions): void {
	const need = new Map<string, { sprite: TextSprite; fx: number; fy: number }>();
	const placed = texts.map((sprite) => {
		const [ix, fx] = snap(sprite.x);
		const [iy, fy] = snap(sprite.y);
		const key = `${fx}:${fy}:${sprite.box.join(',')}:${sprite.markup}`;
		if (!sprites.has(key) && !need.has(key)) need.set(key, { sprite, fx, fy });
		return { key, ix, iy };
	});
	if (need.size > 0) renderSprites(need, options);
	for (const { key, ix, iy } of placed) {
		const m = sprites.get(key);
		if (!m) continue;
		const x0 = ix + m.ox;
		const y0 = iy + m.oy;
		for (let j = Math.max(0, -y0); j < m.h && y0 + j < height; j++) {
			let q = j * m.w * 4;
			let p = ((y0 + j) * width + x0) * 4;
			for (let i = 0; i < m.w; i++, p += 4, q += 4) {
				const a = m.data[q + 3]!;
				if (a === 0 || x0 + i < 0 || x0 + i >= width) continue;
				const na = 255 - a;
				for (let k = 0; k < 3; k++) pixels[p + k] = m.data[q + k]! + (pixels[p + k]! * na + 127) / 255;
				pixels[p + 3] = a + (pixels[p + 3]! * na + 127) / 255;
			}
		}
	}
}

/**
 * Renders the masks in `need` in one resvg pass: each glyph in a cell of an atlas, its origin at
 * the same sub-pixel offset it has in the picture (coverage does not change under whole-pixel moves).
 */
function renderMasks(need: Map<string, { outline: GlyphOutline; size: number; fx: number; fy: number }>): void {
	const cells: (Cell & { readonly outline: GlyphOutline; readonly k: number })[] = [];
	let x = 0;
	let y = 0;
	let rowHeight = 0;
	for (const [key, { outline, size, fx, fy }] of need) {
		const k = size / outline.unitsPerEm;
		const [xMin, yMin, xMax, yMax] = outline.box;
		// Pixel box around the glyph relative to the whole-pixel part of its origin, a pixel of margin each side.
		const ox = Math.floor(fx + xMin * k) - 1;
		const oy = Math.floor(fy - yMax * k) - 1;
		const w = Math.ceil(fx + xMax * k) + 1 - ox;
		const h = Math.ceil(fy - yMin * k) + 1 - oy;
		if (x + w > ATLAS_WIDTH && x > 0) [x, y, rowHeight] = [0, y + rowHeight + 1, 0];
		cells.push({ key, outline, k, fx, fy, ox, oy, w, h, cx: x, cy: y });
		x += w + 1;
		rowHeight = Math.max(rowHeight, h);
	}
	const width = Math.min(ATLAS_WIDTH, Math.max(1, ...cells.map((c) => c.cx + c.w)));
	const height = Math.max(1, y + rowHeight);
	const paths = cells.map(
		(c) => `<path transform="matrix(${c.k} 0 0 ${-c.k} ${c.cx - c.ox + c.fx} ${c.cy - c.oy + c.fy})" d="${c.outline.d}"/>`,
	);
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${paths.join('')}</svg>`;
	const img = new Resvg(svg, { font: { loadSystemFonts: false }, fitTo: { mode: 'original' }, logLevel: 'off' }).render();
	const px = img.pixels;
	if (masks.size + cells.length > MAX_MASKS) masks.clear();
	for (const c of cells) {
		const data = new Uint8Array(c.w * c.h);
		for (let j = 0; j < c.h; j++) {
			const row = ((c.cy + j) * img.width + c.cx) * 4 + 3;
			for (let i = 0; i < c.w; i++) data[j * c.w + i] = px[row + i * 4]!;
		}
		masks.set(c.key, { ox: c.ox, oy: c.oy, w: c.w, h: c.h, data });
	}
}

/**
 * Draws a job's glyphs onto premultiplied RGBA `pixels` (resvg's RenderedImage.pixels), in order.
 * Each draw is five numbers: outline index, font size in px, x and y of the glyph's origin on the
 * baseline, colour as 0xRRGGBB. `options` are resvg's (with the fonts) for rendering the job's text
 * sprites.
 */
export function drawGlyphs(pixels: Uint8Array, width: number, height: number, job: GlyphJob, options: ResvgRenderOptions = {}): void {
	const { draws, outlines } = job;
	if (job.texts && job.texts.length > 0) drawSprites(pixels, width, height, job.texts, options);
	const count = Math.floor(draws.length / 5);
	const keys = new Array<string>(count);
	const at = new Int32Array(count * 2);
	const need = new Map<string, { outline: GlyphOutline; size: number; fx: number; fy: number }>();
	for (let n = 0; n < count; n++) {
		const outline = outlines[draws[n * 5]!];
		if (!outline) throw new RangeError(`glyph draw ${n} names no outline`);
		const size = draws[n * 5 + 1]!;
		const [ix, fx] = snap(draws[n * 5 + 2]!);
		const [iy, fy] = snap(draws[n * 5 + 3]!);
		const key = `${outline.key}:${size}:${fx}:${fy}`;
		keys[n] = key;
		at[n * 2] = ix;
		at[n * 2 + 1] = iy;
		if (!masks.has(key) && !need.has(key)) need.set(key, { outline, size, fx, fy });
	}
	if (need.size > 0) renderMasks(need);
	for (let n = 0; n < count; n++) {
		const m = masks.get(keys[n]!);
		if (!m) continue;
		const colour = draws[n * 5 + 4]!;
		const r = (colour >> 16) & 255;
		const g = (colour >> 8) & 255;
		const b = colour & 255;
		const x0 = at[n * 2]! + m.ox;
		const y0 = at[n * 2 + 1]! + m.oy;
		for (let j = Math.max(0, -y0); j < m.h && y0 + j < height; j++) {
			const row = j * m.w;
			let p = ((y0 + j) * width + x0) * 4;
			for (let i = 0; i < m.w; i++, p += 4) {
				const a = m.data[row + i]!;
				if (a === 0 || x0 + i < 0 || x0 + i >= width) continue;
				if (a === 255) {
					pixels[p] = r;
					pixels[p + 1] = g;
					pixels[p + 2] = b;
					pixels[p + 3] = 255;
				} else {
					// Source over, premultiplied: out = colour × a + under × (1 − a).
					const na = 255 - a;
					pixels[p] = (r * a + pixels[p]! * na + 127) / 255;
					pixels[p + 1] = (g * a + pixels[p + 1]! * na + 127) / 255;
					pixels[p + 2] = (b * a + pixels[p + 2]! * na + 127) / 255;
					pixels[p + 3] = a + (pixels[p + 3]! * na + 127) / 255;
				}
			}
		}
	}
}
