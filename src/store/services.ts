/**
 * The subscription services that the composition root puts in ctx.services: their members of
 * CommandServices, and typed access with a user-facing error when a build runs without them.
 */
import type { CommandServices } from '../core/command.js';
import { msg, UserFacingError } from '../core/errors.js';
import type { SubscriptionStore } from './store.js';

/** Defaults for /subscribe; the timezone falls back to the story's when absent. */
export interface SubscriptionDefaults {
	readonly time: string;
	readonly timezone?: string;
}

/** What main.ts passes as services for the subscription commands. */
export interface SubscriptionServices {
	readonly subscriptions: SubscriptionStore;
	readonly defaults?: SubscriptionDefaults;
}

declare module '../core/command.js' {
	interface CommandServices {
		/** The subscription store, for /subscribe, /subscriptions, /unsubscribe and /language. */
		readonly subscriptions?: SubscriptionStore;
		/** Defaults for /subscribe. */
		readonly defaults?: Partial<SubscriptionDefaults>;
	}
}

/** The subscription store, or a user-facing UNAVAILABLE error when this build runs without one. */
export function subscriptionStoreOf(services: CommandServices): SubscriptionStore {
	const store = services.subscriptions;
	if (!store) {
		throw new UserFacingError('UNAVAILABLE', msg('error.noSubscriptionStore'), msg('error.noSubscriptionStore.hint'));
	}
	return store;
}

/** The configured defaults (time 08:00 when none are given). */
export function subscriptionDefaultsOf(services: CommandServices): SubscriptionDefaults {
	const d = services.defaults;
	return { time: typeof d?.time === 'string' ? d.time : '08:00', ...(typeof d?.timezone === 'string' ? { timezone: d.timezone } : {}) };
}
