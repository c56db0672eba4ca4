/**
 * PageKeyTable's contract on every backend (SQLite, and PostgreSQL when SITREP_TEST_DATABASE_URL is
 * set), and the in-memory table: a key written through one connection is read through another (as
 * by another process), per platform; it expires; the table keeps at most its bound, oldest first.
 */
import { describe, expect, it } from 'vitest';
import { MemoryPageKeyTable } from '../../src/store/memory-page-keys.js';
import type { PostgresStores } from '../../src/store/postgres/postgres-stores.js';
import { pgExecutor } from '../../src/store/postgres/pg-executor.js';
import { SqlPageKeys } from '../../src/store/sql-small-stores.js';
import { sqliteExecutor } from '../../src/store/sqlite/sqlite-executor.js';
import type { SqliteStores } from '../../src/store/sqlite/sqlite-stores.js';
import { PAGE_LINE_MAX, type PageKeyTable } from '../../src/store/store.js';
import type { Stores } from '../../src/store/stores.js';
import { titled, useStoreBackends, type StoreBackend } from '../helpers/store-backends.js';

const backends = useStoreBackends();
const NOW = Date.parse('2025-07-01T04:00:00Z');

/** The same database's table with a small bound, over the given connection. */
function bounded(stores: Stores, max: number): PageKeyTable {
	return new SqlPageKeys('db' in stores ? sqliteExecutor((stores as SqliteStores).db) : pgExecutor((stores as PostgresStores).pool), max);
}

async function pair(backend: StoreBackend): Promise<[Stores, Stores]> {
	const fresh = await backend.fresh();
	return [await fresh.open(), await fresh.open()];
}

describe.each(titled(backends))('%s', (_title, backend) => {
	describe.skipIf(backend.skip)('PageKeyTable', () => {
		it('reads through one connection what another wrote, per platform, with its chat and user', async () => {
			const [a, b] = await pair(backend);
			await a.pages.put(
				'telegram',
				'pg:abc',
				{ line: '/timeline page:2', chatId: '-1001557912345', userId: '7', expiresAt: NOW + 60_000 },
				NOW,
			);
			await a.pages.put(
				'discord',
				'abc',
				{ line: '/search sputnik page:3', userId: '123456789012345678', expiresAt: NOW + 60_000 },
				NOW,
			);
			expect(await b.pages.get('telegram', 'pg:abc', NOW)).toEqual({
				line: '/timeline page:2',
				chatId: '-1001557912345',
				userId: '7',
				expiresAt: NOW + 60_000,
			});
			expect(await b.pages.get('discord', 'abc', NOW)).toEqual({
				line: '/search sputnik page:3',
				userId: '123456789012345678',
				expiresAt: NOW + 60_000,
			});
			expect(await b.pages.get('discord', 'pg:abc', NOW)).toBeUndefined();
			expect(await b.pages.get('telegram', 'unknown', NOW)).toBeUndefined();
			// Anyone in the chat may press: no user.
			await b.pages.put('telegram', 'pg:any', { line: '/timeline page:2', chatId: '-100', expiresAt: NOW + 60_000 }, NOW);
			expect(await a.pages.get('telegram', 'pg:any', NOW)).toEqual({
				line: '/timeline page:2',
				chatId: '-100',
				expiresAt: NOW + 60_000,
			});
		});

		it('answers nothing for an expired key, and keeps a key that is taken', async () => {
			const [a] = await pair(backend);
			await a.pages.put('telegram', 'pg:old', { line: '/timeline page:2', chatId: '1', expiresAt: NOW + 1000 }, NOW);
			expect(await a.pages.get('telegram', 'pg:old', NOW + 999)).toBeDefined();
			expect(await a.pages.get('telegram', 'pg:old', NOW + 1000)).toBeUndefined();
			await a.pages.put('telegram', 'pg:k', { line: '/first', chatId: '1', expiresAt: NOW + 1000 }, NOW);
			await a.pages.put('telegram', 'pg:k', { line: '/second', chatId: '1', expiresAt: NOW + 1000 }, NOW);
			expect((await a.pages.get('telegram', 'pg:k', NOW))?.line).toBe('/first');
		});

		it('stays bounded whichever connection writes: the oldest keys go first', async () => {
			const [a, b] = await pair(backend);
			const ta = bounded(a, 5);
			const tb = bounded(b, 5);
			for (let i = 0; i < 12; i++)
				await (i % 2 ? ta : tb).put('discord', `k${i}`, { line: `/timeline page:${i}`, userId: '1', expiresAt: NOW + 60_000 }, NOW);
			const alive: number[] = [];
			for (let i = 0; i < 12; i++) if (await ta.get('discord', `k${i}`, NOW)) alive.push(i);
			expect(alive).toEqual([7, 8, 9, 10, 11]);
		});

		it('cuts a command line to its bound', async () => {
			const [a] = await pair(backend);
			await a.pages.put(
				'discord',
				'long',
				{ line: `/search ${'x'.repeat(PAGE_LINE_MAX * 2)}`, userId: '1', expiresAt: NOW + 60_000 },
				NOW,
			);
			expect((await a.pages.get('discord', 'long', NOW))?.line.length).toBe(PAGE_LINE_MAX);
		});
	});
});

describe('MemoryPageKeyTable', () => {
	it('keeps platforms apart, expires and stays bounded', async () => {
		const t = new MemoryPageKeyTable(2);
		await t.put('telegram', 'a', { line: '/a', chatId: '1', expiresAt: NOW + 10 }, NOW);
		expect(await t.get('discord', 'a', NOW)).toBeUndefined();
		expect(await t.get('telegram', 'a', NOW + 10)).toBeUndefined();
		for (const k of ['b', 'c', 'd']) await t.put('discord', k, { line: `/${k}`, userId: '1', expiresAt: NOW + 10 }, NOW);
		expect(t.size).toBe(2);
		expect(await t.get('discord', 'b', NOW)).toBeUndefined();
		expect((await t.get('discord', 'd', NOW))?.line).toBe('/d');
	});
});
