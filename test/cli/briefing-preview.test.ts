/** `npx sitrep briefing`: the preview of a daily briefing, run as a user would (a child process). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function sitrep(args: string[], extraEnv: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
	const env = { ...process.env, LOG_LEVEL: 'silent', DISCORD_TOKEN: '', TELEGRAM_BOT_TOKEN: '', SITREP_NOW: '', ...extraEnv };
	const r = spawnSync(process.execPath, ['bin/sitrep.js', 'briefing', ...args], { encoding: 'utf8', env, timeout: 60_000 });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const USAGE = 'Usage: npx sitrep briefing [--date YYYY-MM-DD] [--tz ZONE] [--actor ACTOR] [--tag TAG] [--lang en|ru|az|fa]';

describe('npx sitrep briefing', () => {
	it('prints the briefing for a date as plain text and exits 0', () => {
		const r = sitrep(['--date', '2025-07-01']);
		expect(r.code).toBe(0);
		expect(r.stderr).toBe('');
		expect(r.stdout).toMatch(/^## Briefing for 1 Jul 2025: The 2025 Russia–Azerbaijan rift\n/u);
		expect(r.stdout).toMatch(/## In the last 24 hours: \d+ events/u);
	});

	it('composes as a subscription with an actor, a tag and a language would receive it', () => {
		const r = sitrep(['--date', '2025-07-01', '--actor', 'kremlin', '--lang', 'ru']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^## Сводка на 1 июл\. 2025 г\./u);
		expect(r.stdout).toContain('Кремл');
		const tagged = sitrep(['--date', '2025-07-01', '--tag', 'media']);
		expect(tagged.code).toBe(0);
		expect(tagged.stdout).toContain('media');
	});

	it('without --date, is today in --tz (as of --now)', () => {
		// 22:30 UTC on 30 June is already 1 July in Baku.
		const baku = sitrep(['--now', '2025-06-30T22:30:00Z', '--tz', 'Asia/Baku']);
		const utc = sitrep(['--now', '2025-06-30T22:30:00Z', '--tz', 'UTC']);
		expect(baku.stdout).toMatch(/^## Briefing for 1 Jul 2025/u);
		expect(utc.stdout).toMatch(/^## Briefing for 30 Jun 2025/u);
	});

	it.each([
		[['--tz', 'Mars/Olympus'], '--tz "Mars/Olympus" is not an IANA timezone; use a name such as Asia/Baku'],
		[['--date', '2025-02-30'], '--date "2025-02-30" is not a date; use YYYY-MM-DD'],
		[['--date', '1 July'], '--date "1 July" is not a date; use YYYY-MM-DD'],
		[['--lang', 'de'], '--lang "de" is not a briefing language; use one of en, ru, az, fa'],
		[['--actor', 'Nobody Atall'], '--actor "Nobody Atall" is not an actor of the story'],
		[['--tag', 'no-such-tag'], '--tag "no-such-tag" is not a tag of the story; tags include'],
		[['--colour', 'red'], "Unknown option '--colour'"],
		[['extra'], "Unexpected argument 'extra'"],
	])('%j exits 2 with what was wrong and the right form', (args, message) => {
		const r = sitrep(args);
		expect(r.code).toBe(2);
		expect(r.stdout).toBe('');
		expect(r.stderr).toContain(message);
		expect(r.stderr).toContain(USAGE);
	});
});
