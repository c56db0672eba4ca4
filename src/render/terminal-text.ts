/**
 * The console's renderer for a real terminal: the same blocks as the plain text, styled instead of
 * marked up (bold headings, dim notes and legends, coloured status markers), source links as OSC 8
 * hyperlinks named after the outlet, and lines wrapped at word boundaries to the terminal's width
 * with hanging indents. Only for a TTY that wants colour; piped output stays renderPlainText's.
 *
 * Dataset text is cleaned of control characters exactly as in the plain text, so the only escape
 * sequences in the output are the ones made here.
 */
import { stripVTControlCharacters } from 'node:util';
import ansiEscapes from 'ansi-escapes';
import { Chalk, type ChalkInstance } from 'chalk';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { claimLead } from '../core/present.js';
import type { Block, Reply, Span } from '../core/reply.js';
import type { EventStatus } from '../dataset/model.js';
import { firstStrong, hasRtl, isolate, PDI, RLM } from '../i18n/bidi.js';
import { createTranslator, type Translator } from '../i18n/translator.js';
import { cleanText, pagingLine, STATUS_MARK } from './plain-text.js';

/** What the terminal can show, as detected by the console (src/platforms/console/terminal.ts). */
export interface TerminalStyle {
	/** Columns to wrap at. */
	readonly width: number;
	/** chalk's colour level: 1 = 16 colours, 2 = 256, 3 = truecolor. */
	readonly colorLevel: 1 | 2 | 3;
	/** OSC 8 hyperlinks: the outlet's name is the link text. Without them the URL is printed as in the plain text. */
	readonly hyperlinks: boolean;
}

/** Narrowest column a hanging indent may leave for text before it falls back to a small indent. */
const MIN_BODY = 24;
const SMALL_INDENT = 2;

interface Ctx {
	readonly c: ChalkInstance;
	readonly style: TerminalStyle;
	readonly i18n: Translator;
	readonly rtl: boolean;
	/** Dataset text in a right-to-left reply is isolated so that a Latin name keeps its place. */
	readonly data: (text: string) => string;
}

const ISOLATE_OPEN = /[\u2066-\u2068]/u;
const SAFE_URL = /^https?:\/\/[^\s\u0000-\u001f\u007f-\u009f]+$/u; // eslint-disable-line no-control-regex

function marker(status: EventStatus, c: ChalkInstance): string {
	const mark = STATUS_MARK[status];
	if (status === 'disputed') return c.yellow.bold(mark);
	if (status === 'corrected') return c.cyan(mark);
	if (status === 'reported') return c.magenta(mark);
	return mark;
}

function link(text: string, url: string, x: Ctx): string {
	if (x.style.hyperlinks && SAFE_URL.test(url)) return ansiEscapes.link(x.c.underline(text), url);
	return `${text} ${x.c.dim(`<${cleanText(url)}>`)}`;
}

/**
 * An outlet and its label ("TASS — Russian state media"), worded by the catalog as in plain text; with
 * hyperlinks the outlet's name is the link and the label dim, otherwise the address follows.
 */
function byline(
	s: { readonly publisher: string; readonly label: string; readonly url: string },
	i18n: Translator,
	x: Ctx,
	c: ChalkInstance,
): string {
	if (x.style.hyperlinks && SAFE_URL.test(s.url)) {
		return i18n.t('outlet.byline', {
			publisher: ansiEscapes.link(c.underline(cleanText(s.publisher)), s.url),
			label: c.dim(cleanText(s.label)),
		});
	}
	return `${i18n.t('outlet.byline', { publisher: cleanText(s.publisher), label: cleanText(s.label) })} ${c.dim(`<${cleanText(s.url)}>`)}`;
}

function spans(list: readonly Span[], x: Ctx): string {
	return list
		.map((s) => {
			const t = cleanText(s.text);
			if (s.mark === 'bold') return x.c.bold(t);
			if (s.mark === 'match') return x.c.bold.yellow(t);
			if (s.mark === 'italic') return x.c.italic(t);
			if (s.mark === 'code') return x.c.cyan(t);
			return s.href ? link(t, s.href, x) : t;
		})
		.join('');
}

/** Width of the widest word of `text` as shown. */
function longestWord(text: string): number {
	return Math.max(
		0,
		...stripVTControlCharacters(text)
			.split(/\s+/u)
			.map((w) => stringWidth(w)),
	);
}

/**
 * Wraps `body` after `prefix` so that continuation lines start under the body (a hanging indent),
 * or two columns in when that would leave too narrow a column. A word wider than the column (a long
 * id or URL) stays whole on a line of its own rather than being cut.
 */
