/**
 * The store ports' contract, run against every backend: SQLite, and PostgreSQL when
 * SITREP_TEST_DATABASE_URL is set. Backend-specific matters (files, migrations) are tested beside
 * each backend.
 */
import { describe, expect, it } from 'vitest';
import { resumePoint, type OccurrenceTarget, type SubscriptionInput } from '../../src/store/store.js';
import type { Stores } from '../../src/store/stores.js';
import { titled, useStoreBackends, type StoreBackend } from '../helpers/store-backends.js';

const backends = useStoreBackends();

const T0 = new Date('2025-07-01T04:00:00Z');
const later = (min: number) => new Date(T0.getTime() + min * 60_000);
const input = (over: Partial<SubscriptionInput> = {}): SubscriptionInput => ({
	platform: 'telegram',
	channelId: '-1001557912345',
	time: '09:00',
	timezone: 'Asia/Baku',
	quiet: false,
	createdBy: 'telegram:42',
	...over,
});
const target = (subscriptionId = 1, localDate = '2025-07-01'): OccurrenceTarget => ({
	subscriptionId,
	localDate,
	scheduledAt: '2025-07-01T05:00:00.000Z',
	platform: 'telegram',
	channelId: 'chat',
});

async function stores(backend: StoreBackend): Promise<Stores> {
	return (await backend.fresh()).open();
}

