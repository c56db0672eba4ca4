/**
 * Live: alerts when news lands, and corrections that reach every chat that saw the old version.
 *
 * A reload (or a lifted embargo) only writes down what is to be done — alerts queued per
 * subscription and event, a correction job with the events it changed — and then the same run()
 * that the minute tick calls does it. Every alert batch, edit and correction reply is claimed in the
 * store before it is sent (LiveStore), so a restart, a second process or a repeated reload never
 * repeats one, and a kill -9 loses at most the requests in flight (their claims turn uncertain and
 * are never redone).
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Platform } from '../core/command.js';
import type { PlatformSender, SendOutcome } from '../core/delivery.js';
import { toError } from '../core/errors.js';
import { eventLine } from '../core/present.js';
import { heading, italic, para, type Block, type Reply } from '../core/reply.js';
import type { DatasetDiff } from '../dataset/diff.js';
import type { StoryEvent } from '../dataset/model.js';
import { parsePartialDate } from '../dataset/partial-date.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Locale } from '../i18n/locale.js';
import { createTranslator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import { localDateAt, wallTimeAt } from '../scheduler/zoned-time.js';
import { eventVersionFingerprints } from '../store/event-fingerprints.js';
import type { LiveStore, PushedMessage, Subscription, SubscriptionStore } from '../store/store.js';
import { composeAlert } from './compose-alert.js';
import { correctReply, MARK } from './correct-reply.js';

export interface LiveOptions {
	readonly store: LiveStore;
	readonly subscriptions: SubscriptionStore;
	readonly senders: ReadonlyMap<Platform, PlatformSender>;
	/** The visible view now (DatasetHolder.current). */
	readonly dataset: () => DatasetSnapshot;
	readonly clock: () => Date;
	readonly logger: Logger;
	/** Alert messages per chat per hour; more events wait and are merged into the next one. Default 6. */
	readonly maxAlertsPerHour?: number;
	/** How long pushed messages are remembered for corrections, in days. Default 14. */
	readonly correctionDays?: number;
	/** Chats worked on at once (each platform's pacer keeps the rate). Default 64. */
	readonly concurrency?: number;
	/** A claim still 'sending' after this long belongs to a dead process. Default 10 minutes. */
	readonly staleMinutes?: number;
}

/** What a run did, for logs and tests. */
export interface LiveReport {
	alertsSent: number;
	alertsHeld: number;
	alertsFailed: number;
	edited: number;
	editRefused: number;
	replies: number;
	expired: number;
}

/** What a reload would send (a dry run): alerts by event and corrections by message. */
export interface LivePlan {
	/** Each new event that would alert, with the chats it would reach (before quiet hours and the flood cap). */
	readonly alerts: readonly { readonly event: StoryEvent; readonly chats: number }[];
	/** Chats that would get an alert message. */
	readonly alertChats: number;
	/** Events changed or withdrawn that pushed messages showed. */
	readonly correctedEvents: number;
	readonly editedMessages: number;
	readonly correctedChats: number;
}

/** The live layer's planner, as /reload dry_run:true asks it what a reload would send. */
export interface LivePlanner {
	plan(before: DatasetSnapshot, after: DatasetSnapshot, diff: DatasetDiff): Promise<LivePlan>;
}

declare module '../core/command.js' {
	interface CommandServices {
		/** The live layer, when the bot runs one: /reload dry_run:true shows the alerts and corrections a reload would send. */
		readonly live?: LivePlanner;
	}
}

/** The fingerprint recorded for an event a message showed that has since been withdrawn. */
const GONE = 'gone';

/** Claim-changed event ids travel in a job's id list with this prefix (slugs never start with it). */
const CLAIMS = '+';

export class LiveService {
	private chain: Promise<unknown> = Promise.resolve();
	private readonly maxPerHour: number;
	private readonly windowMs: number;
	private readonly concurrency: number;
	private readonly staleMs: number;

	constructor(private readonly o: LiveOptions) {
		this.maxPerHour = Math.max(1, o.maxAlertsPerHour ?? 6);
		this.windowMs = (o.correctionDays ?? 14) * 86_400_000;
		this.concurrency = Math.max(1, o.concurrency ?? 64);
		this.staleMs = (o.staleMinutes ?? 10) * 60_000;
	}

