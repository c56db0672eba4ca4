/**
 * The read-only web site: the timeline (with /timeline's filters in the URL), event, actor, search
 * and briefing pages, and the feeds. Pages are the commands' own answers (run through a Core of
 * their own, so a filter in the URL selects exactly what the command selects) rendered as HTML.
 *
 * Safe by default: only GET and HEAD; every parameter checked (unknown, repeated or too long gives a
 * 400 that says what to change); dataset text escaped; a strict Content-Security-Policy with no
 * script at all; no stack trace ever reaches the client. Responses carry an ETag made from the
 * dataset version, so a reader's refresh after a reload gets the new page and a repeat costs a 304.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import type { Core, HandleResult } from '../core/dispatch.js';
import type { Place, Requester } from '../core/command.js';
import { UserFacingError } from '../core/errors.js';
import { PAGE_PARAMS, actorPath, eventPath } from '../core/web-links.js';
import { parsePartialDate } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { localDigits } from '../i18n/format.js';
import { chooseLocale, isLocale, toLocale, type Locale } from '../i18n/locale.js';
import { createTranslator, type Translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { EventVersionStore } from '../store/store.js';
import { atomFeed, feedCandidates, type FeedEntryTimes } from './feeds.js';
import { html, type Html } from './html.js';
import { layout, withLang } from './layout.js';
import { renderBlocks, renderFigures } from './render-html.js';
import { exportDataset } from '../interop/index.js';
import { timelineFilter } from '../../commands/timeline.js';

export interface SiteOptions {
	/**
	 * A Core for the site: the same registry and dataset as the bot's, no chat settings, pictures as
	 * SVG (`services: { images: 'svg' }`) and no public URL (pages link within the site themselves).
	 */
	readonly core: Core;
	readonly logger: Logger;
	/** When each event version was first seen: the event pages' history and the Atom feed's dates. */
	readonly eventVersions?: EventVersionStore;
	/** The address readers use (SITREP_PUBLIC_URL), for the feed's absolute links; else the request's origin. */
	readonly publicUrl?: string;
}

const UTF8 = new TextEncoder();

/** Longest accepted request target (path and query). */
export const MAX_URL = 1024;
/** Rendered pages kept per dataset version. */
const PAGE_CACHE = 256;

const CSS = readFileSync(new URL('./assets/site.css', import.meta.url), 'utf8');
const CSS_HASH = createHash('sha256').update(CSS).digest('hex').slice(0, 16);
/** The stylesheet's address: its content hash in the name, so it can be cached for good. */
export const STYLESHEET = `/assets/site.${CSS_HASH}.css`;

/** No script at all, styles only from the site's own stylesheet. */
export const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const WEB_REQUESTER: Requester = { platform: 'console', userId: 'web', displayName: 'web reader', isChannelAdmin: false, isOwner: false };
const WEB_PLACE: Place = { platform: 'console', channelId: 'web', kind: 'console' };

/** An answer the site sends; cached by URL, language and dataset version. */
interface Page {
	readonly status: 200 | 301 | 400 | 404 | 500;
	readonly body: string;
	/** The body as UTF-8, once cached. */
	readonly bytes?: Uint8Array<ArrayBuffer>;
	readonly type: string;
	readonly location?: string;
}

class PageError extends Error {
	constructor(
		readonly status: 400 | 404,
		readonly text: string,
		readonly hint?: string,
	) {
		super(text);
	}
}

