import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { importAcled, parseAcledDate } from '../../src/interop/acled.js';
import { CsvError, parseCsv, toCsv } from '../../src/interop/csv.js';
import { exportCsv } from '../../src/interop/csv-export.js';
import { writeDraft, type DatasetDraft } from '../../src/interop/draft.js';
import { htmlToText } from '../../src/interop/html-to-text.js';
import { exportIcs, foldLine } from '../../src/interop/ics.js';
import { ImportError, importFile, parseJsonWithLines } from '../../src/interop/index.js';
import { exportTimelineJs, importTimelineJs, rawEvent, TimelineJsError } from '../../src/interop/timelinejs.js';
import { importTimelineJsCsv } from '../../src/interop/timelinejs-csv.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

const FIX = 'test/fixtures';
const dirs: string[] = [];
const tmp = (): string => {
	const d = mkdtempSync(path.join(tmpdir(), 'sitrep-io-'));
	dirs.push(d);
	return path.join(d, 'out');
};
afterAll(() => {
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes a draft and loads it: every import must produce a dataset `sitrep validate` accepts. */
async function validate(draft: DatasetDraft): Promise<DatasetSnapshot> {
	const dir = tmp();
	await writeDraft(draft, dir);
	const r = await loadDataset(dir);
	if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 5), null, 1));
	return r.snapshot;
}

let demo: DatasetSnapshot;
beforeAll(async () => {
	demo = await demoDataset();
});

describe('TimelineJS JSON import (real file: women_in_computing.json)', () => {
	it('keeps date precision, ranges and turns HTML into plain text, with sources from links', async () => {
		const r = await importFile('timelinejs', `${FIX}/timelinejs/women_in_computing.json`);
		const ds = await validate(r.draft);
		expect(ds.counts.events).toBe(9);
		expect(ds.event('ada-lovelace')!.date.text).toBe('1815-12-10/1852-11-27');
		expect(ds.event('and-the-women-who-made-it-work')!.date.text).toBe('1943-07/1946');
		expect(ds.event('grace-hopper-invents-the-compiler')!.date.start.precision).toBe('year');
		for (const e of [...ds.eachEvent()]) {
			expect(e.summary).not.toMatch(/<[a-z]/i);
			expect(e.sourceIds.length).toBeGreaterThan(0);
		}
		expect([...ds.eachSource()].some((s) => s.url === 'https://en.wikipedia.org/wiki/Ada_Lovelace')).toBe(true);
		expect(r.report).toEqual([expect.objectContaining({ where: 'events[1]', message: expect.stringMatching(/links no source URL/) })]);
	});

	it("imports every event when the timeline's own URL is given as the source", async () => {
		const r = await importFile('timelinejs', `${FIX}/timelinejs/women_in_computing.json`, {
			sourceUrl: 'https://timeline.knightlab.com/examples/women-in-computing/',
		});
		expect((await validate(r.draft)).counts.events).toBe(10);
		expect(r.report).toEqual([]);
	});

	it('gives stable ids: importing twice yields the same ids', async () => {
		const a = await importFile('timelinejs', `${FIX}/timelinejs/women_in_computing.json`);
		const b = await importFile('timelinejs', `${FIX}/timelinejs/women_in_computing.json`);
		expect(a.draft.events.map((e) => e.id)).toEqual(b.draft.events.map((e) => e.id));
		expect(a.draft.sources.map((e) => e.id)).toEqual(b.draft.sources.map((e) => e.id));
	});

	it('converts the legacy {"timeline": {"slides"}} wrapper and rejects the v2 format clearly', () => {
		const slide = { start_date: { year: 2025 }, text: { headline: 'H', text: '<a href="https://x.org/">x</a>' } };
		expect(importTimelineJs({ timeline: { slides: [slide] } }).draft.events).toHaveLength(1);
		expect(() => importTimelineJs({ timeline: { headline: 'x', startDate: '1932', date: [] } })).toThrow(/version 2 format/);
		expect(() => importTimelineJs([1, 2])).toThrow(TimelineJsError);
	});

	it('reads BCE years: TimelineJS -55 is 55 BC, astronomical -0054', () => {
		const r = importTimelineJs({
			events: [{ start_date: { year: -55 }, text: { headline: 'Caesar', text: '<a href="https://x.org/c">c</a>' } }],
		});
		expect(r.draft.events[0]!.date).toBe('-0054');
	});

	it('reports malformed JSON with a line and column', () => {
		expect(() => parseJsonWithLines('{\n  "events": [\n    { "a": 1, }\n  ]\n}', 'f.json')).toThrow(/^f\.json:3:\d+: not valid JSON/);
	});
});

