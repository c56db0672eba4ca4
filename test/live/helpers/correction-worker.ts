/**
 * A process that does a reload's pending corrections through the real Telegram sender (telegraf's
 * client, the pacer at Telegram's own pace) to the Bot API stand-in at `apiRoot`, for the kill -9 test.
 * Argument: JSON { db, dataDir, apiRoot, now }.
 */
import { Telegram } from 'telegraf';
import type { Platform } from '../../../src/core/command.js';
import type { PlatformSender } from '../../../src/core/delivery.js';
import { DatasetHolder } from '../../../src/dataset/dataset-holder.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { LiveService } from '../../../src/live/live-service.js';
import { silentLogger } from '../../../src/logger.js';
import { DEFAULT_PACING, Pacer } from '../../../src/platforms/telegram/pacer.js';
import { PageKeyStore } from '../../../src/platforms/telegram/page-keys.js';
import { retryAfterMs } from '../../../src/platforms/telegram/send-errors.js';
import { TelegramSender } from '../../../src/platforms/telegram/telegram-sender.js';
import { openSqliteStores } from '../../../src/store/sqlite/sqlite-stores.js';
import { TOKEN } from '../../helpers/telegram-stand-in.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { db: string; dataDir: string; apiRoot: string; now: string };
const stores = openSqliteStores(args.db);
const logger = silentLogger();
const sender = new TelegramSender(
	new Telegram(TOKEN, { apiRoot: args.apiRoot }),
	new Pacer(DEFAULT_PACING, retryAfterMs),
	new PageKeyStore({ ttlMs: 60_000, maxEntries: 100 }),
	logger,
	TOKEN,
);
const loaded = await loadDataset(args.dataDir);
if (!loaded.ok) throw new Error('dataset invalid');
const clock = () => new Date(args.now);
const holder = new DatasetHolder(loaded.snapshot, clock);
const live = new LiveService({
	store: stores.live,
	subscriptions: stores.subscriptions,
	senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
	dataset: () => holder.current(),
	clock,
	logger,
});
const report = await live.run();
stores.close();
process.stdout.write(JSON.stringify(report));
