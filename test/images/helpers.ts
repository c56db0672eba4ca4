/** Checks shared by the image tests: PNG header, pixels, XML well-formedness, box overlap. */
import { Resvg } from '@resvg/resvg-js';
import { inflateSync } from 'node:zlib';
import { FONT_FAMILY, FONT_FILES } from '../../src/images/svg.js';
import type { Box } from '../../src/images/timeline-layout.js';

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
	const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
	if (!sig.every((b, i) => png[i] === b)) throw new Error('not a PNG');
	const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
	if (String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') throw new Error('IHDR is not the first chunk');
	return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Distinct RGBA colours and the share of non-white pixels in the rendered SVG. */
export function pixelStats(svg: string): { colours: number; inked: number } {
	const img = new Resvg(svg, {
		font: { fontFiles: [FONT_FILES.normal, FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
	}).render();
	const px = img.pixels;
	const colours = new Set<number>();
	let inked = 0;
	for (let i = 0; i < px.length; i += 4) {
		colours.add(px.readUInt32BE(i));
		if (px[i]! < 250 || px[i + 1]! < 250 || px[i + 2]! < 250) inked++;
	}
	return { colours: colours.size, inked: inked / (px.length / 4) };
}

/**
 * A small well-formedness check: tags nest and close, attribute values are quoted, and text and
 * attributes hold no raw "<" and only known entities after "&".
 */
export function assertWellFormedXml(xml: string): void {
	const stack: string[] = [];
	const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/giu;
	let i = 0;
	while (i < xml.length) {
		const lt = xml.indexOf('<', i);
		const text = xml.slice(i, lt < 0 ? xml.length : lt);
		if (text.replace(entity, '').includes('&')) throw new Error(`bare & in text near ${JSON.stringify(text.slice(0, 60))}`);
		if (text.includes('>')) throw new Error(`bare > in text near ${JSON.stringify(text.slice(0, 60))}`);
		if (lt < 0) break;
		const gt = xml.indexOf('>', lt);
		if (gt < 0) throw new Error('unterminated tag');
		const tag = xml.slice(lt + 1, gt);
		const m = /^(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)$/u.exec(tag);
		if (!m) throw new Error(`malformed tag <${tag.slice(0, 80)}>`);
		if (m[3]!.replace(/"[^"]*"/gu, (v) => v.replace(entity, '')).match(/"[^"]*&[^"]*"/u))
			throw new Error(`bare & in attribute of <${m[2]!}>`);
		if (m[1]) {
			if (stack.pop() !== m[2]) throw new Error(`mismatched </${m[2]!}>`);
		} else if (!m[4]) stack.push(m[2]!);
		i = gt + 1;
	}
	if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

export function intersects(a: Box, b: Box): boolean {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Pairs of boxes that intersect, by index (sweep over x, so 1,000 boxes stay quick). */
export function overlaps(boxes: readonly Box[]): [number, number][] {
	const order = boxes.map((_, i) => i).sort((a, b) => boxes[a]!.x0 - boxes[b]!.x0);
	const out: [number, number][] = [];
	for (let i = 0; i < order.length; i++) {
		const a = boxes[order[i]!]!;
		for (let j = i + 1; j < order.length && boxes[order[j]!]!.x0 < a.x1; j++) {
			if (intersects(a, boxes[order[j]!]!)) out.push([order[i]!, order[j]!]);
		}
	}
	return out;
}

/** A decoded PNG: straight (not premultiplied) RGBA rows, top to bottom. */
export interface DecodedPng {
	readonly width: number;
	readonly height: number;
	readonly rgba: Buffer;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

/**
 * A small independent PNG decoder for the tests: 8-bit RGB or RGBA, not interlaced, all five
 * filter types, every chunk CRC checked. Enough to read both resvg's PNGs and ours.
 */
export function decodePng(png: Uint8Array): DecodedPng {
	const { width, height } = pngSize(png);
	const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
	let p = 8;
	let depth = 0;
	let type = 0;
	let interlace = 0;
	const idat: Buffer[] = [];
	let ended = false;
	while (p < buf.length) {
		const len = buf.readUInt32BE(p);
		const kind = buf.toString('latin1', p + 4, p + 8);
		const data = buf.subarray(p + 8, p + 8 + len);
		if (crc32(buf.subarray(p + 4, p + 8 + len)) !== buf.readUInt32BE(p + 8 + len)) throw new Error(`bad CRC in ${kind}`);
		if (kind === 'IHDR') [depth, type, interlace] = [data[8]!, data[9]!, data[12]!];
		else if (kind === 'IDAT') idat.push(data);
		else if (kind === 'IEND') ended = true;
		p += 12 + len;
	}
	if (!ended) throw new Error('no IEND');
	if (depth !== 8 || (type !== 6 && type !== 2) || interlace !== 0)
		throw new Error(`unsupported PNG: depth ${depth}, colour type ${type}, interlace ${interlace}`);
	const bpp = type === 6 ? 4 : 3;
	const stride = width * bpp;
	const raw = inflateSync(Buffer.concat(idat));
	if (raw.length !== (stride + 1) * height) throw new Error(`IDAT holds ${raw.length} bytes, not ${(stride + 1) * height}`);
	const out = Buffer.alloc(width * height * 4);
	let prev = Buffer.alloc(stride);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)]!;
		const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
		for (let i = 0; i < stride; i++) {
			const a = i >= bpp ? line[i - bpp]! : 0;
			const b = prev[i]!;
			const c = i >= bpp ? prev[i - bpp]! : 0;
			let pred = 0;
			if (filter === 1) pred = a;
			else if (filter === 2) pred = b;
			else if (filter === 3) pred = (a + b) >> 1;
			else if (filter === 4) {
				const e = a + b - c;
				const [pa, pb, pc] = [Math.abs(e - a), Math.abs(e - b), Math.abs(e - c)];
				pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
			} else if (filter !== 0) throw new Error(`unknown filter ${filter}`);
			line[i] = (line[i]! + pred) & 0xff;
		}
		for (let x = 0; x < width; x++) {
			for (let k = 0; k < 3; k++) out[(y * width + x) * 4 + k] = line[x * bpp + k]!;
			out[(y * width + x) * 4 + 3] = bpp === 4 ? line[x * 4 + 3]! : 255;
		}
		prev = line;
	}
	return { width, height, rgba: out };
}

/** The leftmost and rightmost inked (non-white) columns of the rendered SVG between rows y0 and y1. */
export function inkedColumns(svg: string, y0: number, y1: number): { left: number; right: number } {
	const img = new Resvg(svg, {
		font: { fontFiles: [FONT_FILES.normal, FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
	}).render();
	const px = img.pixels;
	let left = Infinity;
	let right = -Infinity;
	for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
		for (let x = 0; x < img.width; x++) {
			const i = (y * img.width + x) * 4;
			if (px[i]! < 200 || px[i + 1]! < 200 || px[i + 2]! < 200) {
				if (x < left) left = x;
				if (x > right) right = x;
			}
		}
	}
	return { left, right };
}
