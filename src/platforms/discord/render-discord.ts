/**
 * Reply → Discord messages made of embeds, always within Discord's limits: title 256, description
 * 4096, 25 fields (name 256, value 1024), footer 2048, 10 embeds and 6000 characters summed over a
 * whole message. A reply that does not fit becomes several messages. Dataset and user text is
 * markdown-escaped and every mention form is neutralised here, so no command can forget it.
 *
 * The renderer's own words are in the reply's language. A Persian reply is laid out right-to-left:
 * dataset names, titles and ids are isolated (FSI … PDI) and every line, title, field and footer that
 * holds Persian but would start with a Latin token begins with an RLM. Both are added before the
 * limits are applied, so they count toward them.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import { claimLead } from '../../core/present.js';
import type { Block, Reply, Span } from '../../core/reply.js';
import { isolate, markRtlLines } from '../../i18n/bidi.js';
import { createTranslator, type Translator } from '../../i18n/translator.js';
import { STATUS_MARK } from '../../render/plain-text.js';

export const LIMITS = {
	title: 256,
	description: 4096,
	fields: 25,
	fieldName: 256,
	fieldValue: 1024,
	footer: 2048,
	embeds: 10,
	total: 6000,
	files: 10,
} as const;

/** A file sent with a message (multipart upload). */
export interface DiscordFile {
	readonly name: string;
	readonly data: Uint8Array;
	/** Alt text. */
	readonly description?: string;
}

/** One message to send: embeds within every limit, and files. */
export interface DiscordMessage {
	readonly embeds: APIEmbed[];
	readonly files: DiscordFile[];
}

export interface RenderOptions {
	/**
	 * How paging is shown. 'buttons': the adapter adds buttons, the footer says only "Page 2 of 5".
	 * 'text' (scheduled posts, nobody to press): the footer also gives the next command line.
	 */
	readonly paging?: 'buttons' | 'text';
}

const COLOR = 0x3b6ea5;
const ZWSP = '\u200b';

/** Text with its Persian-bearing lines marked RLM (right-to-left replies only). */
function directed(text: string, i18n: Translator): string {
	return i18n.dir === 'rtl' ? markRtlLines(text) : text;
}

/** Removes what Discord would strip or choke on: control characters and lone surrogates. */
function clean(text: string): string {
	return (
		text
			// eslint-disable-next-line no-control-regex
			.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu, ' ')
			.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
	);
}

/**
 * Makes mention syntax inert even where no markdown escape applies (footers): @everyone and @here
 * get a zero-width space, as does every `<@…>`, `<@&…>`, `<#…>` and `</…>` form.
 */
