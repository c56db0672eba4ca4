/**
 * The site's pages made from the commands' own answers: a command run as the site's reader and its
 * reply rendered as HTML, with the timeline's pager and an event's history around it.
 */
import type { Place, Requester } from '../core/command.js';
import type { Core, HandleResult } from '../core/dispatch.js';
import { parsePartialDate } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { localDigits } from '../i18n/format.js';
import type { Translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { EventVersionStore } from '../store/store.js';
import type { VersionTimes } from '../briefing/version-times.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { renderBlocks, renderFigures } from './render-html.js';
import { HTML, PageError, STYLESHEET, type Page, type PageRequest } from './site-request.js';

export const WEB_REQUESTER: Requester = {
	platform: 'console',
	userId: 'web',
	displayName: 'web reader',
	isChannelAdmin: false,
	isOwner: false,
};
export const WEB_PLACE: Place = { platform: 'console', channelId: 'web', kind: 'console' };

/** Runs a command as the site's reader and renders its answer, or the error it gave, as a page. */
export async function commandPage(
	core: Core,
	r: PageRequest,
	command: string,
	opts: Record<string, string>,
	pageTitle: (result: HandleResult) => string,
	extra?: (result: HandleResult) => Html,
): Promise<Page> {
	const result = await core.handle({ command, options: opts, requester: WEB_REQUESTER, place: WEB_PLACE, locale: r.lang });
	const kind = result.outcome.kind;
	const status =
		kind === 'ok'
			? 200
			: kind === 'user_error'
				? result.outcome.kind === 'user_error' && result.outcome.code === 'NOT_FOUND'
					? 404
					: 400
				: 500;
	const body = html`${status === 200 ? '' : html`<h1>${r.i18n.t('web.error.title')}</h1>`}<div class="${status === 200 ? 'answer' : 'answer error'}">${renderBlocks(result.reply, r.i18n, r.href)}</div>${renderFigures(result.reply.images)}${extra && status === 200 ? extra(result) : ''}`;
	return {
		status,
		type: HTML,
		body: layout({
			i18n: r.i18n,
			title: status === 200 ? pageTitle(result) : r.i18n.t('web.error.title'),
			storyTitle: r.i18n.content(r.dataset.story.title, r.dataset.story.titles),
			stylesheet: STYLESHEET,
			body,
			here: { path: r.url.pathname, params: r.params },
			href: r.href,
			...(command === 'search' ? { searchValue: opts['query'] ?? '' } : {}),
			...(command === 'timeline' ? { feed: r.href(`/feed.atom${feedQuery(r.params)}`) } : {}),
		}).value,
	};
}

/** The answer's first heading, the page's title; `fallback` when it has none. */
export function firstHeading(result: HandleResult, fallback: string): string {
	const h = result.reply.blocks.find((b) => b.kind === 'heading');
	return h && h.kind === 'heading' ? h.text : fallback;
}

/** A command's options from a page's query parameters (`names` maps option to parameter). */
export function optionsFrom(params: URLSearchParams, names: Readonly<Record<string, string>>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [option, param] of Object.entries(names)) {
		const v = params.get(param);
		if (v !== null && v !== '') out[option] = v;
	}
	return out;
}

/** The id in a page's path; a malformed escape is a 404 like any unknown id. */
export function decodePathId(raw: string, i18n: Translator): string {
	try {
		return decodeURIComponent(raw);
	} catch {
		throw new PageError(404, i18n.t('web.error.notFound'), i18n.t('web.error.notFound.hint', { url: '/timeline' }));
	}
}

/** The query of the Atom feed for a timeline page: its filters, without paging. */
export function feedQuery(params: URLSearchParams): string {
	const p = new URLSearchParams();
	for (const k of ['text', 'from', 'to', 'actor', 'tag', 'status']) {
		const v = params.get(k);
		if (v) p.set(k, v);
	}
	const q = p.toString();
	return q ? `?${q}` : '';
}

/** Links to the previous and next pages of a paged timeline. */
export function pager(result: HandleResult, r: { params: URLSearchParams; href: (path: string) => string; i18n: Translator }): Html {
	const paging = result.reply.paging;
	if (!paging) return html``;
	const link = (page: number) => {
		const p = new URLSearchParams(r.params);
		p.set('page', String(page));
		return r.href(`/timeline?${p.toString()}`);
	};
	// A capped count is a lower bound: "page 3 of 10+", and there may be a page after the last counted.
	const where = r.i18n.t(paging.capped ? 'web.page.capped' : 'web.page', { page: paging.page, pages: paging.pages });
	return html`<nav class="pages" aria-label="${where}"><ul>
<li>${paging.page > 1 ? html`<a rel="prev" href="${link(paging.page - 1)}">${r.i18n.t('web.page.previous')}</a>` : ''}</li>
<li>${where}</li>
<li>${paging.page < paging.pages || paging.capped ? html`<a rel="next" href="${link(paging.page + 1)}">${r.i18n.t('web.page.next')}</a>` : ''}</li>
</ul></nav>`;
}

/** An event's history on this site: when it first appeared and when its current version did. */
export function historySection(i18n: Translator, times: VersionTimes | undefined, id: string): Html {
	const introduced = times?.introduced(id);
	const current = times?.firstSeen(id);
	if (!introduced) return html``;
	// The day as the bot writes dates, then the UTC time, in the reader's digits.
	const when = (iso: string) => {
		const day = parsePartialDate(iso.slice(0, 10));
		return `${day.ok ? i18n.date(day.value) : iso.slice(0, 10)} ${localDigits(i18n.locale, iso.slice(11, 16))} UTC`;
	};
	return html`<h2>${i18n.t('web.history')}</h2><ul class="history">
<li>${i18n.t('web.history.introduced', { time: when(introduced) })}</li>
<li>${current && current !== introduced ? i18n.t('web.history.changed', { time: when(current) }) : i18n.t('web.history.unchanged')}</li>
</ul>`;
}

/**
 * When each event's versions were first seen, per snapshot, read from the store once a minute at
 * most: a page view must not cost a scan of the versions table.
 */
export class HistoryCache {
	private entry?: { snapshot: DatasetSnapshot; at: number; times: Promise<VersionTimes | undefined> };
	constructor(
		private readonly store: EventVersionStore | undefined,
		private readonly logger: Logger,
	) {}

	of(snapshot: DatasetSnapshot): Promise<VersionTimes | undefined> {
		if (!this.store) return Promise.resolve(undefined);
		const now = Date.now();
		if (this.entry && this.entry.snapshot === snapshot && now - this.entry.at < 60_000) return this.entry.times;
		const store = this.store;
		const times = store
			.versionTimes(snapshot)
			.then((t): VersionTimes | undefined => t)
			.catch((err: unknown) => {
				this.logger.warn({ err }, 'Could not read event versions; pages show no history');
				return undefined;
			});
		this.entry = { snapshot, at: now, times };
		return times;
	}
}
