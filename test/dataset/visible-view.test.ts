/**
 * The editorial gate: drafts are never shown, embargoed events appear at their instant (on an
 * injected clock, without a reload), and every command path reads the same visible view.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { Core } from '../../src/core/dispatch.js';
import { DatasetHolder } from '../../src/dataset/dataset-holder.js';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { hiddenCounts, visibleView } from '../../src/dataset/visible-view.js';
import { exportDataset } from '../../src/interop/index.js';
import { silentLogger } from '../../src/logger.js';
import { Reloader } from '../../src/reload/reloader.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { cleanupDatasets, loadFixture, writeDataset } from '../helpers/dataset-fixture.js';
import { TEST_REQUESTER } from '../helpers/core.js';

afterAll(cleanupDatasets);

const EMBARGO = '2025-07-01T09:00:00+04:00';
const GATED = {
	'events/gated.yaml': `events:
  - id: secret-scoop
    date: 2025-06-29
    title: Zanzibar scoop draft
    summary: Not yet checked.
    actors: [{ actor: alpha-ministry }]
    tags: [diplomacy]
    sources: [wire-1]
    status: reported
    draft: true
    claims:
      - id: scoop-claim
        by: alpha-ministry
        stance: asserts
        text: Quokka claim in a draft.
        source: wire-1
  - id: timed-release
    date: 2025-06-30
    title: Embargoed statement
    summary: Published at nine.
    actors: [{ actor: beta-agency }]
    tags: [diplomacy]
    sources: [wire-1]
    status: confirmed
    priority: breaking
    embargo: ${EMBARGO}
  - id: linked
    date: 2025-06-28
    title: Visible event with links
    summary: Links to the draft and the embargoed event.
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: confirmed
    related:
      - { event: secret-scoop, type: context }
      - { event: timed-release, type: follows }
      - { event: first, type: follows }
`,
};

function setup(startIso: string) {
	let now = new Date(startIso);
	const clock = () => now;
	return {
		clock,
		set: (iso: string) => {
			now = new Date(iso);
		},
	};
}

async function ask(core: Core, line: string) {
	const r = await core.handle({ line, requester: TEST_REQUESTER, place: { platform: 'console', channelId: 'c1', kind: 'console' } });
	return { ...r, text: renderPlainText(r.reply) };
}

describe('editorial gate', () => {
	it('loads priority, draft and embargo into the snapshot, and hides drafts and future embargoes from the view', async () => {
		const full = await loadFixture(GATED);
		expect(full.event('timed-release')?.priority).toBe('breaking');
		expect(full.event('timed-release')?.embargo).toBe(EMBARGO);
		expect(full.event('secret-scoop')?.draft).toBe(true);
		const before = visibleView(full, Date.parse('2025-07-01T04:59:59Z'));
		expect(before.view.event('secret-scoop')).toBeUndefined();
		expect(before.view.event('timed-release')).toBeUndefined();
		expect(before.view.claim('scoop-claim')).toBeUndefined();
		expect(before.view.event('linked')?.related.map((r) => r.eventId)).toEqual(['first']);
		expect(before.nextRelease).toBe(Date.parse(EMBARGO));
		expect(hiddenCounts(full, Date.parse('2025-07-01T04:59:59Z'))).toEqual({ drafts: 1, embargoed: 1 });
		const after = visibleView(full, Date.parse(EMBARGO));
		expect(after.view.event('timed-release')?.title).toBe('Embargoed statement');
		expect(after.view.event('secret-scoop')).toBeUndefined();
		expect(after.view.event('linked')?.related.map((r) => r.eventId)).toEqual(['timed-release', 'first']);
		expect(after.nextRelease).toBeNull();
		// Views of different instants differ in version (briefing keys), views of one instant agree.
		expect(after.view.version).not.toBe(before.view.version);
		expect(visibleView(full, Date.parse(EMBARGO) + 5).view).toBe(after.view);
	});

	it('a dataset with nothing gated is its own view', async () => {
		const full = await loadFixture();
		expect(visibleView(full, Date.now()).view).toBe(full);
	});

	it('rejects a bad embargo or priority with a message that says how to write it', async () => {
		const r = await loadDataset(
			writeDataset({
				'events/bad.yaml': `events:
  - id: bad-embargo
    date: 2025-06-30
    title: Bad
    summary: Bad.
    actors: [{ actor: alpha-ministry }]
    sources: [wire-1]
    status: confirmed
    embargo: 2025-07-01 09:00
    priority: urgent
`,
			}),
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const text = r.errors.map((e) => `${e.path}: ${e.message}`).join('\n');
		expect(text).toMatch(/embargo.*date-time with its offset/u);
		expect(text).toMatch(/priority/u);
	});

	it('every command path reads the view: the draft never shows, the embargoed event shows from its time on, without a reload', async () => {
		const time = setup('2025-07-01T04:00:00Z');
		const holder = new DatasetHolder(await loadFixture(GATED), time.clock);
		const released: string[] = [];
		holder.onRelease((next, previous) => released.push(`${previous.counts.events}->${next.counts.events}`));
		const core = new Core({
			registry,
			dataset: () => holder.current(),
			clock: time.clock,
			logger: silentLogger(),
			services: { registry },
		});
		const lines = [
			'/timeline',
			'/timeline tag:diplomacy',
			'/search query:scoop',
			'/search query:quokka',
			'/actor name:alpha-ministry',
			'/actor name:beta-agency',
			'/briefing date:2025-06-29',
			'/briefing date:2025-06-30',
			'/event id:linked',
		];
		for (const line of lines) {
			const r = await ask(core, line);
			expect(r.outcome.kind, `${line}: ${r.text}`).toBe('ok');
			expect(r.text, line).not.toMatch(/Zanzibar|Quokka|Embargoed statement|secret-scoop|timed-release/u);
		}
		expect((await ask(core, '/event id:secret-scoop')).outcome.kind).not.toBe('ok');
		expect((await ask(core, '/event id:timed-release')).outcome.kind).not.toBe('ok');
		for (const format of ['timelinejs', 'ics', 'csv'] as const)
			expect(exportDataset(holder.current(), format).content).not.toMatch(/Zanzibar|Quokka|Embargoed statement/u);

		time.set('2025-07-01T05:00:00Z');
		const shown = await ask(core, '/event id:timed-release');
		expect(shown.outcome.kind).toBe('ok');
		expect(shown.text).toContain('Embargoed statement');
		expect((await ask(core, '/timeline')).text).toContain('Embargoed statement');
		expect((await ask(core, '/event id:linked')).text).toContain('Embargoed statement');
		expect((await ask(core, '/timeline')).text).not.toMatch(/Zanzibar/u);
		await Promise.resolve();
		expect(released).toEqual(['2->3']);
	});

	it('a reload compares views: editing a draft changes nothing anyone sees', async () => {
		const time = setup('2025-07-01T04:00:00Z');
		const dir = writeDataset(GATED);
		const r = await loadDataset(dir);
		if (!r.ok) throw new Error('fixture');
		const holder = new DatasetHolder(r.snapshot, time.clock);
		const reloader = new Reloader({ holder, dataDir: dir, logger: silentLogger(), clock: time.clock });
		const { writeFileSync, readFileSync } = await import('node:fs');
		const file = `${dir}/events/gated.yaml`;
		writeFileSync(file, readFileSync(file, 'utf8').replace('Not yet checked.', 'Still not checked.'));
		const out = await reloader.reload({ requester: { platform: 'system', userId: 's', displayName: 's' }, trigger: 'command' });
		expect(out.ok).toBe(true);
		if (!out.ok) return;
		expect(out.diff.events).toEqual({ added: [], changed: [], removed: [] });
		expect(out.loaded.event('secret-scoop')?.summary).toBe('Still not checked.');
		expect(holder.current().event('secret-scoop')).toBeUndefined();
		// Publishing the draft is an addition.
		writeFileSync(file, readFileSync(file, 'utf8').replace('    draft: true\n', ''));
		const published = await reloader.reload({ requester: { platform: 'system', userId: 's', displayName: 's' }, trigger: 'command' });
		expect(published.ok && published.diff.events.added).toEqual(['secret-scoop']);
	});
});
