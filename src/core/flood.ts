/**
 * Flood bounds, platform-neutral: a per-user command rate (a token bucket, with one polite "slow
 * down" answer per flood) and a per-chat reply queue with a cap, where a reply that is no longer
 * useful — superseded by a newer one for the same page, or older than a few minutes — is dropped
 * with a log line and a metric instead of being sent. Each adapter (Telegram, Discord, the web) asks
 * the limiter before it runs a command and hands replies to the queue, so one member can make the
 * process hold at most a few replies, whatever they send.
 */
import type { Logger } from '../logger.js';

/** The bounds; {@link DEFAULT_FLOOD_LIMITS} suits a chat of people typing. */
export interface FloodLimits {
	/** Commands one user may send at once before the rate applies. */
	readonly burst: number;
	/** Then one more command per this many milliseconds. */
	readonly refillMs: number;
	/** Most replies waiting to be sent to one chat; the oldest waiting one is dropped for a new one. */
	readonly chatQueue: number;
	/** A reply still waiting after this long is dropped: the asker has moved on. */
	readonly maxReplyAgeMs: number;
	/** Most users whose rate is remembered; the least recently seen are forgotten first. */
	readonly maxUsers: number;
}

export const DEFAULT_FLOOD_LIMITS: FloodLimits = { burst: 8, refillMs: 6000, chatQueue: 10, maxReplyAgeMs: 3 * 60_000, maxUsers: 50_000 };

/** Why a command or reply was not answered, as the metric labels it. */
export type DropReason = 'rate_limited' | 'queue_full' | 'stale' | 'superseded' | 'stopped';

/** Called for every command refused or reply dropped, e.g. to count it. Must not throw. */
export type OnDrop = (platform: string, reason: DropReason) => void;

/**
 * What to do with one incoming command: run it, answer "slow down" (the first refusal of a
 * flood), or ignore it silently (every later refusal, until the user's rate allows again).
 */
export type Admission = 'run' | 'slow_down' | 'ignore';

interface Bucket {
	tokens: number;
	at: number;
	warned: boolean;
}

/** A per-user token bucket. Memory is bounded by `maxUsers`; time per check is constant. */
export class CommandRateLimiter {
	private readonly buckets = new Map<string, Bucket>();

	constructor(
		private readonly limits: Pick<FloodLimits, 'burst' | 'refillMs' | 'maxUsers'>,
		private readonly platform: string,
		private readonly onDrop: OnDrop = () => undefined,
		private readonly now: () => number = () => performance.now(),
	) {}

	/** Takes one command from `userId`'s allowance. */
	admit(userId: string): Admission {
		const now = this.now();
		let b = this.buckets.get(userId);
		if (b) {
			// Re-inserting keeps the Map in least-recently-seen order for eviction.
			this.buckets.delete(userId);
			b.tokens = Math.min(this.limits.burst, b.tokens + (now - b.at) / this.limits.refillMs);
			b.at = now;
		} else {
			b = { tokens: this.limits.burst, at: now, warned: false };
			if (this.buckets.size >= this.limits.maxUsers) this.buckets.delete(this.buckets.keys().next().value!);
		}
		this.buckets.set(userId, b);
		if (b.tokens >= 1) {
			b.tokens -= 1;
			b.warned = false;
			return 'run';
		}
		this.onDrop(this.platform, 'rate_limited');
		if (b.warned) return 'ignore';
		b.warned = true;
		return 'slow_down';
	}

	/** Users remembered now (for tests and bounds). */
	get size(): number {
		return this.buckets.size;
	}
}

interface Job {
	readonly key: string | undefined;
	readonly at: number;
	readonly run: () => Promise<void>;
	readonly settle: () => void;
}

interface ChatQueue {
	readonly waiting: Job[];
	running: boolean;
}

/**
 * Replies waiting per chat, sent one at a time in order. A reply is dropped (logged, counted) when
 * the chat already has `chatQueue` waiting (the oldest goes), when a newer reply with the same key
 * arrives (a page the user moved past), or when it has waited longer than `maxReplyAgeMs`.
 */
export class ReplyQueue {
	private readonly chats = new Map<string, ChatQueue>();
	private closed = false;

	constructor(
		private readonly limits: Pick<FloodLimits, 'chatQueue' | 'maxReplyAgeMs'>,
		private readonly platform: string,
		private readonly logger: Logger,
		private readonly onDrop: OnDrop = () => undefined,
		private readonly now: () => number = () => performance.now(),
	) {}

	/**
	 * Queues `run` for `chatId`. The promise settles when the reply was sent, failed (the failure is
	 * `run`'s to handle) or was dropped; it never rejects.
	 */
	enqueue(chatId: string, run: () => Promise<void>, key?: string): Promise<void> {
		if (this.closed) {
			this.drop(chatId, 'stopped');
			return Promise.resolve();
		}
		let q = this.chats.get(chatId);
		if (!q) {
			q = { waiting: [], running: false };
			this.chats.set(chatId, q);
		}
		if (key !== undefined) {
			const i = q.waiting.findIndex((j) => j.key === key);
			if (i >= 0) this.discard(chatId, q, i, 'superseded');
		}
		while (q.waiting.length >= this.limits.chatQueue) this.discard(chatId, q, 0, 'queue_full');
		const done = new Promise<void>((settle) => q.waiting.push({ key, at: this.now(), run, settle }));
		if (!q.running) void this.pump(chatId, q);
		return done;
	}

	/** Replies waiting (not yet being sent) for `chatId`, or for every chat. */
	waiting(chatId?: string): number {
		if (chatId !== undefined) return this.chats.get(chatId)?.waiting.length ?? 0;
		let n = 0;
		for (const q of this.chats.values()) n += q.waiting.length;
		return n;
	}

	/** Drops every waiting reply (logged as "stopped"); replies being sent finish. */
	close(): void {
		this.closed = true;
		for (const [chatId, q] of this.chats) while (q.waiting.length) this.discard(chatId, q, 0, 'stopped');
	}

	private async pump(chatId: string, q: ChatQueue): Promise<void> {
		q.running = true;
		try {
			for (let job = q.waiting.shift(); job; job = q.waiting.shift()) {
				if (this.now() - job.at > this.limits.maxReplyAgeMs) {
					this.dropped(chatId, job, 'stale');
					continue;
				}
				try {
					await job.run();
				} catch (err) {
					this.logger.error({ err, chat: chatId }, 'Reply failed');
				} finally {
					job.settle();
				}
			}
		} finally {
			q.running = false;
			// An idle chat holds nothing, so the map does not grow with every chat ever served.
			if (q.waiting.length === 0) this.chats.delete(chatId);
		}
	}

	private discard(chatId: string, q: ChatQueue, index: number, reason: DropReason): void {
		const [job] = q.waiting.splice(index, 1);
		if (job) this.dropped(chatId, job, reason);
	}

	private dropped(chatId: string, job: Job, reason: DropReason): void {
		this.logger.warn(
			{ chat: chatId, reason, waitedMs: Math.round(this.now() - job.at) },
			'Reply dropped: no longer useful or too many waiting',
		);
		this.drop(chatId, reason);
		job.settle();
	}

	private drop(chatId: string, reason: DropReason): void {
		try {
			this.onDrop(this.platform, reason);
		} catch (err) {
			this.logger.warn({ err, chat: chatId }, 'onDrop hook failed');
		}
	}
}