describe('TimelineJS sheet CSV import', () => {
	it('maps the template columns: title row, BCE, ranges, approximate days, eras skipped, bad rows reported by line', async () => {
		const r = importTimelineJsCsv(readFileSync(`${FIX}/acled/../acled/sheet-template.csv`, 'utf8'));
		const ds = await validate(r.draft);
		expect(ds.story.title).toBe('A test timeline');
		const dates = [...ds.eachEvent()].map((e) => e.date.text);
		expect(dates).toEqual(['-0054', '1943-06/1946', '~2025-06-27']);
		const range = [...ds.eachEvent()].find((e) => e.date.text === '1943-06/1946')!;
		expect(range.summary).toBe('Text & more with a link.');
		expect([...ds.eachEvent()].find((e) => e.date.text === '~2025-06-27')!.tags).toEqual(['testland']);
		expect(r.report.map((i) => i.where)).toEqual(['line 6', 'line 7 (start_date)']);
		expect(r.report[1]!.message).toMatch(/month 13/);
	});
});

describe('ACLED CSV import', () => {
	it('reads the current layout: precision codes, associated actors, multi-line notes, bad dates reported by line', async () => {
		const r = importAcled(readFileSync(`${FIX}/acled/current-layout.csv`, 'utf8'));
		expect(r.layout).toBe('current');
		const ds = await validate(r.draft);
		expect(ds.counts.events).toBe(3);
		expect(ds.event('acled-xyz1001')!.date.text).toBe('2025-06-27');
		expect(ds.event('acled-xyz1002')!.date.text).toBe('~2025-06-14/2025-06-20');
		expect(ds.event('acled-xyz1003')!.date.text).toBe('2025-06');
		expect(ds.event('acled-xyz1002')!.actors.map((a) => a.actorId)).toEqual([
			'protesters-testland',
			'labour-union-of-testland',
			'students-testland',
		]);
		expect(ds.event('acled-xyz1003')!.summary).toMatch(/attacked a village near Eastbury.*ACLED records 3 fatalities/);
		expect(ds.event('acled-xyz1001')!.summary).toContain('according to "local media"');
		expect(ds.actor('police-forces-of-testland-2000')!.type).toBe('security_force');
		expect(ds.source(ds.event('acled-xyz1001')!.sourceIds[0]!)!.publisher).toBe('ACLED, citing Northtown Gazette; Wire Agency');
		expect(r.report).toEqual([{ where: 'line 6', message: expect.stringMatching(/event_date "31-06-2025"/) }]);
	});

	it('reads the legacy layout: gwno, ally actors, numeric inter codes, 9-May-20 dates, odd ids', async () => {
		const r = importAcled(readFileSync(`${FIX}/acled/legacy-layout.csv`, 'utf8'));
		expect(r.layout).toBe('legacy');
		const ds = await validate(r.draft);
		expect([...ds.eachEvent()].map((e) => e.date.text)).toEqual(['2019-03-12', '2020-05-09', '2024-08-05']);
		expect(ds.event('acled-8188rta')).toBeDefined();
		expect(ds.actor('military-forces-of-testland-2000')!.type).toBe('security_force');
	});

	it('parses every ACLED date form and rejects impossible ones', () => {
		expect(parseAcledDate('2025-06-27')).toEqual({ year: 2025, month: 6, day: 27 });
		expect(parseAcledDate('27-06-2025')).toEqual({ year: 2025, month: 6, day: 27 });
		expect(parseAcledDate('5-Aug-24')).toEqual({ year: 2024, month: 8, day: 5 });
		expect(parseAcledDate('31-06-2025')).toBeUndefined();
		expect(parseAcledDate('yesterday')).toBeUndefined();
	});

	it('rejects a file that is not an ACLED export with a line number', () => {
		expect(() => importAcled('a,b\n1,2\n')).toThrow(/line 1: the header has no "event_date" column/);
	});
});

describe('CSV', () => {
	it('parses quotes, doubled quotes, newlines and CRLF, with record lines', () => {
		const r = parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",z\n');
		expect(r.map((x) => x.fields)).toEqual([
			['a', 'b'],
			['x, y', 'say "hi"'],
			['multi\nline', 'z'],
		]);
		expect(r.map((x) => x.line)).toEqual([1, 2, 3]);
	});
	it('reports malformed quoting with its line', () => {
		expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(/line 2: a quoted field is not closed/);
		expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(CsvError);
	});
	it('guards against spreadsheet formula injection on export', () => {
		expect(toCsv(['h'], [['=HYPERLINK("x")'], ['-5'], ['+1']])).toBe('h\r\n"\'=HYPERLINK(""x"")"\r\n-5\r\n\'+1\r\n');
	});
});

