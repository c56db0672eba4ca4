/**
 * Reading and describing a subscription's schedule as people type it: a 24-hour time and an IANA
 * timezone, with errors that show the right form and suggest the zone that was probably meant.
 */
import { UserFacingError } from '../core/errors.js';
import { isTimeZone } from '../dataset/schema.js';
import { closest, fold } from '../dataset/text.js';
import type { Subscription } from '../store/store.js';
import { nextOccurrence } from './due-occurrences.js';
import { formatLocalDate, formatWallClock, wallTimeAt } from './zoned-time.js';

export const TIME_HINT = 'time is HH:MM in 24-hour form, like 08:00 or 18:30';
export const ZONE_HINT = 'timezone is an IANA zone name, like Europe/London, America/New_York or Asia/Baku';

/** "8:00" or "08:00" → "08:00". Throws a UserFacingError that shows the form. */
export function parseTime(value: string): string {
	const v = value.trim();
	const m = /^(\d{1,2}):(\d{2})$/u.exec(v);
	if (m && Number(m[1]) <= 23 && Number(m[2]) <= 59) return `${m[1]!.padStart(2, '0')}:${m[2]!}`;
	const ampm = /^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?$/iu.exec(v);
	if (ampm && Number(ampm[1]) >= 1 && Number(ampm[1]) <= 12 && Number(ampm[2] ?? 0) <= 59) {
		const h = (Number(ampm[1]) % 12) + (ampm[3]!.toLowerCase() === 'p' ? 12 : 0);
		const suggestion = `${String(h).padStart(2, '0')}:${ampm[2] ?? '00'}`;
		throw new UserFacingError('BAD_VALUE', `${TIME_HINT}; for "${v.slice(0, 20)}" write ${suggestion}.`, `For example /subscribe time:${suggestion}`);
	}
	throw new UserFacingError('BAD_VALUE', `${TIME_HINT}; "${v.slice(0, 20)}" is not.`, 'For example /subscribe time:08:00 or /subscribe time:18:30 timezone:Europe/London');
}

let zoneList: readonly string[] | undefined;
function zones(): readonly string[] {
	zoneList ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
	return zoneList;
}

const cityKey = (s: string) => fold(s.split('/').at(-1) ?? s).replace(/[\s_-]+/gu, ' ').trim();

/** Validates an IANA zone (case-insensitive) and returns its spelling. Throws with a suggestion. */
export function parseTimeZone(value: string): string {
	const v = value.trim();
	if (/^(?:utc|gmt)?\s*[+\-−]\s*\d/iu.test(v)) {
		throw new UserFacingError('BAD_VALUE', `"${v.slice(0, 20)}" is an offset, which does not follow daylight saving time. Give the zone's name instead.`, `${ZONE_HINT}.`);
	}
	if (/[A-Za-z]/u.test(v) && isTimeZone(v)) {
		const exact = zones().find((z) => z.toLowerCase() === v.toLowerCase());
		if (exact) return exact;
		// Intl accepts any case; keep a name typed with capitals as typed (Asia/Kolkata, not ICU's Asia/Calcutta).
		return /[A-Z]/u.test(v) ? v : new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
	}
	const suggestions = suggestZones(v);
	throw new UserFacingError(
		'BAD_VALUE',
		`"${v.slice(0, 40)}" is not a timezone I know.${suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ''}`,
		`${ZONE_HINT}. For example /subscribe time:08:00 timezone:Asia/Baku`,
	);
}

/** Zones that `input` probably meant: same city first, then near spellings. */
export function suggestZones(input: string, limit = 3): string[] {
	const city = cityKey(input);
	const byCity = city ? zones().filter((z) => cityKey(z) === city) : [];
	if (byCity.length) return byCity.slice(0, limit);
	const near = closest(input.replace(/\s+/gu, '_'), zones(), limit);
	if (near.length) return near;
	const cities = new Map(zones().map((z) => [cityKey(z), z]));
	return closest(city, cities.keys(), limit).map((c) => cities.get(c)!);
}

/** One line per field, for /subscribe and /subscriptions replies. */
export function describeSubscription(sub: Subscription, now: Date, actorName: (id: string) => string): { name: string; value: string }[] {
	const fields = [
		{ name: 'When', value: `every day at ${sub.time} (${sub.timezone})` },
		{ name: 'Filter', value: [sub.actorId ? `actor ${actorName(sub.actorId)}` : '', sub.tag ? `tag ${sub.tag}` : ''].filter(Boolean).join(', ') || 'none: the whole story' },
		{ name: 'Days without news', value: sub.quiet ? 'skipped (quiet)' : 'still sent, with where the story stands' },
	];
	if (sub.status === 'paused') {
		fields.push({ name: 'Status', value: `paused since ${sub.updatedAt.slice(0, 16).replace('T', ' ')} UTC: ${sub.pauseReason ?? 'no reason recorded'}. /subscribe resumes it.` });
	} else {
		const next = nextOccurrence(sub, now);
		if (next) {
			const local = wallTimeAt(next.instant, sub.timezone);
			const note = next.resolution === 'gap' ? ` (${sub.time} does not exist that day: clocks go forward)` : '';
			fields.push({ name: 'Next', value: `${formatLocalDate(local)} ${formatWallClock(local)} ${sub.timezone}${note}` });
		}
	}
	return fields;
}
