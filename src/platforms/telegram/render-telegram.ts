/**
 * Telegram renderer: a Reply becomes messages in Telegram's HTML parse mode. Every piece of dataset
 * and user text is escaped, only Telegram's documented tags are produced, and messages are split at
 * {@link TELEGRAM_TEXT_LIMIT} on block boundaries; a block too long for one message is cut between
 * characters with its open tags closed and reopened, so no message ever carries a broken tag.
 *
 * The renderer's own words (claim lead-ins, page footers) are in the reply's language. A Persian
 * reply is laid out right-to-left: dataset names, titles and ids are isolated (FSI … PDI) and every
 * line that holds Persian but would start with a Latin or Cyrillic token begins with an RLM.
 */
import { claimLead } from '../../core/present.js';
import type { Block, Reply, Span } from '../../core/reply.js';
import { isolate, markRtlLines } from '../../i18n/bidi.js';
import { createTranslator, type Translator } from '../../i18n/translator.js';
import { STATUS_MARK } from '../../render/plain-text.js';

/** sendMessage's text limit. Counted here on the HTML source, which is never shorter than the parsed text. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** sendPhoto's caption limit. */
export const TELEGRAM_CAPTION_LIMIT = 1024;

/** Escapes text for Telegram HTML and disarms @mentions so dataset text can never notify anyone. */
export function escapeHtml(text: string): string {
	return (
		clean(text)
			.replace(/&/gu, '&amp;')
			.replace(/</gu, '&lt;')
			.replace(/>/gu, '&gt;')
			.replace(/"/gu, '&quot;')
			// A word joiner after "@" keeps the text readable but stops Telegram from creating a mention.
			.replace(/@(?=[\p{L}\p{N}_])/gu, '@\u2060')
	);
}

function clean(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu, ' ');
}

