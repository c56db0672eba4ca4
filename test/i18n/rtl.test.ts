/**
 * Persian right to left: isolates around embedded Latin and Cyrillic, RLM where a Persian line would
 * start with a left-to-right token, and all of it surviving Telegram's HTML escaping and 4096 split
 * and Discord's limits. Input cleaning still removes the same marks from what users type.
 */
import { describe, expect, it } from 'vitest';
import { cleanInput, parseLine } from '../../src/core/parse-line.js';
import { bold, heading, para, type Block, type Reply } from '../../src/core/reply.js';
import { FSI, firstStrong, hasRtl, isolate, markRtlLines, PDI, RLM, stripBidiMarks } from '../../src/i18n/bidi.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { embedTextLength, LIMITS, limitProblems, renderDiscord } from '../../src/platforms/discord/render-discord.js';
import { htmlToPlain, renderTelegram, TELEGRAM_TEXT_LIMIT } from '../../src/platforms/telegram/render-telegram.js';
import { checkTelegramHtml } from '../helpers/telegram-stand-in.js';

const visible = (html: string): string => {
	const r = checkTelegramHtml(html);
	if (!r.ok) throw new Error(`Telegram would reject: ${r.error}\n${html.slice(0, 300)}`);
	return r.text;
};

/** Every line that holds Persian letters starts, as the client sees it, right-to-left. */
function eachPersianLineIsRtl(text: string): void {
	for (const line of text.split('\n')) if (hasRtl(line)) expect(firstStrong(line), JSON.stringify(line.slice(0, 120))).toBe('rtl');
}

const hostile = 'Ilham Aliyev <b>&amp; @everyone «Алиев»';
const event = (i: number): Block => ({
	kind: 'event',
	date: createTranslator('fa').date({
		text: '2025-06-27',
		start: { year: 2025, month: 6, day: 27, precision: 'day' },
		approximate: false,
		earliestDay: 0,
		latestDay: 0,
	} as never),
	title: i % 2 ? `${hostile} — Sputnik Azerbaijan raid #${i}` : 'یورش پلیس به دفتر اسپوتنیک در باکو',
	actors: ['Kremlin', 'Кремль', 'مسعود پزشکیان'],
	status: 'disputed',
	id: `raid-${i}`,
});
const claim: Block = {
	kind: 'claim',
	by: 'МИД России & <Co>',
	stance: 'disputes',
	spans: [{ text: 'The detentions are unfriendly <i>actions</i>.' }],
	source: { publisher: 'TASS <state>', label: 'state <b>media</b>', url: 'https://tass.com/politics/1?a=1&b=2' },
};
const persianReply = (n: number): Reply => ({
	locale: 'fa',
	blocks: [
		heading('گاه‌شمار: Sputnik'),
		para(bold('۳۸ رویداد')),
		...Array.from({ length: n }, (_, i) => event(i)),
		claim,
		{ kind: 'fields', fields: [{ name: 'شناسه', value: 'sputnik-azerbaijan-raid' }] },
	],
	paging: { page: 1, pages: 3, next: '/timeline page:2' },
});

describe('bidi helpers', () => {
	it('find the first strong direction outside isolates, as the bidi algorithm does', () => {
		expect(firstStrong(`${isolate('Aliyev')} گفت`)).toBe('rtl');
		expect(firstStrong(`Aliyev گفت`)).toBe('ltr');
		expect(firstStrong(`• ۲۵ ، ${isolate('x')}`)).toBeUndefined();
		expect(firstStrong(`${RLM}Aliyev`)).toBe('rtl');
	});
	it('mark only lines that hold Persian and would start left to right', () => {
		const text = ['Aliyev گفت', 'An English fallback line.', 'گفت Aliyev', `${isolate('/help')} را بفرستید`].join('\n');
		expect(markRtlLines(text).split('\n')).toEqual([
			`${RLM}Aliyev گفت`,
			'An English fallback line.',
			'گفت Aliyev',
			`${RLM}${isolate('/help')} را بفرستید`,
		]);
		expect(markRtlLines(markRtlLines(text))).toBe(markRtlLines(text));
		expect(stripBidiMarks(markRtlLines(text))).toBe(stripBidiMarks(text));
	});
	it('isolate placeholders in Persian messages only', () => {
		expect(createTranslator('fa').t('search.title', { query: 'sputnik raid' })).toBe(`جست‌وجو: ${FSI}sputnik raid${PDI}`);
		expect(createTranslator('ru').t('search.title', { query: 'sputnik raid' })).toBe('Поиск: sputnik raid');
		expect(createTranslator('fa').dir).toBe('rtl');
	});
});

