import { describe, expect, it } from 'vitest';
import type { Block, Reply } from '../../../src/core/reply.js';
import { bold, heading, para } from '../../../src/core/reply.js';
import {
	escapeHtml,
	htmlToPlain,
	renderTelegram,
	splitHtml,
	TELEGRAM_TEXT_LIMIT,
} from '../../../src/platforms/telegram/render-telegram.js';
import { checkTelegramHtml, testCore } from '../../helpers/telegram-stand-in.js';

const visible = (html: string): string => {
	const r = checkTelegramHtml(html);
	if (!r.ok) throw new Error(`Telegram would reject: ${r.error}\n${html.slice(0, 300)}`);
	return r.text;
};

const event = (i: number, title = `Event number ${i}`): Block => ({
	kind: 'event',
	date: `2025-06-${String((i % 28) + 1).padStart(2, '0')}`,
	title,
	actors: ['Kremlin', 'Baku'],
	status: 'confirmed',
	id: `ev-${i}`,
});

/** A small deterministic generator, so a failure can be reproduced. */
function rng(seed: number): () => number {
	let s = seed;
	return () => {
		s = (s * 1103515245 + 12345) % 2147483648;
		return s / 2147483648;
	};
}

describe('escaping', () => {
	it('escapes <, >, & and " so dataset text is shown, never parsed', () => {
		const html = escapeHtml('a < b > c & "d" <b>bold?</b> &amp;');
		expect(html).toBe('a &lt; b &gt; c &amp; &quot;d&quot; &lt;b&gt;bold?&lt;/b&gt; &amp;amp;');
		expect(visible(html)).toBe('a < b > c & "d" <b>bold?</b> &amp;');
	});

	it('shows hostile dataset text literally and disarms @mentions', () => {
		const reply: Reply = {
			blocks: [heading('<b>Breaking</b> & @everyone'), event(1, '<script>x</script> @here & <i>'), para('ping @everyone now')],
		};
		const [html] = renderTelegram(reply);
		const text = visible(html!);
		expect(text).toContain('<b>Breaking</b> & @\u2060everyone');
		expect(text).toContain('<script>x</script> @\u2060here & <i>');
		expect(text).not.toMatch(/@everyone|@here/u);
		expect(html).not.toContain('<script>');
	});

	it('makes links only of http(s) URLs and escapes them', () => {
		const [html] = renderTelegram({
			blocks: [
				{
					kind: 'sources',
					sources: [
						{ publisher: 'A&B <News>', url: 'https://example.org/?a=1&b=2', label: 'state <b>media</b>' },
						{ publisher: 'Evil', url: 'javascript:alert(1)', label: 'independent' },
					],
				},
			],
		});
		expect(html).toContain('<a href="https://example.org/?a=1&amp;b=2">A&amp;B &lt;News&gt;</a>');
		expect(html).not.toContain('href="javascript');
		expect(visible(html!)).toContain('Evil (javascript:alert(1))');
		// The outlet's label is text, escaped like the rest.
		expect(html).toContain('— state &lt;b&gt;media&lt;/b&gt;');
	});

	it('keeps Cyrillic, Persian (RTL) and emoji text intact', () => {
		const words = 'Кремль заявил · مسعود پزشکیان گفت · 🇦🇿🇷🇺 «кавычки» ‏עברית‏';
		const [html] = renderTelegram({ blocks: [para(bold(words)), event(2, words)] });
		expect(visible(html!)).toContain(words);
	});
});