/** Builds the site's Hono app. Mount it with {@link startWebServer} (server.ts). */
export function createSite(options: SiteOptions): Hono {
	const app = new Hono();
	const { core, logger } = options;
	let cacheVersion = '';
	// Promises, so that concurrent requests for a page not built yet wait for one build (an export
	// of a big dataset takes a while) instead of each starting their own.
	const cache = new Map<string, Promise<Page>>();
	const history = new HistoryCache(options.eventVersions, logger);

	app.use('*', async (c, next) => {
		c.header('Content-Security-Policy', CSP);
		c.header('X-Content-Type-Options', 'nosniff');
		c.header('Referrer-Policy', 'no-referrer');
		c.header('X-Frame-Options', 'DENY');
		if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
			c.header('Allow', 'GET, HEAD');
			return c.text(createTranslator(acceptLanguage(c.req.header('accept-language'))).t('web.error.method'), 405);
		}
		return next();
	});

	app.get(STYLESHEET, (c) => {
		c.header('Cache-Control', 'public, max-age=31536000, immutable');
		return fresh(c, `"${CSS_HASH}"`) ?? c.body(CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', ETag: `"${CSS_HASH}"` });
	});

	/**
	 * Serves a page of the site: checks the request, picks the language, answers from the cache or
	 * builds the page. `allowed` lists the query parameters the page takes besides `lang`.
	 */
	const serve =
		(allowed: readonly string[], build: (r: PageRequest) => Promise<Page>, sameInEveryLanguage = false) =>
		async (c: Context) => {
			const url = new URL(c.req.url);
			const dataset = core.dataset();
			let i18n: Translator = createTranslator(acceptLanguage(c.req.header('accept-language')));
			const day = core.now().toISOString().slice(0, 10);
			try {
				const params = checkParams(url, allowed, i18n);
				const langParam = params.get('lang');
				const lang: Locale = langParam !== null ? (langParam as Locale) : i18n.locale;
				i18n = createTranslator(lang);
				if (langParam === null) c.header('Vary', 'Accept-Language');
				params.delete('lang');
				const etag = `W/"${dataset.version}.${lang}.${day}.${CSS_HASH}"`;
				const notModified = fresh(c, etag);
				if (notModified) return notModified;
				if (cacheVersion !== dataset.version) {
					cache.clear();
					cacheVersion = dataset.version;
				}
				// The origin is part of the key: without a public URL the feed's links follow the Host header,
				// and one reader's Host must not end up in another's feed.
				const key = `${sameInEveryLanguage ? '*' : lang} ${day} ${url.origin}${url.pathname}?${params.toString()}`;
				let pending = cache.get(key);
				if (!pending) {
					// Kept encoded: a cached page is sent as bytes, not re-encoded on every request.
					pending = build({ url, params, lang, i18n, dataset, href: siteHref(lang) }).then((p) => ({
						...p,
						bytes: UTF8.encode(p.body),
					}));
					cache.set(key, pending);
					// A failed build is not kept: the next request tries again.
					pending.catch(() => cache.get(key) === pending && cache.delete(key));
					while (cache.size > PAGE_CACHE) cache.delete(cache.keys().next().value!);
				}
				const page = await pending;
				// An internal failure may be passing: it is answered, not kept.
				if (page.status >= 500 && cache.get(key) === pending) cache.delete(key);
				if (page.location) return c.redirect(page.location, 301);
				if (page.status === 200) {
					c.header('ETag', etag);
					c.header('Cache-Control', 'public, max-age=0, must-revalidate');
				}
				const bytes = page.bytes ?? UTF8.encode(page.body);
				return c.body(bytes, page.status, { 'Content-Type': page.type, 'Content-Length': String(bytes.byteLength) });
			} catch (err) {
				if (err instanceof PageError) return c.html(errorPage(i18n, err.text, err.hint, dataset, url), err.status);
				throw err;
			}
		};

	interface PageRequest {
		readonly url: URL;
		readonly params: URLSearchParams;
		readonly lang: Locale;
		readonly i18n: Translator;
		readonly dataset: DatasetSnapshot;
		readonly href: (path: string) => string;
	}

	const HTML = 'text/html; charset=utf-8';

	/** Runs a command as the site's reader and renders its answer, or the error it gave, as a page. */
	const commandPage = async (
		r: PageRequest,
		command: string,
		opts: Record<string, string>,
		pageTitle: (result: HandleResult) => string,
		extra?: (result: HandleResult) => Html,
	): Promise<Page> => {
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
	};

	const firstHeading = (result: HandleResult, fallback: string) => {
		const h = result.reply.blocks.find((b) => b.kind === 'heading');
		return h && h.kind === 'heading' ? h.text : fallback;
	};

	const optionsFrom = (params: URLSearchParams, names: Readonly<Record<string, string>>): Record<string, string> => {
		const out: Record<string, string> = {};
		for (const [option, param] of Object.entries(names)) {
			const v = params.get(param);
			if (v !== null && v !== '') out[option] = v;
		}
		return out;
	};

	// Browsers ask for an icon on their own; the site has none, and says so without a 404.
	app.get('/favicon.ico', (c) => {
		c.header('Cache-Control', 'public, max-age=86400');
		return c.body(null, 204);
	});

	app.get('/', (c) => c.redirect(`/timeline${new URL(c.req.url).search}`, 302));

	const timelineParams = Object.values(PAGE_PARAMS.timeline);
	app.get(
		'/timeline',
		serve(timelineParams, (r) =>
			commandPage(
				r,
				'timeline',
				optionsFrom(r.params, PAGE_PARAMS.timeline),
				(res) => firstHeading(res, r.i18n.t('web.nav.timeline')),
				(res) => pager(res, r),
			),
		),
	);

	app.get(
		'/events/:id',
		serve([], async (r) => {
			const id = decodePathId(r.url.pathname.slice('/events/'.length), r.i18n);
			const event = r.dataset.event(id);
			if (!event) {
				// A title or an old spelling that the command resolves to one event: send the reader to its address.
				const result = await core.handle({
					command: 'event',
					options: { id },
					requester: WEB_REQUESTER,
					place: WEB_PLACE,
					locale: r.lang,
				});
				const found = result.outcome.kind === 'ok' ? result.reply.blocks.find((b) => b.kind === 'fields') : undefined;
				const resolved = found && found.kind === 'fields' ? found.fields.at(-1)?.value : undefined;
				if (resolved && r.dataset.event(resolved))
					return { status: 301, body: '', type: HTML, location: r.href(eventPath(resolved)) };
				return commandPage(r, 'event', { id }, () => id);
			}
			const times = await history.of(r.dataset);
			return commandPage(
				r,
				'event',
				{ id },
				(res) => firstHeading(res, id),
				() => historySection(r.i18n, times, id),
			);
		}),
	);

	app.get(
		'/actors/:id',
		serve([], async (r) => {
			const id = decodePathId(r.url.pathname.slice('/actors/'.length), r.i18n);
			if (!r.dataset.actor(id)) {
				const m = r.dataset.resolveActor(id);
				if (m.kind === 'found') return { status: 301, body: '', type: HTML, location: r.href(actorPath(m.actor.id)) };
			}
			return commandPage(r, 'actor', { name: id }, (res) => firstHeading(res, id));
		}),
	);

	app.get(
		'/search',
		serve(Object.values(PAGE_PARAMS.search), (r) => {
			const opts = optionsFrom(r.params, PAGE_PARAMS.search);
			if (!opts['query']?.trim()) {
				return Promise.resolve({
					status: 200 as const,
					type: HTML,
					body: layout({
						i18n: r.i18n,
						title: r.i18n.t('web.nav.search'),
						storyTitle: r.i18n.content(r.dataset.story.title, r.dataset.story.titles),
						stylesheet: STYLESHEET,
						body: html`<h1>${r.i18n.t('web.nav.search')}</h1><p>${r.i18n.t('web.search.empty')}</p>`,
						here: { path: r.url.pathname, params: r.params },
						href: r.href,
					}).value,
				});
			}
			return commandPage(r, 'search', opts, (res) => firstHeading(res, r.i18n.t('web.nav.search')));
		}),
	);

	app.get(
		'/briefing',
		serve(Object.values(PAGE_PARAMS.briefing), (r) =>
			commandPage(r, 'briefing', optionsFrom(r.params, PAGE_PARAMS.briefing), (res) =>
				firstHeading(res, r.i18n.t('web.nav.briefing')),
			),
		),
	);

	const feedParams = ['text', 'from', 'to', 'actor', 'tag', 'status'];
	app.get(
		'/feed.atom',
		serve(feedParams, async (r) => {
			const opts = optionsFrom(r.params, PAGE_PARAMS.timeline);
			let filter;
			try {
				filter = timelineFilter(core.resolveArgs('timeline', opts, r.dataset) as Parameters<typeof timelineFilter>[0]);
			} catch (err) {
				if (err instanceof UserFacingError)
					throw new PageError(err.code === 'NOT_FOUND' ? 404 : 400, err.messageText(r.i18n), err.hintText(r.i18n));
				throw err;
			}
			const base = options.publicUrl ?? r.url.origin;
			const times = await history.of(r.dataset);
			const selfPath = `/feed.atom${feedQuery(r.params)}`;
			return {
				status: 200,
				type: 'application/atom+xml; charset=utf-8',
				body: atomFeed({
					dataset: r.dataset,
					events: feedCandidates(r.dataset, filter, times),
					i18n: r.i18n,
					base,
					self: withLang(selfPath.split('?')[0]!, r.params, r.lang),
					times,
				}),
			};
		}),
	);

	app.get(
		'/calendar.ics',
		serve(
			[],
			(r) => {
				const ex = exportDataset(r.dataset, 'ics');
				return Promise.resolve({ status: 200, type: 'text/calendar; charset=utf-8', body: ex.content });
			},
			true,
		),
	);

	app.get(
		'/export.json',
		serve(
			[],
			(r) => {
				const ex = exportDataset(r.dataset, 'timelinejs');
				return Promise.resolve({ status: 200, type: 'application/json; charset=utf-8', body: ex.content });
			},
			true,
		),
	);

	app.notFound((c) => {
		const i18n = createTranslator(
			chooseLocale(new URL(c.req.url).searchParams.get('lang'), acceptLanguage(c.req.header('accept-language'))),
		);
		return c.html(
			errorPage(
				i18n,
				i18n.t('web.error.notFound'),
				i18n.t('web.error.notFound.hint', { url: '/timeline' }),
				core.dataset(),
				new URL(c.req.url),
			),
			404,
		);
	});

	app.onError((err, c) => {
		// The reader gets the generic line; the details go to the log only.
		logger.error({ err, path: new URL(c.req.url).pathname }, 'Web page failed');
		const i18n = createTranslator(acceptLanguage(c.req.header('accept-language')));
		return c.text(i18n.t('error.generic'), 500);
	});

	return app;
}

