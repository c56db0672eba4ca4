/**
 * Outgoing pacing for the Bot API. Telegraf does not retry or throttle, so this queue keeps every
 * call within Telegram's published guidance (about 1 message a second per chat, 20 a minute per
 * group, 30 a second overall) and honours `retry_after` on a 429 before trying the same call again.
 * Calls to one chat run strictly in order; different chats proceed independently.
 */

export interface PacingOptions {
	/** Least time between two calls to one chat. */
	readonly perChatIntervalMs: number;
	/** Most calls to one group, supergroup or channel per window. */
	readonly group: { readonly count: number; readonly windowMs: number };
	/** Most calls overall per window. */
	readonly global: { readonly count: number; readonly windowMs: number };
	/** Longest 429 wait honoured in line; a longer one is returned to the caller. */
	readonly maxRetryAfterMs: number;
	/** Tries of one call, counting the first, while Telegram answers 429. */
	readonly maxAttempts: number;
}

/** Telegram's guidance (Bots FAQ, "My bot is hitting limits"). */
/** How many even spacings of the global budget a late call may make up for (see slot()). */
const SPREAD_BURST = 3;

export const DEFAULT_PACING: PacingOptions = {
	perChatIntervalMs: 1000,
	group: { count: 20, windowMs: 60_000 },
	global: { count: 30, windowMs: 1000 },
	maxRetryAfterMs: 60_000,
	maxAttempts: 3,
};

interface ChatState {
	tail: Promise<unknown>;
	pending: number;
	nextAt: number;
	pausedUntil: number;
	readonly sent: number[];
}

export class PacerClosedError extends Error {
	override readonly name = 'PacerClosedError';
}

/** Tells how long a failure asks us to wait (a 429's retry_after), or undefined for any other failure. */
export type RetryAfter = (err: unknown) => number | undefined;

export class Pacer {
	private readonly chats = new Map<string, ChatState>();
	private readonly globalSent: number[] = [];
	/** When the next call may start by the even spacing of the global budget (epoch ms). */
	private nextGlobalAt = 0;
	private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
	private closed = false;
	private runs = 0;

	constructor(
		private readonly options: PacingOptions,
		private readonly retryAfterMs: RetryAfter,
		private readonly now: () => number = () => performance.now(),
	) {}

	/**
	 * Runs `task` for `chatId` when pacing allows, after every earlier task for that chat. A 429 is
	 * retried after its retry_after (up to the configured attempts); any other failure is rethrown.
	 */
	run<T>(chatId: string, isGroup: boolean, task: () => Promise<T>): Promise<T> {
		if (this.closed) return Promise.reject(new PacerClosedError('The Telegram sender is stopped.'));
		const state = this.state(chatId);
		state.pending++;
		const result = state.tail.then(() => this.attempt(state, isGroup, task));
		state.tail = result
			.catch(() => undefined)
			.finally(() => {
				state.pending--;
			});
		if (++this.runs % 500 === 0) this.sweep();
		return result;
	}

	/** Stops taking work; queued tasks fail with PacerClosedError, running ones finish. */
	close(): void {
		this.closed = true;
		for (const t of this.timers) {
			clearTimeout(t.timer);
			t.resolve();
		}
		this.timers.clear();
	}

	private async attempt<T>(state: ChatState, isGroup: boolean, task: () => Promise<T>): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			await this.slot(state, isGroup);
			try {
				return await task();
			} catch (err) {
				const wait = this.retryAfterMs(err);
				if (wait === undefined || attempt >= this.options.maxAttempts || wait > this.options.maxRetryAfterMs) throw err;
				state.pausedUntil = this.now() + wait;
			}
		}
	}

	/** Waits until this chat, its group budget and the global budget all allow one more call, then takes it. */
	private async slot(state: ChatState, isGroup: boolean): Promise<void> {
		for (;;) {
			if (this.closed) throw new PacerClosedError('The Telegram sender is stopped.');
			const now = this.now();
			const { group, global } = this.options;
			prune(state.sent, now - group.windowMs);
			prune(this.globalSent, now - global.windowMs);
			const at = Math.max(
				state.nextAt,
				state.pausedUntil,
				isGroup && state.sent.length >= group.count ? state.sent[state.sent.length - group.count]! + group.windowMs : 0,
				this.globalSent.length >= global.count ? this.globalSent[this.globalSent.length - global.count]! + global.windowMs : 0,
				// Evenly spread, not in bursts of a whole window: Telegram answers bursts with 429s, and a
				// process that dies then has a request or two on the wire, not a window's worth.
				this.nextGlobalAt,
			);
			if (at <= now) {
				state.nextAt = now + this.options.perChatIntervalMs;
				if (isGroup) state.sent.push(now);
				this.globalSent.push(now);
				// The next call's slot keeps to the schedule when this one started a little late (a busy
				// event loop), so the lateness is caught up instead of lost for good; after a pause of
				// more than SPREAD_BURST spacings the schedule starts again from now.
				const spacing = global.windowMs / global.count;
				this.nextGlobalAt = now - this.nextGlobalAt < SPREAD_BURST * spacing ? this.nextGlobalAt + spacing : now + spacing;
				return;
			}
			await this.sleep(at - now);
		}
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const entry = {
				timer: setTimeout(() => {
					this.timers.delete(entry);
					resolve();
				}, Math.ceil(ms)),
				resolve,
			};
			this.timers.add(entry);
		});
	}

	private state(chatId: string): ChatState {
		let s = this.chats.get(chatId);
		if (!s) {
			s = { tail: Promise.resolve(), pending: 0, nextAt: 0, pausedUntil: 0, sent: [] };
			this.chats.set(chatId, s);
		}
		return s;
	}

	/** Forgets idle chats whose limits have lapsed, so the map does not grow with every chat ever served. */
	private sweep(): void {
		const now = this.now();
		const horizon = Math.max(this.options.perChatIntervalMs, this.options.group.windowMs);
		for (const [id, s] of this.chats) {
			if (s.pending === 0 && s.pausedUntil < now && (s.sent.at(-1) ?? s.nextAt - this.options.perChatIntervalMs) < now - horizon)
				this.chats.delete(id);
		}
	}
}

function prune(times: number[], before: number): void {
	let n = 0;
	while (n < times.length && times[n]! <= before) n++;
	if (n) times.splice(0, n);
}
