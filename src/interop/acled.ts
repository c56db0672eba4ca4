/**
 * ACLED CSV exports, current and legacy column layouts, into a dataset draft. ACLED codes one event
 * per day and location; its `source` column names outlets but gives no URLs, so each event cites
 * ACLED itself, naming the outlets ACLED cites.
 */
import type { ActorInput, EventInput, SourceInput } from '../dataset/schema.js';
import { daysInMonth, parsePartialDate, dayNumber, isoFromDay } from '../dataset/partial-date.js';
import { CsvError, parseCsvWithHeader } from './csv.js';
import { clip, IdAllocator, slugify, type DatasetDraft, type ImportIssue, type ImportResult } from './draft.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Reads ACLED's date forms: 2025-06-27, 27-06-2025, 27 June 2025, 9-May-20. Returns y/m/d or undefined. */
export function parseAcledDate(raw: string): { year: number; month: number; day: number } | undefined {
	const s = raw.trim();
	let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/u.exec(s);
	if (m) return check(Number(m[1]), Number(m[2]), Number(m[3]));
	m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/u.exec(s);
	if (m) return check(Number(m[3]), Number(m[2]), Number(m[1]));
	m = /^(\d{1,2})[-\s]([A-Za-z]{3,9})[-\s,]+(\d{2}|\d{4})$/u.exec(s);
	if (m) {
		const month = MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase()) + 1;
		if (month === 0) return undefined;
		// Two-digit years in ACLED exports are this century: ACLED data starts in 1997.
		const y = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
		return check(y, month, Number(m[1]));
	}
	return undefined;
}

function check(year: number, month: number, day: number): { year: number; month: number; day: number } | undefined {
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
	return { year, month, day };
}

const INTER_TYPE: Record<string, ActorInput['type']> = {
	'1': 'security_force',
	'state forces': 'security_force',
	'2': 'group',
	'rebel groups': 'group',
	'3': 'group',
	'political militias': 'group',
	'4': 'group',
	'identity militias': 'group',
	'5': 'group',
	rioters: 'group',
	'6': 'group',
	protesters: 'group',
	'7': 'group',
	civilians: 'group',
	'8': 'other',
	'external/other forces': 'other',
};

export type AcledLayout = 'current' | 'legacy';

export function detectAcledLayout(header: readonly string[]): AcledLayout {
	const h = new Set(header.map((x) => x.toLowerCase()));
	if (h.has('disorder_type') || h.has('civilian_targeting') || h.has('iso')) return 'current';
	return 'legacy';
}