	/**
	 * After a swap: queue alerts for the events that became visible and a correction job for the
	 * ones that changed or went, then do them. Keyed by the new view's version, so a repeated call
	 * for the same reload queues nothing new.
	 */
	async afterSwap(next: DatasetSnapshot, diff: Pick<DatasetDiff, 'events' | 'claims'>, previous?: DatasetSnapshot): Promise<LiveReport> {
		const now = this.o.clock();
		const added = diff.events.added.map((id) => next.event(id)).filter((e): e is StoryEvent => e !== undefined);
		if (added.length) {
			const subs = (await this.o.subscriptions.listActive()).filter((s) => s.alerts !== 'off');
			const items: { subscriptionId: number; eventId: string }[] = [];
			for (const s of subs) for (const e of added) if (wants(s, e)) items.push({ subscriptionId: s.id, eventId: e.id });
			const queued = await this.o.store.enqueueAlerts(items, now);
			this.o.logger.info({ events: added.length, queued }, 'Alerts queued');
		}
		const corrected = [...diff.events.changed, ...diff.events.removed];
		const claimEvents = new Set<string>();
		for (const id of [...diff.claims.changed, ...diff.claims.added, ...diff.claims.removed]) {
			const e = next.claim(id)?.eventId ?? previous?.claim(id)?.eventId;
			if (e) claimEvents.add(e);
		}
		if (corrected.length)
			await this.o.store.addJob(
				`reload:${next.version}`,
				[...corrected, ...[...claimEvents].filter((id) => corrected.includes(id)).map((id) => CLAIMS + id)],
				now,
			);
		return this.run();
	}

	/** After an embargo lifted (DatasetHolder.onRelease): its events alert like a reload's. */
	afterRelease(next: DatasetSnapshot, previous: DatasetSnapshot): Promise<LiveReport> {
		const added: string[] = [];
		for (const e of next.eachEvent()) if (!previous.event(e.id)) added.push(e.id);
		return this.afterSwap(next, { events: { added, changed: [], removed: [] }, claims: { added: [], changed: [], removed: [] } });
	}

	/** Records a delivered briefing as a pushed message, so corrections can reach it. Never throws. */
	async recordBriefing(
		sub: Subscription,
		channelId: string,
		reply: Reply,
		messageIds: readonly string[],
		dataset: DatasetSnapshot,
	): Promise<void> {
		try {
			const fps = eventVersionFingerprints(dataset);
			const events: Record<string, string> = {};
			for (const id of shownEvents(reply)) {
				const fp = fps.get(id);
				if (fp) events[id] = fp;
			}
			if (!Object.keys(events).length || !messageIds.length) return;
			await this.o.store.recordPushed({
				platform: sub.platform,
				channelId,
				subscriptionId: sub.id,
				kind: 'briefing',
				reply,
				messageIds,
				events,
				pushedAt: this.o.clock().toISOString(),
			});
		} catch (err) {
			this.o.logger.error(
				{ err: toError(err), subscription: sub.id },
				'Could not record a pushed briefing; corrections will not reach it',
			);
		}
	}

	/** Does what is due: expired claims, correction jobs, then alerts whose chats may have them now. One run at a time. */
	run(): Promise<LiveReport> {
		const next = this.chain.then(() => this.runOnce());
		this.chain = next.catch(() => undefined);
		return next;
	}

