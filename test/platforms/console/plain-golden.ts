/**
 * The console's plain output for a fixed set of commands, as `npm start` (stdin and stdout piped)
 * and `npx sitrep ask` print it. The fixtures in test/fixtures/console-plain/ were recorded before
 * the terminal renderer existed (record-plain-golden.ts), so comparing with them shows that piped
 * output and `ask` did not change by a byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const FIXTURE_DIR = 'test/fixtures/console-plain';
export const NOW = '2025-07-01T09:00:00+04:00';

/** One line per command, answered in order by one piped console. */
export const PIPED_LINES = [
	'/help',
	'/timeline',
	'/timeline from:2025-06-27 to:2025-07-01 actor:kremlin limit:5',
	'/timeline page:2',
	'/actor masoud-pezeshkian',
	'/actor Pezeshkian',
	'/event azal-crash-aktau',
	'/search drone',
	'/briefing',
	'/subscriptions',
	'/timelin',
	'/timeline limit:zero',
	'timeline tag:nonexistent-tag',
];

export const PIPED_LINES_FA = ['/timeline limit:4', '/actor masoud-pezeshkian', '/event azal-crash-aktau', '/help'];

export const ASK_CASES: readonly { readonly name: string; readonly args: readonly string[] }[] = [
	{ name: 'ask-timeline', args: ['/timeline from:2025-06-27 to:2025-07-01 actor:kremlin limit:5'] },
	{ name: 'ask-actor-fa', args: ['--lang', 'fa', '/actor masoud-pezeshkian'] },
	{ name: 'ask-event-ru', args: ['--lang', 'ru', '/event azal-crash-aktau'] },
	{ name: 'ask-briefing-images', args: ['--images', '@IMAGES@', '/briefing'] },
	{ name: 'ask-unknown', args: ['/timelin'] },
];

export interface Run {
	readonly code: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

/** Saved pictures carry a time stamp and a counter in their names: the rest of the path is compared. */
export function normalize(text: string, imageDir: string): string {
	return text
		.split(imageDir)
		.join('<images>')
		.replace(/<images>\/\d{8}T\d{6}-\d+-/gu, '<images>/<stamp>-');
}

function run(args: readonly string[], input: string | undefined, extraEnv: Record<string, string>): Run {
	const tmp = mkdtempSync(path.join(tmpdir(), 'sitrep-plain-'));
	try {
		const images = path.join(tmp, 'images');
		const env = {
			...process.env,
			LOG_LEVEL: 'silent',
			DISCORD_TOKEN: '',
			TELEGRAM_BOT_TOKEN: '',
			DATABASE_URL: '',
			SITREP_LOCALE: '',
			SITREP_NOW: NOW,
			SITREP_DB: path.join(tmp, 'sitrep.db'),
			SITREP_IMAGE_DIR: images,
			...extraEnv,
		};
		const r = spawnSync(process.execPath, ['bin/sitrep.js', ...args.map((a) => a.replace('@IMAGES@', images))], {
			encoding: 'utf8',
			input,
			env,
			timeout: 120_000,
		});
		return { code: r.status, stdout: normalize(r.stdout, images), stderr: normalize(r.stderr, images) };
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
}

/** `npm start` with stdin and stdout piped, answering `lines`. */
export function runPiped(lines: readonly string[], extraEnv: Record<string, string> = {}): Run {
	return run(['start'], `${lines.join('\n')}\n`, extraEnv);
}

export function runAsk(args: readonly string[], extraEnv: Record<string, string> = {}): Run {
	return run(['ask', '--now', NOW, ...args], undefined, extraEnv);
}

/** What a fixture holds: the exit code, then stdout, then stderr. */
export function serialize(r: Run): string {
	return `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}
