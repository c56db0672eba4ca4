/**
 * Invisible characters in commands (issue #18): they never change which record answers, and an id
 * that is not exact gets "did you mean", never another record.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/dispatch.js';
import { cleanValue, stripInvisible } from '../../src/core/invisible.js';
import { renderPlainText } from '../../src/render/plain-text.js';
import { testCore } from '../helpers/telegram-stand-in.js';

let core: Core;
beforeAll(async () => {
	core = await testCore();
});

const requester = { platform: 'console', userId: 'u', displayName: 'u', isChannelAdmin: false, isOwner: false } as const;
const place = { platform: 'console', channelId: 'c', kind: 'console' } as const;
const ask = async (line: string) => {
	const r = await core.handle({ line, requester, place });
	return { ...r, text: renderPlainText(r.reply) };
};

const INVISIBLES = [
	'\u200b',
	'\u200c',
	'\u200d',
	'\u2060',
	'\ufeff',
	'\u00ad',
	'\u200e',
	'\u200f',
	'\u202a',
	'\u202e',
	'\u2066',
	'\u2069',
	'\u061c',
];

describe('invisible characters', () => {
	it('do not change which event /event answers, wherever they are', async () => {
		const expected = (await ask('/event yekaterinburg-raids')).text;
		for (const ch of INVISIBLES) {
			for (const line of [
				`/event yekaterinburg-raids${ch}`,
				`/event yekaterinburg${ch}-raids`,
				`/event ${ch}yekaterinburg-raids`,
				`/ev${ch}ent id:yekaterinburg-raids`,
			]) {
				const r = await ask(line);
				expect(r.outcome.kind, JSON.stringify(line)).toBe('ok');
				expect(r.text, JSON.stringify(line)).toBe(expected);
			}
		}
	});

	it('are stripped from structured options (Discord) and other option types too', async () => {
		const expected = (await ask('/actor kremlin')).text;
		const r = await core.handle({ command: 'actor', options: { name: 'kreml\u200bin\ufeff' }, requester, place });
		expect(renderPlainText(r.reply)).toBe(expected);
		const t = await ask('/timeline limit:\u200b3 from:2025-06-27\u2060');
		expect(t.outcome.kind).toBe('ok');
	});

	it('an id that is not exact gets "did you mean", not another event', async () => {
		const r = await ask('/event yekaterinburg-raid');
		expect(r.outcome.kind).toBe('user_error');
		expect(r.text).toMatch(/Did you mean yekaterinburg-raids/u);
		// Words still find the one event they describe.
		expect((await ask('/event yekaterinburg raids')).outcome.kind).toBe('ok');
	});

	it('joiners stay word breaks in free text and vanish from ids', () => {
		expect(stripInvisible('a\u200bb\u202ec\u200cd')).toBe('abcd');
		expect(stripInvisible('می\u200cکند')).toBe('می\u200cکند');
		expect(cleanValue('می\u200cکند', true)).toBe('می کند');
		expect(cleanValue('yekaterinburg\u200d-raids', false)).toBe('yekaterinburg-raids');
	});
});
