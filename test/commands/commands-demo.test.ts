/** Each command against the demo story. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/dispatch.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { ask, testCore } from '../helpers/core.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

let core: Core;
let ds: DatasetSnapshot;
beforeAll(async () => {
	ds = await demoDataset();
	core = testCore(ds);
});

describe('the demo story', () => {
	it('is valid and large enough: 30+ events, 25+ actors, every event sourced', () => {
		expect(ds.counts.events).toBeGreaterThanOrEqual(30);
		expect(ds.counts.actors).toBeGreaterThanOrEqual(25);
		for (const e of [...ds.eachEvent()]) {
			expect(e.sourceIds.length, e.id).toBeGreaterThan(0);
			for (const s of e.sourceIds) expect(ds.source(s)?.url, `${e.id} → ${s}`).toMatch(/^https?:\/\//);
		}
	});

	it('records the disputes as attributed claims on both sides', () => {
		const raid = ds.event('yekaterinburg-raids')!;
		expect(raid.status).toBe('disputed');
		const claimants = new Set(ds.claimsOf(raid).map((c) => c.by));
		expect(claimants.size).toBeGreaterThanOrEqual(2);
		const topics = ds.claimsOf(raid).map((c) => c.topic);
		expect(topics).toEqual(expect.arrayContaining(['cause-of-death', 'detainee-count']));
		for (const e of [...ds.eachEvent()].filter((x) => x.status === 'disputed'))
			expect(ds.claimsOf(e).length, e.id).toBeGreaterThanOrEqual(2);
	});

	it('marks the seed article\'s "Pezeshkian in Baku" in July as corrected: he was in Khankendi', () => {
		const eco = [...ds.eachEvent()].find((e) => e.id.includes('khankendi'))!;
		expect(eco.status).toBe('corrected');
		expect(eco.note).toMatch(/Khankendi/);
		expect(eco.date.text).toBe('2025-07-04');
	});

	it('carries aliases and transliterations', () => {
		const huseyn = ds.actor('huseyn-safarov')!;
		expect(huseyn.aliases.join(' ')).toMatch(/Guseyn/);
		expect(huseyn.aliases.join(' ')).toMatch(/Сафаров/);
		expect(huseyn.aliases.join(' ')).toMatch(/Səfərov/);
	});
});

describe('/timeline', () => {
	it('lists events in date order between two dates, with precision, actors, markers and ids', async () => {
		const r = await ask(core, '/timeline from:2025-06-27 to:2025-07-01 limit:25');
		expect(r.outcome.kind).toBe('ok');
		expect(r.text).toMatch(/• 27 Jun 2025 .*⚠ {2}\[yekaterinburg-raids\]/);
		expect(r.text).not.toMatch(/2025-07-04|4 Jul 2025/);
		const days = [...r.text.matchAll(/• (\d+) (Jun|Jul) 2025/g)].map((m) => (m[2] === 'Jun' ? 0 : 100) + Number(m[1]));
		expect(days).toEqual([...days].sort((a, b) => a - b));
	});

	it('shows month precision as a month', async () => {
		const r = await ask(core, '/timeline to:2025-03');
		expect(r.text).toMatch(/• Feb 2025 /);
	});

	it('filters by actor in any spelling, by tag and by status', async () => {
		const byActor = await ask(core, '/timeline actor:Peskov');
		expect(byActor.text).toMatch(/actor Dmitry Peskov/);
		const disputed = await ask(core, '/timeline status:disputed limit:25');
		expect(
			disputed.text
				.split('\n')
				.filter((l) => l.startsWith('• '))
				.every((l) => l.includes('⚠')),
		).toBe(true);
		const tag = ds.tags()[0]!.tag;
		expect((await ask(core, `/timeline tag:${tag}`)).outcome.kind).toBe('ok');
	});

	it('pages with next and previous', async () => {
		const p1 = await ask(core, '/timeline limit:5');
		expect(p1.reply.paging).toMatchObject({ page: 1, next: '/timeline limit:5 page:2' });
		const p2 = await ask(core, p1.reply.paging!.next!);
		expect(p2.reply.paging).toMatchObject({ page: 2, prev: '/timeline limit:5 page:1' });
		expect(p2.text).not.toEqual(p1.text);
	});

	it('explains an empty result and suggests a wider filter', async () => {
		const r = await ask(core, '/timeline from:2030-01-01');
		expect(r.text).toMatch(/No events match from 1 Jan 2030\. The dataset runs from 25 Dec 2024 to .*Try a wider filter/);
	});

	it('rejects impossible dates and reversed ranges with the right form', async () => {
		const r = await ask(core, '/timeline from:2025-13-45');
		expect(r.outcome).toEqual({ kind: 'user_error', code: 'BAD_VALUE' });
		expect(r.text).toMatch(/months run 01 to 12/);
		expect((await ask(core, '/timeline from:2025-07-01 to:2025-06-01')).text).toMatch(/is after "to"/);
	});
});

describe('/actor', () => {
	it.each([
		['Pezeshkian', 'Masoud Pezeshkian'],
		['Pezeshkiyan', 'Masoud Pezeshkian'],
		['Peseschkian', 'Masoud Pezeshkian'],
		['Пезешкиан', 'Masoud Pezeshkian'],
		['kremlin', 'Kremlin'],
		['aliyev', 'Ilham Aliyev'],
		['"Guseyn Safarov"', 'Huseyn Safarov'],
		['"Гусейн Сафаров"', 'Huseyn Safarov'],
		['Zakharova', 'Maria Zakharova'],
	])('resolves %s', async (query, name) => {
		const r = await ask(core, `/actor ${query}`);
		expect(r.outcome.kind, r.text).toBe('ok');
		expect(r.text.split('\n')[0]).toContain(name);
	});

	it('shows affiliations, events in order, claims made and co-actors', async () => {
		const r = await ask(core, '/actor Peskov');
		expect(r.text).toMatch(/Affiliated with: .*Kremlin/);
		expect(r.text).toMatch(/## Events \(\d+\)/);
		expect(r.text).toMatch(/## Appears most with/);
	});

	it('suggests names when nothing matches', async () => {
		const r = await ask(core, '/actor Zakharovv-Pezeshk');
		expect(r.outcome.kind).toBe('user_error');
		const none = await ask(core, '/actor qqqqqq');
		expect(none.outcome).toEqual({ kind: 'user_error', code: 'NOT_FOUND' });
	});

	it('asks which one when a surname is shared', async () => {
		const r = await ask(core, '/actor Safarov');
		expect(r.outcome).toEqual({ kind: 'user_error', code: 'AMBIGUOUS' });
		expect(r.text).toMatch(/Huseyn Safarov \(huseyn-safarov\)/);
	});
});

describe('/event', () => {
	it('shows one event in full with claims grouped by who makes them and sources with links', async () => {
		const r = await ask(core, '/event yekaterinburg-raids');
		expect(r.text).toMatch(/^## /);
		expect(r.text).toMatch(/Date: 27 Jun 2025/);
		expect(r.text).toMatch(/## Who says what/);
		expect(r.text).toMatch(/According to Investigative Committee of Russia: .*heart failure/);
		expect(r.text).toMatch(/## Sources\n- .*<https:\/\//);
	});

	it('suggests ids for a near miss', async () => {
		const r = await ask(core, '/event yekaterinburg-raidz');
		expect((await ask(core, '/event yekaterinburg raids')).outcome.kind).toBe('ok');
		expect(r.outcome.kind).toBe('user_error');
		expect(r.text).toMatch(/Did you mean yekaterinburg-raids/);
	});
});

describe('/search', () => {
	it('ranks events, claims and actors and marks matched words', async () => {
		const r = await ask(core, '/search heart failure');
		expect(r.outcome.kind).toBe('ok');
		expect(r.text).toMatch(/\*heart\* \*failure\*/);
	});

	it('finds words in other scripts', async () => {
		expect((await ask(core, '/search Сафаров')).text).toMatch(/Safarov/);
	});

	it('says so when nothing matches', async () => {
		expect((await ask(core, '/search zeppelin')).text).toMatch(/Nothing matches "zeppelin"/);
	});
});

