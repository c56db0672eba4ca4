/**
 * What an operator sees of delivery: /healthz answers 503 with its reasons when the scheduler stops
 * ticking or a platform connection stays down; /metrics counts outcomes; a pause is told to the
 * owners once; a 429 past the catch-up window is recorded as skipped, not left waiting.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/core/command.js';
import type { ConnectionState, PlatformSender, SendOutcome } from '../../src/core/delivery.js';
import type { Reply } from '../../src/core/reply.js';
import { silentLogger } from '../../src/logger.js';
import { DeliveryHealth } from '../../src/ops/delivery-health.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { startOpsServer } from '../../src/ops/ops-server.js';
import { createTickRunner } from '../../src/scheduler/tick.js';
import { ownerNotifier } from '../../src/scheduler/tell-owners.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { FakeSender, makeDataset, seedSubscriptions, tempDir } from './helpers/fixtures.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

const AT_0900 = new Date('2025-07-01T05:00:00Z');
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);

function stores() {
	const t = tempDir();
	const s = openSqliteStores(path.join(t.dir, 'sitrep.db'));
	cleanups.push(t.cleanup, () => s.close());
	return s;
}

describe('healthStatus()', () => {
	it('is unhealthy, with the reason, when the scheduler has not ticked for 3 minutes', () => {
		let now = 1_000_000;
		const health = new DeliveryHealth({ now: () => now });
		expect(health.healthStatus()).toEqual({ status: 'ok', reasons: [] });
		now += 179_000;
		expect(health.healthStatus().status).toBe('ok');
		now += 1_000;
		expect(health.healthStatus()).toEqual({
			status: 'unhealthy',
			reasons: ['the briefing scheduler has not ticked since start-up 180 s ago'],
		});
		health.tickFinished();
		expect(health.healthStatus().status).toBe('ok');
		now += 120_000;
		// A long fan-out settling deliveries is alive.
		health.tickProgress();
		now += 120_000;
		expect(health.healthStatus().status).toBe('ok');
		now += 60_000;
		expect(health.healthStatus()).toMatchObject({
			status: 'unhealthy',
			reasons: [expect.stringMatching(/^the briefing scheduler has not ticked for 180 s \(last tick /u)],
		});
	});

	it('is unhealthy when a platform connection has been down longer than configured', () => {
		let now = 1_000_000;
		const health = new DeliveryHealth({ now: () => now, platformDownMs: 60_000 });
		let telegram: ConnectionState = { up: true, since: now };
		health.watch('telegram', () => telegram);
		health.watch('discord', () => ({ up: true, since: 0 }));
		now += 10_000;
		health.tickFinished();
		telegram = { up: false, since: now, reason: 'polling stopped: 401 Unauthorized' };
		now += 59_000;
		expect(health.healthStatus().status).toBe('ok');
		now += 1_000;
		expect(health.healthStatus()).toEqual({
			status: 'unhealthy',
			reasons: ['the telegram connection has been down for 60 s (polling stopped: 401 Unauthorized)'],
		});
		telegram = { up: true, since: now };
		expect(health.healthStatus().status).toBe('ok');
	});

	it('/healthz serves it: 503 with the reasons, 200 when healthy', async () => {
		let now = 1_000_000;
		const health = new DeliveryHealth({ now: () => now });
		const metrics = createMetrics();
		cleanups.push(() => metrics.close());
		const server = await startOpsServer({
			port: 0,
			metrics,
			logger: silentLogger(),
			health: () => ({ ok: health.healthStatus().status === 'ok', ...health.healthStatus() }),
		});
		cleanups.push(() => server.close());
		const get = async () => {
			const r = await fetch(`http://127.0.0.1:${server.port}/healthz`);
			return { status: r.status, body: (await r.json()) as Record<string, unknown> };
		};
		expect(await get()).toMatchObject({ status: 200, body: { status: 'ok', reasons: [] } });
		now += 200_000;
		expect(await get()).toMatchObject({
			status: 503,
			body: { status: 'unhealthy', reasons: [expect.stringContaining('has not ticked')] },
		});
	});
});

describe('metrics', () => {
	it('expose the last tick, outcomes, uncertain deliveries, paused subscriptions by reason and connections', async () => {
		const metrics = createMetrics({
			pausedSubscriptions: () => Promise.resolve([{ platform: 'telegram', reason: 'blocked', count: 2 }]),
			uncertainDeliveries: () => Promise.resolve(3),
			connections: () => new Map([['telegram', false]]),
		});
		cleanups.push(() => metrics.close());
		metrics.tick(new Date('2025-07-01T05:00:00Z'), { sent: 5, uncertain: 1, skipped_rate_limited: 2 });
		const text = await metrics.registry.metrics();
		expect(text).toContain('sitrep_scheduler_last_tick_timestamp_seconds 1751346000');
		expect(text).toContain('sitrep_delivery_outcomes_total{outcome="sent"} 5');
		expect(text).toContain('sitrep_delivery_outcomes_total{outcome="skipped_rate_limited"} 2');
		expect(text).toContain('sitrep_deliveries_uncertain 3');
		expect(text).toContain('sitrep_subscriptions_paused{platform="telegram",reason="blocked"} 2');
		expect(text).toContain('sitrep_platform_connected{platform="telegram"} 0');
	});
});

describe('the scheduler, for the operator', () => {
	it('records a 429 whose retry_after goes past the catch-up window as skipped, with that reason, and counts it', async () => {
		const s = stores();
		seedSubscriptions(s.db, [{ channelId: '1001' }, { channelId: '1002' }]);
		const sender = new FakeSender('telegram', (channel) =>
			channel === '1001'
				? { kind: 'transient', reason: '429: Too Many Requests: retry after 9000', retryAfterMs: 9_000_000 }
				: { kind: 'transient', reason: '429: Too Many Requests: retry after 30', retryAfterMs: 30_000 },
		);
		const runner = createTickRunner({
			store: s.subscriptions,
			ledger: s.ledger,
			senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
			dataset: () => makeDataset(),
			logger: silentLogger(),
			catchupMinutes: 120,
		});
		const report = await runner.runTick(AT_0900);
		expect(report).toMatchObject({ rateLimited: 1, failed: 1 });
		const [far, near] = await s.ledger.list({ localDate: '2025-07-01' });
		expect(far).toMatchObject({
			status: 'skipped',
			reason: 'rate limited: the platform asked to wait 9000 s, past the 120-minute catch-up window (429: Too Many Requests: retry after 9000)',
		});
		expect(near).toMatchObject({ status: 'failed', retryable: true });
	});

	it('tells the owners of a pause once, by a direct message on that platform', async () => {
		const s = stores();
		seedSubscriptions(s.db, [{ channelId: '-1001' }]);
		const told: { userId: string; reply: Reply }[] = [];
		const sender: PlatformSender = {
			platform: 'telegram',
			send: (): Promise<SendOutcome> =>
				Promise.resolve({ kind: 'permanent', reason: '403: Forbidden: bot was kicked from the supergroup chat' }),
			sendToUser: (userId, reply) => {
				told.push({ userId, reply });
				return Promise.resolve({ kind: 'sent', messageIds: ['1'] });
			},
		};
		const senders = new Map<Platform, PlatformSender>([['telegram', sender]]);
		const onPaused = ownerNotifier({
			owners: [
				{ platform: 'telegram', id: '42' },
				{ platform: 'discord', id: '777777' },
			],
			senders,
			logger: silentLogger(),
			locale: 'ru',
		});
		const runner = createTickRunner({
			store: s.subscriptions,
			ledger: s.ledger,
			senders,
			dataset: () => makeDataset(),
			logger: silentLogger(),
			catchupMinutes: 120,
			onPaused,
		});
		expect(await runner.runTick(AT_0900)).toMatchObject({ paused: 1 });
		await runner.runTick(plus(AT_0900, 1));
		await runner.runTick(plus(AT_0900, 24 * 60));
		expect(told.map((t) => t.userId)).toEqual(['42']);
		const text = JSON.stringify(told[0]!.reply.blocks);
		expect(text).toContain('Ежедневная сводка приостановлена');
		expect(text).toContain('-1001');
		expect(text).toContain('бота удалили из чата (Telegram 403)');
		expect((await s.subscriptions.list())[0]).toMatchObject({ status: 'paused' });
	});
});
