/**
 * A scheduler process that delivers through the real Telegram sender (telegraf's client, the
 * pacer at Telegram's own pace) to the Bot API stand-in at `apiRoot`, for the kill -9 tests. Every
 * briefing is two messages long (part A and part B).
 * Argument: JSON { db | databaseUrl, apiRoot, now, ticks?, stepMinutes?, concurrency? }.
 */
import { Telegram } from 'telegraf';
import type { Platform } from '../../../src/core/command.js';
import type { PlatformSender } from '../../../src/core/delivery.js';
import { heading, para } from '../../../src/core/reply.js';
import { silentLogger } from '../../../src/logger.js';
import { DEFAULT_PACING, Pacer } from '../../../src/platforms/telegram/pacer.js';
import { PageKeyStore } from '../../../src/platforms/telegram/page-keys.js';
import { retryAfterMs } from '../../../src/platforms/telegram/send-errors.js';
import { TelegramSender } from '../../../src/platforms/telegram/telegram-sender.js';
import { createTickRunner } from '../../../src/scheduler/tick.js';
import { openPostgresStores } from '../../../src/store/postgres/postgres-stores.js';
import { openSqliteStores } from '../../../src/store/sqlite/sqlite-stores.js';
import type { Stores } from '../../../src/store/stores.js';
import { TOKEN } from '../../helpers/telegram-stand-in.js';
import { makeDataset } from './fixtures.js';

interface Args {
	db?: string;
	databaseUrl?: string;
	apiRoot: string;
	now: string;
	ticks?: number;
	stepMinutes?: number;
	concurrency?: number;
}

/** Two paragraphs that cannot share one 4,096-character message. */
export const PART_A = 'alpha';
export const PART_B = 'omega';

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const stores: Stores = args.databaseUrl ? await openPostgresStores(args.databaseUrl) : openSqliteStores(args.db!);
const logger = silentLogger();
const telegram = new Telegram(TOKEN, { apiRoot: args.apiRoot });
const sender = new TelegramSender(
	telegram,
	new Pacer(DEFAULT_PACING, retryAfterMs),
	new PageKeyStore({ ttlMs: 60_000, maxEntries: 100 }),
	logger,
	TOKEN,
);
const dataset = makeDataset();
const runner = createTickRunner({
	store: stores.subscriptions,
	ledger: stores.ledger,
	senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
	dataset: () => dataset,
	logger,
	catchupMinutes: 120,
	concurrency: args.concurrency ?? 25,
	compose: () => ({
		reply: { blocks: [heading('Daily briefing'), para(`${PART_A} `.repeat(600)), para(`${PART_B} `.repeat(600))] },
		newEvents: [],
		newCount: 0,
		updatedEvents: [],
	}),
});
const reports = [];
for (let i = 0; i < (args.ticks ?? 1); i++) {
	reports.push(await runner.runTick(new Date(Date.parse(args.now) + i * (args.stepMinutes ?? 1) * 60_000)));
}
await stores.close();
process.stdout.write(JSON.stringify(reports));
