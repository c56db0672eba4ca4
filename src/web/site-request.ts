/**
 * How the site answers a page request: the address and its parameters checked, the reader's
 * language chosen, a 304 for a reader who has the page, and rendered pages kept per dataset version.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context } from 'hono';
import type { Core } from '../core/dispatch.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { isLocale, toLocale, type Locale } from '../i18n/locale.js';
import { createTranslator, type Translator } from '../i18n/translator.js';
import { html } from './html.js';
import { layout, withLang } from './layout.js';

const UTF8 = new TextEncoder();

/** Longest accepted request target (path and query). */
export const MAX_URL = 1024;
/** Rendered pages kept per dataset version. */
const PAGE_CACHE = 256;

export const CSS = readFileSync(new URL('./assets/site.css', import.meta.url), 'utf8');
export const CSS_HASH = createHash('sha256').update(CSS).digest('hex').slice(0, 16);
/** The stylesheet's address: its content hash in the name, so it can be cached for good. */
export const STYLESHEET = `/assets/site.${CSS_HASH}.css`;

/** No script at all, styles only from the site's own stylesheet. */
export const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The content type of the site's pages. */
export const HTML = 'text/html; charset=utf-8';

/** An answer the site sends; cached by URL, language and dataset version. */
export interface Page {
	readonly status: 200 | 301 | 400 | 404 | 500;
	readonly body: string;
	/** The body as UTF-8, once cached. */
	readonly bytes?: Uint8Array<ArrayBuffer>;
	readonly type: string;
	readonly location?: string;
}

export class PageError extends Error {
	constructor(
		readonly status: 400 | 404,
		readonly text: string,
		readonly hint?: string,
	) {
		super(text);
	}
}

/** What a page's builder is given: the checked request, in the reader's language, against one snapshot. */
export interface PageRequest {
	readonly url: URL;
	readonly params: URLSearchParams;
	readonly lang: Locale;
	readonly i18n: Translator;
	readonly dataset: DatasetSnapshot;
	readonly href: (path: string) => string;
}

/**
 * Serves the site's pages. Owns the cache of rendered pages: one per site, emptied when the dataset
 * version changes.
 */
export class PageServer {
	private cacheVersion = '';
	// Promises, so that concurrent requests for a page not built yet wait for one build (an export
	// of a big dataset takes a while) instead of each starting their own.
	private readonly cache = new Map<string, Promise<Page>>();

	constructor(private readonly core: Core) {}

	/**
	 * Serves a page of the site: checks the request, picks the language, answers from the cache or
	 * builds the page. `allowed` lists the query parameters the page takes besides `lang`.
	 */
	handler(allowed: readonly string[], build: (r: PageRequest) => Promise<Page>, sameInEveryLanguage = false) {
		return async (c: Context) => {
			const url = new URL(c.req.url);
			const dataset = this.core.dataset();
			let i18n: Translator = createTranslator(acceptLanguage(c.req.header('accept-language')));
			const day = this.core.now().toISOString().slice(0, 10);
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
				if (this.cacheVersion !== dataset.version) {
					this.cache.clear();
					this.cacheVersion = dataset.version;
				}
				// The origin is part of the key: without a public URL the feed's links follow the Host header,
				// and one reader's Host must not end up in another's feed.
				const key = `${sameInEveryLanguage ? '*' : lang} ${day} ${url.origin}${url.pathname}?${params.toString()}`;
				let pending = this.cache.get(key);
				if (!pending) {
					// Kept encoded: a cached page is sent as bytes, not re-encoded on every request.
					pending = build({ url, params, lang, i18n, dataset, href: siteHref(lang) }).then((p) => ({
						...p,
						bytes: UTF8.encode(p.body),
					}));
					this.cache.set(key, pending);
					// A failed build is not kept: the next request tries again.
					pending.catch(() => this.cache.get(key) === pending && this.cache.delete(key));
					while (this.cache.size > PAGE_CACHE) this.cache.delete(this.cache.keys().next().value!);
				}
				const page = await pending;
				// An internal failure may be passing: it is answered, not kept.
				if (page.status >= 500 && this.cache.get(key) === pending) this.cache.delete(key);
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
	}
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

/** In-site links that keep the page's language. */
export function siteHref(lang: Locale): (path: string) => string {
	return (path) => {
		const [p, q] = path.split('?');
		return withLang(p!, new URLSearchParams(q ?? ''), lang);
	};
}

/**
 * The request's query, checked: only `allowed` parameters and `lang`, each at most once, and the
 * whole address bounded. Throws a PageError that says what to change.
 */
export function checkParams(url: URL, allowed: readonly string[], i18n: Translator): URLSearchParams {
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
export function fresh(c: Context, etag: string): Response | undefined {
	const given = c.req.header('if-none-match');
	if (!given) return undefined;
	const strip = (t: string) => t.trim().replace(/^W\//u, '');
	if (given.trim() === '*' || given.split(',').some((t) => strip(t) === strip(etag))) {
		c.header('ETag', etag);
		return c.body(null, 304);
	}
	return undefined;
}

/** The site's error page: what was wrong and how to fix it, in the reader's language. */
export function errorPage(i18n: Translator, text: string, hint: string | undefined, dataset: DatasetSnapshot, url: URL): string {
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
