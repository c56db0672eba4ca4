/**
 * Every answer of a fixed list of commands, as the console shows it: to check that a change to how
 * commands read the dataset changes no answer. The list is commands.ts' cases, `--lines` lines of
 * each (the arguments they rotate through), in English and, for a few, in Russian, Azerbaijani and
 * Persian (the platform's language hint). Run it on the tree before and after over the same built file and compare the outputs:
 *
 *   node --import tsx bench/answers.child.ts --events 100000 --cache DIR [--lines 30] > after.txt
 *   cmp before.txt after.txt
 */
import os from 'node:os';
import path from 'node:path';
import type { Requester } from '../src/core/command.js';
import { renderPlainText } from '../src/render/plain-text.js';
import { commandCases } from './commands.js';
import { benchApp } from './bench-app.js';
import { arg, datasetDir } from './lib.js';

const events = arg('events', '');
const dir = arg('dir', events ? datasetDir(Number(events)) : '');
if (!dir) throw new Error('--events N or --dir DIR is required');
const lines = Number(arg('lines', '30'));
const cache = arg('cache', path.join(os.tmpdir(), 'sitrep-bench-cache'));

const app = await benchApp(dir, cache, false);
const out: string[] = [];
const ask = async (userId: string, line: string): Promise<void> => {
	const requester: Requester = { platform: 'console', userId, displayName: userId, isChannelAdmin: false, isOwner: false };
	const r = await app.core.handle({
		line,
		requester,
		place: { platform: 'console', channelId: userId, kind: 'console' },
		locale: userId,
	});
	out.push(`>>> [${userId}] ${line}\n${renderPlainText(r.reply)}\n`);
};
const cases = commandCases(app.holder.current());
for (const c of cases) for (let i = 0; i < lines; i++) await ask('en', c.line(i));
// The same answers in the other languages (the platform's hint), a few lines of each case.
for (const locale of ['ru', 'az', 'fa']) for (const c of cases) for (let i = 0; i < 3; i++) await ask(locale, c.line(i));
process.stdout.write(out.join('\n'));
process.exit(0);
