/**
 * Plain-text renderer for the console and the CLI. Dataset text is printed as text; control
 * characters were removed at load and are removed again here, so nothing can drive the terminal.
 */
import type { EventStatus } from '../dataset/model.js';
import { claimLead } from '../core/present.js';
import type { Block, Paging, Reply, Span } from '../core/reply.js';
import { createTranslator, type Translator } from '../i18n/translator.js';

export const STATUS_MARK: Record<EventStatus, string> = { confirmed: '', reported: ' ◌', disputed: ' ⚠', corrected: ' ✎' };

/** Dataset text with control characters (escape sequences included) turned into spaces. */
export function cleanText(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu, ' ');
}

function spans(list: readonly Span[]): string {
	return list
		.map((s) => {
			const t = cleanText(s.text);
			if (s.mark === 'bold' || s.mark === 'match') return `*${t}*`;
			if (s.mark === 'italic') return `_${t}_`;
			if (s.mark === 'strike') return `~${t}~`;
			if (s.mark === 'code') return `\`${t}\``;
			return s.href ? `${t} <${s.href}>` : t;
		})
		.join('');
}

const EN = createTranslator('en');

/** "TASS — Russian state media": every source is shown with its outlet's label. */
function byline(s: { publisher: string; label: string }, i18n: Translator): string {
	return cleanText(i18n.t('outlet.byline', { publisher: s.publisher, label: s.label }));
}

/** One block as plain text; the renderer's own words in the language of `i18n`. */
export function renderBlock(b: Block, i18n: Translator = EN): string {
	switch (b.kind) {
		case 'heading':
			return `\n## ${cleanText(b.text)}`;
		case 'paragraph':
			return spans(b.spans);
		case 'event': {
			const title = b.titleSpans ? spans(b.titleSpans) : cleanText(b.title);
			const actors = b.actors.length ? ` — ${b.actors.map(cleanText).join(i18n.t('list.separator'))}` : '';
			return `• ${cleanText(b.date)}  ${title}${actors}${STATUS_MARK[b.status]}  [${b.id}]`;
		}
		case 'claim': {
			const quote = b.quote ? ` “${cleanText(b.quote.text)}” (${b.quote.lang})` : '';
			const src = b.source ? ` (${byline(b.source, i18n)} <${b.source.url}>)` : '';
			return `• ${claimLead(cleanText(b.by), b.stance, i18n)}: ${spans(b.spans)}${quote}${src}`;
		}
		case 'fields':
			return b.fields.map((f) => `${cleanText(f.name)}: ${cleanText(f.value)}`).join('\n');
		case 'sources':
			return b.sources.map((s) => `- ${byline(s, i18n)}${s.title ? `: ${cleanText(s.title)}` : ''} <${s.url}>`).join('\n');
		case 'divider':
			return '—'.repeat(20);
	}
}

/** "Page 1 of 4 · next: /timeline page:2": where the other pages are, as a text interface shows it. */
export function pagingLine(p: Paging, i18n: Translator): string {
	return [
		i18n.t(p.capped ? 'paging.footer.capped' : 'paging.footer', { page: p.page, pages: p.pages }),
		...(p.prev ? [i18n.t('paging.previous', { line: p.prev })] : []),
		...(p.next ? [i18n.t('paging.next', { line: p.next })] : []),
	].join(' · ');
}

/** The whole reply as text, with paging and attachments described at the end. */
export function renderPlainText(reply: Reply, extras: { imagePaths?: readonly string[] } = {}): string {
	const i18n = createTranslator(reply.locale);
	const lines = reply.blocks.map((b) => renderBlock(b, i18n));
	if (reply.paging) lines.push(`\n${pagingLine(reply.paging, i18n)}`);
	// The web page for what was asked: a plain line, the console has no buttons.
	if (reply.link) lines.push(`\n${reply.link.label}: ${reply.link.url}`);
	for (const path of extras.imagePaths ?? []) lines.push(i18n.t(/\.png$/u.test(path) ? 'plain.imageSaved' : 'plain.fileSaved', { path }));
	return lines.join('\n').replace(/^\n+/u, '');
}
