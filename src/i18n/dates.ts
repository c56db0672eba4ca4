/**
 * Dates per locale, at the date's own precision. The calendar is always Gregorian (Persian
 * readers get Gregorian months with Persian digits): a Gregorian month does not map onto one
 * Solar Hijri month, so converting a month- or year-precision date would invent precision.
 * The Date built here is a carrier for Intl only, at noon UTC and formatted in UTC, so no
 * timezone can move the day.
 */
import { formatHuman, type DatePoint, type PartialDate } from '../dataset/partial-date.js';
import type { Locale } from './locale.js';

const APPROX: Record<Locale, string> = { en: 'c. ', ru: 'ок. ', az: 'təq. ', fa: 'حدود ' };
const BCE: Record<Locale, string> = { en: 'BCE', ru: 'до н. э.', az: 'e.ə.', fa: 'پیش از میلاد' };
const TAG: Record<Locale, string> = { en: 'en-GB', ru: 'ru', az: 'az-Latn', fa: 'fa-u-ca-gregory' };

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(locale: Locale, precision: DatePoint['precision']): Intl.DateTimeFormat {
	const key = `${locale}:${precision}`;
	let f = cache.get(key);
	if (!f) {
		const opts: Intl.DateTimeFormatOptions =
			precision === 'day'
				? // Azerbaijani abbreviations ("iyn", "iyl") are not what readers write; its month names are short anyway.
					{ day: 'numeric', month: locale === 'az' ? 'long' : 'short', year: 'numeric' }
				: precision === 'month'
					? { month: 'long', year: 'numeric' }
					: { year: 'numeric' };
		cache.set(key, (f = new Intl.DateTimeFormat(TAG[locale], { ...opts, timeZone: 'UTC', calendar: 'gregory' })));
	}
	return f;
}

function point(p: DatePoint, locale: Locale): string {
	if (p.year < 1 || p.year > 9999) {
		const y = p.year <= 0 ? `${new Intl.NumberFormat(TAG[locale]).format(1 - p.year)} ${BCE[locale]}` : String(p.year);
		return y;
	}
	const d = new Date(0);
	d.setUTCFullYear(p.year, (p.month ?? 1) - 1, p.day ?? 1);
	d.setUTCHours(12);
	return fmt(locale, p.precision).format(d);
}

/** "27 Jun 2025", "27 июн. 2025 г.", "February 2025", "c. 20 Oct 2025", "3 Jul 2025 – 4 Jul 2025". */
export function formatDateLocalized(date: PartialDate, locale: Locale): string {
	// English keeps the compact form used across the bot and its tests ("Feb 2025").
	if (locale === 'en') return formatHuman(date);
	const prefix = date.approximate ? APPROX[locale] : '';
	const start = point(date.start, locale);
	return date.end ? `${prefix}${start} – ${point(date.end, locale)}` : `${prefix}${start}`;
}
