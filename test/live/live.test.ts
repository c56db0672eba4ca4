/**
 * Alerts and corrections end to end: real telegraf and discord.js clients against the local
 * stand-ins, a real SQLite file, the real Reloader and scheduler tick. A breaking event reaches only
 * the chats that want it, once; a corrected date edits every alert and briefing that showed it and
 * replies once per chat; a withdrawn event is struck through; an embargo alerts at its time and a
 * draft never; quiet hours and the hourly cap hold alerts and merge them.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/core/command.js';
import type { PlatformSender } from '../../src/core/delivery.js';
import { DatasetHolder } from '../../src/dataset/dataset-holder.js';
import { LiveService } from '../../src/live/live-service.js';
import { silentLogger } from '../../src/logger.js';
import { restApiBase } from '../../src/platforms/discord/deploy-commands.js';
import { createDiscordSender } from '../../src/platforms/discord/discord-sender.js';
import { startTelegram, type TelegramTuning } from '../../src/platforms/telegram/telegram-adapter.js';
import { Reloader } from '../../src/reload/reloader.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { registry } from '../../commands/index.js';
import { Core } from '../../src/core/dispatch.js';
import { createTickRunner } from '../../src/scheduler/tick.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import type { SubscriptionInput } from '../../src/store/store.js';
import { cleanupDatasets, loadSnapshot, writeDataset } from '../helpers/dataset-fixture.js';
import { DiscordStandIn, TEXT_CHANNEL } from '../helpers/discord-stand-in.js';
import { checkTelegramHtml, places, TelegramStandIn, testConfig, testCore } from '../helpers/telegram-stand-in.js';

const NO_PACING: TelegramTuning['pacing'] = {
	perChatIntervalMs: 0,
	group: { count: 10_000, windowMs: 1000 },
	global: { count: 10_000, windowMs: 1000 },
};
const AT_0900_BAKU = '2025-07-02T05:00:00.000Z';
const A = String(places.group.id); // alerts: breaking
const B = String(places.supergroup.id); // alerts: all, but only for beta-agency
const C = String(places.channel.id); // alerts off: briefings only

const BREAKING = (date: string) => `events:
  - id: border-closure
    date: ${date}
    title: Border crossing closed
    summary: The crossing was closed overnight.
    actors: [{ actor: alpha-ministry }]
    tags: [diplomacy]
    sources: [wire-1]
    status: reported
    priority: breaking
`;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
	cleanupDatasets();
});

async function setup(options: { maxAlertsPerHour?: number; quietHours?: string } = {}) {
	let now = new Date(AT_0900_BAKU);
	const clock = () => now;
	const dir = writeDataset();
	const tmp = mkdtempSync(path.join(tmpdir(), 'sitrep-live-'));
	cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
	const stores = openSqliteStores(path.join(tmp, 'sitrep.db'));
	cleanups.push(() => stores.close());
	const holder = new DatasetHolder(await loadSnapshot(dir), clock);

	const tg = await TelegramStandIn.start();
	cleanups.push(() => tg.close());
	for (const chat of [places.group, places.supergroup, places.channel]) tg.addChat(chat);
	const platform = await startTelegram({
		core: await testCore(),
		config: testConfig(tg),
		logger: silentLogger(),
		tuning: { pacing: NO_PACING },
	});
	cleanups.push(() => platform.stop());
	const dc = await DiscordStandIn.start();
	cleanups.push(() => dc.close());
	const rest = new REST({ api: restApiBase(dc.apiRoot), retries: 0 }).setToken('live-test-token-abcdefghijklmnop');
	const senders = new Map<Platform, PlatformSender>([
		['telegram', platform.sender],
		['discord', createDiscordSender(rest, silentLogger())],
	]);

	const sub = (over: Partial<SubscriptionInput>) =>
		stores.subscriptions.upsert(
			{ platform: 'telegram', channelId: A, time: '09:00', timezone: 'Asia/Baku', quiet: false, createdBy: 'test', ...over },
			new Date('2025-07-01T00:00:00Z'),
		);
	await sub({ channelId: A, alerts: 'breaking', ...(options.quietHours ? { quietHours: options.quietHours } : {}) });
	await sub({ channelId: B, alerts: 'all', actorId: 'beta-agency' });
	await sub({ channelId: C });
	await sub({ platform: 'discord', channelId: TEXT_CHANNEL, alerts: 'all', language: 'ru' });

	const live = new LiveService({
		store: stores.live,
		subscriptions: stores.subscriptions,
		senders,
		dataset: () => holder.current(),
		clock,
		logger: silentLogger(),
		...(options.maxAlertsPerHour ? { maxAlertsPerHour: options.maxAlertsPerHour } : {}),
	});
	const reloader = new Reloader({
		holder,
		dataDir: dir,
		logger: silentLogger(),
		clock,
		onSwap: async (next, previous, diff) => void (await live.afterSwap(next, diff, previous)),
	});
	const reload = async () => {
		const r = await reloader.reload({ requester: { platform: 'system', userId: 's', displayName: 's' }, trigger: 'command' });
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		return r;
	};
	const tick = createTickRunner({
		store: stores.subscriptions,
		ledger: stores.ledger,
		senders,
		dataset: () => holder.current(),
		logger: silentLogger(),
		catchupMinutes: 120,
		onDelivered: (s, channelId, reply, ids, ds) => live.recordBriefing(s, channelId, reply, ids, ds),
	});
	const write = (rel: string, content: string | null) =>
		content === null ? unlinkSync(path.join(dir, rel)) : writeFileSync(path.join(dir, rel), content);
	const tgSends = (chat: string) => tg.ok('sendMessage', chat);
	const dcPosts = () => dc.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${TEXT_CHANNEL}/messages` && c.status < 300);
	const dcPatches = () =>
		dc.calls.filter((c) => c.method === 'PATCH' && c.path.startsWith(`/channels/${TEXT_CHANNEL}/messages/`) && c.status < 300);
	const visible = (html: unknown) => {
		const r = checkTelegramHtml(String(html));
		return r.ok ? r.text : `INVALID ${r.error}`;
	};
	return {
		stores,
		holder,
		live,
		reloader,
		reload,
		tick,
		write,
		tg,
		dc,
		tgSends,
		dcPosts,
		dcPatches,
		visible,
		clock,
		setNow: (iso: string) => {
			now = new Date(iso);
		},
	};
}

describe('alerts', () => {
	it('a breaking event reaches each chat that wants it in one message, once, and no other chat', async () => {
		const t = await setup();
		t.write('events/breaking.yaml', BREAKING('2025-07-02'));
		await t.reload();
		expect(t.tgSends(A)).toHaveLength(1);
		const text = t.visible(t.tgSends(A)[0]!.params['text']);
		expect(text).toContain('Breaking: 1 new event');
		expect(text).toContain('Border crossing closed');
		expect(text).toContain('Wire'); // its source
		expect(t.tgSends(B)).toHaveLength(0); // wants beta-agency only
		expect(t.tgSends(C)).toHaveLength(0); // alerts off
		expect(t.dcPosts()).toHaveLength(1);
		expect(JSON.stringify(t.dcPosts()[0]!.body)).toContain('Срочно'); // the chat's language
		expect(JSON.stringify(t.dcPosts()[0]!.body)).toContain('"allowed_mentions":{"parse":[]}');
		// A repeated reload, another run, a restart of the service: nothing twice.
		await t.reload();
		await t.live.run();
		await new LiveService({
			store: t.stores.live,
			subscriptions: t.stores.subscriptions,
			senders: new Map(),
			dataset: () => t.holder.current(),
			clock: t.clock,
			logger: silentLogger(),
		}).run();
		await t.live.run();
		expect(t.tgSends(A)).toHaveLength(1);
		expect(t.dcPosts()).toHaveLength(1);
	});

	it('an embargoed event alerts at its time without a reload, a draft never', async () => {
		const t = await setup();
		t.write(
			'events/gated.yaml',
			`events:
  - id: timed
    date: 2025-07-02
    title: Statement at ten
    summary: Under embargo until ten.
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: confirmed
    priority: breaking
    embargo: 2025-07-02T10:00:00+04:00
  - id: unchecked
    date: 2025-07-02
    title: Unchecked rumour
    summary: A draft.
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: reported
    priority: breaking
    draft: true
`,
		);
		t.holder.onRelease((next, previous) => void t.live.afterRelease(next, previous));
		await t.reload();
		expect(t.tgSends(A)).toHaveLength(0);
		t.setNow('2025-07-02T05:59:59Z');
		t.holder.current();
		await t.live.run();
		expect(t.tgSends(A)).toHaveLength(0);
		t.setNow('2025-07-02T06:00:00Z');
		expect(t.holder.current().event('timed')).toBeDefined();
		await new Promise((r) => setTimeout(r, 0));
		await t.live.run();
		expect(t.tgSends(A)).toHaveLength(1);
		expect(t.visible(t.tgSends(A)[0]!.params['text'])).toContain('Statement at ten');
		const everything =
			t.tg.calls.map((c) => JSON.stringify(c.params)).join('\n') + t.dc.calls.map((c) => JSON.stringify(c.body)).join('\n');
		expect(everything).not.toContain('Unchecked rumour');
	});

	it('quiet hours hold alerts until they end; past the hourly cap, events wait and go out merged in the next one', async () => {
		const t = await setup({ maxAlertsPerHour: 1, quietHours: '08:30-09:30' });
		t.write('events/breaking.yaml', BREAKING('2025-07-02'));
		await t.reload();
		expect(t.tgSends(A)).toHaveLength(0); // 09:00 in Baku: quiet
		expect(t.dcPosts()).toHaveLength(1); // no quiet hours there
		t.setNow('2025-07-02T05:31:00Z');
		await t.live.run();
		expect(t.tgSends(A)).toHaveLength(1);
		// Two more breaking events in two reloads within the hour: held by the cap of 1 an hour.
		t.write(
			'events/more-1.yaml',
			BREAKING('2025-07-02').replace('border-closure', 'second-closure').replace('Border crossing closed', 'Second crossing closed'),
		);
		await t.reload();
		t.write(
			'events/more-2.yaml',
			BREAKING('2025-07-02').replace('border-closure', 'third-closure').replace('Border crossing closed', 'Third crossing closed'),
		);
		await t.reload();
		expect(t.tgSends(A)).toHaveLength(1);
		t.setNow('2025-07-02T06:32:00Z');
		await t.live.run();
		expect(t.tgSends(A)).toHaveLength(2);
		const merged = t.visible(t.tgSends(A)[1]!.params['text']);
		expect(merged).toContain('Breaking: 2 new events');
		expect(merged).toContain('Second crossing closed');
		expect(merged).toContain('Third crossing closed');
	});
});

describe('/reload dry_run:true', () => {
	it('lists the alerts and the corrections a reload would send, and sends nothing', async () => {
		const t = await setup();
		t.write('events/breaking.yaml', BREAKING('2025-07-02'));
		await t.reload();
		await t.tick.runTick(new Date(AT_0900_BAKU));
		const sent = t.tg.calls.length + t.dc.calls.length;
		t.write('events/breaking.yaml', BREAKING('2025-07-01'));
		t.write(
			'events/other.yaml',
			BREAKING('2025-07-02').replace('border-closure', 'second-closure').replace('Border crossing closed', 'Second crossing closed'),
		);
		const core = new Core({
			registry,
			dataset: () => t.holder.current(),
			clock: t.clock,
			logger: silentLogger(),
			services: { registry, reloader: t.reloader, live: t.live },
		});
		const owner = { platform: 'console' as const, userId: 'o', displayName: 'owner', isChannelAdmin: true, isOwner: true };
		const r = await core.handle({
			line: '/reload dry_run:true',
			requester: owner,
			place: { platform: 'console', channelId: 'c', kind: 'console' },
		});
		const text = renderPlainText(r.reply);
		expect(text).toContain('Alert: Second crossing closed → 2 chats');
		expect(text).toContain('Corrections: 1 event shown in 5 pushed messages in 3 chats would be edited.');
		expect(t.tg.calls.length + t.dc.calls.length).toBe(sent);
		expect(t.holder.current().event('second-closure')).toBeUndefined();
	});
});

describe('corrections', () => {
	it('a corrected date edits every alert and briefing that showed the event, with one reply per chat; a withdrawal strikes it through', async () => {
		const t = await setup();
		t.write('events/breaking.yaml', BREAKING('2025-07-02'));
		await t.reload();
		const report = await t.tick.runTick(new Date(AT_0900_BAKU));
		expect(report.sent).toBe(4);
		const briefingA = t.tgSends(A)[1]!;
		expect(t.visible(briefingA.params['text'])).toContain('Border crossing closed');
		expect(t.visible(t.tgSends(B)[0]!.params['text'])).not.toContain('Border crossing closed');
		const sendsBefore = { A: t.tgSends(A).length, B: t.tgSends(B).length, C: t.tgSends(C).length, D: t.dcPosts().length };
		const showing = (chat: string) =>
			[...t.tg.messages.values()]
				.filter((m) => String(m.chat.id) === chat && t.visible(m.text).includes('Border crossing closed'))
				.map((m) => String(m.message_id));
		const shownInA = showing(A);
		expect(shownInA).toHaveLength(2);

		t.setNow('2025-07-02T07:00:00Z');
		t.write('events/breaking.yaml', BREAKING('2025-07-01'));
		const r = await t.reload();
		expect(r.diff.events.changed).toEqual(['border-closure']);
		const edits = t.tg.ok('editMessageText');
		const editedIds = (chat: string) =>
			edits.filter((e) => String(e.params['chat_id']) === chat).map((e) => String(e.params['message_id']));
		// A: its alert and its briefing; C: its briefing; B never showed the event.
		expect(editedIds(A).sort()).toEqual([...shownInA].sort());
		expect(editedIds(A)).toHaveLength(2);
		expect(editedIds(C)).toHaveLength(1);
		expect(editedIds(B)).toHaveLength(0);
		for (const e of edits) {
			const text = t.visible(e.params['text']);
			expect(text).toContain('✎ corrected 2 Jul 2025: date was 2 Jul 2025');
			expect(text).toContain('1 Jul 2025');
		}
		// One reply per chat, answering a message that showed the event.
		expect(t.tgSends(A)).toHaveLength(sendsBefore.A + 1);
		expect(t.tgSends(C)).toHaveLength(sendsBefore.C + 1);
		expect(t.tgSends(B)).toHaveLength(sendsBefore.B);
		const replyA = t.tgSends(A).at(-1)!;
		expect(t.visible(replyA.params['text'])).toContain('Correction to an earlier message');
		expect(shownInA).toContain(String((replyA.params['reply_parameters'] as { message_id: number }).message_id));
		// Discord: the alert and the briefing edited in place (in Russian), one reply referencing one of them.
		expect(t.dcPatches()).toHaveLength(2);
		for (const p of t.dcPatches()) expect(JSON.stringify(p.body)).toContain('✎');
		expect(t.dcPosts()).toHaveLength(sendsBefore.D + 1);
		const dcReply = t.dcPosts().at(-1)!;
		expect((dcReply.body?.['message_reference'] as { message_id: string }).message_id).toMatch(/^\d+$/u);

		// Nothing twice: another run, the same reload again.
		await t.live.run();
		await t.reload();
		expect(t.tg.ok('editMessageText')).toHaveLength(edits.length);
		expect(t.dcPatches()).toHaveLength(2);
		expect(t.tgSends(A)).toHaveLength(sendsBefore.A + 1);

		// Withdrawn: struck through in place, with a reply.
		t.write('events/breaking.yaml', null);
		await t.reload();
		const withdrawals = t.tg.ok('editMessageText').slice(edits.length);
		expect(withdrawals).toHaveLength(3);
		for (const e of withdrawals) {
			expect(String(e.params['text'])).toMatch(/<s>[^<]*Border crossing closed<\/s>/u);
			expect(t.visible(e.params['text'])).toContain('withdrawn by the editors');
		}
		expect(t.tgSends(A)).toHaveLength(sendsBefore.A + 2);
		expect(t.visible(t.tgSends(A).at(-1)!.params['text'])).toContain('withdrawn by the editors');
	});

	it('where the platform refuses the edit (message deleted), the reply alone goes out, and nothing is retried', async () => {
		const t = await setup();
		t.write('events/breaking.yaml', BREAKING('2025-07-02'));
		await t.reload();
		// Someone deleted the alert in A and the one on Discord.
		for (const [k, m] of t.tg.messages) if (String(m.chat.id) === A) t.tg.messages.delete(k);
		t.dc.messages.clear();
		t.write('events/breaking.yaml', BREAKING('2025-07-02').replace('status: reported', 'status: confirmed'));
		await t.reload();
		expect(t.tg.ok('editMessageText')).toHaveLength(0);
		expect(t.tgSends(A)).toHaveLength(2);
		expect(t.visible(t.tgSends(A)[1]!.params['text'])).toContain('status was reported');
		expect(t.dcPosts()).toHaveLength(2);
		await t.live.run();
		expect(t.tg.calls.filter((c) => c.method === 'editMessageText')).toHaveLength(1);
		expect(t.tgSends(A)).toHaveLength(2);
	});
});
