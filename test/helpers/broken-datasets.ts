/**
 * Broken datasets, each with its exact error: file, line, column where it matters, field path and
 * the words of the message. Every case starts from a valid base (dataset-fixture.ts) and breaks one
 * thing. Shared by the loader's tests and the engine build's (the same errors either way).
 */
export interface Expected {
	file: string;
	line: number;
	col?: number;
	path: string;
	message: RegExp;
}

export const EV = 'events/2025-06-27-first.yaml';
export const event = (body: string): string => `events:\n  - id: first\n${body}`;
export const baseEventBody = `    date: 2025-06-27
    title: First event
    summary: Something happened.
    actors:
      - actor: alpha-ministry
    sources: [wire-1]
    status: confirmed
`;

export const cases: { name: string; files: Record<string, string | Buffer | null>; expect: Expected[] }[] = [
	{
		name: 'impossible date 2025-02-30',
		files: { [EV]: event(baseEventBody.replace('2025-06-27', '2025-02-30')) },
		expect: [{ file: EV, line: 3, col: 11, path: 'events[0].date', message: /"2025-02-30" does not exist: 2025-02 has 28 days/ }],
	},
	{
		name: 'month 13',
		files: { [EV]: event(baseEventBody.replace('2025-06-27', '2025-13-01')) },
		expect: [{ file: EV, line: 3, path: 'events[0].date', message: /month 13; months run 01 to 12/ }],
	},
	{
		name: 'not a date at all',
		files: { [EV]: event(baseEventBody.replace('2025-06-27', 'last tuesday')) },
		expect: [{ file: EV, line: 3, path: 'events[0].date', message: /not a date; expected YYYY-MM-DD/ }],
	},
	{
		name: 'range that ends before it starts',
		files: { [EV]: event(baseEventBody.replace('2025-06-27', '2025-07-04/2025-07-01')) },
		expect: [{ file: EV, line: 3, path: 'events[0].date', message: /ends before it starts/ }],
	},
	{
		name: 'dangling actor reference',
		files: { [EV]: event(baseEventBody.replace('actor: alpha-ministry', 'actor: alpha-ministri')) },
		expect: [
			{
				file: EV,
				line: 7,
				col: 16,
				path: 'events[0].actors[0].actor',
				message: /unknown actor "alpha-ministri"; did you mean "alpha-ministry"\?/,
			},
		],
	},
	{
		name: 'dangling source reference',
		files: { [EV]: event(baseEventBody.replace('[wire-1]', '[wire-9]')) },
		expect: [{ file: EV, line: 8, path: 'events[0].sources[0]', message: /unknown source "wire-9"/ }],
	},
	{
		name: 'dangling related event',
		files: { [EV]: event(`${baseEventBody}    related:\n      - event: nowhere\n        type: follows\n`) },
		expect: [{ file: EV, line: 11, path: 'events[0].related[0].event', message: /unknown event "nowhere"/ }],
	},
	{
		name: 'dangling affiliation',
		files: {
			'actors.yaml':
				'actors:\n  - id: alpha-ministry\n    name: A\n    type: state\n    description: d\n    affiliations: [ghost]\n  - id: beta-agency\n    name: B\n    type: state\n    description: d\n',
		},
		expect: [{ file: 'actors.yaml', line: 6, path: 'actors[0].affiliations[0]', message: /unknown actor "ghost"/ }],
	},
	{
		name: 'duplicate event id across files',
		files: { 'events/2025-06-28-second.yaml': event(baseEventBody) },
		expect: [
			{
				file: 'events/2025-06-28-second.yaml',
				line: 2,
				path: 'events[0].id',
				message: /duplicate event id "first"; it is already used at events\/2025-06-27-first.yaml:2/,
			},
		],
	},
	{
		name: 'duplicate actor id',
		files: {
			'actors.yaml':
				'actors:\n  - id: alpha-ministry\n    name: A\n    type: state\n    description: d\n  - id: alpha-ministry\n    name: B\n    type: state\n    description: d\n',
		},
		expect: [{ file: 'actors.yaml', line: 6, path: 'actors[1].id', message: /duplicate actor id "alpha-ministry"/ }],
	},
	{
		name: 'duplicate claim id',
		files: {
			[EV]: event(
				baseEventBody.replace('confirmed', 'disputed') +
					'    claims:\n      - { id: c1, by: alpha-ministry, stance: asserts, text: A, source: wire-1 }\n      - { id: c1, by: beta-agency, stance: denies, text: B, source: wire-1 }\n',
			),
		},
		expect: [{ file: EV, line: 12, path: 'events[0].claims[1].id', message: /duplicate claim id "c1"/ }],
	},
	{
		name: 'unknown field',
		files: { [EV]: event(`${baseEventBody}    colour: red\n`) },
		expect: [{ file: EV, line: 10, col: 5, path: 'events[0].colour', message: /unknown field "colour"/ }],
	},
	{
		name: 'unknown top-level key',
		files: { 'extra.yaml': 'evnets: []\n' },
		expect: [{ file: 'extra.yaml', line: 1, col: 1, path: 'evnets', message: /unknown top-level key "evnets"/ }],
	},
	{
		name: 'missing required title',
		files: { [EV]: event(baseEventBody.replace('    title: First event\n', '')) },
		expect: [{ file: EV, line: 2, path: 'events[0].title', message: /required field is missing/ }],
	},
	{
		name: 'event without sources',
		files: { [EV]: event(baseEventBody.replace('[wire-1]', '[]')) },
		expect: [{ file: EV, line: 8, path: 'events[0].sources', message: /every event cites at least one source/ }],
	},
	{
		name: 'bad status value',
		files: { [EV]: event(baseEventBody.replace('status: confirmed', 'status: probably')) },
		expect: [
			{ file: EV, line: 9, path: 'events[0].status', message: /expected one of "confirmed"\|"reported"\|"disputed"\|"corrected"/ },
		],
	},
	{
		name: 'disputed event without claims',
		files: { [EV]: event(baseEventBody.replace('status: confirmed', 'status: disputed')) },
		expect: [{ file: EV, line: 9, path: 'events[0].status', message: /a disputed event records each side as a claim/ }],
	},
	{
		name: 'corrected event without a note',
		files: { [EV]: event(baseEventBody.replace('status: confirmed', 'status: corrected')) },
		expect: [{ file: EV, line: 9, path: 'events[0].status', message: /a corrected event says what was corrected/ }],
	},
	{
		name: 'id that is not a slug',
		files: { [EV]: `events:\n  - id: First Event\n${baseEventBody}` },
		expect: [{ file: EV, line: 2, path: 'events[0].id', message: /an id is a lowercase slug/ }],
	},
	{
		name: 'source URL that is not http',
		files: {
			'sources.yaml':
				'sources:\n  - id: wire-1\n    publisher: Wire\n    url: javascript:alert(1)\n    language: en\n    affiliation: independent\n',
		},
		expect: [{ file: 'sources.yaml', line: 4, path: 'sources[0].url', message: /http:\/\/ or https:\/\/ URL/ }],
	},
	{
		name: 'unknown timezone in the story',
		files: { 'story.yaml': 'story:\n  title: T\n  summary: S\n  timezone: Mars/Olympus\n  status: developing\n' },
		expect: [{ file: 'story.yaml', line: 4, path: 'story.timezone', message: /IANA timezone/ }],
	},
	{
		name: 'no story record',
		files: { 'story.yaml': null },
		expect: [{ file: 'story.yaml', line: 0, path: 'story', message: /no story record/ }],
	},
	{
		name: 'YAML syntax error',
		files: { [EV]: 'events:\n  - id: first\n    title: [unclosed\n' },
		expect: [{ file: EV, line: 4, path: '', message: /YAML syntax/ }],
	},
	{
		name: 'duplicate key in a map',
		files: { [EV]: event(`${baseEventBody}    status: reported\n`) },
		expect: [{ file: EV, line: 10, path: '', message: /YAML syntax: Map keys must be unique/ }],
	},
	{
		name: '__proto__ key',
		files: { [EV]: event(`${baseEventBody}    __proto__:\n      polluted: true\n`) },
		expect: [{ file: EV, line: 10, col: 5, path: 'events[0].__proto__', message: /the key "__proto__" is not allowed/ }],
	},
	{
		name: 'constructor key in translations',
		files: { [EV]: event(`${baseEventBody}    titles:\n      constructor: x\n`) },
		expect: [{ file: EV, line: 11, path: 'events[0].titles.constructor', message: /the key "constructor" is not allowed/ }],
	},
	{
		name: 'invalid UTF-8',
		files: {
			[EV]: Buffer.concat([Buffer.from('events:\n  - id: first\n    title: caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
		},
		expect: [{ file: EV, line: 3, col: 15, path: '', message: /is not valid UTF-8/ }],
	},
	{
		name: 'control character',
		files: { [EV]: event(baseEventBody.replace('First event', 'First\u0007event')) },
		expect: [{ file: EV, line: 4, col: 17, path: '', message: /control character U\+0007/ }],
	},
	{
		name: 'custom YAML tag',
		files: { [EV]: event(baseEventBody.replace('First event', '!!js/function "x"')) },
		expect: [{ file: EV, line: 4, path: '', message: /YAML syntax|custom tag/ }],
	},
	{
		name: 'a list where a map belongs',
		files: { 'story.yaml': 'story:\n  - title: T\n' },
		expect: [{ file: 'story.yaml', line: 2, path: 'story', message: /expected object, got a list/ }],
	},
	{
		name: 'empty file',
		files: { 'extra.yaml': '# nothing here\n' },
		expect: [{ file: 'extra.yaml', line: 1, path: '', message: /is empty/ }],
	},
	{
		name: 'claim by an unknown actor',
		files: {
			[EV]: event(
				baseEventBody.replace('confirmed', 'disputed') +
					'    claims:\n      - { id: c1, by: gamma, stance: asserts, text: A, source: wire-1 }\n      - { id: c2, by: beta-agency, stance: denies, text: B, source: wire-1 }\n',
			),
		},
		expect: [{ file: EV, line: 11, path: 'events[0].claims[0].by', message: /unknown actor "gamma"/ }],
	},
	{
		name: 'bad stance',
		files: {
			[EV]: event(`${baseEventBody}    claims:\n      - { id: c1, by: beta-agency, stance: claims, text: A, source: wire-1 }\n`),
		},
		expect: [{ file: EV, line: 11, path: 'events[0].claims[0].stance', message: /expected one of "asserts"\|"denies"\|"disputes"/ }],
	},
];
