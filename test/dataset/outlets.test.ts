/**
 * Outlets and labels in the dataset: outlets.yaml records, sources that name them, the older
 * publisher + affiliation form, and topic/tag/role labels — each mistake with its file, line and a
 * message that says how to fix it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load-dataset.js';
import { cleanupDatasets, demoDataset, loadFixture, writeDataset } from '../helpers/dataset-fixture.js';

afterAll(cleanupDatasets);

const OUTLETS = `outlets:
  - id: wire-agency
    name: Wire Agency
    names: { ru: Вайр }
    country: RUS
    kind: state
    state: RUS
    note: Owned by the state.
    notes: { ru: Принадлежит государству. }
`;
const SOURCES = (body: string) => `sources:\n  - id: wire-1\n${body}    url: https://example.org/1\n    language: en\n`;

async function errorsOf(files: Record<string, string | null>) {
	const r = await loadDataset(writeDataset(files));
	if (r.ok) throw new Error('expected the dataset to be refused');
	return r.errors;
}

describe('outlets in the dataset', () => {
	it('loads a source that names its outlet, and the outlet record with its translations', async () => {
		const ds = await loadFixture({ 'outlets.yaml': OUTLETS, 'sources.yaml': SOURCES('    outlet: wire-agency\n') });
		expect(ds.source('wire-1')).toMatchObject({ outlet: 'wire-agency' });
		expect(ds.source('wire-1')!.publisher).toBeUndefined();
		expect(ds.outlet('wire-agency')).toMatchObject({
			name: 'Wire Agency',
			kind: 'state',
			state: 'RUS',
			names: { ru: 'Вайр' },
			notes: { ru: 'Принадлежит государству.' },
		});
	});

	it('still loads the older form (publisher + affiliation) unchanged', async () => {
		const ds = await loadFixture();
		expect(ds.source('wire-1')).toMatchObject({ publisher: 'Wire', affiliation: 'independent' });
		expect(ds.vocabulary.outlets.size).toBe(0);
	});

	it('refuses an unknown outlet at its file:line:col, suggesting the near one', async () => {
		const errors = await errorsOf({ 'outlets.yaml': OUTLETS, 'sources.yaml': SOURCES('    outlet: wire-agenc\n') });
		expect(errors).toEqual([
			{
				file: 'sources.yaml',
				line: 3,
				col: 13,
				path: 'sources[0].outlet',
				message: 'unknown outlet "wire-agenc"; did you mean "wire-agency"?',
			},
		]);
		const none = await errorsOf({ 'sources.yaml': SOURCES('    outlet: nowhere\n') });
		expect(none[0]!.message).toMatch(/unknown outlet "nowhere"; define it in outlets\.yaml/u);
	});

	it('says what to do with a source that has neither form, or both', async () => {
		const neither = await errorsOf({ 'sources.yaml': SOURCES('') });
		expect(neither[0]).toMatchObject({ file: 'sources.yaml', path: 'sources[0].outlet' });
		expect(neither[0]!.message).toMatch(/a source names its outlet: add outlet: with an id from outlets\.yaml/u);
		const both = await errorsOf({ 'outlets.yaml': OUTLETS, 'sources.yaml': SOURCES('    outlet: wire-agency\n    publisher: Wire\n') });
		expect(both[0]).toMatchObject({ file: 'sources.yaml', line: 4, path: 'sources[0].publisher' });
		expect(both[0]!.message).toMatch(/takes its name and label from the outlet; remove publisher:/u);
	});

	it('checks that an outlet names what its kind needs', async () => {
		const stateless = await errorsOf({ 'outlets.yaml': OUTLETS.replace('    state: RUS\n', '') });
		expect(stateless[0]).toMatchObject({ file: 'outlets.yaml', line: 6, path: 'outlets[0].kind' });
		expect(stateless[0]!.message).toMatch(/a state outlet names its state: add state:/u);
		const party = await errorsOf({ 'outlets.yaml': OUTLETS.replace('kind: state\n    state: RUS', 'kind: affiliated') });
		expect(party[0]!.message).toMatch(/an affiliated outlet names the party or movement it speaks for/u);
		const kind = await errorsOf({ 'outlets.yaml': OUTLETS.replace('kind: state', 'kind: state-affiliated') });
		expect(kind[0]).toMatchObject({ path: 'outlets[0].kind' });
		expect(kind[0]!.message).toMatch(/expected one of "state"\|"pro-government"/u);
		const dup = await errorsOf({ 'outlets.yaml': OUTLETS + OUTLETS.replace('outlets:\n', '') });
		expect(dup[0]).toMatchObject({
			file: 'outlets.yaml',
			line: 10,
			path: 'outlets[1].id',
			message: 'duplicate outlet id "wire-agency"; it is already used at outlets.yaml:2',
		});
	});

	it('loads topic, tag and role labels with their translations', async () => {
		const ds = await loadFixture({
			'vocabulary.yaml':
				'topics:\n  - id: cause-of-death\n    label: cause of death\n    labels: { ru: причина смерти }\ntags:\n  - id: diplomacy\n    label: diplomacy\n',
		});
		expect(ds.label('topic', 'cause-of-death')).toMatchObject({ label: 'cause of death', labels: { ru: 'причина смерти' } });
		expect(ds.label('tag', 'diplomacy')?.label).toBe('diplomacy');
		const bad = await errorsOf({ 'vocabulary.yaml': 'tags:\n  - id: Diplomacy\n    label: ""\n' });
		expect(bad.map((e) => e.path)).toEqual(['tags[0].id', 'tags[0].label']);
	});
});

describe("the demo story's outlets", () => {
	it('every source names an outlet; no source is a tag or topic page', async () => {
		const ds = await demoDataset();
		for (const s of [...ds.eachSource()]) {
			expect(s.outlet, s.id).toBeDefined();
			expect(ds.outlet(s.outlet!), s.id).toBeDefined();
			expect(s.url, s.id).not.toMatch(/\/(?:tag|tags|topic|topics)\//u);
		}
	});

	it('every outlet has a reasoned note in English, Russian, Azerbaijani and Persian', async () => {
		const ds = await demoDataset();
		expect(ds.vocabulary.outlets.size).toBeGreaterThan(40);
		for (const o of ds.vocabulary.outlets.values()) {
			expect(o.note.length, o.id).toBeGreaterThan(10);
			for (const lang of ['ru', 'az', 'fa']) expect(o.notes[lang], `${o.id} ${lang}`).toBeTruthy();
			expect(o.notes['fa'], o.id).toMatch(/[\u0600-\u06ff]/u);
		}
	});

	it("labels the outlets the review found wrong: EADaily pro-Kremlin, Al-Ahed Hezbollah's", async () => {
		const ds = await demoDataset();
		expect(ds.outlet('eadaily')).toMatchObject({ kind: 'pro-government', state: 'RUS' });
		expect(ds.outlet('al-ahed')).toMatchObject({ kind: 'affiliated', party: 'Hezbollah' });
		expect(ds.outlet('tass')).toMatchObject({ kind: 'state', state: 'RUS' });
	});
});
