/**
 * The web renderer: a Reply (the same blocks the chat platforms render) becomes HTML. Every piece of
 * dataset text is escaped by the `html` template; names, titles and ids sit in <bdi> so that a
 * Latin title inside a Persian page keeps its order. Event lines link to their pages, claims are
 * grouped under whoever makes them, and pictures are inlined as SVG with their alt text.
 */
import { claimLead } from '../core/present.js';
import type { Block, ImageAttachment, Reply, Span } from '../core/reply.js';
import { eventPath } from '../core/web-links.js';
import type { Translator } from '../i18n/translator.js';
import { STATUS_MARK } from '../render/plain-text.js';
import { html, safeHref, trusted, type Html } from './html.js';

/** Builds the in-site address of a path, keeping the page's language. */
export type SiteHref = (path: string) => string;

function spans(list: readonly Span[]): Html {
	return html`${list.map((s) => {
		const href = s.href ? safeHref(s.href) : undefined;
		const inner = href ? html`<a href="${href}" rel="nofollow noopener">${s.text}</a>` : html`${s.text}`;
		if (s.mark === 'bold') return html`<strong>${inner}</strong>`;
		if (s.mark === 'italic') return html`<em>${inner}</em>`;
		if (s.mark === 'code') return html`<code>${inner}</code>`;
		if (s.mark === 'match') return html`<mark>${inner}</mark>`;
		return inner;
	})}`;
}

function external(text: string, url: string): Html {
	const href = safeHref(url);
	return href ? html`<a href="${href}" rel="nofollow noopener"><bdi>${text}</bdi></a>` : html`<bdi>${text}</bdi>`;
}

function eventItem(b: Extract<Block, { kind: 'event' }>, i18n: Translator, href: SiteHref): Html {
	const title = b.titleSpans ? spans(b.titleSpans) : html`${b.title}`;
	const actors = b.actors.length
		? html` <span class="actors">— ${b.actors.map((a, i) => html`${i ? i18n.t('list.separator') : ''}<bdi>${a}</bdi>`)}</span>`
		: '';
	const marker = STATUS_MARK[b.status].trim();
	return html`<li class="event status-${b.status}"><span class="date">${b.date}</span> <a href="${href(eventPath(b.id))}"><bdi>${title}</bdi></a>${actors}${
		marker ? html` <span class="marker" title="${i18n.t(`status.${b.status}`)}">${marker}</span>` : ''
	}</li>`;
}

function claimItem(b: Extract<Block, { kind: 'claim' }>, i18n: Translator): Html {
	const quote = b.quote ? html` <q lang="${b.quote.lang}" dir="auto">${b.quote.text}</q>` : '';
	const src = b.source
		? html` <span class="source">— ${external(b.source.publisher, b.source.url)} <span class="outlet-label">(${b.source.label})</span></span>`
		: '';
	return html`<li class="claim stance-${b.stance}"><strong>${claimLead(b.by, b.stance, i18n)}</strong>: <span dir="auto">${spans(b.spans)}</span>${quote}${src}</li>`;
}

function single(b: Block, level: number): Html {
	switch (b.kind) {
		case 'heading':
			return level === 1 ? html`<h1>${b.text}</h1>` : html`<h2>${b.text}</h2>`;
		case 'paragraph':
			return html`<p>${spans(b.spans)}</p>`;
		case 'fields':
			return html`<dl class="fields">${b.fields.map((f) => html`<div><dt>${f.name}</dt><dd><bdi>${f.value}</bdi></dd></div>`)}</dl>`;
		case 'sources':
			return html`<ul class="sources">${b.sources.map(
				(s) =>
					html`<li>${external(s.publisher, s.url)} <span class="outlet-label">— ${s.label}</span>${s.title ? html`: <bdi>${s.title}</bdi>` : ''}</li>`,
			)}</ul>`;
		case 'divider':
			return html`<hr>`;
		default:
			return html``;
	}
}

/**
 * The reply's blocks as HTML. The first heading is the page's <h1>; runs of event lines become one
 * list, runs of claims one list per claimant under a heading naming them.
 */
export function renderBlocks(reply: Reply, i18n: Translator, href: SiteHref): Html {
	const out: Html[] = [];
	const blocks = reply.blocks;
	let headings = 0;
	for (let i = 0; i < blocks.length;) {
		const b = blocks[i]!;
		if (b.kind === 'event') {
			const items: Html[] = [];
			for (; i < blocks.length && blocks[i]!.kind === 'event'; i++)
				items.push(eventItem(blocks[i] as Extract<Block, { kind: 'event' }>, i18n, href));
			out.push(html`<ol class="events">${items}</ol>`);
			continue;
		}
		if (b.kind === 'claim') {
			const by = b.by;
			const items: Html[] = [];
			for (; i < blocks.length && blocks[i]!.kind === 'claim' && (blocks[i] as Extract<Block, { kind: 'claim' }>).by === by; i++) {
				items.push(claimItem(blocks[i] as Extract<Block, { kind: 'claim' }>, i18n));
			}
			out.push(html`<section class="claimant"><h3>${i18n.t('web.claims.by', { by })}</h3><ul class="claims">${items}</ul></section>`);
			continue;
		}
		if (b.kind === 'heading') headings++;
		out.push(single(b, headings));
		i++;
	}
	return html`${out}`;
}

/** The reply's pictures, inlined as SVG (the builders of src/images escape what they draw) with their alt text. */
export function renderFigures(images: readonly ImageAttachment[] | undefined): Html {
	return html`${(images ?? [])
		.filter((img) => img.svg)
		.map(
			(img) =>
				html`<figure class="picture"><div role="img" aria-label="${img.alt}">${trusted(stripSvgProlog(img.svg!))}</div><figcaption class="alt">${img.alt}</figcaption></figure>`,
		)}`;
}

/** Inline SVG in HTML takes no XML declaration. */
function stripSvgProlog(svg: string): string {
	return svg.replace(/^<\?xml[^>]*\?>\s*/u, '');
}
