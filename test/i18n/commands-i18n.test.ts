/**
 * Every command answered in every language against the demo story, through the dispatcher and all
 * three renderers: no catalog key, placeholder or markup leaks, the renderer's own words are in the
 * reader's language, Russian replies are in Cyrillic and Persian ones in Arabic script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { Place, Requester } from '../../src/core/command.js';
import type { Reply } from '../../src/core/reply.js';
import { LOCALES, type Locale } from '../../src/i18n/locale.js';
import { en, type MessageKey } from '../../src/i18n/messages/index.js';
import { silentLogger } from '../../src/logger.js';
import { limitProblems, renderDiscord } from '../../src/platforms/discord/render-discord.js';
import { renderTelegram, TELEGRAM_TEXT_LIMIT } from '../../src/platforms/telegram/render-telegram.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { openSqliteStores, type SqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { checkTelegramHtml } from '../helpers/telegram-stand-in.js';

/** Lines for every command: answers, empty results and user errors (`LANG` is the reader's language). */
const LINES: Record<string, readonly string[]> = {
	timeline: [
		'/timeline',
		'/timeline from:2025-06-27 to:2025-07-01',
		'/timeline actor:kremlin limit:3',
		'/timeline tag:sputnik status:disputed',
		'/timeline from:2030',
		'/timeline from:2025-07-02 to:2025-06-01',
		'/timeline from:bogus',
		'/timeline limit:99',
		'/timeline limit:abc',
		'/timeline status:maybe',
		'/timeline from:сегодня',
	],
	actor: ['/actor Pezeshkian', '/actor kremlin', '/actor nobody-at-all-xyz', '/actor'],
	event: ['/event yekaterinburg-raids', '/event sputnik-azerbaijan-raid', '/event no-such-event-here'],
	source: ['/source TASS', '/source Medusa', '/source al-ahed', '/source tass-1983533', '/source zzzzzzzzzz'],
	search: ['/search sputnik', '/search heart failure', '/search qqqzzzxxy'],
	briefing: [
		'/briefing',
		'/briefing date:2025-06-30',
		'/briefing date:2025-06',
		'/briefing date:2025-07-04 since:2025-06-27',
		'/briefing date:2025-07-04 since:2025-08-01',
		'/briefing date:2025-08-20',
		'/briefing tag:nosuchtag',
	],
	export: ['/export format:ics', '/export format:csv', '/export format:nope'],
	subscribe: [
		'/subscribe',
		'/subscribe time:7pm',
		'/subscribe time:25:00',
		'/subscribe timezone:Baku',
		'/subscribe timezone:+04:00',
		'/subscribe language:ru time:18:30 actor:kremlin quiet:true',
	],
	subscriptions: ['/subscriptions', '/subscriptions all:true'],
	unsubscribe: ['/unsubscribe', '/unsubscribe', '/unsubscribe now'],
	reload: ['/reload dry_run:true', '/reload history:true'],
	// Pinning the reader's own language, then removing the pin, so the lines after are unaffected.
	language: ['/language', '/language set:LANG', '/language', '/language set:de', '/language set:auto'],
	help: ['/help', '/help timeline', '/help subscribe', '/help nope'],
	'': ['/timelin', 'timeline', '/timeline "unclosed', '/timeline bogus:1'],
};

