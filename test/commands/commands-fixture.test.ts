/** Commands against small fixtures, including a dataset with no events at all. */
import { afterAll, describe, expect, it } from 'vitest';
import { ask, testCore } from '../helpers/core.js';
import { cleanupDatasets, loadFixture } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

describe('commands on a small fixture', () => {
	it('resolves an alias in another script and folds diacritics', async () => {
		const core = testCore(await loadFixture());
		expect((await ask(core, '/actor Альфа')).text).toMatch(/^## Alpha Ministry/);
		expect((await ask(core, '/actor alpha')).text).toMatch(/^## Alpha Ministry/);
		expect((await ask(core, '/actor "Alpha Ministri"')).text).toMatch(/^## Alpha Ministry/);
	});

	it('shows linked actors on the parent', async () => {
		const core = testCore(await loadFixture());
		expect((await ask(core, '/actor alpha-ministry')).text).toMatch(/Linked actors: Beta Agency/);
	});

	it('escapes nothing in plain text but strips control characters from dataset text', async () => {
		const core = testCore(
			await loadFixture({
				'events/2025-06-28-x.yaml':
					'events:\n  - id: second\n    date: 2025-06-28\n    title: "<b>@everyone</b> & friends"\n    summary: s\n    actors: [{ actor: beta-agency }]\n    sources: [wire-1]\n    status: reported\n',
			}),
		);
		const r = await ask(core, '/timeline');
		expect(r.text).toContain('<b>@everyone</b> & friends');
		expect(r.text).toMatch(/◌ {2}\[second\]/);
	});
});

describe('an empty dataset', () => {
	const empty = { 'events/2025-06-27-first.yaml': null };
	it('answers every command without crashing', async () => {
		const core = testCore(await loadFixture(empty));
		expect((await ask(core, '/timeline')).text).toMatch(/The dataset has no events yet/);
		expect((await ask(core, '/briefing')).text).toMatch(/nothing new/);
		expect((await ask(core, '/search anything')).text).toMatch(/Nothing matches/);
		expect((await ask(core, '/actor alpha')).text).toMatch(/No events in the dataset involve this actor/);
		expect((await ask(core, '/event first')).outcome.kind).toBe('user_error');
		expect((await ask(core, '/help')).outcome.kind).toBe('ok');
	});
});
