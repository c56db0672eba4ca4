/** Reply → embeds: every Discord limit kept, long replies split, markdown and mentions neutralised. */
import { describe, expect, it } from 'vitest';
import type { Block, Reply } from '../../../src/core/reply.js';
import {
	escapeMarkdown,
	fitEscaped,
	limitProblems,
	neutraliseMentions,
	renderDiscord,
	LIMITS,
} from '../../../src/platforms/discord/render-discord.js';

function events(
	n: number,
	title = (i: number) => `Event number ${i}: a fairly long title about what happened in the city today, with details`,
): Block[] {
	return Array.from({ length: n }, (_, i) => ({
		kind: 'event',
		date: `${(i % 28) + 1} Jul 2025`,
		title: title(i),
		actors: ['Kremlin', 'Azerbaijan', 'Dmitry Peskov'],
		status: i % 5 === 0 ? 'disputed' : 'confirmed',
		id: `event-${String(i).padStart(3, '0')}-with-a-longer-slug-for-realism`,
	}));
}

const text = (reply: ReturnType<typeof renderDiscord>) => JSON.stringify(reply);

function expectWithinLimits(messages: ReturnType<typeof renderDiscord>): void {
	expect(messages.length).toBeGreaterThan(0);
	for (const m of messages) expect(limitProblems(m.embeds)).toEqual([]);
}

