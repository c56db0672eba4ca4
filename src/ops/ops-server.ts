/**
 * The operator's HTTP endpoints: GET /healthz (is the bot up, which dataset, which platforms) and
 * GET /metrics (Prometheus text format). Binds to the configured host and port only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

export interface Health {
	readonly ok: boolean;
	readonly [key: string]: unknown;
}

export interface OpsServer {
	readonly port: number;
	close(): Promise<void>;
}

/** What the ops endpoints read. */
export interface OpsHandlerOptions {
	readonly metrics: Metrics;
	readonly health: () => Health;
	readonly logger: Logger;
}

/**
 * The ops endpoints as a plain Node request handler (GET /healthz, GET /metrics, 404 otherwise),
 * for this module's own listener or for mounting on the web server (src/web/server.ts).
 */
export function opsRequestHandler(options: OpsHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
	return (req, res) => {
		const url = (req.url ?? '/').split('?')[0];
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { allow: 'GET, HEAD' }).end();
			return;
		}
		if (url === '/healthz') {
			let health: Health;
			try {
				health = options.health();
			} catch (err) {
				options.logger.error({ err }, 'Health check failed');
				health = { ok: false };
			}
			res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health));
			return;
		}
		if (url === '/metrics') {
			options.metrics.registry
				.metrics()
				.then((text) => res.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text))
				.catch((err: unknown) => {
					options.logger.error({ err }, 'Metrics collection failed');
					res.writeHead(500).end();
				});
			return;
		}
		res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found. Try /healthz or /metrics.\n');
	};
}

export async function startOpsServer(options: {
	port: number;
	host?: string;
	metrics: Metrics;
	health: () => Health;
	logger: Logger;
}): Promise<OpsServer> {
	const server: Server = createServer(opsRequestHandler(options));
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	options.logger.info({ port }, 'Ops endpoints listening (/healthz, /metrics)');
	return {
		port,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
