/**
 * Sending through the real telegraf client: error classification, the plain-text fallback, 429
 * back-off and outgoing pacing, measured at the stand-in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chat } from 'telegraf/types';
import type { Reply } from '../../../src/core/reply.js';
import { heading, para } from '../../../src/core/reply.js';
import { startTelegram, type TelegramPlatform, type TelegramTuning } from '../../../src/platforms/telegram/telegram-adapter.js';
import {
	apiErrors,
	captureLogger,
	checkTelegramHtml,
	people,
	places,
	TelegramStandIn,
	testConfig,
	testCore,
	TOKEN,
} from '../../helpers/telegram-stand-in.js';

const NO_PACING: TelegramTuning['pacing'] = {
	perChatIntervalMs: 0,
	group: { count: 10_000, windowMs: 1000 },
	global: { count: 10_000, windowMs: 1000 },
};

let standIn: TelegramStandIn;
let platform: TelegramPlatform | undefined;
let logs: ReturnType<typeof captureLogger>;

async function start(pacing: TelegramTuning['pacing'] = NO_PACING): Promise<TelegramPlatform> {
	logs = captureLogger();
	platform = await startTelegram({ core: await testCore(), config: testConfig(standIn), logger: logs.logger, tuning: { pacing } });
	return platform;
}

const alice = places.private(people.alice);
const short: Reply = { blocks: [heading('Daily briefing'), para('Nothing new & <quiet>.')] };
/**
 * Spacing is measured where calls arrive: a call that was slow to arrive (a new connection) shortens
 * the gap after it, so a lower bound allows that much.
 */
const JITTER = 40;
const gaps = (times: readonly number[]) => times.slice(1).map((t, i) => t - times[i]!);

beforeEach(async () => {
	standIn = await TelegramStandIn.start();
	standIn.addChat(alice);
	platform = undefined;
});
afterEach(async () => {
	await platform?.stop();
	await standIn.close();
});