describe('renderDiscord', () => {
	it('splits a reply with 40 long events into several messages, each within every limit', () => {
		const reply: Reply = {
			blocks: [{ kind: 'heading', text: 'Timeline' }, ...events(40, (i) => `Event ${i} ${'with a very long title '.repeat(8)}`)],
		};
		const messages = renderDiscord(reply);
		expect(messages.length).toBeGreaterThan(1);
		expectWithinLimits(messages);
		const all = text(messages);
		for (let i = 0; i < 40; i++) expect(all).toContain(`event-${String(i).padStart(3, '0')}`);
		expect(messages[0]!.embeds[0]!.title).toBe('Timeline');
	});

	it('keeps a single description within 4096 and a message within 6000 across 10 embeds', () => {
		const long = 'word '.repeat(3000);
		const reply: Reply = {
			blocks: [
				{ kind: 'paragraph', spans: [{ text: long }] },
				{ kind: 'paragraph', spans: [{ text: long }] },
			],
		};
		const messages = renderDiscord(reply);
		expectWithinLimits(messages);
		expect(messages.length).toBeGreaterThanOrEqual(3);
		const words = messages
			.flatMap((m) => m.embeds)
			.map((e) => e.description ?? '')
			.join(' ')
			.split(/\s+/u)
			.filter(Boolean);
		expect(words).toHaveLength(6000);
	});

	it('never exceeds 25 fields per embed or 1024 per value, and truncates long names and values', () => {
		const fields = Array.from({ length: 60 }, (_, i) => ({
			name: `Field ${i} ${'n'.repeat(i === 3 ? 400 : 5)}`,
			value: i === 7 ? 'v'.repeat(5000) : `value ${i}`,
		}));
		const messages = renderDiscord({
			blocks: [
				{ kind: 'heading', text: 'T'.repeat(400) },
				{ kind: 'fields', fields },
			],
		});
		expectWithinLimits(messages);
		const all = messages.flatMap((m) => m.embeds);
		expect(all[0]!.title!.length).toBeLessThanOrEqual(256);
		expect(all[0]!.title!.endsWith('…')).toBe(true);
		expect(all.reduce((n, e) => n + (e.fields?.length ?? 0), 0)).toBe(60);
		expect(Math.max(...all.map((e) => e.fields?.length ?? 0))).toBe(25);
	});

	it('never exceeds 10 embeds in one message', () => {
		const blocks: Block[] = [];
		for (let i = 0; i < 30; i++)
			blocks.push({ kind: 'paragraph', spans: [{ text: `para ${i}` }] }, { kind: 'fields', fields: [{ name: 'a', value: 'b' }] });
		const messages = renderDiscord({ blocks });
		expectWithinLimits(messages);
		expect(messages.length).toBeGreaterThan(1);
		for (const m of messages) expect(m.embeds.length).toBeLessThanOrEqual(10);
	});

	it('neutralises @everyone, @here and every <@…> form, and escapes markdown in dataset text', () => {
		const evil = '@everyone @here <@&123> <@456> <#789> </cmd:1> **bold** [link](https://evil.example) `code` ~~s~~ ||spoiler||';
		const messages = renderDiscord(
			{
				blocks: [
					{ kind: 'heading', text: evil },
					{ kind: 'paragraph', spans: [{ text: evil }] },
					{
						kind: 'claim',
						by: '@everyone',
						stance: 'asserts',
						spans: [{ text: evil }],
						source: { publisher: '<@&1>', label: '@everyone', url: 'https://example.org/a_(b)' },
					},
					{ kind: 'fields', fields: [{ name: evil, value: evil }] },
				],
				paging: { page: 1, pages: 2, next: '/search q:@everyone page:2' },
			},
			{ paging: 'text' },
		);
		const all = text(messages);
		expect(all).not.toMatch(/@everyone|@here|<@|<#|<\/|\*\*bold\*\*|\[link\]\(/u);
		expect(messages[0]!.embeds.at(-1)!.footer!.text).toContain('next: /search q:@\u200beveryone page:2');
		// The claimant is always shown, and the source link survives the parentheses in its URL.
		expect(all).toContain('According to @\u200beveryone');
		expect(all).toContain('https://example.org/a_%28b%29');
	});

	it('keeps code spans closed: a backtick in the text cannot end them early', () => {
		const [m] = renderDiscord({ blocks: [{ kind: 'paragraph', spans: [{ text: 'a`b @everyone', mark: 'code' }] }] });
		expect(m!.embeds[0]!.description).toBe('`aˋb @\u200beveryone`');
	});

	it('escapes line-start markdown and keeps escapes intact when cutting', () => {
		expect(escapeMarkdown('# heading\n> quote\n- item\n1. first')).toBe('\\# heading\n\\> quote\n\\- item\n1\\. first');
		expect(escapeMarkdown('a*b_c')).toBe('a\\*b\\_c');
		expect(neutraliseMentions('@everyone')).toBe('@\u200beveryone');
		const cut = fitEscaped('*'.repeat(300), 256);
		expect(cut.length).toBeLessThanOrEqual(256);
		expect(cut.endsWith('…')).toBe(true);
		expect(cut.replace('…', '')).toMatch(/^(\\\*)+$/u);
	});

	it('never splits a surrogate pair or leaves a lone surrogate', () => {
		const emoji = '😀'.repeat(5000);
		const messages = renderDiscord({
			blocks: [
				{ kind: 'paragraph', spans: [{ text: emoji }] },
				{ kind: 'paragraph', spans: [{ text: 'x\uD800y' }] },
			],
		});
		expectWithinLimits(messages);
		for (const e of messages.flatMap((m) => m.embeds))
			expect(e.description).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u);
	});

	it('gives paging a footer: the page alone for buttons, the next command line for scheduled posts', () => {
		const reply: Reply = {
			blocks: [{ kind: 'paragraph', spans: [{ text: 'x' }] }],
			paging: { page: 2, pages: 3, prev: '/timeline page:1', next: '/timeline page:3' },
		};
		expect(renderDiscord(reply)[0]!.embeds[0]!.footer!.text).toBe('Page 2 of 3');
		expect(renderDiscord(reply, { paging: 'text' })[0]!.embeds[0]!.footer!.text).toBe(
			'Page 2 of 3 · previous: /timeline page:1 · next: /timeline page:3',
		);
	});

	it('attaches images and files to the first message', () => {
		const png = new Uint8Array([137, 80, 78, 71]);
		const messages = renderDiscord({
			blocks: [{ kind: 'paragraph', spans: [{ text: 'chart' }] }],
			images: [{ name: '../timeline chart', png, alt: 'A chart' }],
			file: { name: 'story.ics', content: new Uint8Array([1, 2]), mime: 'text/calendar' },
		});
		expect(messages[0]!.files.map((f) => f.name)).toEqual(['.._timeline_chart.png', 'story.ics']);
		expect(messages[0]!.embeds.at(-1)!.image!.url).toBe('attachment://.._timeline_chart.png');
	});

	it('renders an empty reply as one valid message', () => {
		const messages = renderDiscord({ blocks: [] });
		expect(messages).toHaveLength(1);
		expectWithinLimits(messages);
	});

	it('uses the limits Discord documents', () => {
		expect(LIMITS).toMatchObject({ title: 256, description: 4096, fields: 25, fieldValue: 1024, total: 6000, embeds: 10 });
	});
});
