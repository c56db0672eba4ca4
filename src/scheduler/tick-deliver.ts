/**
 * One claimed delivery of a scheduler tick: compose (once per key), send (resuming after parts an
 * earlier attempt sent, following a chat that migrated), and turn the outcome into the ledger's
 * settlement: sent, paused after a permanent error, retried with back-off, or given up.
 */
import type { Briefing } from '../briefing/compose-briefing.js';
import type { PlatformSender, SendOutcome, SendProgress } from '../core/delivery.js';
import { toError } from '../core/errors.js';
import type { Reply } from '../core/reply.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { resumePoint, type ResumePoint, type Settlement, type Subscription } from '../store/store.js';
import type { Occurrence } from './due-occurrences.js';
import { composeOnce, type Briefings } from './tick-compose.js';
import { key, stamp, type Runner, type Tick } from './tick-state.js';

const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 30 * 60_000;

/** One claimed delivery: compose (once per key), send, and say how it ended. Store errors propagate. */
export async function deliver(tick: Tick, briefings: Briefings, o: Occurrence, attempt: number): Promise<Settlement> {
	const sub = o.subscription;
	let briefing: Briefing;
	try {
		briefing = composeOnce(briefings, o);
	} catch (err) {
		tick.runner.log.error({ err: toError(err), subscription: sub.id, localDate: o.localDate }, 'Briefing could not be composed');
		tick.report.failed++;
		return { status: 'failed', reason: 'the briefing could not be composed', retryable: false };
	}
	if (sub.quiet && briefing.newCount === 0) {
		tick.report.quiet++;
		return { status: 'skipped', reason: 'quiet: no new events' };
	}
	const sent = await send(tick, o, briefing.reply, attempt);
	if ('settlement' in sent) return sent.settlement;
	return settlementOf(tick, o, attempt, sent, briefing.reply, briefings.dataset);
}

/** How a send went: the outcome, the channel it went to (after a migration, the new one), and where it resumed. */
interface Sent {
	readonly outcome: Exclude<SendOutcome, { kind: 'migrated' }>;
	readonly channelId: string;
	readonly resume: ResumePoint | undefined;
}

/** Sends the reply, resuming after parts an earlier attempt sent, and follows a chat that migrated once. */
async function send(tick: Tick, o: Occurrence, reply: Reply, attempt: number): Promise<Sent | { settlement: Settlement }> {
	const { runner, report } = tick;
	const { ledger } = runner.options;
	const sub = o.subscription;
	const k = key(o);
	const sender = runner.options.senders.get(sub.platform)!;
	let channelId = sub.channelId;
	// A retaken delivery may have parts out already (a crash, a 429 after part 1): those are
	// never sent again, and a part that was on the wire at a crash stays uncertain.
	const resume = sender.tracksParts && attempt > 1 ? resumePoint(await ledger.parts(k)) : undefined;
	if (resume?.skip) report.resumed++;
	const progress = (): SendProgress =>
		sender.tracksParts
			? {
					...(resume?.skip ? { skipParts: resume.skip } : {}),
					onWire: (part, parts) => ledger.partOnWire(k, part, parts, channelId, stamp(tick)),
					onSent: (sent) => ledger.partSent(k, sent, channelId, stamp(tick)),
				}
			: {};
	let outcome = await safeSend(runner, sender, channelId, reply, progress(), sub.threadId);
	if (outcome.kind === 'migrated') {
		const to = outcome.newChannelId;
		const failed = await moveSubscription(tick, sub, to);
		if (failed) return { settlement: failed };
		report.moved++;
		runner.log.info({ subscription: sub.id, from: channelId, to }, 'Subscription moved to the migrated chat');
		channelId = to;
		// A supergroup made from a group has no topics of the old one: post to the chat itself.
		outcome = await safeSend(runner, sender, channelId, reply, progress());
		if (outcome.kind === 'migrated') outcome = { kind: 'permanent', reason: `the chat migrated twice (to ${outcome.newChannelId})` };
	}
	return { outcome, channelId, resume };
}

/** Moves the subscription to the chat it migrated to; the failed settlement when it cannot. */
async function moveSubscription(tick: Tick, sub: Subscription, to: string): Promise<Settlement | undefined> {
	const { store } = tick.runner.options;
	const moved = await store.move(sub.id, to, stamp(tick));
	if (moved === 'moved') return undefined;
	const reason = moved === 'conflict' ? `the chat moved to ${to}, which has its own subscription` : 'the subscription was removed';
	if (moved === 'conflict') {
		await store.pause(sub.id, reason, stamp(tick));
		tick.report.paused++;
		await tellPaused(tick.runner, sub, reason);
	}
	tick.report.failed++;
	return { status: 'failed', reason, retryable: false };
}

