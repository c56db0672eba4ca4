import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, MigrationError, migrate, schemaVersion } from '../../src/store/sqlite/migrations.js';
import { openDatabase } from '../../src/store/sqlite/open-database.js';
import { openSqliteStores, type SqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import type { OccurrenceTarget, SubscriptionInput } from '../../src/store/store.js';
import { tempDir } from '../scheduler/helpers/fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

function fileStores(): { stores: SqliteStores; file: string } {
	const t = tempDir();
	const file = path.join(t.dir, 'nested', 'dir', 'sitrep.db');
	const stores = openSqliteStores(file);
	cleanups.push(t.cleanup, () => stores.close());
	return { stores, file };
}

function memoryStores(): SqliteStores {
	const stores = openSqliteStores(':memory:');
	cleanups.push(() => stores.close());
	return stores;
}

const T0 = new Date('2025-07-01T04:00:00Z');
const later = (min: number) => new Date(T0.getTime() + min * 60_000);
const input = (over: Partial<SubscriptionInput> = {}): SubscriptionInput => ({ platform: 'telegram', channelId: '-1001557912345', time: '09:00', timezone: 'Asia/Baku', quiet: false, createdBy: 'telegram:42', ...over });

describe('openDatabase', () => {
	it('creates the file and its directory at first start, in WAL mode with a busy timeout', () => {
		const { stores, file } = fileStores();
		expect(existsSync(file)).toBe(true);
		expect(stores.db.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(Number(stores.db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
	});

	it('records applied migrations and applies nothing twice', () => {
		const { stores, file } = fileStores();
		const versions = stores.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
		expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
		stores.close();
		const again = openDatabase(file);
		expect(migrate(again)).toEqual([]);
		expect(schemaVersion(again)).toBe(MIGRATIONS.at(-1)!.version);
		again.close();
	});

	it('applies a new migration in order on the next start', () => {
		const { stores, file } = fileStores();
		stores.close();
		const next = [...MIGRATIONS, { version: 99, name: 'test column', sql: 'ALTER TABLE subscriptions ADD COLUMN note TEXT' }];
		const db = openDatabase(file, { migrations: next });
		expect(schemaVersion(db)).toBe(99);
		expect(db.prepare("SELECT COUNT(*) AS n FROM pragma_table_info('subscriptions') WHERE name = 'note'").get()).toEqual({ n: 1 });
		db.close();
		// A build that knows fewer migrations refuses a newer database instead of corrupting it.
		expect(() => openDatabase(file)).toThrow(MigrationError);
	});

	it('rolls back a failing migration as a whole', () => {
		const db = openDatabase(':memory:');
		cleanups.push(() => db.close());
		const latest = MIGRATIONS.at(-1)!.version;
		const bad = [...MIGRATIONS, { version: latest + 1, name: 'half', sql: 'CREATE TABLE half (x); SELECT * FROM nowhere;' }];
		expect(() => migrate(db, bad)).toThrow();
		expect(schemaVersion(db)).toBe(latest);
		expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
	});
});

describe('SqliteSubscriptionStore', () => {
	it('subscribing again updates the same subscription instead of adding one', async () => {
		const { subscriptions } = memoryStores();
		const first = await subscriptions.upsert(input(), T0);
		expect(first.created).toBe(true);
		const second = await subscriptions.upsert(input({ time: '18:30', timezone: 'Europe/London', tag: 'media', quiet: true }), later(5));
		expect(second.created).toBe(false);
		expect(second.subscription.id).toBe(first.subscription.id);
		expect(second.subscription).toMatchObject({ time: '18:30', timezone: 'Europe/London', tag: 'media', quiet: true, createdAt: T0.toISOString(), updatedAt: later(5).toISOString() });
		expect(await subscriptions.list()).toHaveLength(1);
	});

	it('keeps a Telegram chat id exactly, beyond 2^53', async () => {
		const { subscriptions } = memoryStores();
		await subscriptions.upsert(input({ channelId: '-1009007199254740993' }), T0);
		expect((await subscriptions.get('telegram', '-1009007199254740993'))?.channelId).toBe('-1009007199254740993');
	});

	it('moves effectiveFrom only when the schedule changes or it resumes', async () => {
		const { subscriptions } = memoryStores();
		await subscriptions.upsert(input(), T0);
		const filterOnly = await subscriptions.upsert(input({ tag: 'courts' }), later(10));
		expect(filterOnly.subscription.effectiveFrom).toBe(T0.toISOString());
		const retimed = await subscriptions.upsert(input({ tag: 'courts', time: '10:00' }), later(20));
		expect(retimed.subscription.effectiveFrom).toBe(later(20).toISOString());
	});

	it('pauses with a reason, never deletes, and /subscribe resumes', async () => {
		const { subscriptions } = memoryStores();
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
		const { subscriptions } = memoryStores();
		await subscriptions.upsert(input({ platform: 'discord', channelId: 'c1', guildId: 'g1' }), T0);
		await subscriptions.upsert(input({ platform: 'discord', channelId: 'c2', guildId: 'g1' }), T0);
		await subscriptions.upsert(input({ platform: 'discord', channelId: 'c3', guildId: 'g2' }), T0);
		expect(await subscriptions.pauseGuild('discord', 'g1', 'removed from the server', later(1))).toBe(2);
		expect((await subscriptions.listActive()).map((s) => s.channelId)).toEqual(['c3']);
		expect(await subscriptions.pauseChannel('discord', 'c3', 'missing access', later(1))).toBe(true);
		expect(await subscriptions.list()).toHaveLength(3);
	});

	it('moves a subscription to a migrated chat, and refuses to overwrite another', async () => {
		const { subscriptions } = memoryStores();
		const a = (await subscriptions.upsert(input({ channelId: '-100' }), T0)).subscription;
		expect(await subscriptions.moveChannel('telegram', '-100', '-1001234', later(1))).toBe('moved');
		expect((await subscriptions.getById(a.id))?.channelId).toBe('-1001234');
		await subscriptions.upsert(input({ channelId: '-200' }), T0);
		expect(await subscriptions.move(a.id, '-200', later(2))).toBe('conflict');
		expect(await subscriptions.move(999, '-300', later(2))).toBe('missing');
	});

	it('never reuses an id after /unsubscribe', async () => {
		const { subscriptions } = memoryStores();
		const a = (await subscriptions.upsert(input(), T0)).subscription;
		expect((await subscriptions.remove('telegram', a.channelId))?.id).toBe(a.id);
		expect(await subscriptions.remove('telegram', a.channelId)).toBeUndefined();
		const b = (await subscriptions.upsert(input(), later(1))).subscription;
		expect(b.id).toBeGreaterThan(a.id);
	});
});

describe('SqliteDeliveryLedger', () => {
	const target = (subscriptionId = 1, localDate = '2025-07-01'): OccurrenceTarget => ({ subscriptionId, localDate, scheduledAt: '2025-07-01T05:00:00.000Z', platform: 'telegram', channelId: 'chat' });

	it('lets exactly one claimer send an occurrence', async () => {
		const { ledger } = memoryStores();
		expect(await ledger.claim([target()], T0)).toEqual([{ kind: 'claimed', attempt: 1 }]);
		expect(await ledger.claim([target()], T0)).toEqual([{ kind: 'done', status: 'sending' }]);
		await ledger.settle([{ key: target(), settlement: { status: 'sent', messageIds: ['7'] } }], later(1));
		expect(await ledger.claim([target()], later(2))).toEqual([{ kind: 'done', status: 'sent' }]);
		expect(await ledger.get(target())).toMatchObject({ status: 'sent', messageIds: ['7'], attempts: 1 });
	});

	it('lets one claimer retake a retryable failure once its next attempt is due', async () => {
		const { ledger } = memoryStores();
		await ledger.claim([target()], T0);
		await ledger.settle([{ key: target(), settlement: { status: 'failed', reason: '502', retryable: true, nextAttemptAt: later(1) } }], T0);
		expect(await ledger.claim([target()], later(0.5))).toEqual([{ kind: 'later' }]);
		expect(await ledger.claim([target()], later(1))).toEqual([{ kind: 'claimed', attempt: 2 }]);
		expect(await ledger.claim([target()], later(1))).toEqual([{ kind: 'done', status: 'sending' }]);
	});

	it('never retakes an uncertain or permanently failed occurrence', async () => {
		const { ledger } = memoryStores();
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
		const { ledger } = memoryStores();
		await ledger.claim([target(1)], T0);
		expect(await ledger.recordSkipped([target(1), target(2)], 'late', T0)).toEqual([false, true]);
		expect(await ledger.get(target(2))).toMatchObject({ status: 'skipped', reason: 'late', attempts: 0 });
	});

	it('turns rows a dead process left in "sending" into "uncertain" after a while', async () => {
		const { ledger } = memoryStores();
		await ledger.claim([target(1)], T0);
		await ledger.claim([target(2)], later(9));
		expect(await ledger.expireSending(later(5), later(15))).toBe(1);
		expect((await ledger.get(target(1)))?.status).toBe('uncertain');
		expect((await ledger.get(target(2)))?.status).toBe('sending');
	});
});
