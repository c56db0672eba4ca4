/**
 * Which briefings are due: a pure function of (subscriptions, now, catch-up window), computed in each
 * subscription's IANA zone. The host's timezone plays no part, and calling it twice with the same
 * arguments gives the same answer, so a tick can be replayed or tested at any instant.
 */
import type { Subscription } from '../store/store.js';
import { addDays, formatLocalDate, instantFromLocal, parseLocalDate, wallTimeAt, type ResolvedKind } from './zoned-time.js';

export interface Occurrence {
	readonly subscription: Subscription;
	/** 'YYYY-MM-DD' in the subscription's zone: with the subscription, the occurrence key. */
	readonly localDate: string;
	readonly scheduledInstant: Date;
	/** 'gap' when the time fell in a spring-forward gap, 'overlap' when repeated by a fall-back. */
	readonly resolution: ResolvedKind;
}

export interface SkippedOccurrence extends Occurrence {
	/** Why it will not be sent. */
	readonly reason: 'late';
}

export interface DueResult {
	/** Send now: scheduled at or before `now`, within the catch-up window and on the same local date. */
	readonly due: Occurrence[];
	/** Missed (downtime) and too late to send: record as skipped. */
	readonly skipped: SkippedOccurrence[];
	/** Subscriptions whose schedule cannot be computed (a zone this runtime does not know). */
	readonly invalid: { readonly subscription: Subscription; readonly reason: string }[];
}

/**
 * The catch-up window is never shorter than one tick: a tick that starts a few milliseconds after
 * 09:00:00 must still send the 09:00 briefing when catch-up is set to 0.
 */
export const MIN_WINDOW_MS = 60_000;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/u;

/**
 * Occurrences due at `now`. Considers, per active subscription, its occurrence on today's and
 * yesterday's local date (yesterday's can only be skipped: a briefing is never sent on the next
 * local day), ignoring occurrences scheduled before the subscription's `effectiveFrom`.
 */
export function dueOccurrences(subscriptions: readonly Subscription[], now: Date, catchupMinutes: number): DueResult {
	const nowMs = now.getTime();
	const windowMs = Math.max(MIN_WINDOW_MS, catchupMinutes * 60_000);
	const due: Occurrence[] = [];
	const skipped: SkippedOccurrence[] = [];
	// Many subscriptions share a zone and a time; resolve each (zone, date, time) once.
	const todayByZone = new Map<string, { today: string; yesterday: string }>();
	const resolved = new Map<string, { instant: Date; kind: ResolvedKind }>();
	const resolve = (zone: string, date: string, time: string) => {
		const key = `${zone}|${date}|${time}`;
		let r = resolved.get(key);
		if (!r) {
			const m = TIME.exec(time)!;
			r = instantFromLocal(zone, parseLocalDate(date), Number(m[1]), Number(m[2]));
			resolved.set(key, r);
		}
		return r;
	};
	const invalid: { subscription: Subscription; reason: string }[] = [];
	for (const sub of subscriptions) {
		if (sub.status !== 'active') continue;
		if (!TIME.test(sub.time)) {
			invalid.push({ subscription: sub, reason: `time "${sub.time}" is not HH:MM` });
			continue;
		}
		// One bad row must not stop every other briefing.
		try {
			let days = todayByZone.get(sub.timezone);
			if (!days) {
				const w = wallTimeAt(nowMs, sub.timezone);
				days = { today: formatLocalDate(w), yesterday: formatLocalDate(addDays(w, -1)) };
				todayByZone.set(sub.timezone, days);
			}
			const from = Date.parse(sub.effectiveFrom);
			for (const localDate of [days.yesterday, days.today]) {
				const r = resolve(sub.timezone, localDate, sub.time);
				const at = r.instant.getTime();
				if (at > nowMs || at < from) continue;
				const occurrence = { subscription: sub, localDate, scheduledInstant: r.instant, resolution: r.kind };
				if (localDate === days.today && nowMs - at <= windowMs) due.push(occurrence);
				else skipped.push({ ...occurrence, reason: 'late' });
			}
		} catch (err) {
			invalid.push({ subscription: sub, reason: err instanceof Error ? err.message : String(err) });
		}
	}
	return { due, skipped, invalid };
}

/** The next occurrence strictly after `now` (for /subscriptions). */
export function nextOccurrence(
	sub: Pick<Subscription, 'time' | 'timezone'>,
	now: Date,
): { localDate: string; instant: Date; resolution: ResolvedKind } | undefined {
	const m = TIME.exec(sub.time);
	if (!m) return undefined;
	const today = wallTimeAt(now, sub.timezone);
	for (let i = 0; i < 3; i++) {
		const date = addDays(today, i);
		const r = instantFromLocal(sub.timezone, date, Number(m[1]), Number(m[2]));
		if (r.instant.getTime() > now.getTime()) return { localDate: formatLocalDate(date), instant: r.instant, resolution: r.kind };
	}
	return undefined;
}
