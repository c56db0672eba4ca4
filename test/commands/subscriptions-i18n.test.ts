/** /subscriptions shows why a subscription is paused in the reader's language, not the platform's English. */
import { TelegramError } from 'telegraf';
import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import type { Place, Requester } from '../../src/core/command.js';
import { Core } from '../../src/core/dispatch.js';
import { stripBidiMarks } from '../../src/i18n/bidi.js';
import { silentLogger } from '../../src/logger.js';
import { classifySendError } from '../../src/platforms/telegram/send-errors.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { openSqliteStores, type SqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { makeDataset } from '../scheduler/helpers/fixtures.js';

const NOW = new Date('2025-07-01T06:00:00Z');
const member: Requester = { platform: 'telegram', userId: '7', displayName: 'Member', isChannelAdmin: false, isOwner: false };
const owner: Requester = { ...member, userId: '1', isOwner: true };
const group: Place = { platform: 'telegram', channelId: '-1001557912345', kind: 'group' };
/** What the Telegram sender stores when the bot has been removed from a group. */
const KICKED = (() => {
	const o = classifySendError(
		new TelegramError({ error_code: 403, description: 'Forbidden: bot was kicked from the group chat' }),
		'TOKEN',
	);
	if (o.kind !== 'permanent') throw new Error('expected a permanent failure');
	return o.reason;
})();

let stores: SqliteStores | undefined;
afterEach(() => stores?.close());

async function pausedChat(reason: string): Promise<(line: string, locale: string, requester?: Requester) => Promise<string>> {
	stores = openSqliteStores(':memory:');
	const { subscription } = await stores.subscriptions.upsert(
		{ platform: 'telegram', channelId: group.channelId, time: '08:00', timezone: 'Asia/Baku', quiet: false, createdBy: 'telegram:42' },
		NOW,
	);
	await stores.subscriptions.pause(subscription.id, reason, NOW);
	const core = new Core({
		registry,
		dataset: () => makeDataset(),
		clock: () => NOW,
		logger: silentLogger(),
		services: { subscriptions: stores.subscriptions },
	});
	return async (line, locale, requester = member) =>
		stripBidiMarks(renderPlainText((await core.handle({ line, requester, place: group, locale })).reply));
}

describe('/subscriptions and a paused subscription', () => {
	it('gives the reason in Russian, with Telegram’s error code, and no English words of the platform', async () => {
		const ask = await pausedChat(KICKED);
		const text = await ask('/subscriptions', 'ru');
		expect(text).toContain('приостановлена с 2025-07-01 06:00 UTC: бота удалили из чата (Telegram 403). /subscribe возобновит её.');
		expect(text).not.toContain('Forbidden');
	});

	it('gives it in Azerbaijani and Persian, and in English for English readers', async () => {
		const ask = await pausedChat(KICKED);
		expect(await ask('/subscriptions', 'az')).toContain('bot çatdan çıxarılıb (Telegram 403)');
		expect(await ask('/subscriptions', 'fa')).toContain('ربات از گفت‌وگو حذف شده است (Telegram 403)');
		expect(await ask('/subscriptions', 'en')).toContain(
			'paused since 2025-07-01 06:00 UTC: the bot was removed from the chat (Telegram 403). /subscribe resumes it.',
		);
	});

	it('lists every subscription for an owner with each reason in the reader’s language', async () => {
		const ask = await pausedChat(KICKED);
		const text = await ask('/subscriptions all:true', 'ru', owner);
		expect(text).toContain('— приостановлена: бота удалили из чата (Telegram 403)');
	});

	it('frames a reason it does not know, keeping the platform’s words as the detail', async () => {
		const ask = await pausedChat('418: I am a teapot');
		expect(await ask('/subscriptions', 'ru')).toContain('платформа не приняла сообщение: 418: I am a teapot');
	});
});
