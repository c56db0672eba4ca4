/**
 * Memory under a command flood (issue #18): one ordinary member sends `--commands` distinct
 * /timeline commands in a supergroup, through the real telegraf client, to the Bot API stand-in in
 * its own process, at Telegram's real pace for a group (20 messages a minute). Prints the idle RSS
 * (after a warm-up command and a forced collection), the peak RSS sampled every 20 ms while the
 * flood is handled, and what was answered and dropped. `--unbounded` lifts the flood bounds, to see
 * what they save.
 *
 *   node --expose-gc --import tsx bench/flood.ts [--commands 150] [--watch-ms 15000] [--unbounded]
 */
import { fork } from 'node:child_process';
import { commandModules } from '../commands/index.js';
import type { CommandModule } from '../src/core/command.js';
import { Core } from '../src/core/dispatch.js';
import type { DropReason } from '../src/core/flood.js';
import { createRegistry } from '../src/core/registry.js';
import { startTelegram } from '../src/platforms/telegram/telegram-adapter.js';
import { silentLogger } from '../src/logger.js';
import { demoDataset, testConfig, type TelegramStandIn } from '../test/helpers/telegram-stand-in.js';
import { arg, flag, log, round, settle } from './lib.js';

const commands = Number(arg('commands', '150'));
const watchMs = Number(arg('watch-ms', '15000'));
const unbounded = flag('unbounded');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMb = () => round(process.memoryUsage.rss() / 1048576, 1);

const standIn = fork(new URL('./stand-in.child.ts', import.meta.url).pathname, ['--chats', '0', '--first-chat', '1'], {
	execArgv: ['--import', 'tsx'],
	stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const fromStandIn = <T>(kind: string): Promise<T> =>
	new Promise((resolve) => {
		const on = (m: { kind: string }) => {
			if (m.kind !== kind) return;
			standIn.off('message', on);
			resolve(m as T);
		};
		standIn.on('message', on);
	});
const { apiRoot } = await fromStandIn<{ apiRoot: string }>('ready');

const dropped: Partial<Record<DropReason, number>> = {};
const snapshot = await demoDataset();
const registry = createRegistry(commandModules as unknown as CommandModule[]);
// As main.ts builds it: /timeline's first page carries a picture of the result.
const core = new Core({
	registry,
	dataset: () => snapshot,
	clock: () => new Date('2025-07-10T09:00:00Z'),
	logger: silentLogger(),
	services: { registry, images: true },
});
const platform = await startTelegram({
	core,
	// testConfig reads only apiRoot from the stand-in.
	config: testConfig({ apiRoot } as TelegramStandIn),
	logger: silentLogger(),
	tuning: { drainMs: 100, ...(unbounded ? { flood: { burst: 1e9, chatQueue: 1e9 } } : {}) },
	onDrop: (_p, reason) => void (dropped[reason] = (dropped[reason] ?? 0) + 1),
});
const delivered = async () => {
	standIn.send({ kind: 'stats' });
	return (await fromStandIn<{ delivered: number }>('stats')).delivered;
};

// Warm up: one answered command (the code paths, the dataset's indexes), then a settled heap.
standIn.send({ kind: 'flood', lines: ['/timeline limit:5'] });
while ((await delivered()) < 1) await sleep(50);
await sleep(2000);
if (!(await settle())) log('run with node --expose-gc for a settled idle figure');
const idle = rssMb();

let peak = idle;
let peakWaiting = 0;
const sampler = setInterval(() => {
	peak = Math.max(peak, rssMb());
	peakWaiting = Math.max(peakWaiting, platform.waitingReplies());
}, 20);
// Distinct commands, each with a first page (and so a picture): a different limit and date range.
const lines = Array.from({ length: commands }, (_, i) => `/timeline limit:${(i % 20) + 1} from:2025-0${1 + (Math.floor(i / 20) % 6)}-01`);
standIn.send({ kind: 'flood', lines });
await sleep(watchMs);
clearInterval(sampler);
const after = await delivered();
const droppedDuringWatch = { ...dropped };
await settle();
const settled = rssMb();

await platform.stop();
standIn.send({ kind: 'stop' });
const result = {
	bounded: !unbounded,
	commands,
	watchMs,
	idleRssMb: idle,
	peakRssMb: peak,
	peakOverIdleMb: round(peak - idle, 1),
	settledRssMb: settled,
	peakWaitingReplies: peakWaiting,
	sentDuringWatch: after - 1,
	refusedOrDroppedDuringWatch: droppedDuringWatch,
	droppedAtStop: (dropped.stopped ?? 0) - (droppedDuringWatch.stopped ?? 0),
};
console.log(JSON.stringify(result, null, 2));
process.exit(0);
