/**
 * Alerts: each chat's queued events sent as one message, within its quiet hours and its hourly cap,
 * claimed in the store before the send so that no batch goes out twice.
 */
import { toError } from '../core/errors.js';
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { wallTimeAt } from '../scheduler/zoned-time.js';
import type { Subscription } from '../store/store.js';
import { composeAlert } from './compose-alert.js';
import { hash, languageOf, pool, safe, type LiveContext, type LiveReport } from './live-context.js';

/** Sends the alerts the store has queued, a chat at a time (up to `concurrency` chats at once). */
export async function sendAlerts(ctx: LiveContext, report: LiveReport): Promise<void> {
	const pending = await ctx.o.store.pendingAlerts();
	if (!pending.size) return;
	const dataset = ctx.o.dataset();
	const work = [...pending].map(
		([subId, ids]) =>
			() =>
				alertOne(ctx, subId, ids, dataset, report),
	);
	await pool(work, ctx.concurrency);
}

async function alertOne(
	ctx: LiveContext,
	subId: number,
	ids: readonly string[],
	dataset: DatasetSnapshot,
	report: LiveReport,
): Promise<void> {
	const log = ctx.o.logger;
	const sub = await ctx.o.subscriptions.getById(subId);
	const now = ctx.o.clock();
	const key = `alert:${subId}:${hash(ids.join(','))}`;
	const events = sub ? ids.map((id) => dataset.event(id)).filter((e): e is StoryEvent => e !== undefined && wants(sub, e)) : [];
	const sender = sub ? ctx.o.senders.get(sub.platform) : undefined;
	if (sub && sub.status === 'active' && sub.alerts !== 'off' && !sender) return; // another process sends to that platform
	if (!sub || sub.status !== 'active' || sub.alerts === 'off' || !events.length) {
		// Unsubscribed, paused, alerts turned off, or the events were withdrawn before their turn.
		if (await ctx.o.store.claimAlertBatch(key, subId, ids, now))
			await ctx.o.store.settleAlertBatch(key, 'dropped', 'nothing to send any more', now);
		return;
	}
	if (inQuietHours(sub, now) || (await ctx.o.store.alertsSentSince(subId, new Date(now.getTime() - 3_600_000))) >= ctx.maxPerHour) {
		report.alertsHeld++;
		return;
	}
	if (!(await ctx.o.store.claimAlertBatch(key, subId, ids, now))) return;
	const language = await languageOf(ctx, sub);
	const alert = composeAlert(dataset, events, language);
	// Into the chat's forum topic when it subscribed from one, as its briefings are.
	const outcome = await safe(() =>
		sender!.send(sub.channelId, alert.reply, { onWire: () => ctx.o.store.actionOnWire(key, ctx.o.clock()) }, sub.threadId),
	);
	const at = ctx.o.clock();
	switch (outcome.kind) {
		case 'sent': {
			report.alertsSent++;
			const shown: Record<string, string> = {};
			for (const e of alert.shown) shown[e.id] = dataset.eventFingerprint(e.id) ?? '';
			await ctx.o.store.settleAlertBatch(key, 'sent', undefined, at);
			await ctx.o.store
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
			await ctx.o.store.settleAlertBatch(key, 'dropped', outcome.reason, at);
			await ctx.o.subscriptions.pause(sub.id, outcome.reason, at);
			log.warn({ subscription: sub.id, reason: outcome.reason }, 'Subscription paused after a permanent error on an alert');
			return;
		case 'migrated':
			report.alertsFailed++;
			// The next briefing moves the subscription; the alert waits for it.
			await ctx.o.store.settleAlertBatch(key, 'pending', 'the chat moved', at);
			return;
		case 'transient':
			report.alertsFailed++;
			await ctx.o.store.settleAlertBatch(key, outcome.uncertain ? 'uncertain' : 'pending', outcome.reason, at);
			log.warn(
				{ subscription: sub.id, reason: outcome.reason, uncertain: outcome.uncertain ?? false },
				outcome.uncertain ? 'Alert may or may not have arrived; not resending' : 'Alert failed; it waits for the next run',
			);
			return;
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
