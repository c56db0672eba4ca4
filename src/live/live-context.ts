/**
 * What the live layer's steps share: the options a LiveService was made with, the report a run
 * fills, and the small tools its alert and correction steps use (hashing keys, a sender call that
 * cannot throw, a bounded pool of chats).
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Platform } from '../core/command.js';
import type { PlatformSender } from '../core/delivery.js';
import { toError } from '../core/errors.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import type { Locale } from '../i18n/locale.js';
import type { Logger } from '../logger.js';
import type { LiveStore, Subscription, SubscriptionStore } from '../store/store.js';

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

/** A LiveService's options with their defaults applied, as its steps read them. */
export interface LiveContext {
	readonly o: LiveOptions;
	/** Alert messages per chat per hour. */
	readonly maxPerHour: number;
	/** How long pushed messages are remembered for corrections, in milliseconds. */
	readonly windowMs: number;
	/** Chats worked on at once. */
	readonly concurrency: number;
}

/** The fingerprint recorded for an event a message showed that has since been withdrawn. */
export const GONE = 'gone';

/** Claim-changed event ids travel in a job's id list with this prefix (slugs never start with it). */
export const CLAIMS = '+';

/** The language a subscription's messages are in: its own, else its chat's pinned one. */
export async function languageOf(ctx: LiveContext, sub: Subscription): Promise<Locale | undefined> {
	if (sub.language) return sub.language;
	const store = ctx.o.subscriptions;
	return store.channelLanguage(sub.platform, sub.channelId).catch(() => undefined);
}

/** A short stable key for a list of ids. */
export function hash(text: string): string {
	return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** Calls a sender; a throw (which the contract forbids) counts as a request that may have gone out. */
export async function safe<T>(
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
export async function pool(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
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
