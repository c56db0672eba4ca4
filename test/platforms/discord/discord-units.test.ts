/** Autocomplete suggestions, the page-button table and the send-error classifier. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import type { DatasetSnapshot } from '../../../src/dataset/snapshot.js';
import { suggest } from '../../../src/core/complete.js';
import { classifySendError, describeError, messageNonce } from '../../../src/platforms/discord/discord-sender.js';
import { PAGE_PREFIX, PageStore } from '../../../src/platforms/discord/page-buttons.js';
import { MemoryPageKeyTable } from '../../../src/store/memory-page-keys.js';

let dataset: DatasetSnapshot;
beforeAll(async () => {
	const r = await loadDataset(path.resolve('test/fixtures/discord'));
	if (!r.ok) throw new Error('fixture does not load');
	dataset = r.snapshot;
});

describe('autocomplete', () => {
	it('suggests at most 25 choices with names of 1-100 characters, in well under 3 s', () => {
		for (const type of ['actor', 'event', 'tag', 'outlet'] as const) {
			for (const typed of ['', 'e', 'pesk', 'Песков', '@everyone', 'x'.repeat(300)]) {
				const t0 = performance.now();
				const choices = suggest(dataset, type, typed);
				expect(performance.now() - t0).toBeLessThan(200);
				expect(choices.length).toBeLessThanOrEqual(25);
				for (const c of choices) {
					expect(c.name.length).toBeGreaterThanOrEqual(1);
					expect(c.name.length).toBeLessThanOrEqual(100);
					expect(c.value.length).toBeLessThanOrEqual(100);
				}
				expect(new Set(choices.map((c) => c.value)).size).toBe(choices.length);
			}
		}
	});

	it('finds actors by any spelling, events by id and words, tags by prefix', () => {
		expect(suggest(dataset, 'actor', 'Aliyev')[0]?.value).toBe('ilham-aliyev');
		expect(suggest(dataset, 'actor', 'Azərbaycan')[0]?.value).toBe('azerbaijan');
		expect(suggest(dataset, 'event', 'event-05')[0]?.value).toBe('event-05');
		expect(suggest(dataset, 'event', '')[0]?.value).toBe('event-18');
		expect(suggest(dataset, 'tag', 'dip')[0]?.value).toBe('diplomacy');
		expect(suggest(dataset, 'text', 'x')).toEqual([]);
	});

	it('cuts long event titles to 100 characters without splitting a character', () => {
		const names = suggest(dataset, 'event', 'event').map((c) => c.name);
		for (const n of names) expect([...n].length).toBeLessThanOrEqual(100);
	});
});

describe('PageStore', () => {
	it('makes custom_ids of at most 100 characters that resolve to the line and user', async () => {
		const store = new PageStore();
		const id = await store.put({ line: `/timeline text:"${'x'.repeat(500)}" page:2`, userId: '42' });
		expect(id.length).toBeLessThanOrEqual(100);
		expect(id.startsWith(PAGE_PREFIX)).toBe(true);
		expect(await store.get(id)).toMatchObject({ userId: '42' });
		expect(await store.get('someone-else:button')).toBeUndefined();
		expect(await store.get(`${PAGE_PREFIX}forged`)).toBe('expired');
	});

	it('expires entries and stays bounded', async () => {
		let now = 0;
		const table = new MemoryPageKeyTable(10);
		const store = new PageStore({ ttlMs: 1000, table, now: () => now });
		const first = await store.put({ line: '/timeline page:2', userId: '1' });
		now = 1500;
		expect(await store.get(first)).toBe('expired');
		const ids: string[] = [];
		for (let i = 0; i < 100; i++) ids.push(await store.put({ line: `/timeline page:${i}`, userId: '1' }));
		expect(table.size).toBeLessThanOrEqual(10);
		expect(await store.get(ids[0]!)).toBe('expired');
		expect(await store.get(ids[99]!)).toMatchObject({ line: '/timeline page:99' });
	});

	it('builds a row of three buttons with unique custom_ids and disabled ends', async () => {
		const store = new PageStore();
		const row = await store.row({ page: 1, pages: 3, next: '/timeline page:2' }, '1');
		const ids = row.components.map((b) => ('custom_id' in b ? b.custom_id : ''));
		expect(new Set(ids).size).toBe(3);
		expect(row.components[0]).toMatchObject({ disabled: true });
		expect(row.components[2]).not.toHaveProperty('disabled');
	});
});

describe('classifySendError', () => {
	const api = (status: number, code: number, message = 'x') =>
		new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.com/api/v10/channels/1/messages', {
			body: {},
			files: undefined,
		});

	it('treats lost access as permanent', () => {
		expect(classifySendError(api(403, 50001, 'Missing Access')).kind).toBe('permanent');
		expect(classifySendError(api(403, 50013, 'Missing Permissions')).kind).toBe('permanent');
		expect(classifySendError(api(404, 10003, 'Unknown Channel')).kind).toBe('permanent');
		expect(classifySendError(api(403, 0, 'Forbidden')).kind).toBe('permanent');
	});

	it('treats rate limits, outages and network errors as transient', () => {
		const rl = new RateLimitError({
			timeToReset: 0,
			limit: 1,
			method: 'POST',
			hash: 'h',
			url: 'u',
			route: '/channels/:id/messages',
			majorParameter: '1',
			global: false,
			retryAfter: 30_000,
			sublimitTimeout: 0,
			scope: 'user',
		});
		expect(classifySendError(rl)).toMatchObject({ kind: 'transient', retryAfterMs: 30_000 });
		expect(classifySendError(new HTTPError(503, 'Service Unavailable', 'POST', 'u', { body: {}, files: undefined }))).toMatchObject({
			kind: 'transient',
			uncertain: true,
		});
		expect(classifySendError(api(500, 0))).toMatchObject({ kind: 'transient', uncertain: true });
		expect(classifySendError(new TypeError('fetch failed'))).toMatchObject({ kind: 'transient', uncertain: true });
		expect(classifySendError(api(401, 0, 'Unauthorized'))).toMatchObject({ kind: 'transient' });
	});

	it('describes errors without the request URL (interaction routes carry tokens)', () => {
		const err = new DiscordAPIError(
			{ code: 10062, message: 'Unknown interaction' },
			10062,
			404,
			'POST',
			'https://x/api/v10/interactions/1/SECRET-TOKEN/callback',
			{ body: {}, files: undefined },
		);
		expect(JSON.stringify(describeError(err))).not.toContain('SECRET-TOKEN');
	});

	it('derives a stable nonce of at most 25 characters from channel and payload', () => {
		const m = { embeds: [{ description: 'x' }], files: [] };
		expect(messageNonce('1', m, 0)).toBe(messageNonce('1', m, 0));
		expect(messageNonce('1', m, 0).length).toBeLessThanOrEqual(25);
		expect(messageNonce('2', m, 0)).not.toBe(messageNonce('1', m, 0));
		expect(messageNonce('1', m, 1)).not.toBe(messageNonce('1', m, 0));
	});
});
