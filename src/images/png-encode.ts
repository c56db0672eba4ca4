// PNG encoding of resvg's RGBA pixels, shared by render-png.ts and the render worker. resvg's own
// asPng() compresses hard and took about as long as drawing the picture; a timeline is mostly flat
// colour, which zlib's fastest level compresses nearly as well, so this writes unfiltered rows at
// level 1.
import { deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	CRC_TABLE[n] = c;
}

/** CRC-32 of buf[start, end), as PNG chunks use it. */
function crc32(buf: Uint8Array, start: number, end: number): number {
	let c = -1;
	for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
	return (c ^ -1) >>> 0;
}

/** One chunk: length, type, data, CRC over type and data. */
function chunk(type: string, data: Buffer): Buffer {
	const out = Buffer.allocUnsafe(12 + data.length);
	out.writeUInt32BE(data.length, 0);
	out.write(type, 4, 'latin1');
	data.copy(out, 8);
	out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
	return out;
}

/** True when every pixel's alpha is 255 (the bot's pictures have an opaque background). */
function opaque(rgba: Uint8Array): boolean {
	if (rgba.byteOffset % 4 === 0) {
		const words = new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.byteLength >> 2);
		// Little-endian words hold alpha in the top byte; big-endian ones in the bottom.
		const le = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
		for (let i = 0; i < words.length; i++) if ((le ? words[i]! >>> 24 : words[i]! & 255) !== 255) return false;
		return true;
	}
	for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
	return true;
}

// The filtered scanlines of the last picture, kept between calls so that a worker does not fault in
// fresh pages for every picture.
let scratch = Buffer.alloc(0);

/**
 * A PNG of `width` × `height` RGBA pixels, 8 bits per channel, rows top to bottom, as resvg's
 * RenderedImage.pixels gives them: premultiplied by alpha (PNG stores straight colour, so pixels
 * that are not opaque are divided back; the bot's pictures are opaque throughout). Rows are written
 * unfiltered and compressed at zlib `level`, 1 (the fastest) by default; `opaque` promises that every
 * pixel is opaque (a picture on a full-size background), which spares the check.
 */
export function encodePng(
	rgba: Uint8Array,
	width: number,
	height: number,
	options: { readonly level?: number; readonly opaque?: boolean } = {},
): Buffer {
	const level = options.level ?? 1;
	const stride = width * 4;
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgba.length !== stride * height) {
		throw new RangeError(`encodePng: ${rgba.length} bytes are not ${width} × ${height} RGBA pixels`);
	}
	const size = (stride + 1) * height;
	if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(size);
	const src = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
	for (let y = 0, o = 0; y < height; y++, o += stride + 1) {
		scratch[o] = 0; // filter type None
		src.copy(scratch, o + 1, y * stride, (y + 1) * stride);
	}
	if (!options.opaque && !opaque(src)) {
		for (let y = 0, o = 1; y < height; y++, o += stride + 1) {
			for (let i = o + 3, end = o + stride; i < end; i += 4) {
				const a = scratch[i]!;
				if (a === 255) continue;
				if (a === 0) scratch[i - 3] = scratch[i - 2] = scratch[i - 1] = 0;
				else for (let c = i - 3; c < i; c++) scratch[c] = Math.min(255, Math.round((scratch[c]! * 255) / a));
			}
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 6; // colour type: RGBA
	// compression, filter method and interlace are all 0
	const idat = deflateSync(scratch.subarray(0, size), { level });
	return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}
