/**
 * The frame every page shares: language and direction on <html>, the one stylesheet, navigation,
 * the search form (a plain GET form: the site needs no JavaScript), language links and the feeds.
 */
import { LOCALES, LOCALE_NAMES, RTL, type Locale } from '../i18n/locale.js';
import type { Translator } from '../i18n/translator.js';
import { html, type Html } from './html.js';

export interface LayoutInput {
	readonly i18n: Translator;
	readonly title: string;
	readonly storyTitle: string;
	readonly stylesheet: string;
	readonly body: Html;
	/** The current path and query without `lang`, for the language links. */
	readonly here: { readonly path: string; readonly params: URLSearchParams };
	/** Builds an in-site link that keeps the page's language. */
	readonly href: (path: string) => string;
	readonly searchValue?: string;
	/** Atom feed of this page's selection, when it has one. */
	readonly feed?: string;
}

/** `path` with `params` and `lang` (left out for English). */
export function withLang(path: string, params: URLSearchParams, lang: Locale): string {
	const p = new URLSearchParams(params);
	p.delete('lang');
	if (lang !== 'en') p.set('lang', lang);
	const q = p.toString();
	return q ? `${path}?${q}` : path;
}

export function layout(input: LayoutInput): Html {
	const { i18n, href } = input;
	const lang = i18n.locale;
	const dir = RTL.has(lang) ? 'rtl' : 'ltr';
	const langs = LOCALES.map((l) =>
		l === lang
			? html`<li><a href="${withLang(input.here.path, input.here.params, l)}" lang="${l}" aria-current="true">${LOCALE_NAMES[l]}</a></li>`
			: html`<li><a href="${withLang(input.here.path, input.here.params, l)}" lang="${l}" hreflang="${l}">${LOCALE_NAMES[l]}</a></li>`,
	);
	const atom = input.feed ?? href('/feed.atom');
	return html`<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} — ${input.storyTitle}</title>
<link rel="stylesheet" href="${input.stylesheet}">
<link rel="alternate" type="application/atom+xml" href="${atom}" title="${i18n.t('web.feed.atom')}">
</head>
<body>
<a class="skip" href="#main">${i18n.t('web.skip')}</a>
<header class="site"><div class="inner">
<a class="story" href="${href('/timeline')}"><bdi>${input.storyTitle}</bdi></a>
<nav aria-label="${i18n.t('web.nav.label')}"><ul>
<li><a href="${href('/timeline')}">${i18n.t('web.nav.timeline')}</a></li>
<li><a href="${href('/briefing')}">${i18n.t('web.nav.briefing')}</a></li>
<li><a href="${href('/search')}">${i18n.t('web.nav.search')}</a></li>
</ul></nav>
<form class="search" role="search" method="get" action="/search">
<label for="q">${i18n.t('web.search.label')}</label>
<input id="q" name="q" type="search" maxlength="200" value="${input.searchValue ?? ''}">
${lang !== 'en' ? html`<input type="hidden" name="lang" value="${lang}">` : ''}
<button type="submit">${i18n.t('web.search.button')}</button>
</form>
</div></header>
<main id="main">
${input.body}
</main>
<footer class="site"><div class="inner">
<nav aria-label="${i18n.t('web.languages')}" class="langs"><ul>${langs}</ul></nav>
<p>${i18n.t('web.feeds')}: <a href="${atom}">${i18n.t('web.feed.atom')}</a> · <a href="/calendar.ics">${i18n.t('web.feed.ics')}</a> · <a href="/export.json">${i18n.t('web.feed.json')}</a></p>
</div></footer>
</body>
</html>
`;
}
