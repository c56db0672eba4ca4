/**
 * HTML with escaping by default: `html` is a tagged template whose interpolations are escaped unless
 * they are already {@link Html} (made by this module). Dataset text is untrusted input, so there is
 * no other way to put text into a page.
 */

/** A piece of markup that is safe to include as is. */
export class Html {
	constructor(readonly value: string) {}
	toString(): string {
		return this.value;
	}
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/gu, (c) => ESCAPES[c]!);
}

export type Part = Html | string | number | undefined | null | false | readonly Part[];

function render(part: Part): string {
	if (part === undefined || part === null || part === false) return '';
	if (part instanceof Html) return part.value;
	if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
	return escapeHtml(String(part));
}

/** Markup from a template: every interpolated value is escaped unless it is Html; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
	let out = strings[0]!;
	for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
	return new Html(out);
}

/**
 * Markup produced by trusted code (the SVG builders of src/images, which escape the dataset text
 * they draw). Never pass dataset or request text here.
 */
export function trusted(markup: string): Html {
	return new Html(markup);
}

/** An href for an external link: only absolute http(s) URLs; anything else (javascript:, data:) gives undefined. */
export function safeHref(url: string): string | undefined {
	return url.length <= 2000 && /^https?:\/\/[^\s<>"]+$/iu.test(url) ? url : undefined;
}
