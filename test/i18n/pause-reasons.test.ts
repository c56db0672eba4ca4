/**
 * Stored pause reasons in the reader's language. The inputs are what the real senders store (their
 * classifiers run on real error objects), so a change of their wording fails here instead of
 * reaching readers in English.
 */
import { DiscordAPIError } from 'discord.js';
import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../src/core/delivery.js';
import { stripBidiMarks } from '../../src/i18n/bidi.js';
import { pauseReason } from '../../src/i18n/pause-reasons.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { classifySendError as classifyDiscord } from '../../src/platforms/discord/discord-sender.js';
import { classifySendError as classifyTelegram } from '../../src/platforms/telegram/send-errors.js';

const tg = (code: number, description: string, delivered = 0): string =>
	reasonOf(classifyTelegram(new TelegramError({ error_code: code, description }), 'TOKEN', delivered));
const dc = (status: number, code: number, message: string): string =>
	reasonOf(
		classifyDiscord(
			new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.com/api/v10/channels/1/messages', {
				body: {},
				files: undefined,
			}),
		),
	);

function reasonOf(o: SendOutcome): string {
	if (o.kind !== 'permanent') throw new Error(`expected a permanent failure, got ${o.kind}`);
	return o.reason;
}

const ru = createTranslator('ru');
const az = createTranslator('az');
const fa = createTranslator('fa');
const en = createTranslator('en');

describe('pause reasons', () => {
	it('shows what Telegram’s refusals mean, with the error code, in each language', () => {
		const blocked = tg(403, 'Forbidden: bot was blocked by the user');
		expect(blocked).toBe('403: Forbidden: bot was blocked by the user');
		expect(pauseReason(ru, 'telegram', blocked)).toBe('пользователь заблокировал бота (Telegram 403)');
		expect(pauseReason(az, 'telegram', blocked)).toBe('istifadəçi botu bloklayıb (Telegram 403)');
		expect(stripBidiMarks(pauseReason(fa, 'telegram', blocked))).toBe('کاربر ربات را مسدود کرده است (Telegram 403)');
		expect(pauseReason(en, 'telegram', blocked)).toBe('the bot was blocked by the user (Telegram 403)');

		expect(pauseReason(ru, 'telegram', tg(403, 'Forbidden: bot was kicked from the supergroup chat'))).toBe(
			'бота удалили из чата (Telegram 403)',
		);
		expect(pauseReason(ru, 'telegram', tg(400, 'Bad Request: chat not found'))).toBe(
			'чат не найден: он удалён, или бот его не видит (Telegram 400)',
		);
		expect(pauseReason(ru, 'telegram', tg(400, 'Bad Request: not enough rights to send text messages to the chat'))).toBe(
			'у бота нет права писать в этот чат (Telegram 400)',
		);
		expect(pauseReason(ru, 'telegram', tg(403, 'Forbidden: user is deactivated'))).toBe('аккаунт пользователя удалён (Telegram 403)');
		expect(pauseReason(ru, 'telegram', tg(403, "Forbidden: bot can't initiate conversation with a user"))).toBe(
			'пользователь не начинал диалог с ботом (Telegram 403)',
		);
		expect(pauseReason(ru, 'telegram', tg(403, 'Forbidden: bot is not a member of the channel chat'))).toBe(
			'бот не состоит в чате (Telegram 403)',
		);
	});

	it('says how much of the briefing went out before a refusal', () => {
		const partial = tg(403, 'Forbidden: bot was blocked by the user', 2);
		expect(partial).toMatch(/\(after 2 messages of the reply went out\)$/u);
		expect(pauseReason(ru, 'telegram', partial)).toBe(
			'пользователь заблокировал бота (Telegram 403); до этого ушли 2 сообщения сводки',
		);
		expect(pauseReason(en, 'telegram', tg(403, 'Forbidden: bot was blocked by the user', 1))).toBe(
			'the bot was blocked by the user (Telegram 403), after 1 message of the briefing went out',
		);
	});

	it('shows what Discord’s refusals mean, by JSON code first, then by HTTP status', () => {
		expect(pauseReason(ru, 'discord', dc(403, 50013, 'Missing Permissions'))).toBe(
			'у бота нет права писать в этот чат (Discord 50013)',
		);
		expect(pauseReason(az, 'discord', dc(403, 50001, 'Missing Access'))).toBe('botun bu kanala girişi yoxdur (Discord 50001)');
		expect(pauseReason(ru, 'discord', dc(404, 10003, 'Unknown Channel'))).toBe(
			'чат не найден: он удалён, или бот его не видит (Discord 10003)',
		);
		expect(pauseReason(ru, 'discord', dc(403, 20001, 'Bots cannot use this endpoint'))).toBe(
			'у бота нет доступа к этому каналу (Discord 20001)',
		);
	});

	it('translates the reasons the scheduler and the senders write themselves', () => {
		expect(pauseReason(ru, 'telegram', 'the chat moved to -1009876, which has its own subscription')).toBe(
			'чат переехал в -1009876, где уже есть своя подписка',
		);
		expect(pauseReason(az, 'telegram', 'the chat migrated twice (to -1005)')).toBe('çat iki dəfə köçüb (sonuncu dəfə -1005 ünvanına)');
		expect(pauseReason(ru, 'discord', '"abc" is not a Discord channel id')).toBe('неверный идентификатор чата');
		expect(pauseReason(ru, 'console', 'the console output is closed')).toBe('вывод консоли закрыт');
		expect(pauseReason(ru, 'discord', 'removed from the server')).toBe('бота удалили с сервера');
	});

	it('shows an unknown reason as the platform’s own words inside a localized frame', () => {
		const odd = tg(400, 'Bad Request: PEER_ID_INVALID');
		expect(pauseReason(ru, 'telegram', odd)).toBe('платформа не приняла сообщение: 400: Bad Request: PEER_ID_INVALID');
		expect(stripBidiMarks(pauseReason(fa, 'telegram', odd))).toBe('پلتفرم پیام را نپذیرفت: 400: Bad Request: PEER_ID_INVALID');
		// A Telegram-looking description on another platform is not taken for Telegram's.
		expect(pauseReason(ru, 'discord', '403: Forbidden: bot was blocked by the user')).toBe(
			'платформа не приняла сообщение: 403: Forbidden: bot was blocked by the user',
		);
	});

	it('isolates the platform’s Latin words inside Persian text', () => {
		const text = pauseReason(fa, 'telegram', tg(400, 'Bad Request: PEER_ID_INVALID'));
		expect(text).toContain('\u2068400: Bad Request: PEER_ID_INVALID\u2069');
	});
});
