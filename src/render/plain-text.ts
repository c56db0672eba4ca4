/**
 * Plain-text renderer for the console and the CLI. Dataset text is printed as text; control
 * characters were removed at load and are removed again here, so nothing can drive the terminal.
 */
import type { EventStatus } from '../dataset/model.js';
import { claimLead } from '../core/present.js';
import type { Block, Reply, Span } from '../core/reply.js';
import { createTranslator, type Translator } from '../i18n/translator.js';

export const STATUS_MARK: Record<EventStatus, string> = { confirmed: '', reported: ' ◌', disputed: ' ⚠', corrected: ' ✎' };


function clean(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu, ' ');
}

function spans(list: readonly Span[]): string {
	return list
		.map((s) => {
			const t = clean(s.text);
			if (s.mark === 'bold' || s.mark === 'match') return `*${t}*`;
			if (s.mark === 'italic') return `_${t}_`;
			if (s.mark === 'strike') return `~${t}~`;
			if (s.mark === 'code') return `\`${t}\``;
			return s.href ? `${t} <${s.href}>` : t;
		})
		.join('');
}

const EN = createTranslator('en');

function affiliation(a: string, i18n: Translator): string {
	return a === 'state-affiliated' || a === 'party' ? ` [${i18n.t(`affiliation.short.${a}`)}]` : '';
}

/** One block as plain text; the renderer's own words in the language of `i18n`. */
export function renderBlock(b: Block, i18n: Translator = EN): string {
	switch (b.kind) {
		case 'heading':
			return `\n## ${clean(b.text)}`;
		case 'paragraph':
			return spans(b.spans);
		case 'event': {
			const title = b.titleSpans ? spans(b.titleSpans) : clean(b.title);
			const actors = b.actors.length ? ` — ${b.actors.map(clean).join(i18n.t('list.separator'))}` : '';
			return `• ${clean(b.date)}  ${title}${actors}${STATUS_MARK[b.status]}  [${b.id}]`;
		}
		case 'claim': {
			const quote = b.quote ? ` “${clean(b.quote.text)}” (${b.quote.lang})` : '';
			const src = b.source ? ` (${clean(b.source.publisher)} <${b.source.url}>)` : '';
			return `• ${claimLead(clean(b.by), b.stance, i18n)}: ${spans(b.spans)}${quote}${src}`;
		}
		case 'fields':
			return b.fields.map((f) => `${clean(f.name)}: ${clean(f.value)}`).join('\n');
		case 'sources':
			return b.sources
				.map((s) => `- ${clean(s.publisher)}${s.title ? `: ${clean(s.title)}` : ''} <${s.url}>${affiliation(s.affiliation, i18n)}`)
				.join('\n');
		case 'divider':
			return '—'.repeat(20);
	}
}

/** The whole reply as text, with paging and attachments described at the end. */
export function renderPlainText(reply: Reply, extras: { imagePaths?: readonly string[] } = {}): string {
	const i18n = createTranslator(reply.locale);
	const lines = reply.blocks.map((b) => renderBlock(b, i18n));
	if (reply.paging) {
		const p = reply.paging;
		const nav = [
			i18n.t('paging.footer', { page: p.page, pages: p.pages }),
			...(p.prev ? [i18n.t('paging.previous', { line: p.prev })] : []),
			...(p.next ? [i18n.t('paging.next', { line: p.next })] : []),
		];
		lines.push(`\n${nav.join(' · ')}`);
	}
	for (const path of extras.imagePaths ?? []) lines.push(i18n.t(/\.png$/u.test(path) ? 'plain.imageSaved' : 'plain.fileSaved', { path }));
	return lines.join('\n').replace(/^\n+/u, '');
}
