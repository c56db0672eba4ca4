/**
 * Moving from SQLite to PostgreSQL: everything but the day-long update ids is copied, ids keep
 * counting where SQLite stopped, and a database already in use is refused.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { CopyRefused, copySqliteToPostgres } from '../../src/store/copy-sqlite-to-postgres.js';
import { openPostgresStores } from '../../src/store/postgres/postgres-stores.js';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import type { Stores } from '../../src/store/stores.js';
import { PG_SKIP_REASON, useStoreBackends } from '../helpers/store-backends.js';
import { makeDataset, tempDir } from '../scheduler/helpers/fixtures.js';
import { firstSeenOf } from '../helpers/version-maps.js';

const postgres = useStoreBackends().find((b) => b.name === 'postgres')!;
const T0 = new Date('2025-07-01T04:00:00.000Z');

async function everything(s: Stores, snapshot: DatasetSnapshot) {
	return {
		subscriptions: await s.subscriptions.list(),
		deliveries: await s.ledger.list(),
		audit: await s.reloadAudit.recent(100),
		firstSeen: await firstSeenOf(s.eventVersions, snapshot),
		since: await s.eventVersions.trackingSince(),
	};
}

describe.skipIf(postgres.skip)(`migrate-sqlite-to-postgres${PG_SKIP_REASON ? ` (${PG_SKIP_REASON})` : ''}`, () => {
	it('copies subscriptions with their ids, the ledger, the audit log and event versions; ids are never reused', async () => {
		const t = tempDir();
		try {
			const file = path.join(t.dir, 'sitrep.db');
			const src = openSqliteStores(file);
			const input = { platform: 'telegram', time: '09:00', timezone: 'Asia/Baku', quiet: false, createdBy: 'telegram:1' } as const;
			await src.subscriptions.upsert({ ...input, channelId: '-1009007199254740993', tag: 'media', quiet: true, language: 'az' }, T0);
			const b = (
				await src.subscriptions.upsert({ ...input, platform: 'discord', channelId: 'c1', guildId: 'g1', actorId: 'kremlin' }, T0)
			).subscription;
			const gone = (await src.subscriptions.upsert({ ...input, channelId: '-3' }, T0)).subscription;
			await src.subscriptions.remove('telegram', '-3');
			await src.subscriptions.pause(b.id, 'missing access', T0);
			const k = (id: number, localDate: string) => ({
				subscriptionId: id,
				localDate,
				scheduledAt: `${localDate}T05:00:00.000Z`,
				platform: 'telegram' as const,
				channelId: 'x',
			});
			await src.ledger.claim([k(1, '2025-07-01'), k(2, '2025-07-01')], T0);
			await src.ledger.settle(
				[
					{ key: k(1, '2025-07-01'), settlement: { status: 'sent', messageIds: ['11', '12'] } },
					{
						key: k(2, '2025-07-01'),
						settlement: {
							status: 'failed',
							reason: '502',
							retryable: true,
							nextAttemptAt: new Date('2025-07-01T05:10:00.000Z'),
						},
					},
				],
				T0,
			);
			await src.ledger.recordSkipped([k(1, '2025-06-30')], 'late', T0);
			await src.reloadAudit.record({
				at: T0.toISOString(),
				requester: { platform: 'discord', userId: '7', displayName: 'Ana' },
				trigger: 'command',
				dryRun: true,
				result: 'dry_run',
				version: 'v',
				counts: { events: 1, actors: 2, sources: 3, claims: 4 },
				durationMs: 5,
			});
			await src.reloadAudit.record({
				at: T0.toISOString(),
				requester: { platform: 'system', userId: 's', displayName: 'SIGHUP' },
				trigger: 'signal',
				dryRun: false,
				result: 'failed',
				errorCount: 2,
				durationMs: 1,
			});
			const snapshot = makeDataset();
			await src.eventVersions.recordSnapshot(snapshot, T0);
			await src.updates.firstSeen('telegram', '1', T0);
			const before = await everything(src, snapshot);
			src.close();

			const { target } = await postgres.fresh();
			expect(await copySqliteToPostgres(file, target)).toEqual({
				subscriptions: 2,
				deliveries: 3,
				reloadAudit: 2,
				eventVersions: [...snapshot.eachEvent()].length,
			});
			const dst = await openPostgresStores(target);
			try {
				expect(await everything(dst, snapshot)).toEqual(before);
				const next = (await dst.subscriptions.upsert({ ...input, channelId: '-4' }, T0)).subscription;
				expect(next.id).toBeGreaterThan(gone.id);
				// A retryable failure copied over is retaken by PostgreSQL's ledger when due.
				expect(await dst.ledger.claim([k(2, '2025-07-01')], new Date('2025-07-01T05:10:00.000Z'))).toEqual([
					{ kind: 'claimed', attempt: 2 },
				]);
				expect(await dst.updates.firstSeen('telegram', '1', T0)).toBe(true);
				// A second copy would mix two histories: refused, nothing changes.
				await expect(copySqliteToPostgres(file, target)).rejects.toThrow(CopyRefused);
				expect(await dst.subscriptions.list()).toHaveLength(3);
			} finally {
				await dst.close();
			}
		} finally {
			t.cleanup();
		}
	});
});
