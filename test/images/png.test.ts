/** Our PNG encoder: valid PNGs that decode to exactly what resvg drew and that resvg itself reads back. */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../src/images/png-encode.js';
import { renderPng } from '../../src/images/render-png.js';
import { FONT_FAMILY, FONT_FILES } from '../../src/images/svg.js';
import { timelineSvg } from '../../src/images/timeline-svg.js';
import { demoDataset } from '../helpers/dataset-fixture.js';
import { decodePng, pngSize } from './helpers.js';

const OPTIONS: ResvgRenderOptions = {
	font: { fontFiles: [FONT_FILES.normal, FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
	logLevel: 'off',
};

describe('PNG encoding', async () => {
	const ds = await demoDataset();
	const svg = timelineSvg(ds, [...ds.eachEvent()].slice(0, 12), { title: 'Twelve events', text: 'outlines' });

	it('writes a PNG with signature, IHDR first, valid CRCs and one RGBA image', () => {
		const png = renderPng(svg);
		const { width, height } = pngSize(png);
		expect(width).toBe(1200);
		expect(png[24]).toBe(8); // bit depth
		expect(png[25]).toBe(6); // RGBA
		const decoded = decodePng(png);
		expect(decoded.rgba.length).toBe(width * height * 4);
		expect(Buffer.from(png.subarray(-12)).toString('latin1', 4, 8)).toBe('IEND');
	});

	it('decodes to the same pixels as resvg’s own PNG of the same picture', () => {
		const img = new Resvg(svg, OPTIONS).render();
		const ours = decodePng(renderPng(svg));
		const theirs = decodePng(img.asPng());
		expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
		expect(ours.rgba.equals(theirs.rgba)).toBe(true);
	});

	it('is read back by resvg as the same picture', () => {
		const png = Buffer.from(renderPng(svg));
		const { width, height } = pngSize(png);
		const wrapper =
			`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}">` +
			`<image x="0" y="0" width="${width}" height="${height}" image-rendering="optimizeSpeed" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
		const back = new Resvg(wrapper, OPTIONS).render().pixels;
		const original = new Resvg(svg, OPTIONS).render().pixels;
		expect(back.equals(original)).toBe(true);
	});

	it('stores straight colour for pixels that are not opaque', () => {
		const translucent =
			'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect x="0" y="0" width="20" height="20" fill="#3366cc" fill-opacity="0.5"/><circle cx="30" cy="10" r="7" fill="#c62828"/></svg>';
		const img = new Resvg(translucent, OPTIONS).render();
		const ours = decodePng(encodePng(img.pixels, img.width, img.height));
		const theirs = decodePng(img.asPng());
		expect(ours.rgba.length).toBe(theirs.rgba.length);
		let worst = 0;
		for (let i = 0; i < ours.rgba.length; i++) worst = Math.max(worst, Math.abs(ours.rgba[i]! - theirs.rgba[i]!));
		expect(worst).toBeLessThanOrEqual(1);
		// Fully transparent corners stay transparent black.
		expect([...ours.rgba.subarray(ours.rgba.length - 4)]).toEqual([0, 0, 0, 0]);
	});

	it('rejects pixels that do not match the size', () => {
		expect(() => encodePng(new Uint8Array(10), 2, 2)).toThrow(RangeError);
	});
});
