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

/**
 * Draws a job's text onto premultiplied RGBA pixels (resvg's RenderedImage.pixels). `options` are
 * resvg's (with the fonts) for rendering text sprites.
 */
export function drawGlyphs(pixels: Uint8Array, width: number, height: number, job: GlyphJob, options?: object): void;
/** Forgets every glyph mask and text sprite of this thread. */
export function clearGlyphMasks(): void;
/** How many glyph masks and text sprites this thread keeps. */
export function glyphMaskCount(): number;
