/**
 * iCalendar (RFC 5545) export: one all-day VEVENT per event. DTEND is exclusive, so a one-day event
 * ends the next day; month- and year-precision events span their whole month or year and say so,
 * because a calendar has no way to show "some day in February".
 */
import type { StoryEvent } from '../dataset/model.js';
import type { DatasetSnapshot } from '../dataset/snapshot.js';
import { civilFromDay, formatHuman } from '../dataset/partial-date.js';
import { bylineText, sourceByline } from '../i18n/outlets.js';
import { createTranslator } from '../i18n/translator.js';

/** The export's own words are English, like the rest of its text. */
const EN = createTranslator('en');

/** Escapes a TEXT value: backslash, semicolon, comma and newlines. */
export function icsText(s: string): string {
	return s.replace(/\\/gu, '\\\\').replace(/;/gu, '\\;').replace(/,/gu, '\\,').replace(/\r?\n/gu, '\\n');
}

/** Folds a content line at 75 octets without splitting a UTF-8 character; continuation lines start with a space. */
export function foldLine(line: string): string {
	const out: string[] = [];
	let current = '';
	let bytes = 0;
	for (const ch of line) {
		const n = Buffer.byteLength(ch);
		const limit = out.length === 0 ? 75 : 74;
		if (bytes + n > limit) {
			out.push(current);
			current = '';
			bytes = 0;
		}
		current += ch;
		bytes += n;
	}
	out.push(current);
	return out.join('\r\n ');
}

function icsDate(day: number): string {
	const { year, month, day: d } = civilFromDay(day);
	return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}

function icsStamp(iso: string): string {
	return iso.replace(/[-:]/gu, '').replace(/\.\d+/u, '');
}

export interface IcsResult {
	readonly text: string;
	/** Events a calendar cannot hold (before year 1 or after 9999). */
	readonly skipped: readonly string[];
}

/** Whether an event falls outside the years 1–9999, which iCalendar dates cannot write. */
function outsideCalendar(e: StoryEvent): boolean {
	return civilFromDay(e.date.earliestDay).year < 1 || civilFromDay(e.date.latestDay + 1).year > 9999;
}

/** Ids of the events exportIcs leaves out, for the note /export shows in the reader's language. */
export function icsSkipped(dataset: DatasetSnapshot): string[] {
	const out: string[] = [];
	for (const e of dataset.eachEvent()) if (outsideCalendar(e)) out.push(e.id);
	return out;
}

export function exportIcs(dataset: DatasetSnapshot, options: { stamp?: string; domain?: string } = {}): IcsResult {
	const stamp = icsStamp(options.stamp ?? dataset.loadedAt);
	const domain = options.domain ?? 'sitrep';
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//sitrep//sitrep briefing bot//EN',
		'CALSCALE:GREGORIAN',
		'METHOD:PUBLISH',
		`X-WR-CALNAME:${icsText(dataset.story.title)}`,
	];
	const skipped: string[] = [];
	for (const e of dataset.eachEvent()) {
		if (outsideCalendar(e)) {
			skipped.push(e.id);
			continue;
		}
		const precise = e.date.start.precision === 'day' && (!e.date.end || e.date.end.precision === 'day') && !e.date.approximate;
		const sources = e.sourceIds.map((id) => dataset.source(id)!);
		const desc = [
			e.summary,
			precise ? '' : `Date known only as ${formatHuman(e.date)}: the calendar entry spans the whole period.`,
			e.status === 'disputed' ? 'Disputed: sources disagree. See the claims with /event.' : '',
			e.note ? `Note: ${e.note}` : '',
			`Sources: ${sources.map((s) => `${bylineText(sourceByline(dataset, s, EN), EN)} ${s.url}`).join('; ')}`,
		]
			.filter(Boolean)
			.join('\n\n');
		lines.push(
			'BEGIN:VEVENT',
			`UID:${e.id}@${domain}`,
			`DTSTAMP:${stamp}`,
			`DTSTART;VALUE=DATE:${icsDate(e.date.earliestDay)}`,
			`DTEND;VALUE=DATE:${icsDate(e.date.latestDay + 1)}`,
			`SUMMARY:${icsText(`${precise ? '' : `[${formatHuman(e.date)}] `}${e.title}`)}`,
			`DESCRIPTION:${icsText(desc)}`,
			...(sources[0] ? [`URL:${sources[0].url}`] : []),
			...(e.location ? [`LOCATION:${icsText(e.location.name)}`] : []),
			...(e.tags.length ? [`CATEGORIES:${e.tags.map(icsText).join(',')}`] : []),
			`STATUS:${e.status === 'confirmed' ? 'CONFIRMED' : 'TENTATIVE'}`,
			`X-SITREP-DATE-PRECISION:${e.date.start.precision}${e.date.approximate ? ';APPROXIMATE' : ''}${e.date.end ? ';RANGE' : ''}`,
			`X-SITREP-STATUS:${e.status.toUpperCase()}`,
			'END:VEVENT',
		);
	}
	lines.push('END:VCALENDAR');
	return { text: `${lines.map(foldLine).join('\r\n')}\r\n`, skipped };
}
