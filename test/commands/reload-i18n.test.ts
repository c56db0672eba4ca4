/**
 * /reload in the reader's language: the frame around dataset errors (count, files, "… and N more"),
 * the history list with the locale's digits. The error lines themselves stay the loader's English,
 * as `sitrep validate` prints them but with the values from the files left out.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import type { Requester } from '../../src/core/command.js';
import { Core } from '../../src/core/dispatch.js';
import { DatasetHolder } from '../../src/dataset/dataset-holder.js';
import { formatDatasetErrorWithoutValues } from '../../src/dataset/errors.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { stripBidiMarks } from '../../src/i18n/bidi.js';
import { silentLogger } from '../../src/logger.js';
import { Reloader, type ReloadAuditEntry } from '../../src/reload/reloader.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { cleanupDatasets, loadFixture, writeDataset } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

const OWNER: Requester = { platform: 'telegram', userId: 'o', displayName: 'Owner', isChannelAdmin: true, isOwner: true };
const NOW = new Date('2025-07-01T09:00:00Z');

/** 25 events with a date that does not exist, and an actor of an unknown type: errors in two files. */
const BROKEN = {
	'events/2025-06-27-first.yaml': `events:\n${Array.from({ length: 25 }, (_, i) => `  - id: bad-${i}\n    date: 2025-02-30\n    title: Bad ${i}\n    summary: Bad.\n    actors: [{ actor: alpha-ministry }]\n    sources: [wire-1]\n    status: reported\n`).join('')}`,
	'actors-extra.yaml': 'actors:\n  - id: gamma\n    name: Gamma\n    type: wizard\n    description: Unknown type.\n',
};

async function setup(history: ReloadAuditEntry[] = []) {
	const dir = writeDataset();
	const holder = new DatasetHolder(await loadFixture());
	const reloader = new Reloader({
		holder,
		dataDir: dir,
		logger: silentLogger(),
		clock: () => NOW,
		audit: { record: async (e) => void history.unshift(e), recent: async (n) => history.slice(0, n) },
	});
	const core = new Core({
		registry,
		dataset: () => holder.current(),
		clock: () => NOW,
		logger: silentLogger(),
		services: { registry, reloader },
	});
	const ask = async (line: string, locale: string) =>
		stripBidiMarks(
			renderPlainText(
				(await core.handle({ line, requester: OWNER, place: { platform: 'telegram', channelId: 'c', kind: 'private' }, locale }))
					.reply,
			),
		);
	const breakIt = () => {
		for (const [rel, content] of Object.entries(BROKEN)) writeFileSync(path.join(dir, rel), content);
	};
	return { dir, ask, breakIt };
}

describe('/reload with dataset errors', () => {
	it('frames the errors in Azerbaijani and keeps each error line as the loader wrote it, without the values', async () => {
		const { dir, ask, breakIt } = await setup();
		breakIt();
		const loaded = await loadDataset(dir);
		if (loaded.ok) throw new Error('the broken fixture loaded');
		const errors = loaded.errors;
		expect(errors.length).toBeGreaterThan(20);
		expect(new Set(errors.map((e) => e.file)).size).toBe(2);

		const text = await ask('/reload', 'az');
		expect(text).toContain(`Yenidən yükləmə alınmadı: ${errors.length} xəta. İşlək məlumatlar dəyişməyib.`);
		expect(text).toContain('2 faylda. Hər sətirdə yer (FILE:LINE:COL), sahə və problem ingiliscə verilir');
		for (const e of errors.slice(0, 20)) expect(text).toContain(formatDatasetErrorWithoutValues(e));
		expect(text).not.toContain(formatDatasetErrorWithoutValues(errors[20]!));
		expect(text).toContain(`… və daha ${errors.length - 20}`);
		expect(text).not.toMatch(/… and \d+ more/u);
	});

	it('says the same in English and Russian, with the plural the count needs', async () => {
		const { ask, breakIt } = await setup();
		breakIt();
		const en = await ask('/reload', 'en');
		expect(en).toMatch(/^In 2 files\. Each line gives the place \(FILE:LINE:COL\)/mu);
		expect(en).toMatch(/… and \d+ more/u);
		const ru = await ask('/reload dry_run:true', 'ru');
		expect(ru).toMatch(/Перезагрузка не удалась: \d+ ошиб(?:ка|ки|ок)\. Рабочие данные не изменились\./u);
		expect(ru).toContain('В 2 файлах. В каждой строке — место (FILE:LINE:COL)');
		expect(ru).toMatch(/… и ещё \d+/u);
	});
});

describe('/reload history:true', () => {
	it('writes the times in the reader’s digits', async () => {
		const history: ReloadAuditEntry[] = [
			{
				at: '2025-07-01T09:00:05.123Z',
				requester: { platform: 'telegram', userId: 'o', displayName: 'Owner' },
				trigger: 'command',
				dryRun: false,
				result: 'failed',
				errorCount: 3,
				durationMs: 12,
			},
		];
		const { ask } = await setup(history);
		const fa = await ask('/reload history:true', 'fa');
		expect(fa).toContain('۲۰۲۵-۰۷-۰۱ ۰۹:۰۰:۰۵ UTC');
		expect(fa).toContain('ناموفق');
		expect(fa).not.toContain('2025-07-01');
		const en = await ask('/reload history:true', 'en');
		expect(en).toContain('2025-07-01 09:00:05 UTC — failed by Owner (telegram, command) — 3 errors');
	});
});
