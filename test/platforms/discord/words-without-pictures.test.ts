/**
 * A channel where the bot may not attach files or embed links (50013) still gets a briefing's
 * words: the real discord.js REST client against the Discord stand-in.
 */
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heading, para, type Reply } from '../../../src/core/reply.js';
import { silentLogger } from '../../../src/logger.js';
import { restApiBase } from '../../../src/platforms/discord/deploy-commands.js';
import { createDiscordSender } from '../../../src/platforms/discord/discord-sender.js';
import type { PlatformSender } from '../../../src/core/delivery.js';
import { DiscordStandIn, TEXT_CHANNEL } from '../../helpers/discord-stand-in.js';

const MESSAGES = /^\/channels\/\d+\/messages$/u;
const missingPermissions = { message: 'Missing Permissions', code: 50013 };
const picture: Reply = {
	blocks: [heading('The Kremlin'), para('Says the arrests in Yekaterinburg were routine.')],
	images: [{ name: 'relations.png', png: new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), alt: 'Relations of the Kremlin' }],
};

let standIn: DiscordStandIn;
let sender: PlatformSender;
beforeEach(async () => {
	standIn = await DiscordStandIn.start();
	const rest = new REST({ api: restApiBase(standIn.apiRoot), retries: 0 }).setToken('stand-in-token');
	sender = createDiscordSender(rest, silentLogger());
});
afterEach(async () => {
	await standIn.close();
});

const posts = () => standIn.calls.filter((c) => c.method === 'POST' && MESSAGES.test(c.path));

describe('the words never wait on a picture (Discord)', () => {
	it('sends the words without the picture where Attach Files is missing', async () => {
		standIn.inject({
			method: 'POST',
			path: MESSAGES,
			status: 403,
			body: missingPermissions,
			when: (c) => c.files.length > 0,
			times: 10,
		});
		const outcome = await sender.send(TEXT_CHANNEL, picture);
		expect(outcome).toMatchObject({ kind: 'sent', parts: [{ part: 1, parts: 1, messageIds: [expect.any(String)] }] });
		expect(posts().map((c) => [c.status, c.files.length])).toEqual([
			[403, 1],
			[200, 0],
		]);
		const sent = posts()[1]!.body!;
		expect(JSON.stringify(sent['embeds'])).toContain('routine');
		expect(JSON.stringify(sent['embeds'])).not.toContain('attachment://');
	});

	it('sends the words as plain content where Embed Links is missing too', async () => {
		standIn.inject({
			method: 'POST',
			path: MESSAGES,
			status: 403,
			body: missingPermissions,
			when: (c) => Array.isArray(c.body?.['embeds']),
			times: 10,
		});
		const outcome = await sender.send(TEXT_CHANNEL, picture);
		expect(outcome.kind).toBe('sent');
		expect(posts().map((c) => c.status)).toEqual([403, 403, 200]);
		const sent = posts()[2]!.body!;
		expect(sent['content']).toBe('**The Kremlin**\nSays the arrests in Yekaterinburg were routine.');
		expect(sent['allowed_mentions']).toEqual({ parse: [] });
	});

	it('plain content is split within 2,000 characters, and every message id is reported', async () => {
		standIn.inject({
			method: 'POST',
			path: MESSAGES,
			status: 403,
			body: missingPermissions,
			when: (c) => Array.isArray(c.body?.['embeds']),
			times: 10,
		});
		const long: Reply = { blocks: [heading('Briefing'), ...Array.from({ length: 6 }, (_, i) => para(`${i} ${'word '.repeat(140)}`))] };
		const outcome = await sender.send(TEXT_CHANNEL, long);
		expect(outcome.kind).toBe('sent');
		const contents = posts()
			.filter((c) => c.status === 200)
			.map((c) => String(c.body!['content']));
		expect(contents.length).toBeGreaterThan(1);
		for (const c of contents) expect(c.length).toBeLessThanOrEqual(2000);
		expect(contents.join('\n')).toContain(`5 ${'word '.repeat(139)}word`);
		expect(outcome.kind === 'sent' && outcome.messageIds).toHaveLength(contents.length);
	});

	it('a channel where the bot may not send at all is still a permanent failure', async () => {
		standIn.inject({ method: 'POST', path: MESSAGES, status: 403, body: missingPermissions, times: 10 });
		expect(await sender.send(TEXT_CHANNEL, picture)).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('50013') });
	});
});

describe('direct messages (owners told of a pause)', () => {
	it('opens the DM channel and posts to it', async () => {
		const outcome = await sender.sendToUser!('100000000000000042', { blocks: [para('Daily briefing paused')] });
		expect(outcome.kind).toBe('sent');
		const calls = standIn.calls.filter((c) => c.method === 'POST');
		expect(calls.map((c) => c.path)).toEqual(['/users/@me/channels', '/channels/900000000000000042/messages']);
		expect(calls[0]!.body).toEqual({ recipient_id: '100000000000000042' });
	});
});
