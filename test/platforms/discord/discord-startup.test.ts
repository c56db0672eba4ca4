/** Start-up guards: a rejected token and a nearly spent IDENTIFY budget fail fast and cleanly. */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../../commands/index.js';
import { createConfig } from '../../../src/config.js';
import { Core } from '../../../src/core/dispatch.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { silentLogger } from '../../../src/logger.js';
import { startDiscord } from '../../../src/platforms/discord/discord-adapter.js';
import { DiscordStandIn } from '../../helpers/discord-stand-in.js';

let standIn: DiscordStandIn | undefined;
afterEach(async () => {
	await standIn?.close();
	standIn = undefined;
});

async function setup(options: { sessionsRemaining?: number } = {}) {
	standIn = await DiscordStandIn.start(options);
	const loaded = await loadDataset(path.resolve('test/fixtures/discord'));
	if (!loaded.ok) throw new Error('fixture does not load');
	const snapshot = loaded.snapshot;
	const core = new Core({ registry, dataset: () => snapshot, clock: () => new Date(), logger: silentLogger() });
	const config = createConfig({
		DISCORD_TOKEN: 'startup-token-abcdefghijk',
		DISCORD_APP_ID: standIn.appId,
		DISCORD_API_ROOT: standIn.apiRoot,
	});
	return { core, config, standIn };
}

describe('startDiscord start-up guards', () => {
	it('refuses to start when few gateway sessions remain today, before identifying', async () => {
		const { core, config, standIn: s } = await setup({ sessionsRemaining: 12 });
		await expect(startDiscord({ core, config, logger: silentLogger() })).rejects.toThrow(/only 12 of 1000 gateway sessions remain/u);
		expect(s.identifies).toHaveLength(0);
	});

	it('rejects promptly when the token is refused (401)', async () => {
		const { core, config, standIn: s } = await setup();
		s.inject({ path: /^\/gateway\/bot$/u, status: 401, body: { message: '401: Unauthorized', code: 0 }, times: 5 });
		const t0 = performance.now();
		await expect(startDiscord({ core, config, logger: silentLogger() })).rejects.toThrow(/Discord login failed/u);
		expect(performance.now() - t0).toBeLessThan(5000);
		expect(s.identifies).toHaveLength(0);
	});

	it('starts and stops cleanly', async () => {
		const { core, config } = await setup();
		const platform = await startDiscord({ core, config, logger: silentLogger() });
		expect(platform.client.isReady()).toBe(true);
		await platform.stop();
		expect(platform.client.isReady()).toBe(false);
	});
});
