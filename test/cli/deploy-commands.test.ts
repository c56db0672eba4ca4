/** `npx sitrep deploy-commands` as a user runs it, against the local Discord stand-in. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { DiscordStandIn, GUILD } from '../helpers/discord-stand-in.js';

const run = promisify(execFile);
let standIn: DiscordStandIn;
beforeAll(async () => {
	standIn = await DiscordStandIn.start();
});
afterAll(async () => {
	await standIn.close();
});

async function deploy(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	const env = {
		...process.env,
		DISCORD_TOKEN: 'cli-token-abcdefghijklmnop',
		DISCORD_APP_ID: standIn.appId,
		DISCORD_API_ROOT: standIn.apiRoot,
		TELEGRAM_BOT_TOKEN: '',
		LOG_LEVEL: 'silent',
	};
	try {
		const r = await run(process.execPath, ['bin/sitrep.js', 'deploy-commands', ...args], { env, timeout: 60_000 });
		return { code: 0, stdout: r.stdout, stderr: r.stderr };
	} catch (err) {
		const e = err as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

describe('npx sitrep deploy-commands', () => {
	it('registers in one server, and a second run changes nothing', async () => {
		const first = await deploy(['--guild', GUILD]);
		expect(first.code).toBe(0);
		expect(first.stdout).toMatch(new RegExp(`Registered ${registry.size} commands for server ${GUILD}`));
		const second = await deploy(['--guild', GUILD]);
		expect(second.stdout).toMatch(/already registered .*nothing changed/);
		expect(standIn.calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
	});

	it('registers globally without --guild, and refuses a bad guild id', async () => {
		expect((await deploy([])).stdout).toMatch(/all servers \(global/);
		const bad = await deploy(['--guild', 'abc']);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toMatch(/not a Discord guild id/);
	});
});
