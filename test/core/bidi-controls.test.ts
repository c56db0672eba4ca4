/**
 * A bidi override in dataset text (issue #18): `sitrep validate` warns about it, and every reply
 * isolates it (FSI … PDI), so it cannot reverse the rest of the line it is shown on.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { Core } from '../../src/core/dispatch.js';
import { containBidiControls, heading, para } from '../../src/core/reply.js';
import { composeBriefing } from '../../src/briefing/compose-briefing.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { FSI, needsContaining, PDI } from '../../src/i18n/bidi.js';
import { silentLogger } from '../../src/logger.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { BASE_FILES, cleanupDatasets, writeDataset } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

const TITLE = 'First event \u202Etxt.exe';

function dataset(): string {
	return writeDataset({
		'events/2025-06-27-first.yaml': BASE_FILES['events/2025-06-27-first.yaml']!.replace('title: First event', `title: "${TITLE}"`),
	});
}

describe('bidi controls in dataset text', () => {
	it('are isolated in command replies and briefings', async () => {
		const r = await loadDataset(dataset());
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const core = new Core({
			registry,
			dataset: () => r.snapshot,
			clock: () => new Date('2025-06-28T09:00:00Z'),
			logger: silentLogger(),
			services: { registry },
		});
		const answer = await core.handle({
			line: '/event first',
			requester: { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: false, isOwner: false },
			place: { platform: 'console', channelId: 'c', kind: 'console' },
		});
		const text = renderPlainText(answer.reply);
		expect(text).toContain(`${FSI}${TITLE}${PDI}`);
		expect(text.replaceAll(`${FSI}${TITLE}${PDI}`, '')).not.toContain('\u202E');
		const briefing = renderPlainText(
			composeBriefing(r.snapshot, { day: r.snapshot.event('first')!.date.earliestDay, locale: 'en' }).reply,
		);
		expect(briefing).toContain(`${FSI}${TITLE}${PDI}`);
	});

	it('leaves a reply without them untouched', () => {
		const reply = { blocks: [heading('plain'), para('text')] };
		expect(containBidiControls(reply)).toBe(reply);
	});

	it('are found across a block as in its JSON text, without making it', () => {
		// The walk over a block's strings decides as needsContaining(JSON.stringify(block)) did: an
		// isolate opened in one string and closed in another balances, one left open or closed twice does
		// not, an override anywhere needs containing. Every combination of these pieces in two strings.
		const pieces = ['', 'a', '\u2068', '\u2069', '\u2066x\u2069', '\u2067', '\u202e', '\u2069\u2068', 'ب\u200f'];
		let checked = 0;
		for (const a of pieces)
			for (const b of pieces)
				for (const c of pieces) {
					const block = { kind: 'event', title: a, actors: [b, 'x'], spans: [{ text: c, mark: 'bold' }], extra: undefined };
					const reply = { blocks: [heading('plain'), block as unknown as ReturnType<typeof heading>] };
					const expected = needsContaining(JSON.stringify(block));
					expect(containBidiControls(reply) !== reply, JSON.stringify(block)).toBe(expected);
					checked += expected ? 1 : 0;
				}
		expect(checked).toBeGreaterThan(100);
	});

	it('are a warning in sitrep validate, which still exits 0', () => {
		const r = spawnSync(process.execPath, ['bin/sitrep.js', 'validate', dataset()], {
			encoding: 'utf8',
			env: { ...process.env, LOG_LEVEL: 'silent' },
			timeout: 60_000,
		});
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/^warning: events\[id=first\]\.title contains the bidi control U\+202E; replies isolate it/mu);
	});
});