describe('splitting at 4096', () => {
	it('splits a long reply on block boundaries, every message valid and within the limit', () => {
		const reply: Reply = { blocks: [heading('Timeline & <more>'), ...Array.from({ length: 400 }, (_, i) => event(i))] };
		const messages = renderTelegram(reply);
		expect(messages.length).toBeGreaterThan(3);
		const texts = messages.map(visible);
		for (const m of messages) {
			expect(m.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
			expect(m.startsWith('• <b>') || m.startsWith('<b>Timeline')).toBe(true);
		}
		const all = texts.join('\n');
		const ids = [...all.matchAll(/ev-(\d+)/gu)].map((m) => Number(m[1]));
		expect(ids).toEqual(Array.from({ length: 400 }, (_, i) => i));
	});

	it('cuts one huge block safely, closing and reopening its tags', () => {
		const long = 'Слово <b> & word مرحبا 🇦🇿 '.repeat(600);
		const reply: Reply = {
			blocks: [para(bold(long), { text: ' tail ', mark: 'italic' }, { text: 'link', href: 'https://example.org/x' })],
		};
		const messages = renderTelegram(reply);
		expect(messages.length).toBeGreaterThan(2);
		for (const m of messages) {
			expect(m.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
			expect(m).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u);
			expect(m.startsWith('<b>') || m.startsWith('<i>') || m.startsWith('<a ')).toBe(true);
		}
		const squash = (s: string) => s.replace(/\s+/gu, ' ').trim();
		expect(squash(messages.map(visible).join(' '))).toBe(squash(`${long} tail link`));
	});

	it('never produces an invalid piece, whatever the input and the limit (random markup)', () => {
		const next = rng(42);
		const pieces = ['word ', 'Привет ', 'سلام ', '🇦🇿', '&', '<', '>', '"', '\n', 'x'];
		for (let round = 0; round < 200; round++) {
			const spans = Array.from({ length: 1 + Math.floor(next() * 12) }, () => {
				const text = Array.from({ length: 1 + Math.floor(next() * 30) }, () => pieces[Math.floor(next() * pieces.length)]!).join(
					'',
				);
				const mark = (['bold', 'italic', 'code', 'match', undefined] as const)[Math.floor(next() * 5)];
				return { text, ...(mark ? { mark } : {}), ...(next() < 0.15 ? { href: 'https://example.org/p?q=1&r=2' } : {}) };
			});
			const block = para(...spans);
			const html = renderTelegram({ blocks: [block] }, { limit: 100_000 })[0]!;
			const limit = 80 + Math.floor(next() * 200);
			const parts = splitHtml(html, limit);
			for (const p of parts) expect(p.length).toBeLessThanOrEqual(limit);
			const squash = (s: string) => s.replace(/\s+/gu, '');
			expect(squash(parts.map(visible).join(''))).toBe(squash(visible(html)));
		}
	});

	it('fits a paged reply into one message, saying what did not fit', () => {
		const reply: Reply = {
			blocks: [heading('Timeline'), ...Array.from({ length: 200 }, (_, i) => event(i))],
			paging: { page: 2, pages: 5, prev: '/timeline page:1', next: '/timeline page:3' },
		};
		const messages = renderTelegram(reply, { singleMessage: true });
		expect(messages).toHaveLength(1);
		const text = visible(messages[0]!);
		expect(messages[0]!.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
		expect(text).toMatch(/… \d+ more lines do not fit in one message\.\nPage 2 of 5$/u);
	});

	it('turns HTML back into the plain text a reader sees (fallback)', () => {
		const [html] = renderTelegram({ blocks: [para(bold('a<b'), ' & ', { text: 'src', href: 'https://x.org/?a&b' })] });
		expect(htmlToPlain(html!)).toBe('a<b & src');
	});
});

describe('the demo dataset through every command', () => {
	it('renders valid Telegram HTML within the limit for every event and the list commands', async () => {
		const core = await testCore();
		const ids = [...core.dataset().eachEvent()].map((e) => e.id);
		const lines = [
			'/help',
			'/help timeline',
			'/timeline',
			'/timeline limit:25',
			'/briefing',
			'/search kremlin',
			'/actor kremlin',
			...ids.map((id) => `/event ${id}`),
		];
		const requester = { platform: 'telegram', userId: '1', displayName: 't', isChannelAdmin: true, isOwner: true } as const;
		let count = 0;
		for (const line of lines) {
			const { reply } = await core.handle({ line, requester, place: { platform: 'telegram', channelId: '1', kind: 'private' } });
			for (const m of renderTelegram(reply, { singleMessage: reply.paging !== undefined })) {
				expect(m.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
				visible(m);
				count++;
			}
		}
		expect(count).toBeGreaterThanOrEqual(lines.length);
	});
});
