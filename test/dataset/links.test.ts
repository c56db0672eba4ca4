/**
 * Links in the data directory (issue #18): only files that really lie inside it are read; a link
 * that leaves it is refused unread, and no error shown to a chat or written to a log quotes a file.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import type { Requester } from '../../src/core/command.js';
import { Core } from '../../src/core/dispatch.js';
import { DatasetHolder } from '../../src/dataset/dataset-holder.js';
import { formatDatasetError, withoutValues } from '../../src/dataset/errors.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { Reloader } from '../../src/reload/reloader.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { captureLogger } from '../helpers/telegram-stand-in.js';
import { cleanupDatasets, writeDataset } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);
const outside = mkdtempSync(path.join(tmpdir(), 'sitrep-outside-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

const SECRET = 'TOKEN-7f3a9c-do-not-leak';
const OWNER: Requester = { platform: 'telegram', userId: '1', displayName: 'owner', isChannelAdmin: true, isOwner: true };

describe('links in the data directory', () => {
	it('refuses a link to a file outside, without reading it', async () => {
		const secretFile = path.join(outside, 'token.yaml');
		writeFileSync(secretFile, `${SECRET}: root:x:0:0:root:/root:/bin/bash\n`);
		const dir = writeDataset();
		symlinkSync(secretFile, path.join(dir, 'events', 'leak.yaml'));
		const r = await loadDataset(dir);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toEqual([
			{
				file: 'events/leak.yaml',
				line: 0,
				col: 0,
				path: '',
				message: expect.stringMatching(/is a link to a file outside the data directory/u),
			},
		]);
		expect(JSON.stringify(r.errors)).not.toContain(SECRET);
	});

	it('refuses a link to /etc/passwd', async () => {
		const dir = writeDataset();
		symlinkSync('/etc/passwd', path.join(dir, 'passwd.yaml'));
		const r = await loadDataset(dir);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.errors.map((e) => e.file)).toEqual(['passwd.yaml']);
			expect(JSON.stringify(r.errors)).not.toMatch(/root:/u);
		}
	});

	it('follows a link whose target really lies inside the data directory', async () => {
		const dir = writeDataset({
			'.drafts/second.yaml':
				'events:\n  - id: second\n    date: 2025-06-28\n    title: Second event\n    summary: s\n    actors: [{ actor: alpha-ministry }]\n    sources: [wire-1]\n    status: reported\n',
		});
		symlinkSync(path.join('..', '.drafts', 'second.yaml'), path.join(dir, 'events', 'second.yaml'));
		const r = await loadDataset(dir);
		expect(r.ok ? r.snapshot.event('second')?.title : r.errors).toBe('Second event');
	});

	it('/reload shows the place and the problem in a chat, never the file’s text; the log neither', async () => {
		const dir = writeDataset();
		const first = await loadDataset(dir);
		if (!first.ok) throw new Error('fixture invalid');
		const holder = new DatasetHolder(first.snapshot);
		const logs = captureLogger();
		const reloader = new Reloader({ holder, dataDir: dir, logger: logs.logger, clock: () => new Date('2025-07-01T09:00:00Z') });
		const core = new Core({
			registry,
			dataset: () => holder.current(),
			clock: () => new Date('2025-07-01T09:00:00Z'),
			logger: logs.logger,
			services: { registry, reloader },
		});
		const ask = async () =>
			renderPlainText(
				(await core.handle({ line: '/reload', requester: OWNER, place: { platform: 'telegram', channelId: '5', kind: 'group' } }))
					.reply,
			);
		// A regular file inside with a secret pasted where a value goes.
		writeFileSync(path.join(dir, 'events', '2025-06-27-first.yaml'), `events:\n  - id: first\n    date: "${SECRET}"\n`);
		mkdirSync(path.join(dir, 'more'));
		symlinkSync('/etc/passwd', path.join(dir, 'more', 'passwd.yaml'));
		const text = await ask();
		expect(text).toMatch(/Reload failed/u);
		expect(text).toMatch(/events\/2025-06-27-first\.yaml:3:11 {2}events\[0\]\.date {2}/u);
		expect(text).toMatch(/more\/passwd\.yaml:0:0 {2}\(file\) {2}is a link to a file outside the data directory/u);
		expect(text).not.toContain(SECRET);
		expect(text).not.toMatch(/root:/u);
		expect(logs.raw()).not.toContain(SECRET);
		expect(logs.raw()).not.toMatch(/root:x/u);
		// The editor's own validate still sees the value.
		const r = await loadDataset(dir);
		expect(r.ok ? '' : r.errors.map(formatDatasetError).join('\n')).toContain(SECRET);
	});

	it('leaves quoted values out of a message, but not apostrophes', () => {
		expect(withoutValues('"2025-02-30" does not exist')).toBe('"…" does not exist');
		expect(withoutValues("the story's zone: 'x y' is «z» or `w`")).toBe("the story's zone: '…' is «…» or `…`");
		expect(withoutValues('YAML syntax: bad\nroot:x:0:0')).toBe('YAML syntax: bad');
	});
});