function hang(prefix: string, body: string, x: Ctx): string {
	const width = x.style.width;
	const indent = stringWidth(prefix);
	let lines: string[];
	if (width - indent >= Math.max(MIN_BODY, longestWord(body))) {
		lines = wrapAnsi(body, width - indent, { trim: true })
			.split('\n')
			.map((l, i) => (i === 0 ? prefix : ' '.repeat(indent)) + l);
	} else {
		lines = wrapAnsi(prefix + body, width - SMALL_INDENT, { trim: true })
			.split('\n')
			.map((l, i) => (i === 0 ? l : ' '.repeat(SMALL_INDENT) + l));
	}
	return x.rtl ? rtlLines(lines) : lines.join('\n');
}

/**
 * The lines one logical line was wrapped into, for a right-to-left reply: isolates a line leaves
 * open are closed there and reopened on the next (a terminal lays out each line on its own), and if
 * the logical line holds right-to-left text, each of its lines that does not begin with it is marked
 * right-to-left, as src/i18n/bidi.ts marks whole lines for Telegram and Discord.
 */
function rtlLines(lines: readonly string[]): string {
	const rtl = hasRtl(stripVTControlCharacters(lines.join(' ')));
	return balanceIsolates(lines.join('\n'))
		.split('\n')
		.map((l) => {
			const seen = stripVTControlCharacters(l);
			return rtl && (firstStrong(seen) !== 'rtl' || firstStrong(seen, true) !== 'rtl') ? `${RLM}${l}` : l;
		})
		.join('\n');
}

function block(b: Block, x: Ctx): string {
	const { c, i18n } = x;
	switch (b.kind) {
		case 'heading':
			return `\n${hang('', c.bold(x.data(cleanText(b.text))), x)}`;
		case 'paragraph': {
			// A paragraph that is all italic is a note or a legend ("38 events, from…", "Markers: …").
			const note = b.spans.length > 0 && b.spans.every((s) => s.mark === 'italic' || s.text.trim() === '');
			return hang('', note ? c.dim(cleanText(b.spans.map((s) => s.text).join(''))) : spans(b.spans, x), x);
		}
		case 'event': {
			const title = b.titleSpans ? spans(b.titleSpans, x) : x.data(cleanText(b.title));
			const actors = b.actors.length ? ` — ${b.actors.map((a) => x.data(cleanText(a))).join(i18n.t('list.separator'))}` : '';
			return hang(`• ${c.bold(cleanText(b.date))}  `, `${title}${actors}${marker(b.status, c)}  ${c.dim(`[${b.id}]`)}`, x);
		}
		case 'claim': {
			const quote = b.quote ? ` “${c.italic(x.data(cleanText(b.quote.text)))}” ${c.dim(`(${b.quote.lang})`)}` : '';
			const src = b.source ? ` (${byline(b.source, i18n, x, c)})` : '';
			return hang('• ', `${c.bold(claimLead(x.data(cleanText(b.by)), b.stance, i18n))}: ${spans(b.spans, x)}${quote}${src}`, x);
		}
		case 'fields':
			return b.fields.map((f) => hang(`${c.bold(`${cleanText(f.name)}:`)} `, x.data(cleanText(f.value)), x)).join('\n');
		case 'sources':
			return b.sources
				.map((s) => hang('- ', `${byline(s, i18n, x, c)}${s.title ? `: ${x.data(cleanText(s.title))}` : ''}`, x))
				.join('\n');
		case 'divider':
			return c.dim('—'.repeat(Math.min(20, x.style.width)));
	}
}

/**
 * Closes the isolates a wrapped line leaves open and reopens them on the next line, so that each
 * line is a complete bidi paragraph (a terminal lays out each line on its own).
 */
export function balanceIsolates(text: string): string {
	let open: string[] = [];
	return text
		.split('\n')
		.map((line) => {
			const carried = open.join('');
			const stack = [...open];
			for (const ch of line) {
				if (ISOLATE_OPEN.test(ch)) stack.push(ch);
				else if (ch === PDI) stack.pop();
			}
			open = stack;
			if (carried === '' && stack.length === 0) return line;
			const indent = /^ */u.exec(line)![0];
			return `${indent}${carried}${line.slice(indent.length)}${PDI.repeat(stack.length)}`;
		})
		.join('\n');
}

/** The whole reply for a terminal that wants colour, with paging and saved attachments at the end. */
export function renderTerminal(reply: Reply, style: TerminalStyle, extras: { imagePaths?: readonly string[] } = {}): string {
	const i18n = createTranslator(reply.locale);
	const rtl = i18n.dir === 'rtl';
	const x: Ctx = {
		c: new Chalk({ level: style.colorLevel }),
		style: { ...style, width: Math.max(style.width, 20) },
		i18n,
		rtl,
		data: rtl ? isolate : (t) => t,
	};
	const parts = reply.blocks.map((b) => block(b, x));
	if (reply.paging) parts.push(`\n${hang('', x.c.dim(pagingLine(reply.paging, i18n)), x)}`);
	for (const path of extras.imagePaths ?? [])
		parts.push(hang('', x.c.dim(i18n.t(/\.png$/u.test(path) ? 'plain.imageSaved' : 'plain.fileSaved', { path })), x));
	return parts.join('\n').replace(/^\n+/u, '');
}
