/**
 * Commands as users meet them: the bot as `sitrep chat` composes it (createApp, the console
 * platform, pictures on, PNGs written to a directory), one line at a time through the console's own
 * input and output streams, timed from the line written to its answer printed. The command mix is
 * commands.ts' plus the cases whose picture a reader asks for again (cached pictures), where the
 * answer's cost is everything but the render.
 *
 *   node --expose-gc --import tsx bench/users.child.ts --events 100000 [--commands 200] [--pictures off] [--cache DIR]
 *     [--only briefing,actor] [--slowest N] [--across-check]
 *   (or --dir DIR for a dataset directory; --only runs the cases whose name holds one of the words;
 *   --slowest N logs each case's N slowest lines with their times, to tell a heavy argument from noise)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { closeImageWorkers } from '../src/images/index.js';
import { runConsoleChat } from '../src/platforms/console/console-chat.js';
import { saveReplyAttachments } from '../src/platforms/console/save-images.js';
import { commandCases, type CommandCase } from './commands.js';
import { benchApp } from './bench-app.js';
import { arg, datasetDir, flag, gcInCommands, log, peakRssMb, reply, round, settle, stats, watchGc, type Stats } from './lib.js';

export interface UsersResult {
	readonly events: number;
	readonly pictures: boolean;
	/** From createApp's start to the first answer printed, ms. */
	readonly readyMs: number;
	/** From createApp's start to the end of the check of the files' content (measuring starts then), ms. */
	readonly checkedMs: number;
	/** Per case; `gc`: the commands a collection fell in (lib.ts gcInCommands). */
	readonly commands: Record<string, Stats & { readonly within5msPercent: number; readonly gc: ReturnType<typeof gcInCommands> }>;
	/** Every answer of every case. */
	readonly all: Stats & { readonly within5msPercent: number };
	readonly steadyRssMb: number;
	readonly peakRssMb: number;
	readonly picturesWritten: number;
}

const events = arg('events', '');
const dir = arg('dir', events ? datasetDir(Number(events)) : '');
if (!dir) throw new Error('--events N or --dir DIR is required');
const runs = Number(arg('commands', '200'));
const pictures = arg('pictures', 'on') !== 'off';
const only = arg('only', '')
	.split(',')
	.map((w) => w.trim())
	.filter(Boolean);
const slowest = Number(arg('slowest', '0'));
const imageDir = mkdtempSync(path.join(os.tmpdir(), 'sitrep-bench-images-'));

const t0 = performance.now();
// The built dataset is kept as the bot keeps it (SITREP_DATASET_CACHE): a second run starts from it.
const cache = arg('cache', path.join(os.tmpdir(), 'sitrep-bench-cache'));
const app = await benchApp(dir, cache, pictures);

// The console chat, fed a line at a time; each answer ends with a blank line.
const input = new PassThrough();
let waiting: ((text: string) => void) | undefined;
let buffered = '';
let written = 0;
const output = new Writable({
	write(chunk: Buffer, _enc, done) {
		buffered += chunk.toString();
		if (buffered.endsWith('\n\n') && waiting) {
			const text = buffered;
			buffered = '';
			const w = waiting;
			waiting = undefined;
			w(text);
		}
		done();
	},
});
const chat = runConsoleChat(app.core, {
	input,
	output,
	interactive: false,
	saveAttachments: async (r) => {
		const paths = await saveReplyAttachments(r, imageDir);
		written += paths.length;
		return paths;
	},
});

function ask(line: string): Promise<string> {
	return new Promise((resolve) => {
		waiting = resolve;
		input.write(`${line}\n`);
	});
}

const first = await ask('/timeline limit:5');
const readyMs = performance.now() - t0;
if (!first.includes('\n')) throw new Error('no answer from the console');
log(
	`${app.holder.current().counts.events} events: ready (first answer printed) in ${readyMs.toFixed(0)} ms, pictures ${pictures ? 'on' : 'off'}`,
);

// A start that found its build by the files' names, sizes and mtimes reads and hashes every file in
// a worker just after (AppOptions.onDatasetChecked): at a million events a second or two of both
// cores and a gigabyte through the page cache. Commands are measured once it has ended, as the bot
// runs from then on; the wait is reported.
// --across-check: measure from the first answer on instead, the first cases across the check.
const checked = app.checked.then(() => {
	const ms = performance.now() - t0;
	log(`the start's check of the files' content ended ${ms.toFixed(0)} ms after the start`);
	return ms;
});
if (!flag('across-check')) await checked;

const ds = app.holder.current();
const cases: CommandCase[] = [
	...commandCases(ds),
	// Asked again by the next reader: the picture is in the cache, the rest of the answer is not.
	{ name: '/timeline (whole story, again)', line: () => '/timeline' },
	{ name: '/timeline text (again)', line: (i: number) => `/timeline text:"${['police raid', 'embassy protest'][i % 2]!}"` },
].filter((c) => only.length === 0 || only.some((w) => c.name.includes(w)));
if (cases.length === 0) throw new Error(`--only ${only.join(',')}: no case's name holds any of these words`);
await settle();
const commands: Record<string, Stats & { within5msPercent: number; gc: ReturnType<typeof gcInCommands> }> = {};
const gcs = watchGc();
const everything: number[] = [];
const within = (samples: readonly number[]): number => round((100 * samples.filter((s) => s <= 5).length) / samples.length, 1);
for (const c of cases) {
	for (let i = 0; i < 3; i++) await ask(c.line(i)); // warm-up
	const samples: number[] = [];
	const starts: number[] = [];
	const lines: string[] = [];
	for (let i = 0; i < runs; i++) {
		const line = c.line(i);
		const s = performance.now();
		const text = await ask(line);
		samples.push(performance.now() - s);
		starts.push(s);
		lines.push(line);
		if (/went wrong|error/iu.test(text.slice(0, 200)) && i === 0) log(`${c.name}: ${text.slice(0, 200)}`);
	}
	everything.push(...samples);
	// The last collections' entries arrive a moment after them.
	await new Promise((resolve) => setTimeout(resolve, 50));
	const gc = gcInCommands(gcs, starts, samples);
	if (slowest > 0) {
		const order = samples.map((_, i) => i).sort((a, b) => samples[b]! - samples[a]!);
		for (const i of order.slice(0, slowest)) log(`  ${round(samples[i]!, 2)} ms (#${i}): ${lines[i]!}`);
	}
	commands[c.name] = { ...stats(samples), within5msPercent: within(samples), gc };
	log(
		`${c.name}: median ${commands[c.name]!.medianMs} ms, p99 ${commands[c.name]!.p99Ms} ms, ${commands[c.name]!.within5msPercent}% within 5 ms; a collection in ${gc.withGcPercent}% of them and in ${gc.tailWithGc} at or above the p99; p99 of the rest ${gc.p99WithoutGcMs} ms`,
	);
}
await settle();
const steadyRssMb = round(process.memoryUsage().rss / 1048576, 1);
input.end();
await chat;
await closeImageWorkers();
rmSync(imageDir, { recursive: true, force: true });

const result: UsersResult = {
	events: ds.counts.events,
	pictures,
	readyMs: round(readyMs, 0),
	checkedMs: round(await checked, 0),
	commands,
	all: { ...stats(everything), within5msPercent: within(everything) },
	steadyRssMb,
	peakRssMb: peakRssMb(),
	picturesWritten: written,
};
reply(result);
