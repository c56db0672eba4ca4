/** The `sitrep` command and `npm start`, run as a user would: child processes. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupDatasets, writeDataset } from '../helpers/dataset-fixture.js';

const stores: string[] = [];
afterAll(() => {
	cleanupDatasets();
	for (const d of stores) rmSync(d, { recursive: true, force: true });
});

function sitrep(
	args: string[],
	input?: string,
	extraEnv: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
	const env = { ...process.env, LOG_LEVEL: 'silent', DISCORD_TOKEN: '', TELEGRAM_BOT_TOKEN: '', SITREP_NOW: '', ...extraEnv };
	const r = spawnSync(process.execPath, ['bin/sitrep.js', ...args], { encoding: 'utf8', input, env, timeout: 60_000 });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npx sitrep', () => {
	it('--help lists the subcommands', () => {
		const r = sitrep(['--help']);
		expect(r.code).toBe(0);
		for (const s of ['start', 'ask', 'validate']) expect(r.stdout).toContain(s);
	});

	it('validate prints one summary line for the demo story and exits 0', () => {
		const r = sitrep(['validate']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^data: valid — \d+ events, \d+ actors, \d+ sources, \d+ claims/);
		expect(r.stdout.trim().split('\n')).toHaveLength(1);
	});

	it('validate prints every error as FILE:LINE:COL  path  message and exits 1', () => {
		const dir = writeDataset({
			'events/2025-06-27-first.yaml':
				'events:\n  - id: first\n    date: 2025-02-30\n    title: t\n    summary: s\n    actors: [{ actor: ghost }]\n    sources: [wire-1]\n    status: confirmed\n',
		});
		const r = sitrep(['validate', dir]);
		expect(r.code).toBe(1);
		expect(r.stdout).toContain('events/2025-06-27-first.yaml:3:11  events[0].date  "2025-02-30" does not exist');
		expect(r.stdout).toContain('events/2025-06-27-first.yaml:6:23  events[0].actors[0].actor  unknown actor "ghost"');
		expect(r.stderr).toMatch(/2 errors/);
	});

	it('validate --languages lists every missing translation, exits 0 unless --require-translations', () => {
		const dir = writeDataset({
			'events/2025-06-27-first.yaml':
				'events:\n  - id: first\n    date: 2025-06-27\n    title: First event\n    titles: { ru: Первое событие }\n    summary: s\n    actors: [{ actor: alpha-ministry, role: speaker }]\n    tags: [diplomacy]\n    sources: [wire-1]\n    status: confirmed\n',
		});
		const r = sitrep(['validate', dir, '--languages', 'ru,fa']);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('ru  event first: add summaries  (events/2025-06-27-first.yaml)');
		expect(r.stdout).not.toContain('ru  event first: add titles');
		expect(r.stdout).toContain('fa  event first: add titles  (events/2025-06-27-first.yaml)');
		expect(r.stdout).toContain('fa  story story: add summaries');
		expect(r.stdout).toContain('fa  tag diplomacy: add tags: (no label yet)');
		expect(r.stdout).not.toMatch(/role speaker/u);
		expect(r.stdout).toMatch(/missing translations \(ru \d+, fa \d+\)\n$/u);
		expect(sitrep(['validate', dir, '--languages', 'ru', '--require-translations']).code).toBe(1);
		const bad = sitrep(['validate', dir, '--languages', 'ru,,Russian!']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--languages takes language tags separated by commas, e\.g\. --languages ru,az,fa/u);
	});

	it('validate --against says what a reload would remove and that it needs /reload confirm:true', () => {
		const emptied = path.join(writeDataset(), 'data');
		cpSync('data', emptied, { recursive: true });
		rmSync(path.join(emptied, 'events'), { recursive: true });
		const r = sitrep(['validate', emptied, '--against', 'data']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^would remove 38 of 38 events: aliyev-birthday-call-putin, /mu);
		expect(r.stdout).toMatch(
			/removes more than 50% of the events, claims; the bot refuses it \(the file watch always\) until an owner runs \/reload confirm:true/u,
		);
		const lenient = sitrep(['validate', emptied, '--against', 'data'], undefined, { SITREP_RELOAD_MAX_REMOVED_PERCENT: '100' });
		expect(lenient.stdout).toMatch(/needs no confirmation/u);
		expect(sitrep(['validate', 'data', '--against', 'data']).stdout).toMatch(/needs no confirmation/u);
	});

	it('ask exits 2 for a user error that a command itself finds (issue #18)', () => {
		for (const line of ['/timeline from:2025-07-01 to:2025-06-27', '/briefing date:2025', '/help nosuch']) {
			const r = sitrep(['ask', line]);
			expect(r.code, line).toBe(2);
			expect(r.stdout, line).toBe('');
			expect(r.stderr.length, line).toBeGreaterThan(10);
		}
	});

	it('ask prints the reply and exits 0', () => {
		const r = sitrep(['ask', '--now', '2025-07-01T09:00:00+04:00', '/timeline from:2025-06-27 to:2025-07-01 actor:kremlin limit:5']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/## Timeline: from 27 Jun 2025, to 1 Jul 2025, actor /);
	});

	it('ask with an unknown command or bad option exits 2 with the right form on stderr', () => {
		const unknown = sitrep(['ask', '/timelin']);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/Did you mean \/timeline\?/);
		const bad = sitrep(['ask', '/timeline limit:zero']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/limit must be a whole number[\s\S]*Usage: \/timeline/);
		expect(sitrep(['ask']).code).toBe(2);
		expect(sitrep(['ask', '--now', 'soon', '/help']).code).toBe(2);
	});

	it('ask on a broken dataset exits 1 and says how to check it', () => {
		const dir = writeDataset({ 'story.yaml': 'story: 1\n' });
		const r = sitrep(['ask', '--data', dir, '/help']);
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(/npx sitrep validate/);
	});

	it('replays the story as of SITREP_NOW (and --now overrides it)', () => {
		expect(sitrep(['ask', '/briefing'], undefined, { SITREP_NOW: '2025-06-30T09:00:00+04:00' }).stdout).toMatch(
			/Briefing for 30 Jun 2025/,
		);
		expect(
			sitrep(['ask', '--now', '2025-07-04T09:00:00+04:00', '/briefing'], undefined, { SITREP_NOW: '2025-06-30T09:00:00+04:00' })
				.stdout,
		).toMatch(/Briefing for 4 Jul 2025/);
	});

	it('an unknown subcommand exits 2', () => {
		expect(sitrep(['frobnicate']).code).toBe(2);
	});
});

describe('npm start with no tokens: the console chat', () => {
	/**
	 * A store of its own: the console chat's choices persist (a `/language set:` pinned by hand in
	 * var/ would otherwise answer these tests in that language).
	 */
	const ownStore = (): { SITREP_DB: string } => {
		const dir = mkdtempSync(path.join(tmpdir(), 'sitrep-cli-'));
		stores.push(dir);
		return { SITREP_DB: path.join(dir, 'sitrep.db') };
	};

	it('answers each line from a pipe and exits at end of input', () => {
		const r = sitrep(
			['start', '--now', '2025-07-01T09:00:00+04:00'],
			'/help\n/actor kremlin\nnot a command\n/timeline limit:2\n',
			ownStore(),
		);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/\/timeline/);
		expect(r.stdout).toMatch(/## (The )?Kremlin/);
		expect(r.stdout).toMatch(/Page 1 of \d+ · next: \/timeline limit:2 page:2/);
	});

	it('keeps answering when it cannot write a picture: the words go out, the failure is logged', () => {
		// A directory under a regular file cannot be made, whoever runs the test (root included).
		const blocker = path.join(writeDataset(), 'story.yaml');
		const r = sitrep(['start', '--now', '2025-07-01T09:00:00+04:00'], '/timeline limit:2\n/actor kremlin\n', {
			...ownStore(),
			SITREP_IMAGE_DIR: path.join(blocker, 'images'),
			LOG_LEVEL: 'warn',
		});
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/## Timeline/u);
		expect(r.stdout).toMatch(/The picture could not be saved \(ENOTDIR\)/u);
		expect(r.stdout).toMatch(/## (The )?Kremlin/u);
		expect(r.stderr).toMatch(/Could not save the reply’s pictures/u);
		expect(r.stderr).not.toMatch(/Unhandled|unhandled/u);
		const ask = sitrep(['ask', '--images', path.join(blocker, 'images'), '/timeline limit:2']);
		expect(ask.code).toBe(0);
		expect(ask.stdout).toMatch(/## Timeline/u);
		expect(ask.stderr).toMatch(/could not write the pictures to .*ENOTDIR/u);
	});
});

describe('npx sitrep import and export', () => {
	it('imports a TimelineJS file into a directory that validates, and reports what was not mapped', async () => {
		const out = `${mkdtempSync(`${tmpdir()}/sitrep-cli-`)}/ds`;
		const r = sitrep(['import', 'timelinejs', 'test/fixtures/timelinejs/women_in_computing.json', '--out', out]);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/imported 9 events/);
		expect(r.stderr).toMatch(/events\[1\]: .*links no source URL/);
		expect(sitrep(['validate', out]).code).toBe(0);
		const again = sitrep(['import', 'timelinejs', 'test/fixtures/timelinejs/women_in_computing.json', '--out', out]);
		expect(again.code).toBe(2);
		expect(again.stderr).toMatch(/is not empty/);
	});

	it('exports each format to stdout', () => {
		expect(sitrep(['export', 'ics']).stdout).toMatch(/^BEGIN:VCALENDAR/);
		expect(sitrep(['export', 'csv']).stdout).toMatch(/^id,date,precision/);
		expect(JSON.parse(sitrep(['export', 'timelinejs']).stdout).events.length).toBeGreaterThan(30);
		expect(sitrep(['export', 'pdf']).code).toBe(2);
	});
});