	/**
	 * What a reload from `before` to `after` would send, without sending or recording anything: the
	 * alerts per new event and the pushed messages corrections would edit.
	 */
	async plan(before: DatasetSnapshot, after: DatasetSnapshot, diff: Pick<DatasetDiff, 'events'>): Promise<LivePlan> {
		const subs = (await this.o.subscriptions.listActive()).filter((s) => s.alerts !== 'off');
		const chats = new Set<number>();
		const alerts = diff.events.added
			.map((id) => after.event(id))
			.filter((e): e is StoryEvent => e !== undefined)
			.map((event) => {
				const n = subs.filter((s) => wants(s, event));
				for (const s of n) chats.add(s.id);
				return { event, chats: n.length };
			});
		const ids = [...diff.events.changed, ...diff.events.removed];
		const messages = await this.o.store.pushedShowing(ids, new Date(this.o.clock().getTime() - this.windowMs));
		const fps = eventVersionFingerprints(after);
		const hit = messages.filter((m) => ids.some((id) => id in m.events && m.events[id] !== fps.get(id)));
		const events = new Set(ids.filter((id) => hit.some((m) => id in m.events)));
		void before;
		return {
			alerts,
			alertChats: chats.size,
			correctedEvents: events.size,
			editedMessages: hit.length,
			correctedChats: new Set(hit.map((m) => `${m.platform}:${m.channelId}`)).size,
		};
	}

	private async runOnce(): Promise<LiveReport> {
		const report: LiveReport = { alertsSent: 0, alertsHeld: 0, alertsFailed: 0, edited: 0, editRefused: 0, replies: 0, expired: 0 };
		const now = this.o.clock();
		const expired = await this.o.store.expireSending(new Date(now.getTime() - this.staleMs), now);
		report.expired = expired.uncertain;
		if (expired.released)
			this.o.logger.warn(
				{ count: expired.released },
				'Alerts or corrections a stopped process claimed but never sent are free again',
			);
		if (expired.uncertain)
			this.o.logger.warn(
				{ count: expired.uncertain },
				'Alerts or corrections a stopped process had on the wire marked uncertain; they are not redone',
			);
		for (const job of await this.o.store.pendingJobs()) {
			await this.correct(job, report);
			await this.o.store.finishJob(job.key, this.o.clock());
		}
		await this.alerts(report);
		if (report.alertsSent || report.edited || report.replies || report.alertsFailed || report.editRefused)
			this.o.logger.info({ ...report }, 'Live run');
		return report;
	}

	// ── Alerts ──────────────────────────────────────────────────────────────────────────────

	private async alerts(report: LiveReport): Promise<void> {
		const pending = await this.o.store.pendingAlerts();
		if (!pending.size) return;
		const dataset = this.o.dataset();
		const work = [...pending].map(
			([subId, ids]) =>
				() =>
					this.alertOne(subId, ids, dataset, report),
		);
		await pool(work, this.concurrency);
	}

	private async alertOne(subId: number, ids: readonly string[], dataset: DatasetSnapshot, report: LiveReport): Promise<void> {
		const log = this.o.logger;
		const sub = await this.o.subscriptions.getById(subId);
		const now = this.o.clock();
		const key = `alert:${subId}:${hash(ids.join(','))}`;
		const events = sub ? ids.map((id) => dataset.event(id)).filter((e): e is StoryEvent => e !== undefined && wants(sub, e)) : [];
		const sender = sub ? this.o.senders.get(sub.platform) : undefined;
		if (sub && sub.status === 'active' && sub.alerts !== 'off' && !sender) return; // another process sends to that platform
		if (!sub || sub.status !== 'active' || sub.alerts === 'off' || !events.length) {
			// Unsubscribed, paused, alerts turned off, or the events were withdrawn before their turn.
			if (await this.o.store.claimAlertBatch(key, subId, ids, now))
				await this.o.store.settleAlertBatch(key, 'dropped', 'nothing to send any more', now);
			return;
		}
		if (inQuietHours(sub, now) || (await this.o.store.alertsSentSince(subId, new Date(now.getTime() - 3_600_000))) >= this.maxPerHour) {
			report.alertsHeld++;
			return;
		}
		if (!(await this.o.store.claimAlertBatch(key, subId, ids, now))) return;
		const language = await this.languageOf(sub);
		const alert = composeAlert(dataset, events, language);
		// Into the chat's forum topic when it subscribed from one, as its briefings are.
		const outcome = await safe(() =>
			sender!.send(sub.channelId, alert.reply, { onWire: () => this.o.store.actionOnWire(key, this.o.clock()) }, sub.threadId),
		);
		const at = this.o.clock();
		switch (outcome.kind) {
			case 'sent': {
				report.alertsSent++;
				const fps = eventVersionFingerprints(dataset);
				const shown: Record<string, string> = {};
				for (const e of alert.shown) shown[e.id] = fps.get(e.id) ?? '';
				await this.o.store.settleAlertBatch(key, 'sent', undefined, at);
				await this.o.store
					.recordPushed({
						platform: sub.platform,
						channelId: sub.channelId,
						subscriptionId: sub.id,
						kind: 'alert',
						reply: alert.reply,
						messageIds: outcome.messageIds,
						events: shown,
						pushedAt: at.toISOString(),
					})
					.catch((err: unknown) =>
						log.error(
							{ err: toError(err), subscription: sub.id },
							'Could not record a pushed alert; corrections will not reach it',
						),
					);
				return;
			}
			case 'permanent':
				report.alertsFailed++;
				await this.o.store.settleAlertBatch(key, 'dropped', outcome.reason, at);
				await this.o.subscriptions.pause(sub.id, outcome.reason, at);
				log.warn({ subscription: sub.id, reason: outcome.reason }, 'Subscription paused after a permanent error on an alert');
				return;
			case 'migrated':
				report.alertsFailed++;
				// The next briefing moves the subscription; the alert waits for it.
				await this.o.store.settleAlertBatch(key, 'pending', 'the chat moved', at);
				return;
			case 'transient':
				report.alertsFailed++;
				await this.o.store.settleAlertBatch(key, outcome.uncertain ? 'uncertain' : 'pending', outcome.reason, at);
				log.warn(
					{ subscription: sub.id, reason: outcome.reason, uncertain: outcome.uncertain ?? false },
					outcome.uncertain ? 'Alert may or may not have arrived; not resending' : 'Alert failed; it waits for the next run',
				);
				return;
		}
	}

