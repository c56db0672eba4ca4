/**
 * SITREP_SEARCH_WORKER: the operator's choice between a faster load of a big dataset (the search
 * index built in a worker thread) and a lower memory peak (built on the loading thread). The setting
 * reaches the first load and every reload.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { ConfigError, createConfig } from '../../src/config.js';
import { searchWorkerCounts } from '../../src/dataset/search-feed.js';
import { silentLogger } from '../../src/logger.js';

const NOW = '2025-07-01T09:00:00+04:00';

describe('SITREP_SEARCH_WORKER', () => {
	it('reads auto (the default), on and off', () => {
		expect(createConfig({}).searchWorker).toBe('auto');
		expect(createConfig({ SITREP_SEARCH_WORKER: '' }).searchWorker).toBe('auto');
		expect(createConfig({ SITREP_SEARCH_WORKER: 'auto' }).searchWorker).toBe('auto');
		expect(createConfig({ SITREP_SEARCH_WORKER: 'on' }).searchWorker).toBe(true);
		expect(createConfig({ SITREP_SEARCH_WORKER: 'off' }).searchWorker).toBe(false);
	});

	it('refuses anything else, saying what it takes', () => {
		expect(() => createConfig({ SITREP_SEARCH_WORKER: 'yes' })).toThrow(ConfigError);
		expect(() => createConfig({ SITREP_SEARCH_WORKER: 'yes' })).toThrow(/SITREP_SEARCH_WORKER is auto .*, on or off/u);
	});

	it('on: the first load and a reload each build the index in a worker, and search answers', async () => {
		const before = searchWorkerCounts();
		const app = await createApp({ dataDir: 'data', now: NOW, logger: silentLogger(), searchWorker: true });
		const afterStart = searchWorkerCounts();
		expect(afterStart.started - before.started).toBe(1);
		expect(afterStart.built - before.built).toBe(1);
		const outcome = await app.reloader.reload({ requester: { platform: 'system', userId: 'test', displayName: 'test' }, trigger: 'command' });
		expect(outcome.ok).toBe(true);
		const afterReload = searchWorkerCounts();
		expect(afterReload.started - afterStart.started).toBe(1);
		expect(afterReload.built - afterStart.built).toBe(1);
		expect(app.holder.current().search('Yekaterinburg').length).toBeGreaterThan(0);
	});

	it('off: neither the first load nor a reload starts a worker', async () => {
		const before = searchWorkerCounts();
		const app = await createApp({ dataDir: 'data', now: NOW, logger: silentLogger(), searchWorker: false });
		await app.reloader.reload({ requester: { platform: 'system', userId: 'test', displayName: 'test' }, trigger: 'command' });
		expect(searchWorkerCounts().started).toBe(before.started);
		expect(app.holder.current().search('Yekaterinburg').length).toBeGreaterThan(0);
	});
});