/** The ledger's record of a send's outcome; a permanent error pauses the subscription. */
async function settlementOf(
	tick: Tick,
	o: Occurrence,
	attempt: number,
	sent: Sent,
	reply: Reply,
	dataset: DatasetSnapshot,
): Promise<Settlement> {
	const { runner, report } = tick;
	const sub = o.subscription;
	const { outcome, channelId, resume } = sent;
	if (outcome.kind === 'sent' && resume?.uncertain.length) {
		// Everything else is there; whether the part on the wire at the crash arrived is unknown.
		const which = resume.uncertain.map((p) => `${p.part} of ${p.parts}`).join(', ');
		report.uncertain++;
		runner.log.warn(
			{ subscription: sub.id, localDate: o.localDate, parts: which },
			'Briefing completed after a crash; a part that was on the wire then may or may not have arrived',
		);
		return {
			status: 'uncertain',
			reason: `part ${which} was being sent when the process stopped and may not have arrived; the other parts were delivered`,
		};
	}
	switch (outcome.kind) {
		case 'sent': {
			report.sent++;
			const messageIds = [...(resume?.sent.flatMap((p) => p.messageIds) ?? []), ...outcome.messageIds];
			if (runner.options.onDelivered) await runner.options.onDelivered(sub, channelId, reply, messageIds, dataset);
			return { status: 'sent', messageIds, ...(channelId !== sub.channelId ? { channelId } : {}) };
		}
		case 'permanent':
			await runner.options.store.pause(sub.id, outcome.reason, stamp(tick));
			report.paused++;
			report.failed++;
			runner.log.warn(
				{ subscription: sub.id, platform: sub.platform, channel: channelId, reason: outcome.reason },
				'Subscription paused after a permanent error',
			);
			await tellPaused(runner, sub, outcome.reason);
			return { status: 'failed', reason: outcome.reason, retryable: false };
		case 'transient':
			return retryOrGiveUp(tick, o, attempt, outcome, channelId);
	}
}

/** A transient failure: uncertain (not resent), retried with back-off, or given up after the last attempt or the catch-up window. */
function retryOrGiveUp(
	tick: Tick,
	o: Occurrence,
	attempt: number,
	outcome: Extract<SendOutcome, { kind: 'transient' }>,
	channelId: string,
): Settlement {
	const { runner, report } = tick;
	const sub = o.subscription;
	const { catchupMinutes } = runner.options;
	if (outcome.uncertain) {
		report.uncertain++;
		runner.log.warn(
			{ subscription: sub.id, localDate: o.localDate, reason: outcome.reason },
			'Briefing may or may not have arrived; not resending',
		);
		return { status: 'uncertain', reason: outcome.reason };
	}
	if (attempt >= runner.maxAttempts) {
		report.failed++;
		runner.log.warn({ subscription: sub.id, localDate: o.localDate, reason: outcome.reason, attempt }, 'Briefing failed; giving up');
		return { status: 'failed', reason: `gave up after ${attempt} attempts: ${outcome.reason}`, retryable: false };
	}
	const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
	const nextAttemptAt = new Date(tick.now.getTime() + Math.max(backoff, outcome.retryAfterMs ?? 0));
	// A retry that could only come after the catch-up window would never be due: say so now
	// rather than leave the row waiting forever.
	const windowEnds = o.scheduledInstant.getTime() + catchupMinutes * 60_000;
	if (nextAttemptAt.getTime() > windowEnds) {
		report.rateLimited++;
		const wait =
			outcome.retryAfterMs !== undefined && outcome.retryAfterMs >= backoff
				? `the platform asked to wait ${Math.round(outcome.retryAfterMs / 1000)} s`
				: `the next retry (in ${Math.round(backoff / 1000)} s)`;
		const reason = `${outcome.retryAfterMs !== undefined ? 'rate limited' : 'failed'}: ${wait}, past the ${catchupMinutes}-minute catch-up window (${outcome.reason})`;
		runner.log.warn(
			{ subscription: sub.id, platform: sub.platform, channel: channelId, localDate: o.localDate, reason },
			'Briefing skipped: it could not be sent within the catch-up window',
		);
		return { status: 'skipped', reason };
	}
	report.failed++;
	runner.log.info(
		{ subscription: sub.id, localDate: o.localDate, reason: outcome.reason, attempt, nextAttemptAt: nextAttemptAt.toISOString() },
		'Briefing failed; will retry',
	);
	return { status: 'failed', reason: outcome.reason, retryable: true, nextAttemptAt };
}

/** Tells the owners about a paused subscription; a failure is logged, never thrown. */
async function tellPaused(runner: Runner, sub: Subscription, reason: string): Promise<void> {
	if (!runner.options.onPaused) return;
	try {
		await runner.options.onPaused(sub, reason);
	} catch (err) {
		runner.log.error({ err: toError(err), subscription: sub.id }, 'Could not tell the owners about a paused subscription');
	}
}

async function safeSend(
	runner: Runner,
	sender: PlatformSender,
	channelId: string,
	reply: Reply,
	progress: SendProgress,
	threadId?: string,
): Promise<SendOutcome> {
	try {
		return await (threadId !== undefined ? sender.send(channelId, reply, progress, threadId) : sender.send(channelId, reply, progress));
	} catch (err) {
		// The contract says senders never throw; if one does, the message may have left.
		runner.log.error(
			{ err: toError(err), platform: sender.platform, channel: channelId },
			'Sender threw; marking the briefing uncertain',
		);
		return { kind: 'transient', reason: `the sender failed: ${toError(err).message}`, uncertain: true };
	}
}