describe.each(titled(backends))('%s', (_title, backend) => {
	describe.skipIf(backend.skip)('SubscriptionStore', () => {
		it('subscribing again updates the same subscription instead of adding one', async () => {
			const { subscriptions } = await stores(backend);
			const first = await subscriptions.upsert(input(), T0);
			expect(first.created).toBe(true);
			expect(first.subscription).toEqual({
				id: first.subscription.id,
				platform: 'telegram',
				channelId: '-1001557912345',
				guildId: undefined,
				time: '09:00',
				timezone: 'Asia/Baku',
				actorId: undefined,
				tag: undefined,
				quiet: false,
				alerts: 'off',
				quietHours: undefined,
				status: 'active',
				pauseReason: undefined,
				createdBy: 'telegram:42',
				createdAt: T0.toISOString(),
				updatedAt: T0.toISOString(),
				effectiveFrom: T0.toISOString(),
			});
			const second = await subscriptions.upsert(
				input({ time: '18:30', timezone: 'Europe/London', tag: 'media', quiet: true, actorId: 'kremlin' }),
				later(5),
			);
			expect(second.created).toBe(false);
			expect(second.previous).toEqual(first.subscription);
			expect(second.subscription.id).toBe(first.subscription.id);
			expect(second.subscription).toMatchObject({
				time: '18:30',
				timezone: 'Europe/London',
				tag: 'media',
				quiet: true,
				actorId: 'kremlin',
				createdAt: T0.toISOString(),
				updatedAt: later(5).toISOString(),
			});
			expect(await subscriptions.list()).toHaveLength(1);
			expect(await subscriptions.get('telegram', '-1001557912345')).toEqual(second.subscription);
		});

		it('pins a briefing language, and subscribing again without one clears it', async () => {
			const { subscriptions } = await stores(backend);
			const pinned = await subscriptions.upsert(input({ language: 'ru' }), T0);
			expect(pinned.subscription.language).toBe('ru');
			expect((await subscriptions.getById(pinned.subscription.id))?.language).toBe('ru');
			const cleared = await subscriptions.upsert(input(), later(1));
			expect(cleared.previous?.language).toBe('ru');
			expect(cleared.subscription.language).toBeUndefined();
		});

		it('keeps alerts and quiet hours, and subscribing again without them resets them', async () => {
			const { subscriptions } = await stores(backend);
			const set = await subscriptions.upsert(input({ alerts: 'breaking', quietHours: '22:00-07:00' }), T0);
			expect(set.subscription).toMatchObject({ alerts: 'breaking', quietHours: '22:00-07:00' });
			expect(await subscriptions.getById(set.subscription.id)).toMatchObject({ alerts: 'breaking', quietHours: '22:00-07:00' });
			const all = await subscriptions.upsert(input({ alerts: 'all' }), later(1));
			expect(all.subscription).toMatchObject({ alerts: 'all', quietHours: undefined });
			expect((await subscriptions.listActive())[0]).toMatchObject({ alerts: 'all' });
			const off = await subscriptions.upsert(input(), later(2));
			expect(off.subscription.alerts).toBe('off');
		});

		it('pins a language for a whole channel, and the pin moves with a migrated chat', async () => {
			const { subscriptions } = await stores(backend);
			const s = subscriptions;
			expect(await s.channelLanguage('telegram', '-4001')).toBeUndefined();
			await s.setChannelLanguage('telegram', '-4001', 'fa', 'telegram:42', T0);
			expect(await s.channelLanguage('telegram', '-4001')).toBe('fa');
			await s.setChannelLanguage('telegram', '-4001', 'ru', 'telegram:42', later(1));
			expect(await s.channelLanguage('telegram', '-4001')).toBe('ru');
			const sub = await subscriptions.upsert(input({ channelId: '-4001' }), T0);
			expect(await subscriptions.move(sub.subscription.id, '-1004001', later(2))).toBe('moved');
			expect(await s.channelLanguage('telegram', '-1004001')).toBe('ru');
			await s.setChannelLanguage('telegram', '-1004001', undefined, 'telegram:42', later(3));
			expect(await s.channelLanguage('telegram', '-1004001')).toBeUndefined();
		});

		it('keeps a Telegram chat id exactly, beyond 2^53', async () => {
			const { subscriptions } = await stores(backend);
			await subscriptions.upsert(input({ channelId: '-1009007199254740993' }), T0);
			expect((await subscriptions.get('telegram', '-1009007199254740993'))?.channelId).toBe('-1009007199254740993');
		});

		it('moves effectiveFrom only when the schedule changes or it resumes', async () => {
			const { subscriptions } = await stores(backend);
			await subscriptions.upsert(input(), T0);
			const filterOnly = await subscriptions.upsert(input({ tag: 'courts' }), later(10));
			expect(filterOnly.subscription.effectiveFrom).toBe(T0.toISOString());
			const retimed = await subscriptions.upsert(input({ tag: 'courts', time: '10:00' }), later(20));
			expect(retimed.subscription.effectiveFrom).toBe(later(20).toISOString());
		});

		it('pauses with a reason, never deletes, and /subscribe resumes', async () => {
			const { subscriptions } = await stores(backend);
			const { subscription } = await subscriptions.upsert(input(), T0);
			await subscriptions.pause(subscription.id, 'Forbidden: bot was kicked from the group chat', later(1));
			const paused = await subscriptions.getById(subscription.id);
			expect(paused).toMatchObject({ status: 'paused', pauseReason: 'Forbidden: bot was kicked from the group chat' });
			expect(await subscriptions.listActive()).toEqual([]);
			const resumed = await subscriptions.upsert(input(), later(30));
			expect(resumed).toMatchObject({ resumed: true, created: false });
			expect(resumed.subscription).toMatchObject({ id: subscription.id, status: 'active', effectiveFrom: later(30).toISOString() });
			expect(resumed.subscription.pauseReason).toBeUndefined();
		});

		it('pauses a guild’s or a channel’s subscriptions when the bot is removed', async () => {
			const { subscriptions } = await stores(backend);
			await subscriptions.upsert(input({ platform: 'discord', channelId: 'c1', guildId: 'g1' }), T0);
			await subscriptions.upsert(input({ platform: 'discord', channelId: 'c2', guildId: 'g1' }), T0);
			await subscriptions.upsert(input({ platform: 'discord', channelId: 'c3', guildId: 'g2' }), T0);
			expect(await subscriptions.pauseGuild('discord', 'g1', 'removed from the server', later(1))).toBe(2);
			expect((await subscriptions.listActive()).map((s) => s.channelId)).toEqual(['c3']);
			expect(await subscriptions.pauseChannel('discord', 'c3', 'missing access', later(1))).toBe(true);
			expect(await subscriptions.pauseChannel('discord', 'c3', 'missing access', later(1))).toBe(false);
			expect(await subscriptions.list()).toHaveLength(3);
			expect((await subscriptions.list({ platform: 'discord', channelId: 'c2' })).map((s) => s.guildId)).toEqual(['g1']);
			expect(await subscriptions.list({ platform: 'telegram' })).toEqual([]);
		});

		it('moves a subscription to a migrated chat, and refuses to overwrite another', async () => {
			const { subscriptions } = await stores(backend);
			const a = (await subscriptions.upsert(input({ channelId: '-100' }), T0)).subscription;
			expect(await subscriptions.moveChannel('telegram', '-100', '-1001234', later(1))).toBe('moved');
			expect((await subscriptions.getById(a.id))?.channelId).toBe('-1001234');
			await subscriptions.upsert(input({ channelId: '-200' }), T0);
			expect(await subscriptions.move(a.id, '-200', later(2))).toBe('conflict');
			expect((await subscriptions.getById(a.id))?.channelId).toBe('-1001234');
			expect(await subscriptions.move(999, '-300', later(2))).toBe('missing');
			expect(await subscriptions.moveChannel('telegram', '-nowhere', '-300', later(2))).toBe('missing');
		});

		it('never reuses an id after /unsubscribe', async () => {
			const { subscriptions } = await stores(backend);
			const a = (await subscriptions.upsert(input(), T0)).subscription;
			expect((await subscriptions.remove('telegram', a.channelId))?.id).toBe(a.id);
			expect(await subscriptions.remove('telegram', a.channelId)).toBeUndefined();
			const b = (await subscriptions.upsert(input(), later(1))).subscription;
			expect(b.id).toBeGreaterThan(a.id);
		});

		it('keeps one subscription per channel when two connections subscribe it at once', async () => {
			const fresh = await backend.fresh();
			const [a, b] = [await fresh.open(), await fresh.open()];
			const results = await Promise.all(
				Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).subscriptions.upsert(input({ tag: `t${i}` }), later(i))),
			);
			expect(results.filter((r) => r.created)).toHaveLength(1);
			expect(new Set(results.map((r) => r.subscription.id)).size).toBe(1);
			expect(await a.subscriptions.list()).toHaveLength(1);
		});
	});

	describe.skipIf(backend.skip)('DeliveryLedger', () => {
		it('lets exactly one claimer send an occurrence', async () => {
			const { ledger } = await stores(backend);
			expect(await ledger.claim([target()], T0)).toEqual([{ kind: 'claimed', attempt: 1 }]);
			expect(await ledger.claim([target()], T0)).toEqual([{ kind: 'done', status: 'sending' }]);
			await ledger.settle(
				[{ key: target(), settlement: { status: 'sent', messageIds: ['7', '8'], channelId: 'chat-moved' } }],
				later(1),
			);
			expect(await ledger.claim([target()], later(2))).toEqual([{ kind: 'done', status: 'sent' }]);
			expect(await ledger.get(target())).toEqual({
				subscriptionId: 1,
				localDate: '2025-07-01',
				scheduledAt: '2025-07-01T05:00:00.000Z',
				platform: 'telegram',
				channelId: 'chat-moved',
				status: 'sent',
				attempts: 1,
				retryable: false,
				messageIds: ['7', '8'],
				createdAt: T0.toISOString(),
				updatedAt: later(1).toISOString(),
			});
			expect(await ledger.get(target(2))).toBeUndefined();
			expect(await ledger.claim([], T0)).toEqual([]);
		});

		it('answers a mixed chunk in input order', async () => {
			const { ledger } = await stores(backend);
			await ledger.claim([target(2)], T0);
			await ledger.recordSkipped([target(4)], 'quiet', T0);
			expect(await ledger.claim([target(3), target(2), target(1), target(4)], later(1))).toEqual([
				{ kind: 'claimed', attempt: 1 },
				{ kind: 'done', status: 'sending' },
				{ kind: 'claimed', attempt: 1 },
				{ kind: 'done', status: 'skipped' },
			]);
		});

		it('lets one claimer retake a retryable failure once its next attempt is due', async () => {
			const { ledger } = await stores(backend);
			await ledger.claim([target()], T0);
			await ledger.settle(
				[{ key: target(), settlement: { status: 'failed', reason: '502', retryable: true, nextAttemptAt: later(1) } }],
				T0,
			);
			expect(await ledger.get(target())).toMatchObject({
				status: 'failed',
				reason: '502',
				retryable: true,
				nextAttemptAt: later(1).toISOString(),
				messageIds: [],
			});
			expect(await ledger.claim([target()], later(0.5))).toEqual([{ kind: 'later' }]);
			expect(await ledger.claim([target()], later(1))).toEqual([{ kind: 'claimed', attempt: 2 }]);
			expect(await ledger.claim([target()], later(1))).toEqual([{ kind: 'done', status: 'sending' }]);
		});

		it('never retakes an uncertain or permanently failed occurrence', async () => {
			const { ledger } = await stores(backend);
			await ledger.claim([target(1), target(2)], T0);
			await ledger.settle(
				[
					{ key: target(1), settlement: { status: 'uncertain', reason: 'timeout' } },
					{ key: target(2), settlement: { status: 'failed', reason: 'blocked', retryable: false } },
				],
				T0,
			);
			expect(await ledger.claim([target(1), target(2)], later(60))).toEqual([
				{ kind: 'done', status: 'uncertain' },
				{ kind: 'done', status: 'failed' },
			]);
		});

		it('records skipped occurrences only when nothing was recorded', async () => {
			const { ledger } = await stores(backend);
			await ledger.claim([target(1)], T0);
			expect(await ledger.recordSkipped([target(1), target(2)], 'late', T0)).toEqual([false, true]);
			expect(await ledger.get(target(2))).toMatchObject({ status: 'skipped', reason: 'late', attempts: 0 });
			expect(await ledger.recordSkipped([], 'late', T0)).toEqual([]);
		});

		it('turns rows a dead process left in "sending" into "uncertain" after a while; their owner may still settle them', async () => {
			const { ledger } = await stores(backend);
			await ledger.claim([target(1)], T0);
			await ledger.claim([target(2)], later(9));
			expect(await ledger.expireSending(later(5), later(15))).toEqual({ uncertain: 1, resumable: 0 });
			expect((await ledger.get(target(1)))?.status).toBe('uncertain');
			expect((await ledger.get(target(2)))?.status).toBe('sending');
			await ledger.settle([{ key: target(1), settlement: { status: 'sent', messageIds: ['9'] } }], later(16));
			expect(await ledger.get(target(1))).toMatchObject({ status: 'sent', messageIds: ['9'] });
			// A settled row is final.
			await ledger.settle([{ key: target(1), settlement: { status: 'failed', reason: 'late', retryable: true } }], later(17));
			expect((await ledger.get(target(1)))?.status).toBe('sent');
		});

		it('records each part of a delivery as it goes out, with its message ids, never setting a sent part back', async () => {
			const { ledger } = await stores(backend);
			const t = { ...target(1), tracksParts: true };
			await ledger.claim([t, { ...target(2), tracksParts: true }], T0);
			await ledger.partOnWire(t, 1, 2, 'chat', later(1));
			expect(await ledger.parts(t)).toEqual([
				{
					subscriptionId: 1,
					localDate: '2025-07-01',
					part: 1,
					parts: 2,
					channelId: 'chat',
					status: 'sending',
					messageIds: [],
					updatedAt: later(1).toISOString(),
				},
			]);
			await ledger.partSent(t, { part: 1, parts: 2, messageIds: ['501'] }, 'chat', later(2));
			// A retried request (a 429) announces the same part again: a part already sent stays sent.
			await ledger.partOnWire(t, 1, 2, 'chat', later(3));
			await ledger.partOnWire(t, 2, 2, 'chat', later(3));
			await ledger.partSent(t, { part: 2, parts: 2, messageIds: ['502'] }, 'chat', later(4));
			await ledger.partSent(target(2), { part: 1, parts: 1, messageIds: ['9'] }, 'other', later(4));
			expect((await ledger.parts(t)).map((p) => [p.part, p.parts, p.status, p.messageIds])).toEqual([
				[1, 2, 'sent', ['501']],
				[2, 2, 'sent', ['502']],
			]);
			expect((await ledger.parts({ localDate: '2025-07-01' })).map((p) => `${p.subscriptionId}.${p.part}`)).toEqual([
				'1.1',
				'1.2',
				'2.1',
			]);
			expect((await ledger.parts({ subscriptionId: 2 })).map((p) => p.channelId)).toEqual(['other']);
			// Each part keeps the delivery's heartbeat fresh.
			expect((await ledger.get(t))?.updatedAt).toBe(later(4).toISOString());
		});

		it('after a crash, resumes a delivery whose sender records parts; only the part on the wire is uncertain', async () => {
			const { ledger } = await stores(backend);
			const tracked = (id: number) => ({ ...target(id), tracksParts: true });
			await ledger.claim([tracked(1), tracked(2), tracked(3), target(4)], T0);
			// 1: part 1 of 2 sent, nothing on the wire (waiting on pacing). 2: part 1 on the wire. 3: nothing yet.
			await ledger.partSent(tracked(1), { part: 1, parts: 2, messageIds: ['11'] }, 'chat', T0);
			await ledger.partOnWire(tracked(2), 1, 2, 'chat', T0);
			expect(await ledger.expireSending(later(5), later(15))).toEqual({ uncertain: 1, resumable: 3 });
			expect(await ledger.get(target(4))).toMatchObject({ status: 'uncertain' });
			for (const id of [1, 2, 3])
				expect(await ledger.get(target(id))).toMatchObject({
					status: 'failed',
					retryable: true,
					reason: expect.stringContaining('stopped'),
				});
			expect(await ledger.claim([tracked(1), tracked(2), tracked(3)], later(15))).toEqual([
				{ kind: 'claimed', attempt: 2 },
				{ kind: 'claimed', attempt: 2 },
				{ kind: 'claimed', attempt: 2 },
			]);
			expect(resumePoint(await ledger.parts(target(1)))).toMatchObject({
				skip: 1,
				sent: [{ part: 1, messageIds: ['11'] }],
				uncertain: [],
			});
			expect(resumePoint(await ledger.parts(target(2)))).toMatchObject({
				skip: 1,
				sent: [],
				uncertain: [{ part: 1, parts: 2, status: 'uncertain' }],
			});
			expect(resumePoint(await ledger.parts(target(3)))).toEqual({ skip: 0, sent: [], uncertain: [] });
		});

		it('forgets a part a failed attempt left "sending" when the delivery is retaken: it never arrived', async () => {
			const { ledger } = await stores(backend);
			const t = { ...target(1), tracksParts: true };
			await ledger.claim([t], T0);
			await ledger.partSent(t, { part: 1, parts: 2, messageIds: ['1'] }, 'chat', T0);
			await ledger.partOnWire(t, 2, 2, 'chat', T0);
			// Part 2 met a 429: a certain, retryable failure.
			await ledger.settle(
				[{ key: t, settlement: { status: 'failed', reason: '429', retryable: true, nextAttemptAt: later(1) } }],
				T0,
			);
			expect(await ledger.claim([t], later(1))).toEqual([{ kind: 'claimed', attempt: 2 }]);
			expect((await ledger.parts(t)).map((p) => [p.part, p.status])).toEqual([[1, 'sent']]);
			// Had the retry's process died before part 2 went out again, nothing would be uncertain.
			expect(await ledger.expireSending(later(30), later(40))).toEqual({ uncertain: 0, resumable: 1 });
			expect(resumePoint(await ledger.parts(t))).toMatchObject({ skip: 1, uncertain: [] });
		});

		it('lists by subscription, date and status, oldest first', async () => {
			const { ledger } = await stores(backend);
			await ledger.claim([target(2, '2025-07-01')], T0);
			await ledger.claim([target(1, '2025-07-01'), target(1, '2025-07-02')], later(1));
			await ledger.recordSkipped([target(3, '2025-07-02')], 'quiet', later(2));
			const keys = (rs: { subscriptionId: number; localDate: string }[]) => rs.map((r) => `${r.subscriptionId}/${r.localDate}`);
			expect(keys(await ledger.list())).toEqual(['2/2025-07-01', '1/2025-07-01', '1/2025-07-02', '3/2025-07-02']);
			expect(keys(await ledger.list({ subscriptionId: 1 }))).toEqual(['1/2025-07-01', '1/2025-07-02']);
			expect(keys(await ledger.list({ localDate: '2025-07-02' }))).toEqual(['1/2025-07-02', '3/2025-07-02']);
			expect(keys(await ledger.list({ status: 'skipped' }))).toEqual(['3/2025-07-02']);
			expect(keys(await ledger.list({ subscriptionId: 1, localDate: '2025-07-02', status: 'sending' }))).toEqual(['1/2025-07-02']);
		});

		it('lastSent is the updated_at of the latest sent row before the given local date, ignoring other statuses and subscriptions', async () => {
			const { ledger } = await stores(backend);
			const t = (subscriptionId: number, localDate: string): OccurrenceTarget => ({
				subscriptionId,
				localDate,
				scheduledAt: `${localDate}T05:00:00.000Z`,
				platform: 'telegram',
				channelId: `c${subscriptionId}`,
			});
			const sent = async (x: OccurrenceTarget, at: string) => {
				await ledger.claim([x], new Date(at));
				await ledger.settle([{ key: x, settlement: { status: 'sent', messageIds: ['m'] } }], new Date(at));
			};
			expect(await ledger.lastSent(1)).toBeUndefined();
			await sent(t(1, '2025-07-01'), '2025-07-01T05:00:03.000Z');
			await sent(t(1, '2025-07-02'), '2025-07-02T05:00:04.000Z');
			await ledger.recordSkipped([t(1, '2025-07-03')], 'quiet', new Date('2025-07-03T05:00:00.000Z'));
			await ledger.claim([t(1, '2025-07-04')], new Date('2025-07-04T05:00:00.000Z'));
			await ledger.settle(
				[{ key: t(1, '2025-07-04'), settlement: { status: 'failed', reason: 'x', retryable: false } }],
				new Date('2025-07-04T05:00:01.000Z'),
			);
			await sent(t(2, '2025-07-04'), '2025-07-04T05:00:02.000Z');
			expect(await ledger.lastSent(1)).toBe('2025-07-02T05:00:04.000Z');
			expect(await ledger.lastSent(1, '2025-07-05')).toBe('2025-07-02T05:00:04.000Z');
			expect(await ledger.lastSent(1, '2025-07-02')).toBe('2025-07-01T05:00:03.000Z');
			expect(await ledger.lastSent(1, '2025-07-01')).toBeUndefined();
			expect(await ledger.lastSent(2)).toBe('2025-07-04T05:00:02.000Z');
		});

		it('gives each occurrence to exactly one of several connections claiming overlapping chunks at once', async () => {
			const fresh = await backend.fresh();
			const conns = [await fresh.open(), await fresh.open(), await fresh.open()];
			const all = Array.from({ length: 60 }, (_, i) => target(i + 1));
			// Each connection claims every occurrence, in its own order and chunking.
			const orders = [all, [...all].reverse(), [...all.slice(30), ...all.slice(0, 30)]];
			const claimed = await Promise.all(
				conns.map(async (s, n) => {
					const mine: number[] = [];
					const order = orders[n]!;
					for (let i = 0; i < order.length; i += 7) {
						const chunk = order.slice(i, i + 7);
						(await s.ledger.claim(chunk, T0)).forEach((r, j) => r.kind === 'claimed' && mine.push(chunk[j]!.subscriptionId));
					}
					return mine;
				}),
			);
			const flat = claimed.flat().sort((a, b) => a - b);
			expect(flat).toEqual(all.map((t) => t.subscriptionId));
		});

		it('lets exactly one of several connections retake a retryable failure', async () => {
			const fresh = await backend.fresh();
			const conns = [await fresh.open(), await fresh.open(), await fresh.open()];
			await conns[0]!.ledger.claim([target()], T0);
			await conns[0]!.ledger.settle([{ key: target(), settlement: { status: 'failed', reason: '502', retryable: true } }], T0);
			const results = (await Promise.all(conns.map((s) => s.ledger.claim([target()], later(1))))).flat();
			expect(results.filter((r) => r.kind === 'claimed')).toEqual([{ kind: 'claimed', attempt: 2 }]);
		});
	});

	describe.skipIf(backend.skip)('UpdateDeduplicator', () => {
		it('says yes the first time only, per platform, across connections', async () => {
			const fresh = await backend.fresh();
			const [a, b] = [await fresh.open(), await fresh.open()];
			expect(await a.updates.firstSeen('telegram', '1001', T0)).toBe(true);
			expect(await a.updates.firstSeen('telegram', '1001', later(1))).toBe(false);
			expect(await b.updates.firstSeen('telegram', '1001', later(1))).toBe(false);
			expect(await b.updates.firstSeen('discord', '1001', later(1))).toBe(true);
			const racing = await Promise.all(
				Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).updates.firstSeen('telegram', '1002', later(2))),
			);
			expect(racing.filter(Boolean)).toHaveLength(1);
		});

		it('forgets ids after a day, pruning now and then', async () => {
			const { updates } = await stores(backend);
			expect(await updates.firstSeen('telegram', '7', T0)).toBe(true);
			expect(await updates.firstSeen('telegram', '8', later(23 * 60))).toBe(true);
			// 25 hours on: the next call prunes '7' (older than 24 h) but keeps '8'.
			expect(await updates.firstSeen('telegram', '9', later(25 * 60))).toBe(true);
			expect(await updates.firstSeen('telegram', '7', later(25 * 60))).toBe(true);
			expect(await updates.firstSeen('telegram', '8', later(25 * 60))).toBe(false);
		});
	});

	describe.skipIf(backend.skip)('LiveStore', () => {
		it('queues an event for a subscription once, and lets exactly one claimer take a batch', async () => {
			const { live } = await stores(backend);
			expect(
				await live.enqueueAlerts(
					[
						{ subscriptionId: 1, eventId: 'a' },
						{ subscriptionId: 1, eventId: 'b' },
						{ subscriptionId: 2, eventId: 'a' },
					],
					T0,
				),
			).toBe(3);
			expect(await live.enqueueAlerts([{ subscriptionId: 1, eventId: 'a' }], later(1))).toBe(0);
			expect(await live.pendingAlerts()).toEqual(
				new Map([
					[1, ['a', 'b']],
					[2, ['a']],
				]),
			);
			const claims = await Promise.all([
				live.claimAlertBatch('alert:1:x', 1, ['a', 'b'], later(2)),
				live.claimAlertBatch('alert:1:y', 1, ['a', 'b'], later(2)),
			]);
			expect(claims.filter(Boolean)).toHaveLength(1);
			expect(await live.claimAlertBatch('alert:1:x', 1, ['a', 'b'], later(3))).toBe(false);
			expect((await live.pendingAlerts()).get(1)).toBeUndefined();
			expect(await live.alertsSentSince(1, T0)).toBe(1);
			const key = claims[0] ? 'alert:1:x' : 'alert:1:y';
			await live.settleAlertBatch(key, 'pending', 'a 429', later(4));
			expect((await live.pendingAlerts()).get(1)).toEqual(['a', 'b']);
			expect(await live.alertsSentSince(1, T0)).toBe(0);
			expect(await live.claimAlertBatch('alert:1:z', 1, ['a', 'b'], later(5))).toBe(true);
			await live.settleAlertBatch('alert:1:z', 'sent', undefined, later(6));
			expect(await live.enqueueAlerts([{ subscriptionId: 1, eventId: 'b' }], later(7))).toBe(0);
			expect(await live.alertsSentSince(1, later(5))).toBe(1);
		});

		it("claims an edit or a reply once; of a dead process's claims, one on the wire turns uncertain, one never sent is released", async () => {
			const { live } = await stores(backend);
			expect(await live.claimAction('edit:1:v2', 'edit', 1, T0)).toBe(true);
			expect(await live.claimAction('edit:1:v2', 'edit', 1, later(1))).toBe(false);
			await live.actionOnWire('edit:1:v2', T0);
			expect(await live.claimAction('reply:1:v2', 'reply', 1, T0)).toBe(true);
			expect(await live.expireSending(later(10), later(11))).toEqual({ released: 1, uncertain: 1 });
			// On the wire at the stop: never redone. Claimed but never sent: free again.
			expect(await live.claimAction('edit:1:v2', 'edit', 1, later(12))).toBe(false);
			expect(await live.claimAction('reply:1:v2', 'reply', 1, later(12))).toBe(true);
		});

		it('remembers which pushed message showed which event version, updates it after an edit, and forgets it after the window', async () => {
			const { live } = await stores(backend);
			const reply = { blocks: [{ kind: 'heading' as const, text: 'Alert' }], locale: 'ru' as const };
			const id = await live.recordPushed({
				platform: 'telegram',
				channelId: '-100',
				subscriptionId: 3,
				kind: 'alert',
				reply,
				messageIds: ['11', '12'],
				events: { a: 'fa1', b: 'fb1' },
				pushedAt: T0.toISOString(),
			});
			await live.recordPushed({
				platform: 'discord',
				channelId: '555',
				kind: 'briefing',
				reply,
				messageIds: ['99'],
				events: { c: 'fc1' },
				pushedAt: T0.toISOString(),
			});
			const found = await live.pushedShowing(['b', 'zzz'], new Date(T0.getTime() - 1000));
			expect(found).toHaveLength(1);
			expect(found[0]).toMatchObject({
				id,
				platform: 'telegram',
				channelId: '-100',
				subscriptionId: 3,
				kind: 'alert',
				reply,
				messageIds: ['11', '12'],
				pushedAt: T0.toISOString(),
			});
			expect({ ...found[0]!.events }).toEqual({ a: 'fa1', b: 'fb1' });
			expect(await live.pushedShowing(['b'], later(1))).toHaveLength(0);
			const edited = { blocks: [{ kind: 'heading' as const, text: 'Alert (corrected)' }] };
			await live.updatePushed(id, edited, { a: 'fa1', b: 'fb2' }, later(5));
			const again = (await live.pushedShowing(['a'], T0))[0]!;
			expect(again.reply).toEqual(edited);
			expect({ ...again.events }).toEqual({ a: 'fa1', b: 'fb2' });
			await live.addJob('reload:v2', ['b'], later(5));
			await live.addJob('reload:v2', ['b'], later(6));
			expect(await live.pendingJobs()).toEqual([{ key: 'reload:v2', eventIds: ['b'], createdAt: later(5).toISOString() }]);
			await live.finishJob('reload:v2', later(7));
			expect(await live.pendingJobs()).toEqual([]);
			expect(await live.prune(later(60))).toBeGreaterThan(0);
			expect(await live.pushedShowing(['a', 'c'], new Date(0))).toHaveLength(0);
		});
	});
});
