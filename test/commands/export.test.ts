/** /export's notes in the reader's language; the file itself is the same for everyone. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportNotes } from '../../commands/export.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { stripBidiMarks } from '../../src/i18n/bidi.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { EXPORT_FORMATS, exportDataset } from '../../src/interop/index.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { testCore, TEST_REQUESTER } from '../helpers/core.js';
import { cleanupDatasets, loadFixture } from '../helpers/dataset-fixture.js';

/** Twelve events dated 54 BCE, which iCalendar cannot write. */
const ANCIENT = `events:\n${Array.from({ length: 12 }, (_, i) => `  - id: old-${String(i).padStart(2, '0')}\n    date: "-0054"\n    title: Old ${i}\n    summary: Long ago.\n    actors: [{ actor: alpha-ministry }]\n    sources: [wire-1]\n    status: reported\n`).join('')}`;

let ds: DatasetSnapshot;
beforeAll(async () => {
	ds = await loadFixture({ 'events/ancient.yaml': ANCIENT });
});
afterAll(cleanupDatasets);

async function exportIn(line: string, locale: string) {
	const r = await testCore(ds).handle({
		line,
		requester: TEST_REQUESTER,
		place: { platform: 'telegram', channelId: 'c', kind: 'group' },
		locale,
	});
	return { text: stripBidiMarks(renderPlainText(r.reply)), file: r.reply.file };
}

describe('/export notes', () => {
	it('tell a Persian reader, in Persian, which events the calendar leaves out and that the file is in English', async () => {
		const { text, file } = await exportIn('/export format:ics', 'fa');
		expect(text).toContain(
			'۱۲ رویداد در فایل نیامد: تقویم فقط سال‌های ۱ تا ۹۹۹۹ را در خود جا می‌دهد (old-00، old-01، old-02، old-03، old-04، old-05، old-06، old-07، old-08، old-09، … و ۲ مورد دیگر).',
		);
		expect(text).toContain('متن درون فایل، متن اصلی انگلیسی مجموعه‌داده است.');
		expect(text).not.toMatch(/left out|outside years/u);
		expect(file?.mime).toBe('text/calendar');
	});

	it('are in English for English readers, without the note that the file is English', async () => {
		const { text } = await exportIn('/export format:ics', 'en');
		expect(text).toContain(
			'12 events left out: a calendar holds only the years 1–9999 (old-00, old-01, old-02, old-03, old-04, old-05, old-06, old-07, old-08, old-09, … 2 more).',
		);
		expect(text).not.toContain('English original');
	});

	it('say only that the file is in English where the format holds everything', async () => {
		const { text } = await exportIn('/export format:csv', 'ru');
		expect(text).toContain('Текст в файле — английский оригинал набора данных.');
		expect(text).not.toContain('календарь');
	});

	it('have a localized counterpart for every note exportDataset gives `sitrep export`', () => {
		const en = createTranslator('en');
		for (const format of EXPORT_FORMATS) {
			expect(exportNotes(ds, format, en).length, format).toBe(exportDataset(ds, format).notes.length);
		}
		expect(exportDataset(ds, 'ics').notes.length).toBe(1);
	});
});
