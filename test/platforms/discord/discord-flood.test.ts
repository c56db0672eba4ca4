/**
 * Issue #18 on Discord, through the real discord.js client against the stand-in: the per-user
 * command rate (a flood runs the command at most `burst` times; every refused interaction is still
 * acknowledged, privately, with the "slow down" line), and a refused attachment that costs the
 * picture, not the words.
 */
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageFlags, type APIEmbed } from 'discord.js';
import { createConfig } from '../../../src/config.js';
import { defineCommand, type CommandModule } from '../../../src/core/command.js';
import { Core } from '../../../src/core/dispatch.js';
import { para } from '../../../src/core/reply.js';
import { createRegistry } from '../../../src/core/registry.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../../src/dataset/snapshot.js';
import { startDiscord, type DiscordPlatform } from '../../../src/platforms/discord/discord-adapter.js';
import { DiscordStandIn, TEXT_CHANNEL, user } from '../../helpers/discord-stand-in.js';

const TOKEN = 'stand-in-token-abcdefghijklmnop';
const ALICE = user('600000000000000001', 'alice');
const BOB = user('600000000000000002', 'bob');

let runs = 0;
const counted = defineCommand({
	data: { name: 'counted', description: 'Counts its runs', access: 'everyone', options: [], examples: ['/counted'] },
	execute: () => {
		runs++;
		return { blocks: [para('counted answer')] };
	},
}) as unknown as CommandModule;

const pictured = defineCommand({
	data: { name: 'pictured', description: 'Answers with a picture', access: 'everyone', options: [], examples: ['/pictured'] },
	execute: () => ({
		blocks: [para('the words with a picture')],
		images: [{ name: 'p.png', png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), alt: 'picture' }],
	}),
}) as unknown as CommandModule;

describe('Discord flood bound and attachments', () => {
	let standIn: DiscordStandIn;
	let platform: DiscordPlatform;
	let dataset: DatasetSnapshot;
	const logLines: string[] = [];

	beforeAll(async () => {
		const loaded = await loadDataset(path.resolve('test/fixtures/discord'));
		if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
		dataset = loaded.snapshot;
		standIn = await DiscordStandIn.start();
		const logger = pino({ level: 'warn' }, { write: (s: string) => void logLines.push(s) });
		const config = createConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APP_ID: standIn.appId, DISCORD_API_ROOT: standIn.apiRoot });
		const core = new Core({
			registry: createRegistry([counted, pictured]),
			dataset: () => dataset,
			clock: () => new Date('2025-07-10T09:00:00+04:00'),
			logger,
		});
		platform = await startDiscord({ core, config, logger, flood: { burst: 3, refillMs: 60_000 } });
	});

	afterAll(async () => {
		await platform?.stop();
		await standIn?.close();
	});

	it('runs one member’s flood at most `burst` times and answers the rest privately with "slow down"', async () => {
		const sent = Array.from({ length: 12 }, () => standIn.command({ name: 'counted', user: ALICE }));
		const callbacks = await Promise.all(
			sent.map((i) => standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback` && c.status < 300)),
		);
		const data = callbacks.map((c) => c.body?.['data'] as { embeds?: APIEmbed[]; flags?: number });
		const text = (d: { embeds?: APIEmbed[] }) => JSON.stringify(d.embeds ?? []);
		expect(runs).toBe(3);
		expect(data.filter((d) => text(d).includes('counted answer'))).toHaveLength(3);
		const slow = data.filter((d) => text(d).includes('faster than I can answer'));
		expect(slow).toHaveLength(9);
		for (const d of slow) expect((d.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
		// Another member is not held back.
		const b = standIn.command({ name: 'counted', user: BOB });
		await standIn.waitFor((c) => c.path === `/interactions/${b.id}/${b.token}/callback` && c.status < 300);
		expect(runs).toBe(4);
	});

	it('sends the words without the picture when Discord refuses the upload, and logs it', async () => {
		standIn.inject({ method: 'POST', path: /\/callback$/u, status: 413, body: { message: 'Request entity too large', code: 40005 } });
		const i = standIn.command({ name: 'pictured', user: BOB });
		const cb = await standIn.waitFor((c) => c.path === `/interactions/${i.id}/${i.token}/callback` && c.status < 300);
		expect(JSON.stringify(cb.body)).toContain('the words with a picture');
		expect(logLines.join('')).toContain('Discord refused an attachment; the words go out without it');
	});

	it('posts a briefing’s words to a channel when Discord refuses its picture', async () => {
		standIn.inject({
			method: 'POST',
			path: /^\/channels\/\d+\/messages$/u,
			status: 413,
			body: { message: 'Request entity too large', code: 40005 },
		});
		const before = standIn.calls.length;
		const outcome = await platform.sender.send(TEXT_CHANNEL, {
			blocks: [para('briefing words')],
			images: [{ name: 'p.png', png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), alt: 'picture' }],
		});
		expect(outcome).toMatchObject({ kind: 'sent' });
		const posts = standIn.calls.slice(before).filter((c) => c.path.startsWith('/channels/'));
		expect(posts.map((c) => c.status)).toEqual([413, 200]);
		expect(JSON.stringify(posts[1]!.body)).toContain('briefing words');
	});
});
