/**
 * Reading and describing a subscription's schedule as people type it: a 24-hour time and an IANA
 * timezone, with errors that show the right form and suggest the zone that was probably meant.
 */
import { msg, UserFacingError } from '../core/errors.js';
import { isTimeZone } from '../dataset/schema.js';
import { closest, fold } from '../dataset/text.js';
import { createTranslator, type Translator } from '../i18n/translator.js';
import type { Subscription } from '../store/store.js';
import { nextOccurrence } from './due-occurrences.js';
import { formatLocalDate, formatWallClock, wallTimeAt } from './zoned-time.js';

/** "8:00" or "08:00" → "08:00". Throws a UserFacingError that shows the form. */
export function parseTime(value: string): string {
	const v = value.trim();
	const m = /^(\d{1,2}):(\d{2})$/u.exec(v);
	if (m && Number(m[1]) <= 23 && Number(m[2]) <= 59) return `${m[1]!.padStart(2, '0')}:${m[2]!}`;
	const ampm = /^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?$/iu.exec(v);
	if (ampm && Number(ampm[1]) >= 1 && Number(ampm[1]) <= 12 && Number(ampm[2] ?? 0) <= 59) {
		const h = (Number(ampm[1]) % 12) + (ampm[3]!.toLowerCase() === 'p' ? 12 : 0);
		const suggestion = `${String(h).padStart(2, '0')}:${ampm[2] ?? '00'}`;
		throw new UserFacingError(
			'BAD_VALUE',
			msg('schedule.time.ampm', { value: v.slice(0, 20), suggestion }),
			msg('schedule.time.ampm.hint', { example: `/subscribe time:${suggestion}` }),
		);
	}
	throw new UserFacingError('BAD_VALUE', msg('schedule.time.bad', { value: v.slice(0, 20) }), msg('schedule.time.bad.hint'));
}

/**
 * "22:00-07:00" (spaces, "–" and one-digit hours allowed) → "22:00-07:00"; "off" or "none" → null
 * (no quiet hours). Throws a UserFacingError that shows the form.
 */
export function parseQuietHours(value: string): string | null {
	const v = value.trim();
	if (/^(?:off|none|no|false|-)$/iu.test(v)) return null;
	const m = /^(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})$/u.exec(v);
	const bad = () =>
		new UserFacingError('BAD_VALUE', msg('schedule.quietHours.bad', { value: v.slice(0, 20) }), msg('schedule.quietHours.bad.hint'));
	if (!m) throw bad();
	let from: string, to: string;
	try {
		from = parseTime(m[1]!);
		to = parseTime(m[2]!);
	} catch {
		throw bad();
	}
	if (from === to)
		throw new UserFacingError('BAD_VALUE', msg('schedule.quietHours.same', { value: from }), msg('schedule.quietHours.bad.hint'));
	return `${from}-${to}`;
}

let zoneList: readonly string[] | undefined;
function zones(): readonly string[] {
	zoneList ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
	return zoneList;
}

const cityKey = (s: string) =>
	fold(s.split('/').at(-1) ?? s)
		.replace(/[\s_-]+/gu, ' ')
		.trim();

/** Validates an IANA zone (case-insensitive) and returns its spelling. Throws with a suggestion. */
export function parseTimeZone(value: string): string {
	const v = value.trim();
	if (/^(?:utc|gmt)?\s*[+\-−]\s*\d/iu.test(v)) {
		throw new UserFacingError('BAD_VALUE', msg('schedule.zone.offset', { value: v.slice(0, 20) }), msg('schedule.zone.hint'));
	}
	if (/[A-Za-z]/u.test(v) && isTimeZone(v)) {
		const exact = zones().find((z) => z.toLowerCase() === v.toLowerCase());
		if (exact) return exact;
		// Intl accepts any case; keep a name typed with capitals as typed (Asia/Kolkata, not ICU's Asia/Calcutta).
		return /[A-Z]/u.test(v) ? v : new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
	}
	const suggestions = suggestZones(v);
	const shown = v.slice(0, 40);
	throw new UserFacingError(
		'BAD_VALUE',
		(i18n) =>
			suggestions.length
				? i18n.t('schedule.zone.unknown.suggest', { value: shown, suggestions: i18n.list(suggestions) })
				: i18n.t('schedule.zone.unknown', { value: shown }),
		msg('schedule.zone.unknown.hint'),
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

/** One line per field, for /subscribe and /subscriptions replies, in the reader's language. */
export function describeSubscription(
	sub: Subscription,
	now: Date,
	actorName: (id: string) => string,
	i18n: Translator = createTranslator('en'),
	/** A tag as readers see it (the dataset's label); the slug by default. */
	tagName: (tag: string) => string = (tag) => tag,
): { name: string; value: string }[] {
	const filter = [
		...(sub.actorId ? [i18n.t('filter.actor', { name: actorName(sub.actorId) })] : []),
		...(sub.tag ? [i18n.t('filter.tag', { tag: tagName(sub.tag) })] : []),
	];
	const fields = [
		{ name: i18n.t('subscription.when'), value: i18n.t('subscription.when.value', { time: sub.time, zone: sub.timezone }) },
		{ name: i18n.t('subscription.filter'), value: filter.length ? i18n.list(filter) : i18n.t('subscription.filter.none') },
		{ name: i18n.t('subscription.quiet'), value: i18n.t(sub.quiet ? 'subscription.quiet.yes' : 'subscription.quiet.no') },
		{ name: i18n.t('subscription.alerts'), value: i18n.t(`subscription.alerts.${sub.alerts}`) },
		...(sub.alerts !== 'off'
			? [
					{
						name: i18n.t('subscription.quietHours'),
						value: sub.quietHours
							? i18n.t('subscription.quietHours.value', {
									from: sub.quietHours.slice(0, 5),
									to: sub.quietHours.slice(6),
									zone: sub.timezone,
								})
							: i18n.t('subscription.quietHours.none'),
					},
				]
			: []),
		...(sub.language ? [{ name: i18n.t('subscription.language'), value: i18n.t(`lang.${sub.language}`) }] : []),
	];
	if (sub.status === 'paused') {
		// The pause reason is recorded from the platform's error, in English.
		fields.push({
			name: i18n.t('subscription.status'),
			value: i18n.t('subscription.paused', {
				at: sub.updatedAt.slice(0, 16).replace('T', ' '),
				reason: sub.pauseReason ?? i18n.t('subscription.noReason'),
			}),
		});
	} else {
		const next = nextOccurrence(sub, now);
		if (next) {
			const local = wallTimeAt(next.instant, sub.timezone);
			const params = { date: formatLocalDate(local), time: formatWallClock(local), zone: sub.timezone };
			fields.push({
				name: i18n.t('subscription.next'),
				value:
					next.resolution === 'gap'
						? i18n.t('subscription.next.gap', { ...params, wanted: sub.time })
						: i18n.t('subscription.next.value', params),
			});
		}
	}
	return fields;
}
