/**
 * Typed access to the subscription services that the composition root puts in ctx.services.
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

function isStore(v: unknown): v is SubscriptionStore {
	return typeof v === 'object' && v !== null && typeof (v as SubscriptionStore).upsert === 'function' && typeof (v as SubscriptionStore).listActive === 'function';
}

/** The subscription store, or a user-facing UNAVAILABLE error when this build runs without one. */
export function subscriptionStoreOf(services: CommandServices): SubscriptionStore {
	const store = services['subscriptions'];
	if (!isStore(store)) {
		throw new UserFacingError('UNAVAILABLE', msg('error.noSubscriptionStore'), msg('error.noSubscriptionStore.hint'));
	}
	return store;
}

/** The configured defaults (time 08:00 when none are given). */
export function subscriptionDefaultsOf(services: CommandServices): SubscriptionDefaults {
	const d = services['defaults'] as Partial<SubscriptionDefaults> | undefined;
	return { time: typeof d?.time === 'string' ? d.time : '08:00', ...(typeof d?.timezone === 'string' ? { timezone: d.timezone } : {}) };
}