describe('/briefing', () => {
	it('sums up a busy day: new events, open disputes, key claims by side', async () => {
		const r = await ask(core, '/briefing date:2025-06-30');
		expect(r.text).toMatch(/Briefing for 30 Jun 2025/);
		expect(r.text).toMatch(/## In the last 24 hours: \d+ events/);
		expect(r.text).toMatch(/## Open disputes/);
		expect(r.text).toMatch(/## Key claims, by who makes them/);
		expect(r.text).toMatch(/sputnik-azerbaijan-raid/);
	});

	it('defaults to today in the story timezone', async () => {
		const r = await ask(testCore(ds, '2025-06-29T21:30:00Z'), '/briefing');
		expect(r.text).toMatch(/Briefing for 30 Jun 2025/);
	});

	it('says so on a quiet day and sums up where the story stands', async () => {
		const r = await ask(core, '/briefing date:2025-08-20');
		expect(r.text).toMatch(/nothing new/);
		expect(r.text).toMatch(/Where the story stands/);
		expect(r.text).toMatch(/Most recent events/);
	});

	it('covers a longer window with since', async () => {
		const r = await ask(core, '/briefing date:2025-07-04 since:2025-06-27');
		expect(r.text).toMatch(/Since 27 Jun 2025: \d+ events/);
	});

	it('shows "on this day" in earlier years', async () => {
		const r = await ask(core, '/briefing date:2026-06-27');
		expect(r.text).toMatch(/## On this day in earlier years\n• 27 Jun 2025/);
	});
});

describe('/help', () => {
	it('lists every command with an example', async () => {
		const r = await ask(core, '/help');
		for (const name of ['timeline', 'actor', 'event', 'search', 'briefing', 'help']) expect(r.text).toContain(`/${name}`);
	});
	it('explains one command', async () => {
		const r = await ask(core, '/help timeline');
		expect(r.text).toMatch(/Usage: \/timeline/);
		expect(r.text).toMatch(/from: From this date/);
	});
});

describe('bad input never crashes anything', () => {
	it.each([
		['/nosuch', 'UNKNOWN_COMMAND'],
		['/timelin', 'UNKNOWN_COMMAND'],
		['/timeline colour:red', 'UNKNOWN_OPTION'],
		['/timeline limit:abc', 'BAD_VALUE'],
		['/timeline limit:999', 'BAD_VALUE'],
		['/actor', 'MISSING_OPTION'],
		['/event', 'MISSING_OPTION'],
		['/help "unclosed', 'BAD_SYNTAX'],
		[`/search ${'a'.repeat(600)}`, 'BAD_VALUE'],
		['/timeline tag:nosuchtag', 'NOT_FOUND'],
		['/timeline status:maybe', 'BAD_VALUE'],
	])('%s → %s', async (line, code) => {
		const r = await ask(core, line);
		expect(r.outcome).toEqual({ kind: 'user_error', code });
		expect(r.text.length).toBeGreaterThan(10);
	});

	it('survives control characters, huge lines and odd Unicode', async () => {
		for (const line of [
			`/search ${'\u0000\u0007'.repeat(100)}`,
			`/actor ${'ы'.repeat(5000)}`,
			'/search 🙂🙂',
			'/actor \u202eevil',
			'/',
		]) {
			const r = await ask(core, line);
			expect(['ok', 'user_error']).toContain(r.outcome.kind);
		}
	});

	it('the suggestion for a misspelt command names the right one', async () => {
		expect((await ask(core, '/timelin')).text).toMatch(/Did you mean \/timeline\?/);
	});
});

describe('user errors are counted as user errors (issue #18)', () => {
	it('/timeline from after to, /briefing date:2025 and /help nosuch: outcome user_error, the same words', async () => {
		const cases: [string, RegExp][] = [
			['/timeline from:2025-07-01 to:2025-06-27', /from.*after|after.*to/iu],
			['/briefing date:2025', /one day|a day/iu],
			['/briefing date:2025-06-27 since:2025-07-01', /since/iu],
			['/help nosuch', /There is no command \/nosuch/u],
		];
		for (const [line, words] of cases) {
			const r = await ask(core, line);
			expect(r.outcome.kind, line).toBe('user_error');
			expect(r.text, line).toMatch(words);
			expect(r.reply.ephemeral, line).toBe(true);
		}
	});
});