	// ── Corrections ─────────────────────────────────────────────────────────────────────────

	private async correct(job: { key: string; eventIds: string[]; createdAt: string }, report: LiveReport): Promise<void> {
		const dataset = this.o.dataset();
		const fps = eventVersionFingerprints(dataset);
		const ids = job.eventIds.filter((id) => !id.startsWith(CLAIMS));
		const claimsChanged = new Set(job.eventIds.filter((id) => id.startsWith(CLAIMS)).map((id) => id.slice(1)));
		// Messages pushed after the reload already showed its versions.
		const messages = (await this.o.store.pushedShowing(ids, new Date(this.o.clock().getTime() - this.windowMs))).filter(
			(m) => m.pushedAt <= job.createdAt,
		);
		const byChat = new Map<string, PushedMessage[]>();
		for (const m of messages) {
			const k = `${m.platform}\n${m.channelId}`;
			let list = byChat.get(k);
			if (!list) byChat.set(k, (list = []));
			list.push(m);
		}
		// Chats that were sent the same message get the same corrected one: made once, rendered once.
		const shared = new Map<string, unknown>();
		await pool(
			[...byChat.values()].map((list) => () => this.correctChat(job.key, list, ids, claimsChanged, dataset, fps, report, shared)),
			this.concurrency,
		);
	}