export function neutraliseMentions(text: string): string {
	return text.replace(/@(everyone|here)\b/giu, `@${ZWSP}$1`).replace(/<(?=[@#/:]|a:|t:)/gu, `<${ZWSP}`);
}

/**
 * Escapes Discord markdown so dataset text shows exactly as written: inline markers (\ * _ ~ ` | [ ] <)
 * everywhere and block markers (# > - + "1.") at the start of a line. Escaping `<` also turns any
 * `<@&123>`-style mention into plain text.
 */
export function escapeMarkdown(text: string): string {
	const inline = neutraliseMentions(clean(text).replace(/[\\*_~`|[\]<]/gu, '\\$&'));
	return inline.replace(/(^|\n)([ \t]*)([#>+-]|\d+(?=[.)]))/gu, (_m, start: string, ws: string, marker: string) =>
		/^\d/u.test(marker) ? `${start}${ws}${marker}\\` : `${start}${ws}\\${marker}`,
	);
}

/** `text` escaped and cut to at most `max` characters, ending in "…" when cut. */
export function fitEscaped(text: string, max: number): string {
	const full = escapeMarkdown(text);
	if (full.length <= max) return full;
	const points = [...text];
	let keep = Math.min(points.length, max - 1);
	for (;;) {
		const cut = `${escapeMarkdown(points.slice(0, keep).join('').trimEnd())}…`;
		if (cut.length <= max || keep === 0) return cut.length <= max ? cut : '…';
		keep -= Math.max(1, Math.ceil((cut.length - max) / 2));
	}
}

/** Cuts already-rendered text to `max`, on a code-point boundary and never after a lone backslash. */
function cutRendered(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = max - 1;
	if (/[\uDC00-\uDFFF]/u.test(text[end] ?? '')) end -= 1;
	let out = text.slice(0, end);
	while (/(?:^|[^\\])(?:\\\\)*\\$/u.test(out)) out = out.slice(0, -1);
	return `${out}…`;
}

function spanText(s: Span): string {
	if (s.mark === 'code') {
		// Inside code nothing is escaped, so the only danger is a backtick closing it early.
		const inner = neutraliseMentions(clean(s.text)).replace(/`/gu, 'ˋ');
		return inner.trim() ? `\`${inner}\`` : '';
	}
	const t = escapeMarkdown(s.text);
	if (!t.trim()) return t;
	const marked =
		s.mark === 'bold' || s.mark === 'match' ? `**${t}**` : s.mark === 'italic' ? `*${t}*` : s.mark === 'strike' ? `~~${t}~~` : t;
	return s.href && /^https?:\/\/\S+$/u.test(s.href) ? `[${marked}](${linkUrl(s.href)})` : marked;
}

function spansText(list: readonly Span[]): string {
	return list.map(spanText).join('');
}

/** Parentheses would end a markdown link early. */
function linkUrl(url: string): string {
	return url.replace(/\(/gu, '%28').replace(/\)/gu, '%29').replace(/\s/gu, '%20');
}

/** One block as description lines; null for blocks that are not lines (fields, headings). */
function blockLines(b: Block, i18n: Translator): string | null {
	const text = blockText(b, i18n, i18n.dir === 'rtl' ? isolate : (t) => t);
	return text === null ? null : directed(text, i18n);
}

function blockText(b: Block, i18n: Translator, iso: (text: string) => string): string | null {
	switch (b.kind) {
		case 'paragraph':
			return spansText(b.spans);
		case 'event': {
			const title = b.titleSpans ? iso(spansText(b.titleSpans)) : escapeMarkdown(iso(b.title));
			const actors = b.actors.length ? ` — ${b.actors.map((a) => escapeMarkdown(iso(a))).join(i18n.t('list.separator'))}` : '';
			const code = `\`${b.id.replace(/`/gu, '')}\``;
			// The id links to the event's page when the site has a public address (a masked link).
			const id = b.url && /^https?:\/\/[^\s()<>]+$/iu.test(b.url) ? `[${code}](${b.url})` : code;
			return `• **${escapeMarkdown(iso(b.date))}**  ${title}${actors}${STATUS_MARK[b.status]}  ${iso(id)}`;
		}
		case 'claim': {
			// The claimant always leads the line: the bot never speaks for anyone.
			const lead = escapeMarkdown(claimLead(b.by, b.stance, i18n));
			const quote = b.quote ? ` “${escapeMarkdown(iso(b.quote.text))}” (${escapeMarkdown(b.quote.lang)})` : '';
			const src = b.source
				? ` — [${escapeMarkdown(iso(b.source.publisher))}](${linkUrl(b.source.url)}) (${escapeMarkdown(iso(b.source.label))})`
				: '';
			return `• **${lead}:** ${iso(spansText(b.spans))}${quote}${src}`;
		}
		case 'sources':
			return b.sources
				.map((s) => {
					const label = escapeMarkdown(iso(s.title ? `${s.publisher}: ${s.title}` : s.publisher));
					return `• [${label}](${linkUrl(s.url)}) — ${escapeMarkdown(iso(s.label))}`;
				})
				.join('\n');
		case 'divider':
			return '─'.repeat(16);
		case 'heading':
		case 'fields':
			return null;
	}
}

interface Draft {
	title?: string;
	lines: string[];
	descLength: number;
	fields: APIEmbedField[];
}

/** Fills embeds and messages in order, opening a new one whenever the next piece would not fit. */
class Packer {
	readonly messages: Draft[][] = [[]];
	private total = 0;

	constructor(private readonly budget: number) {
		this.newEmbed();
	}

	private get message(): Draft[] {
		return this.messages.at(-1)!;
	}

	private get embed(): Draft {
		return this.message.at(-1)!;
	}

	private newMessage(): void {
		this.messages.push([]);
		this.total = 0;
		this.newEmbed();
	}

	private newEmbed(): void {
		if (this.message.length >= LIMITS.embeds) return this.newMessage();
		this.message.push({ lines: [], descLength: 0, fields: [] });
	}

	title(text: string, rtl = false): void {
		const t = rtl ? markRtlLines(fitEscaped(text, LIMITS.title - 1)) : fitEscaped(text, LIMITS.title);
		this.embed.title = t;
		this.total += t.length;
	}

	/** Adds a description line of at most LIMITS.description characters. */
	line(text: string, gapBefore = false): void {
		if (this.embed.fields.length) this.newEmbed();
		const sep = () => (this.embed.lines.length ? (gapBefore ? 2 : 1) : 0);
		if (this.embed.descLength + sep() + text.length > LIMITS.description) this.newEmbed();
		if (this.total + sep() + text.length > this.budget) this.newMessage();
		const s = sep();
		this.embed.lines.push(s === 2 ? `\n${text}` : text);
		this.embed.descLength += s + text.length;
		this.total += s + text.length;
	}

	field(name: string, value: string, inline: boolean): void {
		if (this.embed.fields.length >= LIMITS.fields) this.newEmbed();
		if (this.total + name.length + value.length > this.budget) this.newMessage();
		this.embed.fields.push({ name, value, inline });
		this.total += name.length + value.length;
	}
}

/** Splits a long rendered paragraph at line or word breaks into pieces of at most `max`. */
function splitLong(text: string, max: number): string[] {
	const out: string[] = [];
	let rest = text;
	while (rest.length > max) {
		let cut = Math.max(rest.lastIndexOf('\n', max), rest.lastIndexOf(' ', max));
		if (cut < max * 0.6) cut = max;
		if (/[\uDC00-\uDFFF]/u.test(rest[cut] ?? '')) cut -= 1;
		let piece = rest.slice(0, cut);
		while (/(?:^|[^\\])(?:\\\\)*\\$/u.test(piece)) piece = piece.slice(0, -1);
		out.push(piece);
		rest = rest.slice(piece.length).replace(/^[ \n]/u, '');
	}
	if (rest) out.push(rest);
	return out;
}

/** The footer line, if the reply pages. */
function footerText(reply: Reply, mode: 'buttons' | 'text', i18n: Translator): string | undefined {
	const p = reply.paging;
	if (!p) return undefined;
	const parts = [i18n.t(p.capped ? 'paging.footer.capped' : 'paging.footer', { page: p.page, pages: p.pages })];
	if (mode === 'text') {
		if (p.prev) parts.push(i18n.t('paging.previous', { line: p.prev }));
		if (p.next) parts.push(i18n.t('paging.next', { line: p.next }));
	}
	return cutRendered(neutraliseMentions(clean(directed(parts.join(' · '), i18n))), LIMITS.footer);
}

function safeFileName(name: string, fallback: string): string {
	const n = name.replace(/[^A-Za-z0-9._-]+/gu, '_').slice(-80);
	return n && n !== '.' && n !== '..' ? n : fallback;
}

/** Renders a reply as one or more messages, each within every Discord limit. Never empty. */
export function renderDiscord(reply: Reply, options: RenderOptions = {}): DiscordMessage[] {
	const i18n = createTranslator(reply.locale);
	const rtl = i18n.dir === 'rtl';
	// In a right-to-left reply a dataset value is isolated, and a title or field that needs it gets an
	// RLM; one character is kept in reserve for the mark.
	const iso = (t: string) => (rtl ? isolate(t) : t);
	const fit = (text: string, max: number) => directed(fitEscaped(text, max - (rtl ? 1 : 0)), i18n);
	const footer = footerText(reply, options.paging ?? 'buttons', i18n);
	const packer = new Packer(LIMITS.total - (footer?.length ?? 0));
	let first = true;
	for (const b of reply.blocks) {
		const isFirst = first;
		first = false;
		if (b.kind === 'heading') {
			if (isFirst) packer.title(b.text, rtl);
			else packer.line(directed(`**${fitEscaped(b.text, LIMITS.title)}**`, i18n), true);
			continue;
		}
		if (b.kind === 'fields') {
			for (const f of b.fields.slice(0, 200)) {
				const value = f.value.trim() ? fit(iso(f.value), LIMITS.fieldValue) : '—';
				packer.field(f.name.trim() ? fit(f.name, LIMITS.fieldName) : '—', value, value.length <= 60);
			}
			continue;
		}
		const text = blockLines(b, i18n);
		if (text === null || text === '') continue;
		// A paragraph may be split; an event, claim or source line is cut instead, so a claim never
		// loses its attribution to a page break.
		const pieces =
			b.kind === 'paragraph'
				? splitLong(text, LIMITS.description - (rtl ? 1 : 0)).map((p) => directed(p, i18n))
				: text.split('\n').map((l) => cutRendered(l, LIMITS.description));
		for (const piece of pieces) packer.line(piece);
	}

	const messages: DiscordMessage[] = packer.messages
		.map((drafts) =>
			drafts
				.filter((d) => d.title !== undefined || d.lines.length > 0 || d.fields.length > 0)
				.map((d): APIEmbed => ({
					color: COLOR,
					...(d.title !== undefined ? { title: d.title } : {}),
					...(d.lines.length ? { description: d.lines.join('\n') } : {}),
					...(d.fields.length ? { fields: d.fields } : {}),
				})),
		)
		.filter((embeds) => embeds.length > 0)
		.map((embeds) => ({ embeds, files: [] as DiscordFile[] }));
	if (messages.length === 0)
		messages.push({ embeds: [{ color: COLOR, description: escapeMarkdown(i18n.t('discord.nothing')) }], files: [] });
	if (footer) {
		const lastEmbeds = messages.at(-1)!.embeds;
		lastEmbeds[lastEmbeds.length - 1] = { ...lastEmbeds.at(-1)!, footer: { text: footer } };
	}

	const head = messages[0]!;
	for (const [i, img] of (reply.images ?? []).entries()) {
		if (head.files.length >= LIMITS.files) break;
		const name = safeFileName(img.name.endsWith('.png') ? img.name : `${img.name}.png`, `image-${i + 1}.png`);
		head.files.push({ name, data: img.png, description: clean(img.alt).slice(0, 1000) });
		if (head.embeds.length < LIMITS.embeds) head.embeds.push({ color: COLOR, image: { url: `attachment://${name}` } });
	}
	if (reply.file && head.files.length < LIMITS.files)
		head.files.push({ name: safeFileName(reply.file.name, 'export.txt'), data: reply.file.content });
	return messages;
}

/** Characters Discord counts toward the 6000 limit of one message. */
export function embedTextLength(embeds: readonly APIEmbed[]): number {
	let n = 0;
	for (const e of embeds) {
		n += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
		for (const f of e.fields ?? []) n += f.name.length + f.value.length;
	}
	return n;
}

/** Every limit one message's embeds break; empty when Discord would accept them. */
export function limitProblems(embeds: readonly APIEmbed[]): string[] {
	const out: string[] = [];
	if (embeds.length > LIMITS.embeds) out.push(`${embeds.length} embeds (max ${LIMITS.embeds})`);
	const total = embedTextLength(embeds);
	if (total > LIMITS.total) out.push(`${total} characters across embeds (max ${LIMITS.total})`);
	embeds.forEach((e, i) => {
		if ((e.title?.length ?? 0) > LIMITS.title) out.push(`embed ${i}: title ${e.title!.length}`);
		if ((e.description?.length ?? 0) > LIMITS.description) out.push(`embed ${i}: description ${e.description!.length}`);
		if ((e.footer?.text.length ?? 0) > LIMITS.footer) out.push(`embed ${i}: footer ${e.footer!.text.length}`);
		if ((e.fields?.length ?? 0) > LIMITS.fields) out.push(`embed ${i}: ${e.fields!.length} fields`);
		for (const f of e.fields ?? []) {
			if (f.name.length > LIMITS.fieldName || f.name.length === 0) out.push(`embed ${i}: field name ${f.name.length}`);
			if (f.value.length > LIMITS.fieldValue || f.value.length === 0) out.push(`embed ${i}: field value ${f.value.length}`);
		}
		if (!e.title && !e.description && !e.fields?.length && !e.image) out.push(`embed ${i} is empty`);
	});
	return out;
}
