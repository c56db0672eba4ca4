/**
 * Pinned languages. Per subscription (/subscribe language:ru) and per channel (/language set:ru):
 * stored by SQLite (migration 4), beating the platform's hint, part of the composition key, and used
 * by the scheduler to compose each briefing in its language.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { composeBriefing, type BriefingRequest } from '../../src/briefing/compose-briefing.js';
import { Core } from '../../src/core/dispatch.js';
import type { Platform } from '../../src/core/command.js';
import type { PlatformSender } from '../../src/core/delivery.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { silentLogger } from '../../src/logger.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { briefingKey, createTickRunner } from '../../src/scheduler/tick.js';
import { migrationSql } from '../../src/store/migrate.js';
import { MIGRATIONS, schemaVersion } from '../../src/store/sqlite/migrations.js';
import { openDatabase } from '../../src/store/sqlite/open-database.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { channelLanguagePin } from '../../src/store/store.js';
import { FakeSender, makeDataset, seedSubscriptions, sub, tempDir } from '../scheduler/helpers/fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

const NOW = new Date('2025-07-01T06:00:00Z');

const input = {
	platform: 'telegram' as const,
	channelId: '-100',
	time: '09:00',
	timezone: 'Asia/Baku',
	quiet: false,
	createdBy: 'telegram:1',
};

describe('migrations 4 and 5 and the SQLite store', () => {
	it('adds the language column to an existing database, keeping its rows unpinned', () => {
		const t = tempDir();
		cleanups.push(t.cleanup);
		const file = path.join(t.dir, 'old.db');
		const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 4) });
		seedSubscriptions(old, [{ channelId: 'kept' }]);
		old.close();
		const stores = openSqliteStores(file);
		cleanups.push(() => stores.close());
		expect(schemaVersion(stores.db)).toBeGreaterThanOrEqual(4);
		expect(MIGRATIONS.find((m) => m.version === 4)?.sql).toMatch(/^ALTER TABLE subscriptions ADD COLUMN language/u);
		expect(
			migrationSql(
				MIGRATIONS.find((m) => m.version === 5)!,
				'sqlite',
			),
		).toMatch(/CREATE TABLE channel_settings/u);
		return stores.subscriptions.get('telegram', 'kept').then((s) => {
			expect(s?.channelId).toBe('kept');
			expect(s?.language).toBeUndefined();
		});
	});

	it('stores, changes and clears the pin, and refuses a language it does not know', async () => {
		const stores = openSqliteStores(':memory:');
		cleanups.push(() => stores.close());
		expect((await stores.subscriptions.upsert({ ...input, language: 'ru' }, NOW)).subscription.language).toBe('ru');
		expect((await stores.subscriptions.upsert({ ...input, language: 'fa' }, NOW)).subscription.language).toBe('fa');
		expect((await stores.subscriptions.upsert(input, NOW)).subscription.language).toBeUndefined();
		expect(() => stores.db.prepare("UPDATE subscriptions SET language = 'de'").run()).toThrow(/CHECK/u);
	});
});

describe('briefings in the pinned language', () => {
	it('compose once per language: the language is part of the composition key', () => {
		const o = (language?: 'ru') =>
			({ subscription: sub({ id: 1, ...(language ? { language } : {}) }), localDate: '2025-07-01', scheduledInstant: NOW }) as never;
		expect(briefingKey(o(), 'v1')).not.toBe(briefingKey(o('ru'), 'v1'));
		expect(briefingKey(o(), 'v1')).toMatch(/\|en$/u);
	});

	it('send each subscriber the briefing in its language, composing each language once', async () => {
		const t = tempDir();
		cleanups.push(t.cleanup);
		const stores = openSqliteStores(path.join(t.dir, 'sitrep.db'));
		cleanups.push(() => stores.close());
		seedSubscriptions(
			stores.db,
			[{ channelId: 'en-1' }, { channelId: 'en-2' }, { channelId: 'ru-1' }, { channelId: 'ru-2' }, { channelId: 'fa-1' }],
			'2025-06-30T00:00:00.000Z',
		);
		stores.db.prepare("UPDATE subscriptions SET language = substr(channel_id, 1, 2) WHERE channel_id NOT LIKE 'en-%'").run();
		const sender = new FakeSender();
		const compositions: BriefingRequest[] = [];
		const runner = createTickRunner({
			store: stores.subscriptions,
			ledger: stores.ledger,
			senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
			dataset: () => makeDataset(),
			logger: silentLogger(),
			catchupMinutes: 120,
			compose: (ds: DatasetSnapshot, req: BriefingRequest) => {
				compositions.push(req);
				return composeBriefing(ds, req);
			},
		});
		const report = await runner.runTick(NOW);
		expect(report).toMatchObject({ sent: 5, compositions: 3 });
		expect(compositions.map((c) => c.locale ?? 'en').sort()).toEqual(['en', 'fa', 'ru']);
		const text = (channel: string) => renderPlainText(sender.sends.find((s) => s.channelId === channel)!.reply);
		expect(text('en-1')).toMatch(/^## Briefing for 1 Jul 2025: Test story/mu);
		expect(text('ru-2')).toMatch(/^## Сводка на 1 июл/mu);
		expect(text('fa-1')).toMatch(/گزارش/u);
		expect(sender.sends.find((s) => s.channelId === 'fa-1')!.reply.locale).toBe('fa');
	});
});

describe('a language pinned for the channel', () => {
	const admin = { platform: 'telegram' as const, userId: '1', displayName: 'a', isChannelAdmin: true, isOwner: false };
	const member = { ...admin, userId: '2', isChannelAdmin: false };
	const group = { platform: 'telegram' as const, channelId: '-1007', kind: 'group' as const };

	function setup(withStore = true) {
		const stores = openSqliteStores(':memory:');
		cleanups.push(() => stores.close());
		const channels = stores.subscriptions;
		// As the composition root (src/app.ts) does: the store's channel languages reach the core as localePin.
		const pin = withStore ? channelLanguagePin(stores.subscriptions) : undefined;
		const services = withStore ? { registry, subscriptions: stores.subscriptions } : { registry };
		const core = new Core({
			registry,
			dataset: () => makeDataset(),
			clock: () => NOW,
			logger: silentLogger(),
			services,
			...(pin ? { localePin: pin } : {}),
		});
		const ask = async (line: string, locale?: string, who = admin) => {
			const r = await core.handle({ line, requester: who, place: group, ...(locale ? { locale } : {}) });
			return { text: renderPlainText(r.reply), kind: r.outcome.kind };
		};
		return { channels, ask };
	}

	it('beats each reader’s app language until it is removed', async () => {
		const { ask, channels } = setup();
		expect((await ask('/language set:ru', 'en')).text).toMatch(/^\*Язык этого чата теперь русский\.\*/u);
		expect(await channels.channelLanguage('telegram', '-1007')).toBe('ru');
		// A member whose app is in English or Persian now reads Russian.
		expect((await ask('/timeline', 'en', member)).text).toMatch(/^## Хронология/mu);
		expect((await ask('/timeline', 'fa', member)).text).toMatch(/^## Хронология/mu);
		expect((await ask('/language')).text).toMatch(/Язык этого чата закреплён: русский/u);
		expect((await ask('/language set:auto')).text).toMatch(/больше нет закреплённого языка/u);
		expect((await ask('/timeline', 'fa', member)).text).toMatch(/^## گاه‌شمار/mu);
		expect(await channels.channelLanguage('telegram', '-1007')).toBeUndefined();
	});

	it('is for the chat’s admins, and says so where no store keeps it', async () => {
		const { ask } = setup();
		expect((await ask('/language set:az', 'az', member)).kind).toBe('denied');
		const none = setup(false);
		const r = await none.ask('/language set:az', 'az');
		expect(r.kind).toBe('user_error');
		expect(r.text).toMatch(/Dili burada sabitləmək mümkün deyil/u);
	});

	it('is the briefing’s language unless the subscription pins another, and moves with a migrated chat', async () => {
		const t = tempDir();
		cleanups.push(t.cleanup);
		const stores = openSqliteStores(path.join(t.dir, 'sitrep.db'));
		cleanups.push(() => stores.close());
		seedSubscriptions(stores.db, [{ channelId: 'plain' }, { channelId: 'own-pin' }], '2025-06-30T00:00:00.000Z');
		stores.db.prepare("UPDATE subscriptions SET language = 'ru' WHERE channel_id = 'own-pin'").run();
		for (const c of ['plain', 'own-pin']) await stores.subscriptions.setChannelLanguage('telegram', c, 'az', 'telegram:1', NOW);
		const sender = new FakeSender();
		const runner = createTickRunner({
			store: stores.subscriptions,
			ledger: stores.ledger,
			senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
			dataset: () => makeDataset(),
			logger: silentLogger(),
			catchupMinutes: 120,
		});
		expect(await runner.runTick(NOW)).toMatchObject({ sent: 2, compositions: 2 });
		const text = (channel: string) => renderPlainText(sender.sends.find((s) => s.channelId === channel)!.reply);
		expect(text('plain')).toMatch(/^## Brifinq, 1 iyul 2025/mu);
		expect(text('own-pin')).toMatch(/^## Сводка на 1 июл/mu);
		const sub = (await stores.subscriptions.get('telegram', 'plain'))!;
		expect(await stores.subscriptions.move(sub.id, 'plain-supergroup', NOW)).toBe('moved');
		expect(await stores.subscriptions.channelLanguage('telegram', 'plain-supergroup')).toBe('az');
	});
});
