/** A real web server (src/web) on 127.0.0.1 over a snapshot, for the site's tests. */
import { registry } from '../../commands/index.js';
import { Core } from '../../src/core/dispatch.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { silentLogger } from '../../src/logger.js';
import type { EventVersionStore } from '../../src/store/store.js';
import { startWebServer, type NodeHandler, type WebServer } from '../../src/web/server.js';
import { createSite } from '../../src/web/site.js';

export interface TestSite {
	readonly base: string;
	readonly server: WebServer;
	/** Swaps the dataset the site serves (a reload). */
	setDataset(next: DatasetSnapshot): void;
	close(): Promise<void>;
}

export const WEB_NOW = '2025-07-01T09:00:00+04:00';

/** The site's own Core, as createWebCore builds it in the bot. */
export function webCore(dataset: () => DatasetSnapshot, now = WEB_NOW): Core {
	return new Core({
		registry,
		dataset,
		clock: () => new Date(now),
		logger: silentLogger(),
		services: { registry, images: 'svg' },
		localePin: () => undefined,
	});
}

export async function startTestSite(
	dataset: DatasetSnapshot,
	options: { eventVersions?: EventVersionStore; healthz?: NodeHandler; metrics?: NodeHandler; publicUrl?: string } = {},
): Promise<TestSite> {
	let current = dataset;
	const site = createSite({
		core: webCore(() => current),
		logger: silentLogger(),
		...(options.eventVersions ? { eventVersions: options.eventVersions } : {}),
		...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
	});
	const server = await startWebServer({
		port: 0,
		host: '127.0.0.1',
		logger: silentLogger(),
		site,
		...(options.healthz ? { healthz: options.healthz } : {}),
		...(options.metrics ? { metrics: options.metrics } : {}),
	});
	return {
		base: `http://127.0.0.1:${server.port}`,
		server,
		setDataset: (next) => void (current = next),
		close: () => server.close(),
	};
}