/** Only absolute http(s) URLs become links; anything else is shown as text. */
function safeHref(url: string): string | undefined {
	if (url.length > 1000 || !/^https?:\/\/[^\s<>"]+$/iu.test(url)) return undefined;
	return url.replace(/&/gu, '&amp;').replace(/"/gu, '&quot;');
}

function link(text: string, url: string): string {
	const href = safeHref(url);
	return href ? `<a href="${href}">${escapeHtml(text)}</a>` : `${escapeHtml(text)} (${escapeHtml(url)})`;
}

function spans(list: readonly Span[]): string {
	return list
		.map((s) => {
			const inner = s.href ? link(s.text, s.href) : escapeHtml(s.text);
			if (s.mark === 'bold') return `<b>${inner}</b>`;
			if (s.mark === 'match') return `<u>${inner}</u>`;
			if (s.mark === 'italic') return `<i>${inner}</i>`;
			if (s.mark === 'strike') return `<s>${inner}</s>`;
			if (s.mark === 'code') return s.href ? inner : `<code>${inner}</code>`;
			return inner;
		})
		.join('');
}

const EN = createTranslator('en');

/** What a reader sees of one line of our HTML, for finding its direction. */
const visible = (line: string) => htmlToPlain(line);

/** One block as Telegram HTML (no trailing newline), in the language of `i18n`. */
export function renderBlockHtml(b: Block, i18n: Translator = EN): string {
	if (i18n.dir === 'rtl') return markRtlLines(blockHtml(b, i18n, isolate), visible);
	return blockHtml(b, i18n, (t) => t);
}

function blockHtml(b: Block, i18n: Translator, iso: (text: string) => string): string {
	switch (b.kind) {
		case 'heading':
			return `<b>${escapeHtml(b.text)}</b>`;
		case 'paragraph':
			return spans(b.spans);
		case 'event': {
			const title = b.titleSpans ? iso(spans(b.titleSpans)) : escapeHtml(iso(b.title));
			const actors = b.actors.length
				? ` — ${b.actors.map((a) => escapeHtml(iso(a))).join(escapeHtml(i18n.t('list.separator')))}`
				: '';
			// The id links to the event's page when the site has a public address.
			const id =
				b.url && safeHref(b.url)
					? `<a href="${safeHref(b.url)!}">${escapeHtml(iso(b.id))}</a>`
					: `<code>${escapeHtml(iso(b.id))}</code>`;
			return `• <b>${escapeHtml(iso(b.date))}</b>  ${title}${actors}${STATUS_MARK[b.status]}  ${id}`;
		}
		case 'claim': {
			const quote = b.quote ? ` “<i>${escapeHtml(iso(b.quote.text))}</i>” (${escapeHtml(b.quote.lang)})` : '';
			const src = b.source ? ` — ${link(iso(b.source.publisher), b.source.url)} <i>(${escapeHtml(iso(b.source.label))})</i>` : '';
			return `• <b>${escapeHtml(claimLead(b.by, b.stance, i18n))}</b>: ${iso(spans(b.spans))}${quote}${src}`;
		}
		case 'fields':
			return b.fields.map((f) => `<b>${escapeHtml(f.name)}</b>: ${escapeHtml(iso(f.value))}`).join('\n');
		case 'sources':
			return b.sources
				.map(
					(s) =>
						`– ${link(iso(s.publisher), s.url)} <i>— ${escapeHtml(iso(s.label))}</i>${s.title ? `: ${escapeHtml(iso(s.title))}` : ''}`,
				)
				.join('\n');
		case 'divider':
			return '—'.repeat(12);
	}
}

export interface RenderOptions {
	/** Longest message, for tests; Telegram's limit by default. */
	readonly limit?: number;
	/**
	 * Fit the reply into one message (pages that are edited in place): blocks that do not fit are
	 * dropped and counted in a closing line.
	 */
	readonly singleMessage?: boolean;
}

/** The reply as one or more HTML messages, each at most `limit` characters. Never empty. */
export function renderTelegram(reply: Reply, options: RenderOptions = {}): string[] {
	const i18n = createTranslator(reply.locale);
	const rtl = i18n.dir === 'rtl';
	const messages = pack(reply, i18n, (options.limit ?? TELEGRAM_TEXT_LIMIT) - (rtl ? 1 : 0), options);
	// A cut inside a line leaves the next message starting mid-line: mark it too (the one character
	// kept in reserve above).
	return rtl ? messages.map((m) => markRtlLines(m, visible)) : messages;
}

function pack(reply: Reply, i18n: Translator, limit: number, options: RenderOptions): string[] {
	const rendered = reply.blocks
		.map((b) => ({ html: renderBlockHtml(b, i18n), heading: b.kind === 'heading' }))
		.filter((b) => b.html !== '');
	const footer = reply.paging
		? `<i>${escapeHtml(i18n.t(reply.paging.capped ? 'paging.footer.capped' : 'paging.footer', { page: reply.paging.page, pages: reply.paging.pages }))}</i>`
		: undefined;
	if (footer) rendered.push({ html: footer, heading: false });
	if (rendered.length === 0) return [escapeHtml(i18n.t('telegram.noAnswer'))];
	if (options.singleMessage) return [packOne(rendered, limit, footer, i18n)];
	const messages: string[] = [];
	let current = '';
	for (const b of rendered) {
		const sep = current === '' ? '' : b.heading ? '\n\n' : '\n';
		if (current.length + sep.length + b.html.length <= limit) {
			current += sep + b.html;
			continue;
		}
		if (current !== '') messages.push(current);
		if (b.html.length <= limit) {
			current = b.html;
			continue;
		}
		const pieces = splitHtml(b.html, limit);
		messages.push(...pieces.slice(0, -1));
		current = pieces.at(-1) ?? '';
	}
	if (current !== '') messages.push(current);
	return messages;
}

function packOne(
	rendered: readonly { html: string; heading: boolean }[],
	limit: number,
	footer: string | undefined,
	i18n: Translator,
): string {
	const body = footer ? rendered.slice(0, -1) : rendered;
	const tail = (dropped: number) =>
		[dropped ? `<i>${escapeHtml(i18n.t('telegram.moreLines', { n: dropped }))}</i>` : '', footer ?? ''].filter(Boolean).join('\n');
	let out = '';
	let used = 0;
	for (const b of body) {
		const sep = out === '' ? '' : b.heading ? '\n\n' : '\n';
		const closing = tail(body.length - used - 1);
		if (out.length + sep.length + b.html.length + 1 + closing.length > limit) break;
		out += sep + b.html;
		used++;
	}
	const end = tail(body.length - used);
	if (body.length === 0) return end;
	if (out === '') {
		// Not even the first block fits next to the footer: cut it.
		const first = body[0]?.html ?? '';
		out = splitHtml(first, Math.max(1, limit - end.length - 1))[0] ?? '';
	}
	return end ? `${out}\n${end}` : out;
}

interface OpenTag {
	readonly name: string;
	readonly open: string;
}

const closers = (stack: readonly OpenTag[]) =>
	stack
		.map((t) => `</${t.name}>`)
		.reverse()
		.join('');
const openers = (stack: readonly OpenTag[]) => stack.map((t) => t.open).join('');

/**
 * Splits well-formed HTML (this renderer's own output) into pieces of at most `limit` characters,
 * cutting only between tags, entities and whole code points, preferably at a line break or a space.
 * Tags open at a cut are closed at the end of the piece and reopened at the start of the next.
 */
export function splitHtml(html: string, limit: number): string[] {
	const out: string[] = [];
	let rest = html;
	while (rest.length > limit) {
		const cut = findCut(rest, limit);
		if (!cut) {
			// Cannot cut within the tags (a tag longer than the limit): fall back to plain text.
			out.push(...hardSplit(htmlToPlain(rest), limit).map(escapeForSplit));
			return out;
		}
		let at = cut.at;
		const stack = [...cut.stack];
		// Tags that close right at the cut go with the piece, so the next one starts with no empty element.
		for (let top = stack.at(-1); top && rest.startsWith(`</${top.name}>`, at); top = stack.at(-1)) {
			at += top.name.length + 3;
			stack.pop();
		}
		out.push(rest.slice(0, at).replace(/\s+$/u, '') + closers(stack));
		rest = openers(stack) + rest.slice(at).replace(/^\s+/u, '');
	}
	if (rest !== '') out.push(rest);
	return out;
}

function escapeForSplit(text: string): string {
	return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

function hardSplit(text: string, limit: number): string[] {
	const out: string[] = [];
	let piece = '';
	let size = 0;
	for (const ch of text) {
		const n = escapeForSplit(ch).length;
		if (size + n > limit) {
			out.push(piece);
			piece = '';
			size = 0;
		}
		piece += ch;
		size += n;
	}
	if (piece) out.push(piece);
	return out;
}

/** A tag, an entity, or one whole code point (the `u` flag keeps surrogate pairs together). */
const TOKEN = /<\/?([a-z-]+)(?:\s[^>]*)?>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);|[\s\S]/giu;

type Cut = { at: number; stack: OpenTag[] };

/** The last safe cut point that keeps the piece (with its closing tags) within the limit. */
function findCut(html: string, limit: number): Cut | undefined {
	const stack: OpenTag[] = [];
	let any: Cut | undefined;
	let space: Cut | undefined;
	let line: Cut | undefined;
	TOKEN.lastIndex = 0;
	for (let m = TOKEN.exec(html); m; m = TOKEN.exec(html)) {
		const tok = m[0];
		const end = m.index + tok.length;
		if (end > limit) break;
		if (m[1] !== undefined) {
			if (!tok.startsWith('</')) {
				// Never cut right after an opening tag: the piece would end in an empty element.
				stack.push({ name: m[1].toLowerCase(), open: tok });
				continue;
			}
			stack.pop();
		}
		if (end + closers(stack).length > limit || joinsNext(tok, html.codePointAt(end))) continue;
		const cut = { at: end, stack: [...stack] };
		any = cut;
		if (tok === '\n') line = cut;
		else if (/^\s$/u.test(tok)) space = cut;
	}
	// Prefer a line break, then a space, as long as the piece keeps at least half of what fits.
	const best = [line, space].find((c) => c !== undefined && c.at >= limit / 2) ?? any;
	if (!best || openers(best.stack).length >= limit / 2) return undefined;
	return best;
}

/** Whether cutting between `tok` and the next code point would break one visible character (emoji, accents). */
function joinsNext(tok: string, next: number | undefined): boolean {
	if (next === undefined) return false;
	const n = String.fromCodePoint(next);
	// Zero-width joiner, variation selector 16, skin tones, tag characters (subdivision flags).
	const joiner = next === 0x200d || next === 0xfe0f || (next >= 0x1f3fb && next <= 0x1f3ff) || (next >= 0xe0020 && next <= 0xe007f);
	if (tok === '\u200d' || joiner || /^\p{M}$/u.test(n)) return true;
	return /^\p{Regional_Indicator}$/u.test(tok) && /^\p{Regional_Indicator}$/u.test(n);
}

/** Strips tags and decodes entities: the text a reader sees, for the plain-text fallback. */
export function htmlToPlain(html: string): string {
	return html
		.replace(/<a href="([^"]*)">([\s\S]*?)<\/a>/gu, '$2')
		.replace(/<[^>]*>/gu, '')
		.replace(/&(lt|gt|quot|amp);/gu, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e] ?? '');
}

/** A photo caption: escaped, within Telegram's caption limit. */
export function captionHtml(text: string): string {
	const plain = clean(text).slice(0, TELEGRAM_CAPTION_LIMIT - 50);
	return escapeHtml(plain);
}