	private async correctChat(
		jobKey: string,
		messages: readonly PushedMessage[],
		ids: readonly string[],
		claimsChanged: ReadonlySet<string>,
		dataset: DatasetSnapshot,
		fps: ReadonlyMap<string, string>,
		report: LiveReport,
		shared: Map<string, unknown>,
	): Promise<void> {
		const once = <T>(key: string, make: () => T): T => {
			if (!shared.has(key)) shared.set(key, make());
			return shared.get(key) as T;
		};
		const first = messages[0]!;
		const sender = this.o.senders.get(first.platform);
		if (!sender) return;
		const sub = first.subscriptionId !== undefined ? await this.o.subscriptions.getById(first.subscriptionId) : undefined;
		const locale = sub ? await this.languageOf(sub) : (first.reply.locale ?? undefined);
		const i18n = createTranslator(locale ?? 'en');
		const now = this.o.clock();
		const day = i18n.date(parsePartialDateOrToday(localDateAt(now, dataset.story.timezone)));
		const forReply = new Map<string, { substance: boolean; note: string; withdrawn: boolean; title: string; to: string }>();
		for (const m of messages) {
			const relevant = ids.filter((id) => id in m.events);
			const changed = new Set(relevant.filter((id) => m.events[id] !== (fps.get(id) ?? GONE)));
			// Corrected by an earlier attempt of this job that a stopped process left before its reply:
			// the reply still says so, in the words of the mark the message now carries.
			for (const id of relevant) {
				if (changed.has(id)) continue;
				const note = markOf(m.reply, id);
				if (note) forReply.set(id, { ...note, title: note.withdrawn ? note.title : '', to: m.messageIds[0] ?? '' });
			}
			if (!changed.size) continue;
			const replyKey0 = `${JSON.stringify(m.reply)}\n${[...changed].sort().join(',')}`;
			const { original, corrected } = once(replyKey0, () => ({
				original: m.reply,
				corrected: correctReply(m.reply, dataset, changed, claimsChanged, day, createTranslator(m.reply.locale ?? 'en')),
			}));
			const newEvents: Record<string, string> = {};
			// A withdrawn event stays listed (as gone), so a restarted run knows its line is done.
			for (const [id, fp] of Object.entries(m.events)) newEvents[id] = changed.has(id) ? (fps.get(id) ?? GONE) : fp;
			const versionKey = hash(
				[...changed]
					.sort()
					.map((id) => `${id}@${fps.get(id) ?? 'gone'}`)
					.join(','),
			);
			const editKey = `edit:${m.id}:${versionKey}`;
			let edited = false;
			if (sender.edit && (await this.o.store.claimAction(editKey, 'edit', m.subscriptionId, now))) {
				const outcome = await safe(
					() =>
						sender.edit!(m.channelId, m.messageIds, original, corrected.reply, () =>
							this.o.store.actionOnWire(editKey, this.o.clock()),
						),
					(reason) => ({ kind: 'transient' as const, reason, uncertain: true }),
				);
				const at = this.o.clock();
				if (outcome.kind === 'edited') {
					edited = true;
					report.edited++;
					await this.o.store.settleAction(editKey, 'done', undefined, at);
					await this.o.store.updatePushed(m.id, corrected.reply, newEvents, at);
				} else {
					report.editRefused++;
					const reason =
						outcome.kind === 'layout' ? 'the corrected message would not fit the parts it was sent in' : outcome.reason;
					await this.o.store.settleAction(
						editKey,
						outcome.kind === 'transient' && outcome.uncertain ? 'uncertain' : 'failed',
						reason,
						at,
					);
					// Not retried: the reply below carries the correction instead.
					await this.o.store.updatePushed(m.id, m.reply, newEvents, at);
					this.o.logger.info(
						{ platform: m.platform, channel: m.channelId, message: m.messageIds[0], reason },
						'Correction edit not possible; the chat gets the reply',
					);
				}
			}
			for (const c of corrected.corrections) {
				if (!(c.substance || !edited)) continue;
				const e = dataset.event(c.eventId);
				const was = m.reply.blocks.find((b): b is Extract<Block, { kind: 'event' }> => b.kind === 'event' && b.id === c.eventId);
				forReply.set(c.eventId, {
					substance: c.substance,
					note: c.note,
					withdrawn: c.withdrawn,
					title: e ? '' : `${was?.date ?? ''} · ${was?.title ?? c.eventId}`,
					to: m.messageIds[0] ?? '',
				});
			}
		}
		if (!forReply.size) return;
		// One reply per chat per reload, answering the latest message that showed a corrected event.
		const replyKey = `reply:${first.platform}:${first.channelId}:${jobKey}`;
		if (!(await this.o.store.claimAction(replyKey, 'reply', first.subscriptionId, now))) return;
		const blocks: Block[] = [heading(i18n.t('live.reply.title', { n: forReply.size }))];
		for (const [id, r] of forReply) {
			const e = dataset.event(id);
			if (e) blocks.push(eventLine(dataset, e, i18n));
			else blocks.push(para(r.title));
			blocks.push(para(italic(`${MARK} ${r.note}`)));
		}
		const reply = once(`reply\n${i18n.locale}\n${JSON.stringify(blocks)}`, (): Reply => ({
			blocks,
			...(i18n.locale !== 'en' ? { locale: i18n.locale } : {}),
		}));
		const to = [...forReply.values()].at(-1)!.to;
		const outcome: SendOutcome = await safe(() =>
			sender.sendReply
				? sender.sendReply(first.channelId, to, reply, () => this.o.store.actionOnWire(replyKey, this.o.clock()))
				: sender.send(first.channelId, reply, { onWire: () => this.o.store.actionOnWire(replyKey, this.o.clock()) }),
		);
		const at = this.o.clock();
		if (outcome.kind === 'sent') report.replies++;
		await this.o.store.settleAction(
			replyKey,
			outcome.kind === 'sent' ? 'done' : outcome.kind === 'transient' && outcome.uncertain ? 'uncertain' : 'failed',
			outcome.kind === 'sent' ? undefined : 'reason' in outcome ? outcome.reason : 'the chat moved',
			at,
		);
	}