/**
 * The reader's language from Accept-Language: the supported language with the highest q, in the
 * header's order among equals (`de-DE, ru;q=0.9, en;q=0.8` is Russian); English when none is.
 */
export function acceptLanguage(header: string | undefined): Locale {
	if (!header) return 'en';
	let best: { locale: Locale; q: number } | undefined;
	for (const part of header.slice(0, 500).split(',').slice(0, 20)) {
		const [tag, ...params] = part.trim().split(';');
		const locale = toLocale(tag?.trim());
		if (!locale) continue;
		const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		const q = qParam ? Number(qParam.slice(2)) : 1;
		if (!Number.isFinite(q) || q <= 0) continue;
		if (!best || q > best.q) best = { locale, q };
	}
	return best?.locale ?? 'en';
}

/** The id in a page's path; a malformed escape is a 404 like any unknown id. */
function decodePathId(raw: string, i18n: Translator): string {
	try {
		return decodeURIComponent(raw);
	} catch {
		throw new PageError(404, i18n.t('web.error.notFound'), i18n.t('web.error.notFound.hint', { url: '/timeline' }));
	}
}

/** In-site links that keep the page's language. */
function siteHref(lang: Locale): (path: string) => string {
	return (path) => {
		const [p, q] = path.split('?');
		return withLang(p!, new URLSearchParams(q ?? ''), lang);
	};
}