const owner: Requester = { platform: 'telegram', userId: '1', displayName: 'Owner', isChannelAdmin: true, isOwner: true };
const KEYS = (Object.keys(en) as MessageKey[]).filter((k) => k.includes('.'));
/** English interface sentences (three words or more, no placeholders) that must not reach other readers. */
const ENGLISH = Object.values(en).filter((v) => !/[{<]/u.test(v) && v.trim().split(/\s+/u).length >= 3 && /^[A-Z(…]/u.test(v));

let stores: SqliteStores;
let app: App;
beforeAll(async () => {
	stores = openSqliteStores(':memory:');
	app = await createApp({
		dataDir: 'data',
		now: '2025-07-01T09:00:00+04:00',
		logger: silentLogger(),
		services: { subscriptions: stores.subscriptions },
	});
});
afterAll(() => stores.close());

async function answers(locale: Locale): Promise<{ line: string; reply: Reply; text: string; kind: string }[]> {
	const place: Place = { platform: 'telegram', channelId: `-100${LOCALES.indexOf(locale)}`, kind: 'group' };
	const out = [];
	for (const lines of Object.values(LINES)) {
		for (const line of lines) {
			const r = await app.core.handle({ line: line.replace('LANG', locale), requester: owner, place, locale });
			out.push({ line, reply: r.reply, text: renderPlainText(r.reply), kind: r.outcome.kind });
		}
	}
	return out;
}

describe('every command in every language', () => {
	it('covers every command of the registry', () => {
		expect(Object.keys(LINES).filter(Boolean).sort()).toEqual([...app.core.registry.keys()].sort());
	});

	it.each(LOCALES)('%s: answers every line with no leaked key, placeholder or markup', async (locale) => {
		for (const { line, text, kind } of await answers(locale)) {
			const at = `${locale} ${line}:\n${text}`;
			expect(kind, at).not.toBe('internal_error');
			expect(text.trim(), at).not.toBe('');
			expect(text, at).not.toMatch(/\{\s*[a-z]\w*\s*(?:,\s*plural|\})/u);
			expect(text, at).not.toMatch(/<\/?(?:b|i|code)>/u);
			for (const k of KEYS) expect(text.includes(k), `${at}\nleaks the key ${k}`).toBe(false);
			expect(text, at).not.toContain('\ue000');
		}
	});

	it.each(['ru', 'az', 'fa'] as const)('%s: the interface is in the reader’s language, the renderer’s words included', async (locale) => {
		const script = { ru: /\p{Script=Cyrillic}/u, az: /[əğıİşçöü]/u, fa: /\p{Script=Arabic}/u }[locale];
		for (const { line, reply, text } of await answers(locale)) {
			const at = `${locale} ${line}:\n${text}`;
			expect(text, at).toMatch(script);
			for (const sentence of ENGLISH) expect(text.includes(sentence), `${at}\nshows English: ${sentence}`).toBe(false);
			expect(text, at).not.toMatch(/^• (?:According to|Denial by|Counter-claim by) /mu);
			expect(text, at).not.toMatch(/Page \d+ of \d+/u);
			expect(text, at).not.toMatch(/\[(?:state-affiliated|party)\]/u);
			for (const html of renderTelegram(reply, { singleMessage: reply.paging !== undefined })) {
				expect(html).not.toMatch(/Page \d+ of|According to <|\[state-affiliated\]|\(no answer\)/u);
				expect(checkTelegramHtml(html).ok, html.slice(0, 200)).toBe(true);
			}
			for (const m of renderDiscord(reply, { paging: 'text' })) {
				expect(limitProblems(m.embeds), at).toEqual([]);
				const all = JSON.stringify(m.embeds);
				expect(all).not.toMatch(/Page \d+ of|According to \*|state-affiliated"|Nothing to show/u);
			}
		}
	});

	it('keeps English answers in English, without any direction marks', async () => {
		for (const { line, text } of await answers('en')) {
			expect(text, line).not.toMatch(/[\u200e\u200f\u2066-\u2069]/u);
		}
	});

	it('pins the briefing language per subscription and shows it', async () => {
		const place: Place = { platform: 'telegram', channelId: '-1009', kind: 'group' };
		const ask = async (line: string, locale?: string) =>
			renderPlainText((await app.core.handle({ line, requester: owner, place, ...(locale ? { locale } : {}) })).reply);
		expect(await ask('/subscribe language:fa')).toMatch(/Language: Persian/u);
		expect((await stores.subscriptions.get('telegram', '-1009'))?.language).toBe('fa');
		// Subscribing again without a language keeps it; the reply is in the asker's language.
		expect(await ask('/subscribe time:07:30', 'ru')).toMatch(/Язык: персидский/u);
		expect((await stores.subscriptions.get('telegram', '-1009'))?.language).toBe('fa');
		// Pinning English clears the pin; reset forgets it too.
		await ask('/subscribe language:en');
		expect((await stores.subscriptions.get('telegram', '-1009'))?.language).toBeUndefined();
		await ask('/subscribe language:az');
		await ask('/subscribe reset:true');
		expect((await stores.subscriptions.get('telegram', '-1009'))?.language).toBeUndefined();
	});

	it('answers Telegram and Discord platform replies within their limits in Persian', async () => {
		const { reply } = await app.core.handle({
			line: '/timeline limit:25',
			requester: owner,
			place: { platform: 'telegram', channelId: '-1', kind: 'group' },
			locale: 'fa',
		});
		for (const html of renderTelegram(reply)) expect(html.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
		for (const m of renderDiscord(reply)) expect(limitProblems(m.embeds)).toEqual([]);
	});
});
