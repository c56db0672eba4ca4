import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { PageKeyStore } from '../../../src/platforms/telegram/page-keys.js';
import { MemoryPageKeyTable } from '../../../src/store/memory-page-keys.js';
import { DEFAULT_PACING, Pacer, PacerClosedError } from '../../../src/platforms/telegram/pacer.js';
import { classifySendError, retryAfterMs, scrub } from '../../../src/platforms/telegram/send-errors.js';

class Retry extends Error {
	constructor(readonly ms: number) {
		super('retry');
	}
}
const retryOf = (err: unknown) => (err instanceof Retry ? err.ms : undefined);
const quick = { ...DEFAULT_PACING, perChatIntervalMs: 0, group: { count: 100, windowMs: 1000 }, global: { count: 100, windowMs: 1000 } };

describe('Pacer', () => {
	it('retries a 429 after its wait and keeps the chat in order, without holding other chats', async () => {
		const pacer = new Pacer(quick, retryOf);
		const log: string[] = [];
		let failedOnce = false;
		const t0 = performance.now();
		const a = pacer.run('1', false, async () => {
			if (!failedOnce) {
				failedOnce = true;
				log.push('a:429');
				throw new Retry(120);
			}
			log.push(`a@${Math.round(performance.now() - t0)}`);
		});
		const b = pacer.run('1', false, async () => void log.push('b'));
		const other = pacer.run('2', false, async () => void log.push('other'));
		await Promise.all([a, b, other]);
		expect(log[0]).toBe('a:429');
		expect(log.indexOf('other')).toBeLessThan(log.findIndex((l) => l.startsWith('a@')));
		expect(log.indexOf('b')).toBeGreaterThan(log.findIndex((l) => l.startsWith('a@')));
		expect(Number(log.find((l) => l.startsWith('a@'))!.slice(2))).toBeGreaterThanOrEqual(118);
	});

	it('gives up after maxAttempts and rethrows', async () => {
		const pacer = new Pacer({ ...quick, maxAttempts: 2 }, retryOf);
		let calls = 0;
		await expect(
			pacer.run('1', false, async () => {
				calls++;
				throw new Retry(1);
			}),
		).rejects.toBeInstanceOf(Retry);
		expect(calls).toBe(2);
	});

	it('fails queued work once closed', async () => {
		const pacer = new Pacer({ ...quick, perChatIntervalMs: 10_000 }, retryOf);
		await pacer.run('1', false, async () => 'first');
		const queued = pacer.run('1', false, async () => 'second');
		pacer.close();
		await expect(queued).rejects.toBeInstanceOf(PacerClosedError);
		await expect(pacer.run('2', false, async () => 'x')).rejects.toBeInstanceOf(PacerClosedError);
	});
});

describe('PageKeyStore', () => {
	it('makes short opaque keys that expire, stay in their chat and belong to their user', async () => {
		let now = 0;
		const store = new PageKeyStore({ ttlMs: 1000, maxEntries: 10, now: () => now });
		const key = await store.put({ line: `/timeline text:"${'Кремль '.repeat(50)}" page:2`, chatId: '-100', userId: '7' });
		expect(Buffer.byteLength(key)).toBeLessThanOrEqual(64);
		expect(key).toMatch(/^pg:[A-Za-z0-9_-]{16}$/u);
		expect((await store.get(key, '-100', '7')).kind).toBe('ok');
		expect((await store.get(key, '-100', '8')).kind).toBe('foreign');
		expect((await store.get(key, '-200', '7')).kind).toBe('expired');
		const shared = await store.put({ line: '/timeline page:2', chatId: '-100' });
		expect((await store.get(shared, '-100', '8')).kind).toBe('ok');
		now = 1000;
		expect((await store.get(key, '-100', '7')).kind).toBe('expired');
	});

	it('is bounded: the oldest pages go first', async () => {
		const table = new MemoryPageKeyTable(3);
		const store = new PageKeyStore({ ttlMs: 60_000, maxEntries: 3, table });
		const keys: string[] = [];
		for (let i = 0; i < 5; i++) keys.push(await store.put({ line: `/timeline page:${i}`, chatId: '1' }));
		expect(table.size).toBe(3);
		const kinds: string[] = [];
		for (const k of keys) kinds.push((await store.get(k, '1', undefined)).kind);
		expect(kinds).toEqual(['expired', 'expired', 'ok', 'ok', 'ok']);
	});
});

describe('classifySendError', () => {
	const token = '123456:AAE-secret-part-xyz';
	const tgError = (error_code: number, description: string, parameters?: object) =>
		new TelegramError({ error_code, description, ...(parameters ? { parameters } : {}) });

	it('maps the Bot API errors to outcomes', () => {
		expect(classifySendError(tgError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }), token)).toEqual({
			kind: 'transient',
			reason: '429: Too Many Requests: retry after 7',
			retryAfterMs: 7000,
		});
		expect(classifySendError(tgError(403, 'Forbidden: user is deactivated'), token)).toEqual({
			kind: 'permanent',
			reason: '403: Forbidden: user is deactivated',
		});
		expect(classifySendError(tgError(400, 'Bad Request: chat not found'), token).kind).toBe('permanent');
		expect(
			classifySendError(
				tgError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -100123 }),
				token,
			),
		).toEqual({ kind: 'migrated', newChannelId: '-100123' });
		expect(classifySendError(tgError(502, 'Bad Gateway'), token)).toMatchObject({ kind: 'transient', uncertain: true });
		expect(classifySendError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), token)).toMatchObject({
			kind: 'transient',
			uncertain: true,
		});
		expect(retryAfterMs(tgError(400, 'x'))).toBeUndefined();
	});

	it('never lets the token into a reason', () => {
		const err = Object.assign(new Error(`request to https://api.telegram.org/bot${token}/sendMessage failed`), {
			code: 'ECONNREFUSED',
		});
		const outcome = classifySendError(err, token);
		expect(outcome).toEqual({ kind: 'transient', reason: 'request to https://api.telegram.org/bot[redacted]/sendMessage failed' });
		expect(scrub(`x AAE-secret-part-xyz y`, token)).toBe('x [redacted] y');
	});
});