/** The query of the Atom feed for a timeline page: its filters, without paging. */
function feedQuery(params: URLSearchParams): string {
	const p = new URLSearchParams();
	for (const k of ['text', 'from', 'to', 'actor', 'tag', 'status']) {
		const v = params.get(k);
		if (v) p.set(k, v);
	}
	const q = p.toString();
	return q ? `?${q}` : '';
}

/**
 * The request's query, checked: only `allowed` parameters and `lang`, each at most once, and the
 * whole address bounded. Throws a PageError that says what to change.
 */
function checkParams(url: URL, allowed: readonly string[], i18n: Translator): URLSearchParams {
	if (url.pathname.length + url.search.length > MAX_URL)
		throw new PageError(400, i18n.t('web.error.tooLong', { max: MAX_URL }), i18n.t('web.error.tooLong.hint'));
	const params = url.searchParams;
	const seen = new Set<string>();
	for (const name of params.keys()) {
		if (name !== 'lang' && !allowed.includes(name)) {
			throw new PageError(
				400,
				i18n.t('web.error.badParam', { name: name.slice(0, 40) }),
				i18n.t('web.error.badParam.hint', { names: i18n.list([...allowed, 'lang']) }),
			);
		}
		if (seen.has(name)) throw new PageError(400, i18n.t('web.error.repeatedParam', { name }));
		seen.add(name);
	}
	const lang = params.get('lang');
	if (lang !== null && !isLocale(lang)) {
		const l = toLocale(lang);
		if (!l) throw new PageError(400, i18n.t('web.error.badLang', { lang: lang.slice(0, 20) }), i18n.t('web.error.badLang.hint'));
		params.set('lang', l);
	}
	return new URLSearchParams(params);
}

