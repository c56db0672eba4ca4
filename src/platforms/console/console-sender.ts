/**
 * A PlatformSender for the console: writes the briefing as plain text to a stream, so console
 * subscriptions are delivered like any other platform's.
 */
import type { PlatformSender, SendOutcome } from '../../core/delivery.js';
import type { Reply } from '../../core/reply.js';
import { renderPlainText } from '../../render/plain-text.js';

export function createConsoleSender(output: NodeJS.WritableStream): PlatformSender {
	let count = 0;
	return {
		platform: 'console',
		send(channelId: string, reply: Reply): Promise<SendOutcome> {
			const stream = output as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
			if (stream.destroyed || stream.writableEnded)
				return Promise.resolve({ kind: 'permanent', reason: 'the console output is closed' });
			try {
				output.write(`\n[daily briefing for ${channelId}]\n${renderPlainText(reply)}\n\n`);
			} catch (err) {
				return Promise.resolve({ kind: 'transient', reason: err instanceof Error ? err.message : String(err), uncertain: true });
			}
			count++;
			return Promise.resolve({ kind: 'sent', messageIds: [`console-${count}`] });
		},
	};
}
