/**
 * A PNG of `width` × `height` premultiplied RGBA pixels (8 bits per channel, rows top to bottom, as
 * resvg's RenderedImage.pixels gives them), unfiltered rows compressed at zlib `level` (1, the
 * fastest, by default). `opaque` promises that every pixel is opaque, which spares checking.
 */
export function encodePng(
	rgba: Uint8Array,
	width: number,
	height: number,
	options?: { readonly level?: number; readonly opaque?: boolean },
): Buffer;
