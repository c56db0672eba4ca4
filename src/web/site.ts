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
import { Hono } from 'hono';
import type { Core } from '../core/dispatch.js';
import { UserFacingError } from '../core/errors.js';
import { PAGE_PARAMS, actorPath, eventPath } from '../core/web-links.js';
import { chooseLocale } from '../i18n/locale.js';
import { createTranslator } from '../i18n/translator.js';
import { exportDataset } from '../interop/index.js';
import type { Logger } from '../logger.js';
import type { EventVersionStore } from '../store/store.js';
import { atomFeed, feedCandidates } from './feeds.js';
import { html } from './html.js';
import { layout, withLang } from './layout.js';
import {
	commandPage,
	decodePathId,
	feedQuery,
	firstHeading,
	HistoryCache,
	historySection,
	optionsFrom,
	pager,
	WEB_PLACE,
	WEB_REQUESTER,
} from './site-pages.js';
import { acceptLanguage, CSP, CSS, CSS_HASH, errorPage, fresh, HTML, PageError, PageServer, STYLESHEET } from './site-request.js';
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

/** Builds the site's Hono app. Mount it with {@link startWebServer} (server.ts). */
export function createSite(options: SiteOptions): Hono {
	const app = new Hono();
	const { core, logger } = options;
	const pages = new PageServer(core);
	const serve = pages.handler.bind(pages);
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
				core,
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
				return commandPage(core, r, 'event', { id }, () => id);
			}
			const times = await history.of(r.dataset);
			return commandPage(
				core,
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
			return commandPage(core, r, 'actor', { name: id }, (res) => firstHeading(res, id));
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
			return commandPage(core, r, 'search', opts, (res) => firstHeading(res, r.i18n.t('web.nav.search')));
		}),
	);

	app.get(
		'/briefing',
		serve(Object.values(PAGE_PARAMS.briefing), (r) =>
			commandPage(core, r, 'briefing', optionsFrom(r.params, PAGE_PARAMS.briefing), (res) =>
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
