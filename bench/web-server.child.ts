/**
 * The web site over a synthetic dataset, in its own process so that the load generator (bench/web.ts)
 * does not share its event loop: loads the dataset, starts the real web server on 127.0.0.1 on a free
 * port, and sends the parent the port and a sample of event ids and actor ids. Stops on disconnect.
 *
 *   node --import tsx bench/web-server.child.ts --dir DIR
 */
import { registry } from '../commands/index.js';
import { Core } from '../src/core/dispatch.js';
import { loadDataset } from '../src/dataset/load-dataset.js';
import { silentLogger } from '../src/logger.js';
import { startWebServer } from '../src/web/server.js';
import { createSite } from '../src/web/site.js';
import { arg, log } from './lib.js';

export interface WebServerReady {
	readonly port: number;
	readonly events: number;
	readonly eventIds: readonly string[];
	readonly actorIds: readonly string[];
}

const loaded = await loadDataset(arg('dir'));
if (!loaded.ok) throw new Error(`dataset invalid: ${JSON.stringify(loaded.errors.slice(0, 3))}`);
const snapshot = loaded.snapshot;
const core = new Core({
	registry,
	dataset: () => snapshot,
	clock: () => new Date(),
	logger: silentLogger(),
	services: { registry, images: 'svg' },
	localePin: () => undefined,
});
const server = await startWebServer({
	port: 0,
	host: '127.0.0.1',
	logger: silentLogger(),
	site: createSite({ core, logger: silentLogger() }),
});
log(`web server on 127.0.0.1:${server.port} over ${[...snapshot.eachEvent()].length} events`);
// A spread of ids: every hundredth event, every tenth actor with events.
const eventIds = [...snapshot.eachEvent()]
	.filter((_, i) => i % Math.max(1, Math.floor([...snapshot.eachEvent()].length / 2000)) === 0)
	.map((e) => e.id);
const actorIds = [...snapshot.eachActor()]
	.filter((a, i) => i % 10 === 0 && snapshot.eventsOf(a.id).length > 0)
	.slice(0, 200)
	.map((a) => a.id);
process.send?.({ port: server.port, events: [...snapshot.eachEvent()].length, eventIds, actorIds } satisfies WebServerReady);
// The server's own CPU time on request, so the parent can say what a page costs whatever else runs.
process.on('message', (m) => {
	if (m === 'cpu') {
		const u = process.cpuUsage();
		process.send?.({ cpuMs: (u.user + u.system) / 1000 });
	}
});
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