	private async languageOf(sub: Subscription): Promise<Locale | undefined> {
		if (sub.language) return sub.language;
		const store = this.o.subscriptions;
		return store.channelLanguage(sub.platform, sub.channelId).catch(() => undefined);
	}
}

/** Whether `sub` wants an alert for `e`: its level and its actor/tag filters. */
export function wants(sub: Subscription, e: StoryEvent): boolean {
	if (sub.alerts === 'off' || (sub.alerts === 'breaking' && e.priority !== 'breaking')) return false;
	if (sub.actorId && !e.actors.some((a) => a.actorId === sub.actorId)) return false;
	if (sub.tag && !e.tags.includes(sub.tag)) return false;
	return true;
}

/** Whether `now` falls in the subscription's quiet hours ("22:00-07:00" wraps midnight), in its zone. */
export function inQuietHours(sub: Pick<Subscription, 'quietHours' | 'timezone'>, now: Date): boolean {
	if (!sub.quietHours) return false;
	const [from, to] = sub.quietHours.split('-').map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))) as [number, number];
	const w = wallTimeAt(now, sub.timezone);
	const m = w.hour * 60 + w.minute;
	return from < to ? m >= from && m < to : m >= from || m < to;
}

/** The correction mark a corrected reply carries for an event, if any (see correct-reply.ts). */
function markOf(reply: Reply, id: string): { substance: boolean; note: string; withdrawn: boolean; title: string } | undefined {
	const blocks = reply.blocks;
	for (let i = 0; i < blocks.length; i++) {
		const b = blocks[i]!;
		if (b.kind === 'event' && b.id === id) {
			const next = blocks[i + 1];
			const text = next?.kind === 'paragraph' ? (next.spans[0]?.text ?? '') : '';
			return text.startsWith(MARK)
				? { substance: true, note: text.slice(MARK.length).trim(), withdrawn: false, title: '' }
				: undefined;
		}
	}
	return undefined;
}

/** The ids of the events a reply shows (event lines and claims). */
export function shownEvents(reply: Reply): string[] {
	const out = new Set<string>();
	for (const b of reply.blocks) {
		if (b.kind === 'event') out.add(b.id);
		else if (b.kind === 'claim' && b.eventId) out.add(b.eventId);
	}
	return [...out];
}

function hash(text: string): string {
	return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

function parsePartialDateOrToday(text: string) {
	const r = parsePartialDate(text);
	if (!r.ok) throw new Error(`not a date: ${text}`);
	return r.value;
}

async function safe<T>(
	run: () => Promise<T>,
	onThrow: (reason: string) => T = (reason) => ({ kind: 'transient', reason, uncertain: true }) as T,
): Promise<T> {
	try {
		return await run();
	} catch (err) {
		// The sender contract says never throws; if one does, the request may have gone out.
		return onThrow(toError(err).message);
	}
}

/** Runs `tasks` with at most `limit` in flight, yielding to the event loop between starts. */
async function pool(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
	let next = 0;
	let failure: unknown;
	const worker = async (): Promise<void> => {
		while (next < tasks.length && failure === undefined) {
			const task = tasks[next++]!;
			try {
				await task();
			} catch (err) {
				failure ??= err;
			}
			await yieldToLoop();
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
	if (failure !== undefined) throw failure;
}
