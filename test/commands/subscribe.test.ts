import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import type { Place, Requester } from '../../src/core/command.js';
import { Core } from '../../src/core/dispatch.js';
import { silentLogger } from '../../src/logger.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { parseTime, parseTimeZone, suggestZones } from '../../src/scheduler/schedule-input.js';
import { openSqliteStores, type SqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { makeDataset } from '../scheduler/helpers/fixtures.js';

const NOW = new Date('2025-07-01T06:00:00Z'); // 10:00 in Baku
const admin: Requester = { platform: 'telegram', userId: '42', displayName: 'Admin', isChannelAdmin: true, isOwner: false };
const member: Requester = { ...admin, userId: '7', isChannelAdmin: false };
const owner: Requester = { ...admin, userId: '1', isChannelAdmin: false, isOwner: true };
const group: Place = { platform: 'telegram', channelId: '-1001557912345', kind: 'group' };

const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

function setup(services: Record<string, unknown> | 'none' = {}): {
	core: Core;
	stores: SqliteStores;
	ask: (line: string, requester?: Requester, place?: Place) => Promise<{ text: string; kind: string; code?: string }>;
} {
	const stores = openSqliteStores(':memory:');
	cleanups.push(() => stores.close());
	const core = new Core({
		registry,
		dataset: () => makeDataset(),
		clock: () => NOW,
		logger: silentLogger(),
		services: services === 'none' ? {} : { subscriptions: stores.subscriptions, ...services },
	});
	return {
		core,
		stores,
		ask: async (line, requester = admin, place = group) => {
			const r = await core.handle({ line, requester, place });
			return {
				text: renderPlainText(r.reply),
				kind: r.outcome.kind,
				...(r.outcome.kind === 'user_error' ? { code: r.outcome.code } : {}),
			};
		},
	};
}

describe('/subscribe', () => {
	it('defaults to 08:00 in the story’s timezone', async () => {
		const { ask, stores } = setup();
		const r = await ask('/subscribe');
		expect(r.kind).toBe('ok');
		expect(r.text).toContain('Subscribed');
		expect(r.text).toContain('every day at 08:00 (Asia/Baku)');
		expect(r.text).toContain('Next: 2025-07-02 08:00 Asia/Baku');
		expect(await stores.subscriptions.get('telegram', group.channelId)).toMatchObject({
			time: '08:00',
			timezone: 'Asia/Baku',
			quiet: false,
			createdBy: 'telegram:42',
			status: 'active',
		});
	});

	it('takes alerts and quiet hours, keeps them on a later /subscribe, and shows them in /subscriptions', async () => {
		const { ask, stores } = setup();
		const r = await ask('/subscribe alerts:breaking quiet_hours:22:00-7:00');
		expect(r.kind).toBe('ok');
		expect(r.text).toContain('Alerts: breaking news, as soon as the editors publish it');
		expect(r.text).toContain('Quiet hours: 22:00–07:00 (Asia/Baku): alerts wait until they end');
		await ask('/subscribe time:09:00');
		expect(await stores.subscriptions.get('telegram', group.channelId)).toMatchObject({
			alerts: 'breaking',
			quietHours: '22:00-07:00',
			time: '09:00',
		});
		const shown = await ask('/subscriptions', member);
		expect(shown.text).toContain('Alerts: breaking news');
		expect(shown.text).toContain('Quiet hours: 22:00–07:00');
		const all = await ask('/subscriptions all:true', owner);
		expect(all.text).toContain('breaking alerts');
		expect(all.text).toContain('quiet 22:00–07:00');
		await ask('/subscribe alerts:all quiet_hours:off');
		expect(await stores.subscriptions.get('telegram', group.channelId)).toMatchObject({ alerts: 'all', quietHours: undefined });
		const ru = await ask('/subscribe alerts:off');
		expect(ru.text).toContain('Alerts: off: only the daily briefing');
	});

	it('refuses quiet hours it cannot read, saying how to write them, and changes nothing', async () => {
		const { ask, stores } = setup();
		await ask('/subscribe alerts:all');
		for (const bad of ['22-7', '25:00-07:00', '07:00-07:00', 'nightly']) {
			const r = await ask(`/subscribe quiet_hours:${bad}`);
			expect(r.kind, bad).toBe('user_error');
			expect(r.text).toMatch(/quiet_hours/u);
		}
		expect(await stores.subscriptions.get('telegram', group.channelId)).toMatchObject({ alerts: 'all', quietHours: undefined });
		const badLevel = await ask('/subscribe alerts:sometimes');
		expect(badLevel.kind).toBe('user_error');
		expect(badLevel.text).toContain('off, breaking');
	});

	it('uses the configured default time and timezone when given', async () => {
		const { ask, stores } = setup({ defaults: { time: '07:15', timezone: 'Europe/Berlin' } });
		await ask('/subscribe');
		expect(await stores.subscriptions.get('telegram', group.channelId)).toMatchObject({ time: '07:15', timezone: 'Europe/Berlin' });
	});

	it('takes time, timezone, filters and quiet, and updates on a second /subscribe', async () => {
		const { ask, stores } = setup();
		await ask('/subscribe time:9:05 timezone:america/new_york actor:kremlin quiet:true');
		const first = await stores.subscriptions.get('telegram', group.channelId);
		expect(first).toMatchObject({ time: '09:05', timezone: 'America/New_York', actorId: 'kremlin', quiet: true });
		const r = await ask('/subscribe 18:30 tag:media');
		expect(r.text).toContain('Updated');
		const all = await stores.subscriptions.list();
		expect(all).toHaveLength(1);
		// What is not given is kept.
		expect(all[0]).toMatchObject({
			id: first!.id,
			time: '18:30',
			timezone: 'America/New_York',
			actorId: 'kremlin',
			tag: 'media',
			quiet: true,
		});
		await ask('/subscribe reset:true time:06:00');
		expect((await stores.subscriptions.list())[0]).toMatchObject({ id: first!.id, time: '06:00', timezone: 'Asia/Baku', quiet: false });
		expect((await stores.subscriptions.list())[0]!.actorId).toBeUndefined();
	});

	it.each(['25:00', '9', '0900', '12:60', 'noon'])('rejects the time %s with the form and examples', async (time) => {
		const { ask, stores } = setup();
		const r = await ask(`/subscribe time:${time}`);
		expect(r).toMatchObject({ kind: 'user_error', code: 'BAD_VALUE' });
		expect(r.text).toContain('time is HH:MM in 24-hour form, like 08:00 or 18:30');
		expect(await stores.subscriptions.list()).toEqual([]);
	});

	it('turns 6pm into a suggestion', async () => {
		const { ask } = setup();
		expect((await ask('/subscribe time:6pm')).text).toContain('write 18:00');
	});

	it.each([
		['London', 'Europe/London'],
		['Europe/Londn', 'Europe/London'],
		['new york', 'America/New_York'],
		['Asia/Bakuu', 'Asia/Baku'],
	])('rejects the timezone %s and suggests %s', async (zone, suggestion) => {
		const { ask } = setup();
		const r = await ask(`/subscribe timezone:"${zone}"`);
		expect(r).toMatchObject({ kind: 'user_error', code: 'BAD_VALUE' });
		expect(r.text).toContain(`Did you mean ${suggestion}`);
		expect(r.text).toContain('IANA zone name');
	});

	it('rejects a UTC offset, which would not follow daylight saving', async () => {
		const { ask } = setup();
		expect((await ask('/subscribe timezone:+04:00')).text).toContain('is an offset');
	});

	it('is for admins of the chat only', async () => {
		const { ask, stores } = setup();
		const r = await ask('/subscribe', member);
		expect(r.kind).toBe('denied');
		expect(await stores.subscriptions.list()).toEqual([]);
	});

	it('resumes a paused subscription and shows why it was paused before', async () => {
		const { ask, stores } = setup();
		await ask('/subscribe time:09:00');
		const sub = (await stores.subscriptions.list())[0]!;
		await stores.subscriptions.pause(sub.id, 'Forbidden: bot was kicked from the group chat', NOW);
		const shown = await ask('/subscriptions', member);
		expect(shown.text).toContain('paused');
		expect(shown.text).toContain('Forbidden: bot was kicked from the group chat');
		expect(shown.text).toContain('/subscribe resumes it');
		expect((await ask('/subscribe')).text).toContain('Resumed');
		expect((await stores.subscriptions.getById(sub.id))?.status).toBe('active');
	});

	it('says clearly when the bot runs without a store', async () => {
		const { ask } = setup('none');
		expect(await ask('/subscribe')).toMatchObject({ kind: 'user_error', code: 'UNAVAILABLE' });
	});
});

describe('/unsubscribe and /subscriptions', () => {
	it('stops this chat’s briefing only', async () => {
		const { ask, stores } = setup();
		await ask('/subscribe');
		await ask('/subscribe', admin, { ...group, channelId: 'other' });
		expect((await ask('/unsubscribe', member)).kind).toBe('denied');
		expect((await ask('/unsubscribe')).text).toContain('Stopped');
		expect((await stores.subscriptions.list()).map((s) => s.channelId)).toEqual(['other']);
		expect((await ask('/unsubscribe')).text).toContain('no daily briefing to stop');
	});

	it('lists this chat’s subscription for anyone, and every subscription for an owner', async () => {
		const { ask } = setup();
		expect((await ask('/subscriptions', member)).text).toContain('This chat has no daily briefing');
		await ask('/subscribe time:07:30 tag:courts');
		await ask('/subscribe', admin, { platform: 'discord', channelId: '123', kind: 'guild', guildId: 'g' });
		const mine = await ask('/subscriptions', member);
		expect(mine.text).toContain('every day at 07:30 (Asia/Baku)');
		expect(mine.text).toContain('tag courts');
		expect(mine.text).not.toContain('discord');
		expect(await ask('/subscriptions all:true', member)).toMatchObject({ kind: 'user_error', code: 'FORBIDDEN' });
		const all = await ask('/subscriptions all:true', owner);
		expect(all.text).toContain('All subscriptions: 2 (2 active, 0 paused)');
		expect(all.text).toContain('discord 123');
	});
});

describe('schedule input', () => {
	it('normalises times and zones', () => {
		expect(parseTime('8:00')).toBe('08:00');
		expect(parseTime(' 23:59 ')).toBe('23:59');
		expect(parseTimeZone('europe/london')).toBe('Europe/London');
		expect(parseTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
		expect(parseTimeZone('UTC')).toBe('UTC');
		expect(suggestZones('Baku')).toEqual(['Asia/Baku']);
	});
});