describe('Telegram, Persian and mixed scripts', () => {
	it('escapes dataset text inside isolates and keeps every message valid', () => {
		const [html] = renderTelegram(persianReply(2));
		const text = visible(html!);
		expect(html).not.toContain('<b>&amp;');
		expect(text).toContain(`${FSI}${hostile.replace('@everyone', '@\u2060everyone')} — Sputnik Azerbaijan raid #1${PDI}`);
		expect(html).toContain(`<code>${FSI}raid-1${PDI}</code>`);
		expect(text).toMatch(/ادعای مخالف از سوی .МИД России & <Co>./u);
		expect(text).toContain('صفحهٔ ۱ از ۳');
		eachPersianLineIsRtl(text);
	});

	it('splits a long Persian reply at 4096, every message valid, right to left and complete', () => {
		const reply = persianReply(300);
		const messages = renderTelegram(reply);
		expect(messages.length).toBeGreaterThan(3);
		for (const m of messages) {
			expect(m.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
			eachPersianLineIsRtl(visible(m));
		}
		const ids = [
			...messages
				.map(visible)
				.join('\n')
				.matchAll(/raid-(\d+)/gu),
		].map((m) => Number(m[1]));
		expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i));
	});

	it('cuts a huge mixed-script paragraph between whole characters and marks each piece', () => {
		const long = `${'پزشکیان گفت Aliyev said «Алиев сказал» 🇦🇿 <&> '.repeat(400)}`;
		const messages = renderTelegram({ locale: 'fa', blocks: [para(bold(long))] });
		expect(messages.length).toBeGreaterThan(2);
		for (const m of messages) {
			expect(m.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
			expect(m).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u);
			eachPersianLineIsRtl(visible(m));
		}
		const squash = (s: string) => stripBidiMarks(s).replace(/\s+/gu, ' ').trim();
		expect(squash(messages.map(visible).join(' '))).toBe(squash(long));
	});

	it('fits a paged Persian reply into one message with a Persian closing line', () => {
		const messages = renderTelegram(persianReply(200), { singleMessage: true });
		expect(messages).toHaveLength(1);
		expect(messages[0]!.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
		expect(visible(messages[0]!)).toMatch(/… [۰-۹]+ خط دیگر در یک پیام جا نمی‌شود\.\nصفحهٔ ۱ از ۳$/u);
	});

	it('leaves an English reply as it was: no marks, no isolates', () => {
		const reply: Reply = { blocks: [heading('Timeline'), event(1), claim] };
		expect(renderTelegram(reply).join('')).not.toMatch(/[\u200f\u2068\u2069]/u);
		expect(htmlToPlain(renderTelegram(reply)[0]!)).toContain('Counter-claim by МИД России & <Co>:');
	});
});

describe('Discord, Persian and mixed scripts', () => {
	it('stays within every limit, the marks counted', () => {
		const reply = persianReply(400);
		const messages = renderDiscord(reply, { paging: 'text' });
		expect(messages.length).toBeGreaterThan(1);
		for (const m of messages) {
			expect(limitProblems(m.embeds)).toEqual([]);
			expect(embedTextLength(m.embeds)).toBeLessThanOrEqual(LIMITS.total);
			for (const e of m.embeds) eachPersianLineIsRtl(e.description ?? '');
		}
		const last = messages.at(-1)!.embeds.at(-1)!;
		expect(last.footer?.text).toMatch(/^صفحهٔ ۱ از ۳ · بعدی: /u);
	});

	it('fits a long Persian title and field into their limits with the RLM', () => {
		const title = `Aliyev ${'گفت و گو '.repeat(100)}`;
		const [m] = renderDiscord({
			locale: 'fa',
			blocks: [
				heading(title),
				{ kind: 'fields', fields: [{ name: `Name ${'نام '.repeat(200)}`, value: `x ${'مقدار '.repeat(400)}` }] },
			],
		});
		expect(limitProblems(m!.embeds)).toEqual([]);
		expect(m!.embeds[0]!.title!.startsWith(RLM)).toBe(true);
		expect(m!.embeds[0]!.title!.length).toBeLessThanOrEqual(LIMITS.title);
		expect(m!.embeds[0]!.fields![0]!.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
	});

	it('writes its own words in Persian and keeps mentions inert', () => {
		const [m] = renderDiscord({
			locale: 'fa',
			blocks: [
				claim,
				{ kind: 'sources', sources: [{ publisher: '@everyone TASS', url: 'https://tass.com/x', label: 'رسانهٔ دولتی روسیه' }] },
			],
		});
		const d = m!.embeds[0]!.description!;
		expect(d).toContain('ادعای مخالف از سوی');
		expect(d).toContain('رسانهٔ دولتی روسیه');
		expect(d).not.toMatch(/@everyone/u);
	});
});

describe('input cleaning is for input only', () => {
	it('removes bidi marks and isolates from a typed or pasted line', () => {
		expect(cleanInput(`/actor ${isolate('Aliyev')}${RLM}`)).toBe('/actor  Aliyev  ');
		const pasted = parseLine(`${RLM}/timeline ${isolate('actor:kremlin')}`, () => true);
		expect(pasted.command).toBe('timeline');
		expect(pasted.named.get('actor')).toBe('kremlin');
	});

	it('leaves the marks in replies: the renderers do not run input cleaning', () => {
		const html = renderTelegram({ locale: 'fa', blocks: [para(createTranslator('fa').t('help.listHint'))] })[0]!;
		expect(html).toContain(`${FSI}/help${PDI}`);
	});
});
