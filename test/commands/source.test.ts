/** /source: an outlet with its label, note and what cites it, found by any spelling; the demo story's outlets. */
import { afterAll, describe, expect, it } from 'vitest';
import { renderPlainText } from '../../src/render/plain-text.js';
import { stripBidiMarks } from '../../src/i18n/bidi.js';
import { ask, TEST_REQUESTER, testCore } from '../helpers/core.js';
import { cleanupDatasets, demoDataset, loadFixture } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

async function askIn(line: string, locale: string): Promise<string> {
	const r = await testCore(await demoDataset()).handle({
		line,
		requester: TEST_REQUESTER,
		place: { platform: 'telegram', channelId: 'c', kind: 'group' },
		locale,
	});
	return stripBidiMarks(renderPlainText(r.reply));
}

describe('/source', () => {
	it('shows an outlet: label, reasoned note, the claims it reports and the events that cite it', async () => {
		const r = await ask(testCore(await demoDataset()), '/source TASS');
		expect(r.outcome.kind).toBe('ok');
		expect(r.text).toMatch(/^## TASS\n/u);
		expect(r.text).toContain('Kind: Russian state media');
		expect(r.text).toContain("Russia's federal news agency, owned by the state.");
		expect(r.text).toMatch(/## Claims it reports \(\d+\)/u);
		expect(r.text).toContain(
			'Counter-claim by Investigative Committee of Russia: Six people were detained in total. (TASS — Russian state media <https://tass.com/politics/1983533>)',
		);
		expect(r.text).toMatch(/## Events that cite it \(\d+\)[\s\S]*\[yekaterinburg-raids\]/u);
	});

	it('finds an outlet by its name in another script, its id, its site, a source id or a near miss', async () => {
		const core = testCore(await demoDataset());
		for (const q of ['ТАСС', 'tass', 'tass.com', 'tass-1983533', 'Tas'])
			expect((await ask(core, `/source ${q}`)).text, q).toMatch(/^## TASS\n/u);
		expect((await ask(core, '/source "Moscow Times"')).text).toMatch(/^## The Moscow Times/u);
		expect((await ask(core, '/source Медуза')).text).toMatch(/^## Meduza/u);
	});

	it('says clearly when nothing matches, with suggestions, and loses nothing', async () => {
		const r = await ask(testCore(await demoDataset()), '/source "Vedomost dly"');
		expect(r.outcome.kind).toBe('user_error');
		expect(r.text).toMatch(/No outlet matches "Vedomost dly"\. Did you mean Vedomosti\?/u);
		expect(r.text).toContain('/source TASS');
		const none = await ask(testCore(await demoDataset()), '/source zzzzzzzzzz');
		expect(none.text).toMatch(/No outlet matches "zzzzzzzzzz"\./u);
	});

	it("speaks the reader's language: the label, the note and the outlet's established name", async () => {
		const ru = await askIn('/source TASS', 'ru');
		expect(ru).toMatch(/^## ТАСС/u);
		expect(ru).toContain('Тип: государственное СМИ России');
		expect(ru).toContain('Федеральное информационное агентство России, принадлежит государству.');
		const fa = await askIn('/source al-ahed', 'fa');
		expect(fa).toContain('رسانهٔ وابسته به حزب‌الله');
		expect(fa).toContain('وب‌سایت خبری حزب‌الله لبنان.');
		const az = await askIn('/source eadaily', 'az');
		expect(az).toContain('Rusiya hökumətinə yaxın media');
	});

	it('works on a dataset in the older form, without outlets: nothing to find, said plainly', async () => {
		const r = await ask(testCore(await loadFixture()), '/source Wire');
		expect(r.outcome.kind).toBe('user_error');
		expect(r.text).toMatch(/No outlet matches "Wire"/u);
	});
});

describe('every source line carries its outlet label', () => {
	it('in /event, for each source and each claim', async () => {
		const r = await ask(testCore(await demoDataset()), '/event yekaterinburg-raids');
		const sources = r.text.split('## Sources\n')[1]!.split('\n\n')[0]!.split('\n');
		expect(sources.length).toBeGreaterThan(3);
		for (const line of sources)
			expect(line).toMatch(
				/^- .+ — (?:Russian state media|Azerbaijani pro-government media|Turkish pro-government media|independent media) </u,
			);
		for (const line of r.text.split('\n').filter((l) => l.startsWith('• According to') || l.startsWith('• Counter-claim')))
			expect(line).toMatch(/\(.+ — .+ <https?:\/\/\S+>\)$/u);
	});

	it('for a source in the older form, with the coarse label of its affiliation', async () => {
		const r = await ask(testCore(await loadFixture()), '/event first');
		expect(r.text).toContain('- Wire — independent <https://example.org/1>');
	});

	it('in Russian and Persian too', async () => {
		expect(await askIn('/event yekaterinburg-raids', 'ru')).toContain(
			'- ТАСС — государственное СМИ России <https://tass.com/society/1983403>',
		);
		expect(await askIn('/event yekaterinburg-raids', 'fa')).toContain('تاس — رسانهٔ دولتی روسیه');
	});
});
