/**
 * DATABASE_URL: validated, redacted from logs, and choosing PostgreSQL over the SQLite file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../src/config.js';
import { redactSecrets } from '../../src/logger.js';
import { describeStore, openStores } from '../../src/store/open-stores.js';
import type { Stores } from '../../src/store/stores.js';
import { tempDir } from '../scheduler/helpers/fixtures.js';
import { PG_SKIP_REASON, useStoreBackends } from '../helpers/store-backends.js';

const postgres = useStoreBackends().find((b) => b.name === 'postgres')!;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

describe('DATABASE_URL', () => {
	it('accepts postgres:// and postgresql:// URLs and is unset by default', () => {
		expect(createConfig({}).databaseUrl).toBeUndefined();
		expect(createConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
		expect(createConfig({ DATABASE_URL: 'postgres://sitrep:pw@db.internal:5432/sitrep' }).databaseUrl).toBe(
			'postgres://sitrep:pw@db.internal:5432/sitrep',
		);
		expect(createConfig({ DATABASE_URL: 'postgresql://db/sitrep?sslmode=require' }).databaseUrl).toBe(
			'postgresql://db/sitrep?sslmode=require',
		);
	});

	it('refuses anything else, naming the variable', () => {
		for (const bad of ['mysql://db/sitrep', 'var/sitrep.db', 'postgres://', 'postgres:// db/x']) {
			expect(() => createConfig({ DATABASE_URL: bad }), bad).toThrow(ConfigError);
			expect(() => createConfig({ DATABASE_URL: bad }), bad).toThrow(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/u);
		}
	});

	it('is a secret: the URL and its password are redacted from logs', () => {
		const config = createConfig({ DATABASE_URL: 'postgres://sitrep:p%40ss-w0rd-long@db.internal/sitrep' });
		expect(config.secrets).toContain('postgres://sitrep:p%40ss-w0rd-long@db.internal/sitrep');
		const line = JSON.stringify({ msg: 'connect failed', url: config.databaseUrl, detail: 'password p@ss-w0rd-long rejected' });
		const redacted = redactSecrets(line, config.secrets);
		expect(redacted).not.toContain('w0rd-long');
	});

	it('is never printed by describeStore', () => {
		expect(describeStore({ dbPath: 'var/x.db', databaseUrl: 'postgres://u:secret@h/d' })).toBe('PostgreSQL (DATABASE_URL)');
		expect(describeStore({ dbPath: 'var/x.db' })).toBe('var/x.db (SITREP_DB)');
	});
});

describe('openStores', () => {
	it('opens the SQLite file at SITREP_DB when DATABASE_URL is unset', async () => {
		const t = tempDir();
		cleanups.push(t.cleanup);
		const dbPath = path.join(t.dir, 'sitrep.db');
		const stores: Stores = await openStores({ dbPath });
		cleanups.push(() => stores.close());
		expect(existsSync(dbPath)).toBe(true);
		expect('db' in stores).toBe(true);
	});

	it.skipIf(postgres.skip)(
		`opens PostgreSQL when DATABASE_URL is set, and not the file${PG_SKIP_REASON ? ` (${PG_SKIP_REASON})` : ''}`,
		async () => {
			const t = tempDir();
			cleanups.push(t.cleanup);
			const dbPath = path.join(t.dir, 'sitrep.db');
			const { target } = await postgres.fresh();
			const stores = await openStores({ dbPath, databaseUrl: target });
			cleanups.push(() => stores.close());
			expect('pool' in stores).toBe(true);
			expect(existsSync(dbPath)).toBe(false);
			expect(
				(
					await stores.subscriptions.upsert(
						{ platform: 'telegram', channelId: '-1', time: '09:00', timezone: 'UTC', quiet: false, createdBy: 't' },
						new Date(),
					)
				).created,
			).toBe(true);
		},
	);
});