/** Answers 304 when the reader already has this version. */
function fresh(c: Context, etag: string): Response | undefined {
	const given = c.req.header('if-none-match');
	if (!given) return undefined;
	const strip = (t: string) => t.trim().replace(/^W\//u, '');
	if (given.trim() === '*' || given.split(',').some((t) => strip(t) === strip(etag))) {
		c.header('ETag', etag);
		return c.body(null, 304);
	}
	return undefined;
}

/** Links to the previous and next pages of a paged timeline. */
function pager(result: HandleResult, r: { params: URLSearchParams; href: (path: string) => string; i18n: Translator }): Html {
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
function historySection(i18n: Translator, times: FeedEntryTimes | undefined, id: string): Html {
	const introduced = times?.introduced.get(id);
	const current = times?.current.get(id);
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

function errorPage(i18n: Translator, text: string, hint: string | undefined, dataset: DatasetSnapshot, url: URL): string {
	const href = siteHref(i18n.locale);
	return layout({
		i18n,
		title: i18n.t('web.error.title'),
		storyTitle: i18n.content(dataset.story.title, dataset.story.titles),
		stylesheet: STYLESHEET,
		body: html`<h1>${i18n.t('web.error.title')}</h1><div class="error"><p><strong>${text}</strong></p>${hint ? html`<p>${hint}</p>` : ''}</div>`,
		here: { path: url.pathname, params: new URLSearchParams() },
		href,
	}).value;
}

/**
 * When each event's versions were first seen, per snapshot, read from the store once a minute at
 * most: a page view must not cost a scan of the versions table.
 */
class HistoryCache {
	private entry?: { snapshot: DatasetSnapshot; at: number; times: Promise<FeedEntryTimes | undefined> };
	constructor(
		private readonly store: EventVersionStore | undefined,
		private readonly logger: Logger,
	) {}

	of(snapshot: DatasetSnapshot): Promise<FeedEntryTimes | undefined> {
		if (!this.store) return Promise.resolve(undefined);
		const now = Date.now();
		if (this.entry && this.entry.snapshot === snapshot && now - this.entry.at < 60_000) return this.entry.times;
		const store = this.store;
		const times = Promise.all([store.introduced(snapshot), store.firstSeen(snapshot)])
			.then(([introduced, current]) => ({ introduced, current }))
			.catch((err: unknown) => {
				this.logger.warn({ err }, 'Could not read event versions; pages show no history');
				return undefined;
			});
		this.entry = { snapshot, at: now, times };
		return times;
	}
}