export function importAcled(text: string, options: { timezone?: string; name?: string } = {}): ImportResult & { layout: AcledLayout } {
	const { header, rows } = parseCsvWithHeader(text);
	const lower = header.map((h) => h.toLowerCase());
	for (const need of ['event_date', 'event_type', 'actor1']) {
		if (!lower.includes(need))
			throw new CsvError(
				1,
				`the header has no "${need}" column; expected an ACLED export (event_id_cnty, event_date, event_type, actor1, …)`,
			);
	}
	const layout = detectAcledLayout(header);
	const get = (values: Record<string, string>, ...names: string[]): string => {
		for (const n of names) {
			const i = lower.indexOf(n);
			if (i >= 0) {
				const v = (values[header[i]!] ?? '').trim();
				if (v) return v;
			}
		}
		return '';
	};
	const report: ImportIssue[] = [];
	const eventIds = new IdAllocator();
	const actorIds = new IdAllocator();
	const actorByName = new Map<string, string>();
	const draft: DatasetDraft = {
		story: {
			title: options.name ? `ACLED: ${options.name}` : 'Imported ACLED events',
			summary:
				"Events imported from an ACLED export. Data: Armed Conflict Location & Event Data Project (ACLED), acleddata.com; used under ACLED's terms of use.",
			timezone: options.timezone ?? 'UTC',
			status: 'developing',
		},
		actors: [],
		sources: [],
		events: [],
	};
	const sourceIds = new IdAllocator();
	const sourceByKey = new Map<string, SourceInput>();
	const actor = (name: string, inter: string): string => {
		const known = actorByName.get(name);
		if (known) return known;
		const id = actorIds.take(slugify(name));
		actorByName.set(name, id);
		draft.actors.push({
			id,
			name: clip(name, 200),
			type: INTER_TYPE[inter.toLowerCase()] ?? 'other',
			description: `Actor as named in ACLED data${inter ? ` (inter: ${inter})` : ''}.`,
		});
		return id;
	};
	for (const { line, values } of rows) {
		const where = `line ${line}`;
		const rawDate = get(values, 'event_date');
		const d = parseAcledDate(rawDate);
		if (!d) {
			report.push({
				where,
				message: `event_date "${clip(rawDate, 30)}" is not a date ACLED uses (2025-06-27, 27-06-2025, 9-May-20); row skipped`,
			});
			continue;
		}
		const precision = get(values, 'time_precision') || '1';
		let date: string;
		const iso = `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
		if (precision === '3') date = iso.slice(0, 7);
		else if (precision === '2') {
			// ACLED records the middle of the reported week; weeks run Saturday to Friday.
			const day = dayNumber(d.year, d.month, d.day);
			const weekday = (((day + 4) % 7) + 7) % 7; // 0 = Sunday
			const saturday = day - ((weekday + 1) % 7);
			date = `~${isoFromDay(saturday)}/${isoFromDay(saturday + 6)}`;
		} else date = iso;
		if (!parsePartialDate(date).ok) {
			report.push({ where, message: `date ${date} could not be read; row skipped` });
			continue;
		}
		const eventType = get(values, 'event_type');
		const sub = get(values, 'sub_event_type');
		const a1 = get(values, 'actor1');
		const a2 = get(values, 'actor2');
		if (!a1) {
			report.push({ where, message: 'actor1 is empty; row skipped' });
			continue;
		}
		const actors: EventInput['actors'] = [{ actor: actor(a1, get(values, 'inter1')), role: 'actor1' }];
		if (a2) actors.push({ actor: actor(a2, get(values, 'inter2')), role: 'actor2' });
		for (const [col, role] of [
			['assoc_actor_1', 'assoc1'],
			['ally_actor_1', 'assoc1'],
			['assoc_actor_2', 'assoc2'],
			['ally_actor_2', 'assoc2'],
		] as const) {
			for (const n of get(values, col)
				.split(';')
				.map((x) => x.trim())
				.filter(Boolean)) {
				const id = actor(n, '');
				if (!actors.some((x) => x.actor === id)) actors.push({ actor: id, role });
			}
		}
		const place = [get(values, 'location'), get(values, 'admin1'), get(values, 'country')].filter(Boolean);
		const outlets = get(values, 'source');
		const sKey = outlets || '(ACLED)';
		let src = sourceByKey.get(sKey);
		if (!src) {
			src = {
				id: sourceIds.take(slugify(`acled-${outlets || 'data'}`, 50)),
				publisher: clip(`ACLED${outlets ? `, citing ${outlets}` : ''}`, 200),
				url: 'https://acleddata.com/',
				language: 'en',
				affiliation: 'independent',
			};
			sourceByKey.set(sKey, src);
			draft.sources.push(src);
		}
		const fatalities = get(values, 'fatalities');
		const notes = get(values, 'notes').replace(/\s+/gu, ' ');
		const extId = get(values, 'event_id_cnty', 'data_id', 'event_id_no_cnty');
		const summaryParts = [notes || `${sub || eventType} involving ${a1}${a2 ? ` and ${a2}` : ''}.`];
		if (fatalities && fatalities !== '0')
			summaryParts.push(`ACLED records ${fatalities} fatalities (its most conservative reported figure).`);
		if (extId) summaryParts.push(`ACLED event ${extId}.`);
		const tags = [...new Set([eventType, sub, get(values, 'disorder_type')].filter(Boolean).map((t) => slugify(t, 40)))];
		draft.events.push({
			id: eventIds.take(slugify(extId ? `acled-${extId}` : `${iso}-${sub || eventType}-${a1}`, 60)),
			date,
			title: clip(`${sub || eventType}: ${a1}${a2 ? ` and ${a2}` : ''}${place[0] ? ` in ${place[0]}` : ''}`, 200),
			summary: clip(summaryParts.join(' '), 4000),
			...(place.length ? { location: { name: clip(place.join(', '), 200) } } : {}),
			actors,
			...(tags.length ? { tags } : {}),
			sources: [src.id],
			status: 'reported',
		});
	}
	return { draft, report, layout };
}
