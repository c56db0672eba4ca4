/**
 * A scheduler process for the multi-process tests: opens the shared database (the SQLite file `db`,
 * or PostgreSQL at `databaseUrl`), optionally waits for a start signal, runs ticks, and logs every
 * send (one channel id per line) to a shared file.
 * Argument: JSON { db | databaseUrl, log, now, ticks?, stepMinutes?, delayMs?, concurrency?, ready?, go? }.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Platform } from '../../../src/core/command.js';
import type { PlatformSender } from '../../../src/core/delivery.js';
import { silentLogger } from '../../../src/logger.js';
import { createTickRunner } from '../../../src/scheduler/tick.js';
import { openPostgresStores } from '../../../src/store/postgres/postgres-stores.js';
import { openSqliteStores } from '../../../src/store/sqlite/sqlite-stores.js';
import type { Stores } from '../../../src/store/stores.js';
import { FakeSender, makeDataset } from './fixtures.js';

interface Args {
	db?: string;
	databaseUrl?: string;
	log: string;
	now: string;
	ticks?: number;
	stepMinutes?: number;
	delayMs?: number;
	concurrency?: number;
	ready?: string;
	go?: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const stores: Stores = args.databaseUrl ? await openPostgresStores(args.databaseUrl) : openSqliteStores(args.db!);
const sender = new FakeSender(
	'telegram',
	async () => {
		if (args.delayMs) await sleep(args.delayMs);
		return { kind: 'sent', messageIds: ['1'] };
	},
	args.log,
);
const dataset = makeDataset();
const runner = createTickRunner({
	store: stores.subscriptions,
	ledger: stores.ledger,
	senders: new Map<Platform, PlatformSender>([['telegram', sender]]),
	dataset: () => dataset,
	logger: silentLogger(),
	catchupMinutes: 120,
	concurrency: args.concurrency ?? 10,
});
if (args.ready) writeFileSync(args.ready, String(process.pid));
if (args.go) while (!existsSync(args.go)) await sleep(2);
const reports = [];
for (let i = 0; i < (args.ticks ?? 1); i++) {
	reports.push(await runner.runTick(new Date(Date.parse(args.now) + i * (args.stepMinutes ?? 1) * 60_000)));
}
await stores.close();
process.stdout.write(JSON.stringify(reports));
