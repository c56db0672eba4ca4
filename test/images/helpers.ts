/** Checks shared by the image tests: PNG header, pixels, XML well-formedness, box overlap. */
import { Resvg } from '@resvg/resvg-js';
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
	const img = new Resvg(svg, { font: { fontFiles: [FONT_FILES.normal, FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY } }).render();
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
		if (m[3]!.replace(/"[^"]*"/gu, (v) => v.replace(entity, '')).match(/"[^"]*&[^"]*"/u)) throw new Error(`bare & in attribute of <${m[2]!}>`);
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