describe('HTML to text', () => {
	it('drops tags and script content, decodes entities, keeps http links only', () => {
		const r = htmlToText(
			'<p>A &amp; B &lt;3 &#x41;</p><script>evil()</script><a href="javascript:x">j</a><a href=\'https://ok.org/\'>ok</a> 1 < 2',
		);
		expect(r.text).toBe('A & B <3 A\njok 1 < 2');
		expect(r.links).toEqual(['https://ok.org/']);
	});
});

describe('exports of the demo story', () => {
	it('TimelineJS JSON has what TimelineJS needs: events with start_date.year numbers, headlines and unique ids', () => {
		const t = exportTimelineJs(demo);
		expect(t.events).toHaveLength(demo.counts.events);
		const ids = new Set(t.events.map((e) => e.unique_id));
		expect(ids.size).toBe(t.events.length);
		for (const e of t.events) {
			expect(typeof e.start_date!.year).toBe('number');
			expect(e.text!.headline!.length).toBeGreaterThan(0);
			expect(e.text!.text).toMatch(/Sources: <a href="https?:\/\//);
		}
		const feb = t.events.find((e) => e.unique_id === 'sputnik-accreditation-suspended')!;
		expect(feb.start_date).toEqual({ year: 2025, month: 2 });
	});

	it('round trip: importing the TimelineJS export loses no event, date precision, source or claim', async () => {
		const r = importTimelineJs(JSON.parse(JSON.stringify(exportTimelineJs(demo))));
		const back = await validate(r.draft);
		expect(back.counts).toEqual(demo.counts);
		for (const e of [...demo.eachEvent()]) expect(rawEvent(back, e.id)).toEqual(rawEvent(demo, e.id));
		expect([...back.eachActor()]).toEqual([...demo.eachActor()]);
		expect([...back.eachSource()]).toEqual([...demo.eachSource()]);
	});

	it('iCalendar: UID, DTSTAMP, all-day dates with exclusive DTEND, folded CRLF lines, imprecise dates marked', () => {
		const { text } = exportIcs(demo, { stamp: '2025-12-31T00:00:00.000Z' });
		expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
		expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
		expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
		expect(text).not.toMatch(/[^\r]\n/);
		const unfolded = text.replace(/\r\n /g, '');
		const raid = unfolded.split('BEGIN:VEVENT').find((v) => v.includes('UID:yekaterinburg-raids@sitrep'))!;
		expect(raid).toContain('DTSTAMP:20251231T000000Z');
		expect(raid).toContain('DTSTART;VALUE=DATE:20250627');
		expect(raid).toContain('DTEND;VALUE=DATE:20250628');
		expect(raid).toContain('STATUS:TENTATIVE');
		const feb = unfolded.split('BEGIN:VEVENT').find((v) => v.includes('UID:sputnik-accreditation-suspended@sitrep'))!;
		expect(feb).toContain('DTSTART;VALUE=DATE:20250201');
		expect(feb).toContain('DTEND;VALUE=DATE:20250301');
		expect(feb).toContain('X-SITREP-DATE-PRECISION:month');
		expect(feb).toMatch(/SUMMARY:\[Feb 2025\] /);
		expect((unfolded.match(/BEGIN:VEVENT/g) ?? []).length).toBe(demo.counts.events);
	});

	it('folds at 75 octets without splitting a multi-byte character', () => {
		const folded = foldLine(`SUMMARY:${'Сафаров '.repeat(20)}`);
		for (const l of folded.split('\r\n')) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
		expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'Сафаров '.repeat(20)}`);
	});

	it('CSV has a header row and one row per event', () => {
		const rows = parseCsv(exportCsv(demo));
		expect(rows[0]!.fields.slice(0, 4)).toEqual(['id', 'date', 'precision', 'approximate']);
		expect(rows).toHaveLength(demo.counts.events + 1);
		expect(rows.find((r) => r.fields[0] === 'sputnik-accreditation-suspended')!.fields.slice(1, 3)).toEqual(['2025-02', 'month']);
	});
});

describe('untrusted input files', () => {
	it('rejects invalid UTF-8 with a line and a missing file clearly', async () => {
		const dir = tmp();
		const { mkdirSync, writeFileSync } = await import('node:fs');
		mkdirSync(path.dirname(dir), { recursive: true });
		const f = `${dir}.csv`;
		writeFileSync(f, Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xff]), Buffer.from('\n')]));
		await expect(importFile('acled', f)).rejects.toThrow(/:2: not valid UTF-8/);
		await expect(importFile('acled', '/nonexistent.csv')).rejects.toThrow(ImportError);
	});
});
