/** A Core over a snapshot, with a fixed clock, for command tests. */
import { registry } from '../../commands/index.js';
import { Core, type HandleResult } from '../../src/core/dispatch.js';
import type { Requester } from '../../src/core/command.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { silentLogger } from '../../src/logger.js';
import { renderPlainText } from '../../src/render/plain-text.js';

export const TEST_REQUESTER: Requester = {
	platform: 'console',
	userId: 'u1',
	displayName: 'tester',
	isChannelAdmin: false,
	isOwner: false,
};

export function testCore(dataset: DatasetSnapshot, now = '2025-07-01T09:00:00+04:00'): Core {
	return new Core({ registry, dataset: () => dataset, clock: () => new Date(now), logger: silentLogger(), services: { registry } });
}

/** Runs a line and returns the outcome with the reply as plain text. */
export async function ask(core: Core, line: string, requester: Requester = TEST_REQUESTER): Promise<HandleResult & { text: string }> {
	const r = await core.handle({ line, requester, place: { platform: 'console', channelId: 'c1', kind: 'console' } });
	return { ...r, text: renderPlainText(r.reply) };
}
