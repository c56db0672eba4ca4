/**
 * "Updated since your last briefing" end to end: the demo dataset in a temp directory, edited and
 * reloaded through the Reloader, real SQLite, and the tick.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeBriefing, type Briefing, type BriefingRequest } from '../../src/briefing/compose-briefing.js';
import type { Platform } from '../../src/core/command.js';
import type { PlatformSender } from '../../src/core/delivery.js';
import type { Reply } from '../../src/core/reply.js';
import { DatasetHolder } from '../../src/dataset/dataset-holder.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { silentLogger } from '../../src/logger.js';
import { Reloader } from '../../src/reload/reloader.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { createTickRunner, type TickOptions } from '../../src/scheduler/tick.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import type { EventVersionStore } from '../../src/store/store.js';
import { copyDemo, newEventYaml } from '../helpers/demo-copy.js';
import { FakeSender, seedSubscriptions, tempDir, type SeedRow } from './helpers/fixtures.js';
import { firstSeenOf } from '../helpers/version-maps.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

/** 09:00 in Baku on 3, 4 and 5 July 2025. */
const DAY1 = new Date('2025-07-03T05:00:00Z');
const DAY2 = new Date('2025-07-04T05:00:00Z');
const DAY3 = new Date('2025-07-05T05:00:00Z');

const RAID = 'events/2025-06-30-sputnik-azerbaijan-raid.yaml';
const SUMMONED = 'events/2025-06-28-volokovykh-summoned.yaml';
const REGRETS = 'events/2025-06-30-kremlin-regrets-azerbaijan-decisions.yaml';
const SUMMIT = 'events/2025-07-04-pezeshkian-eco-summit-khankendi.yaml';
const retitle = (title: string) => (t: string) => t.replace(/title: .*/u, `title: ${title}`);

async function setup(rows: readonly SeedRow[], options: { recordAtStart?: boolean } = {}) {
	const demo = copyDemo();
	const t = tempDir();
	const stores = openSqliteStores(path.join(t.dir, 'sitrep.db'));
	cleanups.push(demo.cleanup, t.cleanup, () => stores.close());
	seedSubscriptions(stores.db, rows);
	const clock = { now: new Date('2025-07-01T00:00:00Z') };
	const holder = new DatasetHolder(await demo.load());
	// What main.ts does: record the live snapshot at start-up and after every swap.
	if (options.recordAtStart ?? true) await stores.eventVersions.recordSnapshot(holder.current(), clock.now);
	const reloader = new Reloader({
		holder,
		dataDir: demo.dir,
		logger: silentLogger(),
		clock: () => clock.now,
		audit: stores.reloadAudit,
		onSwap: async (next) => {
			await stores.eventVersions.recordSnapshot(next, clock.now);
		},
	});
	const reload = async (at: string) => {
		clock.now = new Date(at);
		const r = await reloader.reload({ requester: { platform: 'system', userId: 'test', displayName: 'test' }, trigger: 'signal' });
		expect(r.ok && r.result).toBe('swapped');
	};
	const sender = new FakeSender();
	const composed: { request: BriefingRequest; briefing: Briefing }[] = [];
	const runner = (over: Partial<TickOptions> = {}) =>
		createTickRunner({
			store: stores.subscriptions,
			ledger: stores.ledger,
			senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
			dataset: () => holder.current(),
			logger: silentLogger(),
			catchupMinutes: 120,
			eventVersions: stores.eventVersions,
			compose: (ds: DatasetSnapshot, request: BriefingRequest) => {
				const briefing = composeBriefing(ds, request);
				composed.push({ request, briefing });
				return briefing;
			},
			...over,
		});
	const sentTo = (channelId: string, at: Date): Reply => {
		const day = at.toISOString().slice(0, 10);
		const hit = sender.sends.filter(
			(s) => s.channelId === channelId && renderPlainText(s.reply).includes(`Briefing for ${Number(day.slice(8))} Jul 2025`),
		);
		expect(hit).toHaveLength(1);
		return hit[0]!.reply;
	};
	return { demo, stores, holder, reload, sender, composed, runner, sentTo };
}

/** The section as [label, event id] pairs, from the reply's blocks. */
function updatedSection(reply: Reply): [string, string][] {
	const blocks = reply.blocks;
	const start = blocks.findIndex((b) => b.kind === 'heading' && b.text === 'Updated since your last briefing');
	if (start < 0) return [];
	const out: [string, string][] = [];
	let label = '';
	for (const b of blocks.slice(start + 1)) {
		if (b.kind === 'heading') break;
		if (b.kind === 'paragraph') label = b.spans.map((s) => s.text).join('');
		if (b.kind === 'event') out.push([label, b.id]);
	}
	return out;
}