describe('send outcomes', () => {
	it('reports a delivered reply with its message ids', async () => {
		const p = await start();
		const outcome = await p.sender.send(String(alice.id), short);
		expect(outcome).toEqual({
			kind: 'sent',
			messageIds: [expect.stringMatching(/^\d+$/u)],
			parts: [{ part: 1, parts: 1, messageIds: [expect.stringMatching(/^\d+$/u)] }],
		});
		expect(p.sender.platform).toBe('telegram');
	});

	it('waits retry_after on a 429 and then succeeds', async () => {
		const p = await start();
		standIn.fail('sendMessage', apiErrors.tooManyRequests(1));
		const outcome = await p.sender.send(String(alice.id), short);
		expect(outcome.kind).toBe('sent');
		const calls = standIn.calls.filter((c) => c.method === 'sendMessage');
		expect(calls.map((c) => c.error?.error_code)).toEqual([429, undefined]);
		const waited = calls[1]!.at - calls[0]!.at;
		expect(waited).toBeGreaterThanOrEqual(990);
		expect(waited).toBeLessThan(1500);
	});

	it('returns a 429 it should not wait for as transient with retryAfterMs', async () => {
		const p = await start({ ...NO_PACING, maxRetryAfterMs: 2000 });
		standIn.fail('sendMessage', apiErrors.tooManyRequests(30));
		expect(await p.sender.send(String(alice.id), short)).toMatchObject({ kind: 'transient', retryAfterMs: 30_000 });
		expect(standIn.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
	});

	it('reports 403 blocked and kicked as permanent', async () => {
		const p = await start();
		standIn.fail('sendMessage', apiErrors.blocked());
		expect(await p.sender.send(String(alice.id), short)).toEqual({
			kind: 'permanent',
			reason: '403: Forbidden: bot was blocked by the user',
		});
		standIn.fail('sendMessage', apiErrors.kicked());
		expect(await p.sender.send(String(places.group.id), short)).toMatchObject({
			kind: 'permanent',
			reason: expect.stringContaining('kicked'),
		});
	});

	it('reports a group upgraded to a supergroup with the new chat id', async () => {
		const p = await start();
		standIn.fail('sendMessage', apiErrors.migrated(-1009876543210));
		expect(await p.sender.send(String(places.group.id), short)).toEqual({ kind: 'migrated', newChannelId: '-1009876543210' });
	});

	it("resends once as plain text after 400 can't parse entities, and logs it", async () => {
		const p = await start();
		standIn.fail('sendMessage', apiErrors.cantParse());
		expect((await p.sender.send(String(alice.id), short)).kind).toBe('sent');
		const [first, second] = standIn.calls.filter((c) => c.method === 'sendMessage');
		expect(first!.params['parse_mode']).toBe('HTML');
		expect(second!.params['parse_mode']).toBeUndefined();
		const html = checkTelegramHtml(String(first!.params['text']));
		expect(html.ok && html.text).toBe(second!.params['text']);
		expect(second!.params['text']).toBe('Daily briefing\nNothing new & <quiet>.');
		expect(logs.records().some((r) => r['msg'] === 'Telegram rejected our HTML; resending as plain text' && r['level'] === 40)).toBe(
			true,
		);
	});

	it('classifies 5xx as transient and uncertain, a refused connection as transient and safe to retry', async () => {
		const p = await start();
		standIn.fail('sendMessage', apiErrors.serverError());
		expect(await p.sender.send(String(alice.id), short)).toMatchObject({ kind: 'transient', uncertain: true });
		await standIn.close();
		// Let the client notice its kept-alive sockets closed, so the next call opens a new connection.
		await new Promise((r) => setTimeout(r, 100));
		const outcome = await p.sender.send(String(alice.id), short);
		expect(outcome).toMatchObject({ kind: 'transient', reason: expect.stringContaining('ECONNREFUSED') });
		expect(outcome).not.toHaveProperty('uncertain');
		standIn = await TelegramStandIn.start();
		expect(logs.raw()).not.toContain(TOKEN.split(':')[1]);
	});

	it('sends a long reply as several messages in order; a failure midway says how many went out', async () => {
		const p = await start();
		const long: Reply = { blocks: Array.from({ length: 150 }, (_, i) => para(`Line ${i}: ${'word '.repeat(12)}`)) };
		const outcome = await p.sender.send(String(alice.id), long);
		expect(outcome.kind === 'sent' && outcome.messageIds.length).toBeGreaterThan(1);
		const texts = standIn.ok('sendMessage', alice.id).map((c) => String(c.params['text']));
		expect(texts.join('\n').match(/Line \d+/gu)).toEqual(Array.from({ length: 150 }, (_, i) => `Line ${i}`));
		standIn.fail('sendMessage', apiErrors.blocked(), { skip: 1 });
		expect(await p.sender.send(String(alice.id), long)).toEqual({
			kind: 'permanent',
			reason: '403: Forbidden: bot was blocked by the user (after 1 message of the reply went out)',
		});
	});

	it('uploads images and files as multipart', async () => {
		const p = await start();
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
		const reply: Reply = {
			blocks: [para('Map')],
			images: [{ name: 'map.png', png, alt: '<map> & @everyone' }],
			file: { name: 'events.csv', content: new TextEncoder().encode('id,title\n'), mime: 'text/csv' },
		};
		const outcome = await p.sender.send(String(alice.id), reply);
		expect(outcome.kind === 'sent' && outcome.messageIds).toHaveLength(2);
		const [photo] = standIn.ok('sendPhoto', alice.id);
		expect(photo!.files['photo']).toMatchObject({ name: 'map.png', size: png.length });
		// A short answer travels as the photo's caption.
		expect(photo!.params['caption']).toBe('Map');
		expect(standIn.ok('sendMessage', alice.id)).toHaveLength(0);
		expect(standIn.ok('sendDocument', alice.id)[0]!.files['document']).toMatchObject({ name: 'events.csv', size: 9 });
	});

	it('puts the first 1024 characters of a long answer in the caption and sends the rest as text', async () => {
		const p = await start();
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
		const blocks = Array.from({ length: 60 }, (_, i) => para(`Line ${i}: <b>${'x'.repeat(60)}</b> & more`));
		const outcome = await p.sender.send(String(alice.id), { blocks, images: [{ name: 't.png', png, alt: 'timeline' }] });
		expect(outcome.kind).toBe('sent');
		const caption = String(standIn.ok('sendPhoto', alice.id)[0]!.params['caption']);
		expect(caption.length).toBeLessThanOrEqual(1024);
		expect(caption).toMatch(/^Line 0: &lt;b&gt;x+&lt;\/b&gt; &amp; more/);
		const rest = standIn
			.ok('sendMessage', alice.id)
			.map((c) => String(c.params['text']))
			.join('\n');
		for (let i = 0; i < 60; i++) expect(`${caption}\n${rest}`).toContain(`Line ${i}:`);
	});

	it('sends the words when Telegram refuses the picture or the file, and logs it; a blocked chat stays permanent', async () => {
		const p = await start();
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
		const reply: Reply = {
			blocks: [para('The words of the answer')],
			images: [{ name: 'map.png', png, alt: 'map' }],
			file: { name: 'events.csv', content: new TextEncoder().encode('id\n'), mime: 'text/csv' },
		};
		standIn.fail('sendPhoto', { error_code: 400, description: 'Bad Request: IMAGE_PROCESS_FAILED' });
		standIn.fail('sendDocument', { error_code: 413, description: 'Request Entity Too Large' });
		const outcome = await p.sender.send(String(alice.id), reply);
		expect(outcome).toMatchObject({ kind: 'sent' });
		expect(standIn.ok('sendMessage', alice.id).map((c) => String(c.params['text']))).toEqual(['The words of the answer']);
		// The picture carried the words as its caption: they went out as text instead, said in the log; the file is let go.
		expect(logs.records().filter((r) => r['msg'] === 'Telegram refused the picture; sending its caption as text')).toHaveLength(1);
		expect(
			logs
				.records()
				.filter((r) => r['msg'] === 'Telegram refused an attachment; the words go out without it')
				.map((r) => r['kind']),
		).toEqual(['document']);
		standIn.fail('sendPhoto', apiErrors.blocked());
		expect(await p.sender.send(String(alice.id), reply)).toMatchObject({ kind: 'permanent' });
		expect(standIn.ok('sendMessage', alice.id)).toHaveLength(1);
	});

	it('keeps a paged answer as an editable text message and sends the picture after it', async () => {
		const p = await start();
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
		await p.sender.send(String(alice.id), {
			blocks: [para('Page one')],
			paging: { page: 1, pages: 2, next: '/timeline page:2' },
			images: [{ name: 't.png', png, alt: 'A timeline' }],
		});
		expect(standIn.ok('sendMessage', alice.id)).toHaveLength(1);
		expect(standIn.ok('sendPhoto', alice.id)[0]!.params['caption']).toBe('A timeline');
	});
});

describe('pacing', () => {
	it('spaces messages to one chat by the per-chat interval, in order', async () => {
		const p = await start({ ...NO_PACING, perChatIntervalMs: 100 });
		await Promise.all(Array.from({ length: 5 }, (_, i) => p.sender.send(String(alice.id), { blocks: [para(`message ${i}`)] })));
		const calls = standIn.ok('sendMessage', alice.id);
		expect(calls.map((c) => c.params['text'])).toEqual(['message 0', 'message 1', 'message 2', 'message 3', 'message 4']);
		const at = calls.map((c) => c.at);
		for (const g of gaps(at)) {
			expect(g).toBeGreaterThanOrEqual(100 - JITTER);
			expect(g).toBeLessThan(200);
		}
		expect(at[4]! - at[0]!).toBeGreaterThanOrEqual(400 - JITTER);
	});

	it('holds a group to its per-window budget', async () => {
		const p = await start({ ...NO_PACING, perChatIntervalMs: 10, group: { count: 3, windowMs: 400 } });
		await Promise.all(Array.from({ length: 6 }, (_, i) => p.sender.send(String(places.group.id), { blocks: [para(`g${i}`)] })));
		const at = standIn.ok('sendMessage', places.group.id).map((c) => c.at);
		expect(at).toHaveLength(6);
		expect(at[2]! - at[0]!).toBeLessThan(150);
		expect(at[3]! - at[0]!).toBeGreaterThanOrEqual(400 - JITTER);
		expect(at[5]! - at[2]!).toBeGreaterThanOrEqual(400 - JITTER);
	});

	it('holds all chats together to the global budget, spread evenly, while a private chat is not held to the group one', async () => {
		const p = await start({ ...NO_PACING, group: { count: 1, windowMs: 60_000 }, global: { count: 4, windowMs: 300 } });
		const chats: Chat[] = Array.from({ length: 8 }, (_, i) => places.private({ id: 5000 + i, is_bot: false, first_name: `U${i}` }));
		for (const c of chats) standIn.addChat(c);
		// Warm the client's connection pool first, so connection set-up does not blur the measurement.
		await Promise.all(chats.slice(0, 4).map((c) => p.sender.send(String(c.id), short)));
		await new Promise((r) => setTimeout(r, 350));
		standIn.calls.length = 0;
		await Promise.all(chats.map((c) => p.sender.send(String(c.id), short)));
		const at = standIn
			.ok('sendMessage')
			.map((c) => c.at)
			.sort((a, b) => a - b);
		expect(at).toHaveLength(8);
		// 4 per 300 ms, one every 75 ms rather than a burst of 4: few requests are ever in flight at once.
		// Each call keeps to its slot in the even schedule (none starts early); a call the busy loop
		// started late may be followed closer by the next, which catches the schedule up, so the
		// promise is per slot, not per gap.
		for (let i = 1; i < at.length; i++) expect(at[i]! - at[0]!).toBeGreaterThanOrEqual(i * 75 - JITTER);
		// Never more than the budget in any window.
		for (let i = 0; i + 4 < at.length; i++) expect(at[i + 4]! - at[i]!).toBeGreaterThanOrEqual(300 - JITTER);
	});
});
