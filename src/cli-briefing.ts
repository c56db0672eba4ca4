/**
 * `npx sitrep briefing`: previews a daily briefing as plain text, composed exactly as the scheduler
 * composes it for a subscription with the same actor, tag and language, for a date in a timezone.
 * Exit 0 with the text; 2 with what was wrong and the right form for a bad date, zone or option;
 * 1 when the dataset cannot be loaded.
 */
import { parseArgs } from 'node:util';
import { composeBriefing } from './briefing/compose-briefing.js';
import { dayNumber } from './dataset/partial-date.js';
import { isTimeZone } from './dataset/schema.js';
import { loadDataset } from './dataset/load-dataset.js';
import { formatDatasetError } from './dataset/errors.js';
import { isLocale, LOCALES } from './i18n/locale.js';
import { renderPlainText } from './render/plain-text.js';
import { addDays, formatLocalDate, localDateAt, parseLocalDate, type LocalDate } from './scheduler/zoned-time.js';

export const BRIEFING_USAGE =
	'Usage: npx sitrep briefing [--date YYYY-MM-DD] [--tz ZONE] [--actor ACTOR] [--tag TAG] [--lang en|ru|az|fa] [--data DIR] [--now ISO-DATETIME]';

/** What the command printed and its exit code; `main` writes them. */
export interface PreviewResult {
	readonly code: 0 | 1 | 2;
	readonly stdout: string;
	readonly stderr: string;
}

const bad = (message: string): PreviewResult => ({ code: 2, stdout: '', stderr: `${message}\n${BRIEFING_USAGE}\n` });

/** A real calendar date in YYYY-MM-DD form, or undefined. */
function calendarDate(text: string): LocalDate | undefined {
	let d: LocalDate;
	try {
		d = parseLocalDate(text);
	} catch {
		return undefined;
	}
	// 2025-02-30 parses; it is not a day. Normalising through the calendar shows it.
	return formatLocalDate(addDays(d, 0)) === text ? d : undefined;
}

/**
 * Runs the preview. `defaults` are the configuration's dataset directory and replay moment;
 * `now` is the clock when neither --now nor the configuration sets one.
 */
export async function previewBriefing(
	args: readonly string[],
	defaults: { readonly dataDir: string; readonly now?: string },
	now: () => Date = () => new Date(),
): Promise<PreviewResult> {
	let values;
	try {
		({ values } = parseArgs({
			args: [...args],
			strict: true,
			allowPositionals: false,
			options: {
				date: { type: 'string' },
				tz: { type: 'string' },
				actor: { type: 'string' },
				tag: { type: 'string' },
				lang: { type: 'string' },
				data: { type: 'string' },
				now: { type: 'string' },
			},
		}));
	} catch (err) {
		return bad(err instanceof Error ? err.message : String(err));
	}
	if (values.tz !== undefined && !isTimeZone(values.tz))
		return bad(`--tz "${values.tz}" is not an IANA timezone; use a name such as Asia/Baku, Europe/Moscow or UTC.`);
	let date: LocalDate | undefined;
	if (values.date !== undefined) {
		date = calendarDate(values.date);
		if (!date) return bad(`--date "${values.date}" is not a date; use YYYY-MM-DD, e.g. 2025-07-01.`);
	}
	if (values.lang !== undefined && !isLocale(values.lang))
		return bad(`--lang "${values.lang}" is not a briefing language; use one of ${LOCALES.join(', ')}.`);
	const at = values.now ?? defaults.now;
	if (at !== undefined && Number.isNaN(Date.parse(at)))
		return bad(`--now "${at}" is not a date-time; use ISO 8601, e.g. 2025-06-30T09:00:00+04:00.`);

	const dir = values.data ?? defaults.dataDir;
	const loaded = await loadDataset(dir);
	if (!loaded.ok)
		return {
			code: 1,
			stdout: '',
			stderr: `${dir}: the dataset has ${loaded.errors.length} error(s):\n${loaded.errors
				.slice(0, 20)
				.map((e) => formatDatasetError(e))
				.join('\n')}\n`,
		};
	const dataset = loaded.snapshot;

	let actorId: string | undefined;
	if (values.actor !== undefined) {
		const m = dataset.resolveActor(values.actor);
		if (m.kind === 'ambiguous')
			return bad(
				`--actor "${values.actor}" could be ${m.candidates
					.slice(0, 5)
					.map((a) => `${a.name} (${a.id})`)
					.join(', ')}; give the id.`,
			);
		if (m.kind === 'none')
			return bad(
				`--actor "${values.actor}" is not an actor of the story${m.suggestions.length ? `; did you mean ${m.suggestions.map((a) => `${a.name} (${a.id})`).join(', ')}?` : '.'}`,
			);
		actorId = m.actor.id;
	}
	if (values.tag !== undefined && !dataset.hasTag(values.tag)) {
		const known = dataset
			.tags()
			.slice(0, 12)
			.map((t) => t.tag);
		return bad(`--tag "${values.tag}" is not a tag of the story; tags include ${known.join(', ')}.`);
	}
	const zone = values.tz ?? dataset.story.timezone;
	const day = date ?? parseLocalDate(localDateAt(at !== undefined ? new Date(at) : now(), zone));
	const briefing = composeBriefing(dataset, {
		day: dayNumber(day.year, day.month, day.day),
		...(actorId ? { actorId } : {}),
		...(values.tag !== undefined ? { tag: values.tag } : {}),
		...(values.lang !== undefined && isLocale(values.lang) ? { locale: values.lang } : {}),
	});
	return { code: 0, stdout: `${renderPlainText(briefing.reply)}\n`, stderr: '' };
}
