/**
 * The Telegram Bot API stand-in of the tests (test/helpers/telegram-stand-in.ts) in its own process,
 * so that answering thousands of calls does not load the event loop being measured. It knows
 * `--chats` private chats with ids from `--first-chat`, and answers messages from the parent:
 * 'stats' → the delivered sendMessage calls, timed where they arrive; 'flood' → the given command
 * lines sent as one member's messages in the stand-in's supergroup (bench/flood.ts).
 *
 *   tsx bench/stand-in.child.ts --chats 10000 --first-chat 500000
 */
import type { Chat } from 'telegraf/types';
import { people, places, TelegramStandIn } from '../test/helpers/telegram-stand-in.js';
import { arg } from './lib.js';

const chats = Number(arg('chats'));
const first = Number(arg('first-chat'));
const standIn = await TelegramStandIn.start();
for (let i = 0; i < chats; i++) standIn.addChat({ id: first + i, type: 'private', first_name: `Reader ${i}` } as Chat);

process.on('message', (m: { kind: string; lines?: string[]; messageId?: number; html?: string }) => {
	if (m.kind === 'flood') {
		for (const line of m.lines ?? []) standIn.message(places.supergroup, people.alice, line);
	} else if (m.kind === 'seed') {
		// One message the bot "sent" earlier in every chat (message id `messageId`), for edits to find.
		for (let i = 0; i < chats; i++) {
			const chat = { id: first + i, type: 'private', first_name: `Reader ${i}` } as Chat;
			standIn.messages.set(`${first + i}:${m.messageId ?? 1}`, {
				chat,
				message_id: m.messageId ?? 1,
				text: m.html ?? '',
				parse_mode: 'HTML',
			});
		}
		process.send?.({ kind: 'seeded' });
	} else if (m.kind === 'edit-stats') {
		const edits = standIn.ok('editMessageText');
		const replies = standIn.ok('sendMessage');
		const at = [...edits, ...replies].map((c) => c.at).sort((a, b) => a - b);
		process.send?.({
			kind: 'edit-stats',
			edits: edits.length,
			replies: replies.length,
			failed: standIn.calls.filter((c) => c.error).length,
			chats: new Set(edits.map((c) => String(c.params['chat_id']))).size,
			arrivals: at,
		});
	} else if (m.kind === 'stats') {
		const ok = standIn.ok('sendMessage');
		const at = ok.map((c) => c.at).sort((a, b) => a - b);
		// Arrivals per 1-second window, to see the pacing from the receiving side.
		process.send?.({
			kind: 'stats',
			delivered: ok.length,
			failed: standIn.calls.filter((c) => c.error).length,
			chats: new Set(ok.map((c) => String(c.params['chat_id']))).size,
			firstAt: at[0] ?? 0,
			lastAt: at.at(-1) ?? 0,
			arrivals: at,
		});
	} else if (m.kind === 'stop') {
		void standIn.close().then(() => process.exit(0));
	}
});
process.send?.({ kind: 'ready', apiRoot: standIn.apiRoot });
