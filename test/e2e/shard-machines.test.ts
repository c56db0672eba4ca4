/**
 * One Discord bot on two "machines": two `node bin/sitrep.js start` processes with SITREP_SHARDS=1/2
 * and 0/2, on one store, against the Discord stand-in. A briefing is due from the start; the machine
 * without shard 0 runs no scheduler, so nothing is posted until the machine with shard 0 starts, and
 * then it is posted once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { user } from '../helpers/discord-stand-in.js';
import { DUE_NOW, seedDueBriefing, type DueBriefing } from '../helpers/discord-shards.js';

const TOKEN = 'two-machines-discord-token-0123456789';
const ALICE = user('600000000000000001', 'alice');

interface Machine {
	readonly proc: ChildProcess;
	logs: string;
}

let due: DueBriefing;
const machines: Machine[] = [];

function start(shards: string): Machine {
	const env = {
		...process.env,
		DISCORD_TOKEN: TOKEN,
		DISCORD_APP_ID: due.standIn.appId,
		DISCORD_API_ROOT: due.standIn.apiRoot,
		TELEGRAM_BOT_TOKEN: '',
		DATABASE_URL: '',
		SITREP_DATA: due.data,
		SITREP_DB: due.db,
		SITREP_NOW: DUE_NOW,
		SITREP_SHARDS: shards,
		SITREP_SCHEDULER: '',
		LOG_LEVEL: 'info',
	};
	const proc = spawn(process.execPath, ['bin/sitrep.js', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	const m: Machine = { proc, logs: '' };
	proc.stdout!.on('data', (d: Buffer) => (m.logs += d.toString()));
	proc.stderr!.on('data', (d: Buffer) => (m.logs += d.toString()));
	machines.push(m);
	return m;
}

async function waitForLog(m: Machine, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!pattern.test(m.logs)) {
		if (Date.now() > end || m.proc.exitCode !== null) throw new Error(`no log line matching ${pattern} in:\n${m.logs.slice(-3000)}`);
		await sleep(50);
	}
}

beforeAll(async () => {
	due = await seedDueBriefing({ prefix: 'sitrep-machines-', createdBy: `discord:${ALICE.id}` });
});

afterAll(async () => {
	for (const m of machines) {
		if (m.proc.exitCode !== null) continue;
		const exited = new Promise((resolve) => m.proc.once('exit', resolve));
		m.proc.kill('SIGTERM');
		await Promise.race([exited, sleep(15_000)]);
		if (m.proc.exitCode === null) m.proc.kill('SIGKILL');
	}
	await due?.close();
});

describe('two machines sharing one bot by shard ranges', () => {
	it('the machine without shard 0 runs its shard and no scheduler; the one with shard 0 posts the due briefing once', async () => {
		const b = start('1/2');
		await waitForLog(b, /"msg":"Discord shards started"/);
		expect(b.logs).toMatch(/"msg":"Briefing scheduler off on this machine/u);
		expect(due.standIn.identifies.map((i) => i['shard'])).toEqual([[1, 2]]);
		// A scheduler ticks at start; the due briefing would be posted within moments.
		await sleep(2000);
		expect(due.posts()).toHaveLength(0);

		const a = start('0/2');
		await waitForLog(a, /"msg":"Discord shards started"/);
		expect(a.logs).not.toMatch(/Briefing scheduler off/u);
		await due.standIn.waitFor(due.isPost, 20_000);
		expect(due.standIn.identifies.map((i) => i['shard'])).toEqual([
			[1, 2],
			[0, 2],
		]);
		await sleep(1000);
		expect(due.posts()).toHaveLength(1);
	}, 180_000);
});
