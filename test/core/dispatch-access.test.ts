/**
 * The core's access guard with a platform's lazy admin check (CommandRequest.isChannelAdmin) and
 * the bot name a platform passes with each request (CommandRequest.botName).
 */
import { describe, expect, it } from 'vitest';
import { defineCommand, type CommandModule, type Place, type Requester } from '../../src/core/command.js';
import type { CommandRequest } from '../../src/core/dispatch.js';
import { para } from '../../src/core/reply.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { testCore } from '../helpers/telegram-stand-in.js';

const adminNote = defineCommand({
	data: { name: 'admin_note', description: 'Test: for chat admins', access: 'channel_admin', options: [], examples: ['/admin_note'] },
	execute: (ctx) => ({ blocks: [para(`admin: ${String(ctx.requester.isChannelAdmin)}`)] }),
});
const extra = [adminNote] as unknown as CommandModule[];

const MEMBER: Requester = { platform: 'telegram', userId: '42', displayName: 'member', isChannelAdmin: false, isOwner: false };
const GROUP: Place = { platform: 'telegram', channelId: '-100', kind: 'group' };

/** A lazy check that counts its calls and answers `answer`. */
function check(answer: boolean | Error): { calls: number; isChannelAdmin: () => Promise<boolean> } {
	const c = {
		calls: 0,
		isChannelAdmin: () => {
			c.calls++;
			return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
		},
	};
	return c;
}

async function handle(request: Partial<CommandRequest> & { line: string }) {
	const core = await testCore(extra);
	const result = await core.handle({ requester: MEMBER, place: GROUP, ...request });
	return { ...result, text: renderPlainText(result.reply) };
}

describe('the lazy admin check', () => {
	it('is asked for an admin command, and its yes lets the member run it as an admin', async () => {
		const c = check(true);
		const r = await handle({ line: '/admin_note', isChannelAdmin: c.isChannelAdmin });
		expect(r.outcome.kind).toBe('ok');
		expect(r.text).toBe('admin: true');
		expect(c.calls).toBe(1);
	});

	it('its no denies the admin command with the usual answer', async () => {
		const c = check(false);
		const r = await handle({ line: '/admin_note', isChannelAdmin: c.isChannelAdmin });
		expect(r.outcome.kind).toBe('denied');
		expect(r.text).toContain('/admin_note is for admins of this chat only.');
		expect(c.calls).toBe(1);
	});

	it('is never asked for a command everyone may run, nor for an owner or a known admin', async () => {
		const c = check(true);
		expect((await handle({ line: '/help', isChannelAdmin: c.isChannelAdmin })).outcome.kind).toBe('ok');
		expect(
			(await handle({ line: '/admin_note', requester: { ...MEMBER, isOwner: true }, isChannelAdmin: c.isChannelAdmin })).outcome.kind,
		).toBe('ok');
		expect(
			(await handle({ line: '/admin_note', requester: { ...MEMBER, isChannelAdmin: true }, isChannelAdmin: c.isChannelAdmin }))
				.outcome.kind,
		).toBe('ok');
		expect(c.calls).toBe(0);
	});

	it('a failing check is the platform’s: handle() rejects with it for the adapter’s error boundary', async () => {
		const failure = new Error('getChatMember: 500 Internal Server Error');
		await expect(handle({ line: '/admin_note', isChannelAdmin: check(failure).isChannelAdmin })).rejects.toBe(failure);
	});
});

describe('the bot name a request carries', () => {
	it('ignores a line addressed to another bot and answers one addressed to this bot, in any case', async () => {
		expect((await handle({ line: '/help@OtherBot', botName: 'sitrep_bot' })).outcome.kind).toBe('ignored');
		expect((await handle({ line: '/help@SITREP_bot', botName: 'Sitrep_Bot' })).outcome.kind).toBe('ok');
		expect((await handle({ line: '/help', botName: 'sitrep_bot' })).outcome.kind).toBe('ok');
	});
});
