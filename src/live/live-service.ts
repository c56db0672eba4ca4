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
import { toError } from '../core/errors.js';
import type { Reply } from '../core/reply.js';
import type { DatasetDiff } from '../dataset/diff.js';
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Subscription } from '../store/store.js';
import { CLAIMS, type LiveContext, type LiveOptions, type LiveReport } from './live-context.js';
import { sendAlerts, wants } from './send-alerts.js';
import { correctJob } from './send-corrections.js';

export type { LiveOptions, LiveReport } from './live-context.js';

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

export class LiveService {
	private chain: Promise<unknown> = Promise.resolve();
	private readonly ctx: LiveContext;
	private readonly staleMs: number;

	constructor(private readonly o: LiveOptions) {
		this.ctx = {
			o,
			maxPerHour: Math.max(1, o.maxAlertsPerHour ?? 6),
			windowMs: (o.correctionDays ?? 14) * 86_400_000,
			concurrency: Math.max(1, o.concurrency ?? 64),
		};
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
			const events: Record<string, string> = {};
			for (const id of shownEvents(reply)) {
				const fp = dataset.eventFingerprint(id);
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
		const messages = await this.o.store.pushedShowing(ids, new Date(this.o.clock().getTime() - this.ctx.windowMs));
		const fps = new Map(ids.map((id) => [id, after.eventFingerprint(id)]));
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
			await correctJob(this.ctx, job, report);
			await this.o.store.finishJob(job.key, this.o.clock());
		}
		await sendAlerts(this.ctx, report);
		if (report.alertsSent || report.edited || report.replies || report.alertsFailed || report.editRefused)
			this.o.logger.info({ ...report }, 'Live run');
		return report;
	}
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
