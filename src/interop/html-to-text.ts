/**
 * HTML from TimelineJS text turned into plain text safely: tags are dropped (scripts and styles with
 * their content), block elements become line breaks, entities are decoded, and links are kept as
 * a list so they can become sources. No HTML is ever passed through.
 */

const NAMED: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
	mdash: '—',
	ndash: '–',
	hellip: '…',
	rsquo: '’',
	lsquo: '‘',
	rdquo: '”',
	ldquo: '“',
	laquo: '«',
	raquo: '»',
	copy: '©',
	eacute: 'é',
	uuml: 'ü',
	ouml: 'ö',
	auml: 'ä',
};
const BLOCK = new Set([
	'p',
	'div',
	'br',
	'li',
	'ul',
	'ol',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'blockquote',
	'tr',
	'table',
	'section',
	'article',
	'header',
	'footer',
]);
const DROP_CONTENT = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object']);

export function decodeEntities(s: string): string {
	return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/giu, (m, body: string) => {
		if (body[0] === '#') {
			const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
			return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '';
		}
		return NAMED[body.toLowerCase()] ?? m;
	});
}

export interface HtmlText {
	readonly text: string;
	/** href values of links, in order, http(s) only. */
	readonly links: readonly string[];
}

export function htmlToText(html: string): HtmlText {
	let out = '';
	const links: string[] = [];
	let i = 0;
	let dropUntil: string | null = null;
	while (i < html.length) {
		const lt = html.indexOf('<', i);
		const textEnd = lt < 0 ? html.length : lt;
		if (!dropUntil) out += html.slice(i, textEnd);
		if (lt < 0) break;
		if (html.startsWith('<!--', lt)) {
			const end = html.indexOf('-->', lt + 4);
			i = end < 0 ? html.length : end + 3;
			continue;
		}
		const m = /^<\s*(\/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/u.exec(html.slice(lt, lt + 2000));
		if (!m) {
			// A lone "<" is text.
			if (!dropUntil) out += '<';
			i = lt + 1;
			continue;
		}
		const closing = m[1] === '/';
		const tag = m[2]!.toLowerCase();
		i = lt + m[0].length;
		if (dropUntil) {
			if (closing && tag === dropUntil) dropUntil = null;
			continue;
		}
		if (!closing && DROP_CONTENT.has(tag) && !m[3]!.trim().endsWith('/')) {
			dropUntil = tag;
			continue;
		}
		if (BLOCK.has(tag)) out += '\n';
		if (!closing && tag === 'a') {
			const href = /href\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/iu.exec(m[3]!);
			const url = decodeEntities(href?.[2] ?? href?.[3] ?? href?.[4] ?? '').trim();
			if (/^https?:\/\/[^\s<>"]+$/u.test(url)) links.push(url);
		}
	}
	const text = decodeEntities(out)
		.replace(/[ \t\u00a0]+/gu, ' ')
		.replace(/ *\n */gu, '\n')
		.replace(/\n{3,}/gu, '\n\n')
		.trim();
	return { text, links };
}
