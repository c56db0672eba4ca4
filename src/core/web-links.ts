/**
 * Where each answer lives on the web site (src/web): the page for exactly what a command asked, so a
 * reply can carry an "Open on the web" link and its event lines can link to their pages. The site's
 * routes are built from the same functions, so a link and the page it opens cannot drift apart.
 */
import type { Locale } from '../i18n/locale.js';
import type { Translator } from '../i18n/translator.js';
import type { Block, Reply } from './reply.js';

/** The path of an event's page. */
export const eventPath = (id: string): string => `/events/${encodeURIComponent(id)}`;
/** The path of an actor's page. */
export const actorPath = (id: string): string => `/actors/${encodeURIComponent(id)}`;

/**
 * Query parameters of the pages that answer a command, by command: the page's parameter name for
 * each of the command's options. The timeline keeps the command's own option names, so
 * `/timeline actor:kremlin from:2025-06` is `/timeline?actor=kremlin&from=2025-06`.
 */
export const PAGE_PARAMS = {
	timeline: { text: 'text', from: 'from', to: 'to', actor: 'actor', tag: 'tag', status: 'status', limit: 'limit', page: 'page' },
	search: { query: 'q', limit: 'limit' },
	briefing: { date: 'date', since: 'since', actor: 'actor', tag: 'tag' },
} as const satisfies Record<string, Record<string, string>>;

/** A resolved option value: a string, a number, a boolean, or a dataset record with an id or a date text. */
type ArgValue = unknown;

/** The canonical text of a resolved option for a URL: an actor's or event's id, a date as written. */
function valueText(v: ArgValue): string | undefined {
	if (v === undefined || v === null) return undefined;
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	if (typeof v === 'object') {
		const o = v as { id?: unknown; text?: unknown };
		if (typeof o.id === 'string') return o.id;
		if (typeof o.text === 'string') return o.text;
	}
	return undefined;
}

/**
 * The site path (with its query) of the page that answers `command` with these resolved arguments,
 * or undefined when no page answers it (/subscribe, /help …). `locale` other than English is kept
 * as `lang=` so the page opens in the reader's language.
 */
export function webPathFor(command: string, args: Readonly<Record<string, ArgValue>>, locale?: Locale): string | undefined {
	const lang = locale && locale !== 'en' ? locale : undefined;
	const withLang = (path: string, params: URLSearchParams): string => {
		if (lang) params.set('lang', lang);
		const q = params.toString();
		return q ? `${path}?${q}` : path;
	};
	if (command === 'event') {
		const id = valueText(args['id']);
		return id === undefined ? undefined : withLang(eventPath(id), new URLSearchParams());
	}
	if (command === 'actor') {
		const id = valueText(args['name']);
		return id === undefined ? undefined : withLang(actorPath(id), new URLSearchParams());
	}
	if (command === 'timeline' || command === 'search' || command === 'briefing') {
		const names: Record<string, string> = PAGE_PARAMS[command];
		const params = new URLSearchParams();
		for (const [option, param] of Object.entries(names)) {
			const v = valueText(args[option]);
			if (v !== undefined && v !== '') params.set(param, v);
		}
		return withLang(`/${command}`, params);
	}
	return undefined;
}

/** Joins a public base URL ("https://sitrep.example.org/story/") and a site path. */
export function joinUrl(base: string, path: string): string {
	return `${base.replace(/\/+$/u, '')}${path}`;
}

/**
 * The reply with its web links: the "Open on the web" link to `path` (when there is a page for
 * it) and every event line linked to its event's page. Error answers get no link.
 */
export function withWebLinks(reply: Reply, base: string, path: string | undefined, i18n: Translator): Reply {
	if (reply.ephemeral) return reply;
	const lang = i18n.locale !== 'en' ? `?lang=${i18n.locale}` : '';
	const blocks = reply.blocks.map((b): Block => (b.kind === 'event' ? { ...b, url: joinUrl(base, `${eventPath(b.id)}${lang}`) } : b));
	return { ...reply, blocks, ...(path !== undefined ? { link: { url: joinUrl(base, path), label: i18n.t('web.open') } } : {}) };
}