describe('the tick with event versions', () => {
	it('gives a channel delivered yesterday exactly the events whose versions appeared after that delivery', async () => {
		const s = await setup([{ channelId: 'chat-1' }]);
		// Edited before yesterday's briefing went out: not news today.
		s.demo.edit(RAID, retitle('Police raid the Baku office of Sputnik Azerbaijan (edited early)'));
		await s.reload('2025-07-03T04:00:00Z');

		expect(await s.runner().runTick(DAY1)).toMatchObject({ sent: 1 });
		// A first briefing has no previous delivery to compare with.
		expect(updatedSection(s.sentTo('chat-1', DAY1))).toEqual([]);
		expect(s.composed[0]!.request.updatedSince).toBeUndefined();

		s.demo.edit(SUMMONED, retitle("Azerbaijan summons the Russian chargé d'affaires (edited)"));
		s.demo.edit(REGRETS, (t) => t.replace('wants good relations with Azerbaijan.', 'wants good relations with Azerbaijan, he said.'));
		s.demo.write('events/2025-07-02-late-report.yaml', newEventYaml('late-report', '2025-07-02', 'A report filed late'));
		// New or edited inside today's window: listed as new there, not again.
		s.demo.edit(SUMMIT, retitle('Pezeshkian at the ECO summit in Khankendi (edited)'));
		s.demo.write('events/2025-07-04-fresh-report.yaml', newEventYaml('fresh-report', '2025-07-04'));
		await s.reload('2025-07-03T12:00:00Z');

		expect(await s.runner().runTick(DAY2)).toMatchObject({ sent: 1 });
		const reply = s.sentTo('chat-1', DAY2);
		expect(updatedSection(reply)).toEqual([
			['Added', 'late-report'],
			['Changed', 'volokovykh-summoned'],
			['Changed', 'kremlin-regrets-azerbaijan-decisions'],
		]);
		const today = s.composed.at(-1)!.briefing;
		expect(today.newEvents.map((e) => e.id).sort()).toEqual([
			'fresh-report',
			'kremlin-sources-pezeshkian-visit-reaction',
			'pezeshkian-eco-summit-khankendi',
		]);
		expect(renderPlainText(reply)).toMatch(/## Updated since your last briefing\n\*Added\*\n• 2 Jul 2025 {2}A report filed late/u);
		// Both reloads are in the audit log.
		expect((await s.stores.reloadAudit.recent(10)).map((e) => e.result)).toEqual(['swapped', 'swapped']);

		// The next day, with no edits since today's delivery, there is no section.
		expect(await s.runner().runTick(DAY3)).toMatchObject({ sent: 1 });
		expect(updatedSection(s.sentTo('chat-1', DAY3))).toEqual([]);
	});

	it('still composes once per distinct briefing: the same updates, the same composition', async () => {
		const s = await setup([{ channelId: 'chat-1' }, { channelId: 'chat-2' }, { channelId: 'chat-3' }]);
		seedSubscriptions(s.stores.db, [{ channelId: 'chat-4' }], '2025-07-03T20:00:00.000Z');
		expect(await s.runner().runTick(DAY1)).toMatchObject({ sent: 3 });
		// Yesterday's briefings went out at different moments: two before the reload, one after.
		const setSent = s.stores.db.prepare("UPDATE deliveries SET updated_at = ? WHERE channel_id = ? AND local_date = '2025-07-03'");
		setSent.run('2025-07-03T05:00:01.000Z', 'chat-1');
		setSent.run('2025-07-03T05:00:09.000Z', 'chat-2');
		setSent.run('2025-07-03T13:00:00.000Z', 'chat-3');
		s.demo.edit(SUMMONED, retitle("Azerbaijan summons the Russian chargé d'affaires (edited)"));
		await s.reload('2025-07-03T12:00:00Z');
		const before = s.composed.length;

		const r = await s.runner().runTick(DAY2);
		expect(r).toMatchObject({ sent: 4, compositions: 3 });
		expect(s.composed.length - before).toBe(3);
		const one = s.sentTo('chat-1', DAY2);
		expect(s.sentTo('chat-2', DAY2)).toBe(one);
		expect(updatedSection(one)).toEqual([['Changed', 'volokovykh-summoned']]);
		expect(updatedSection(s.sentTo('chat-3', DAY2))).toEqual([]);
		// chat-4 subscribed yesterday evening: its first briefing.
		expect(updatedSection(s.sentTo('chat-4', DAY2))).toEqual([]);
	});

	it('treats what was there when recording began as known, not news', async () => {
		// A database upgraded to version 2: yesterday's delivery predates any recorded version.
		const s = await setup([{ channelId: 'chat-1' }], { recordAtStart: false });
		expect(await s.runner({ eventVersions: undefined }).runTick(DAY1)).toMatchObject({ sent: 1 });
		await s.stores.eventVersions.recordSnapshot(s.holder.current(), new Date('2025-07-03T12:00:00Z'));
		expect(await s.runner().runTick(DAY2)).toMatchObject({ sent: 1 });
		expect(updatedSection(s.sentTo('chat-1', DAY2))).toEqual([]);

		s.demo.edit(SUMMONED, retitle("Azerbaijan summons the Russian chargé d'affaires (edited)"));
		await s.reload('2025-07-04T12:00:00Z');
		expect(await s.runner().runTick(DAY3)).toMatchObject({ sent: 1 });
		expect(updatedSection(s.sentTo('chat-1', DAY3))).toEqual([['Changed', 'volokovykh-summoned']]);
	});

	it('records the live snapshot itself when start-up did not', async () => {
		const s = await setup([{ channelId: 'chat-1' }], { recordAtStart: false });
		await s.runner().runTick(DAY1);
		expect((await firstSeenOf(s.stores.eventVersions, s.holder.current())).size).toBe([...s.holder.current().eachEvent()].length);
		expect(await s.stores.eventVersions.trackingSince()).toBe(DAY1.toISOString());
	});

	it('sends the briefing without the section when the event-version store fails', async () => {
		const s = await setup([{ channelId: 'chat-1' }]);
		await s.runner().runTick(DAY1);
		const broken: EventVersionStore = {
			recordSnapshot: () => Promise.resolve(false),
			versionTimes: () => Promise.reject(new Error('database is locked')),
			trackingSince: () => Promise.resolve('2025-07-01T00:00:00.000Z'),
		};
		expect(await s.runner({ eventVersions: broken }).runTick(DAY2)).toMatchObject({ sent: 1, failed: 0 });
		expect(updatedSection(s.sentTo('chat-1', DAY2))).toEqual([]);
	});
});
