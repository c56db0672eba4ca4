/**
 * The one HTTP listener of the bot process (SITREP_WEB_PORT): the web site, /healthz and /metrics,
 * and the Telegram webhook, each mounted only when its option is on. Hono routes them (with
 * @hono/node-server as the Node adapter: small, standard Request/Response handlers, and the same
 * escaping-free-by-default, no-stack-trace error handling habits the project already follows);
 * the ops endpoints and the webhook keep their own Node handlers and are mounted as routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import type { Logger } from '../logger.js';

/** A plain Node request handler (the ops endpoints', the webhook receiver's). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface WebServerOptions {
	readonly port: number;
	/** Interface to bind; 127.0.0.1 unless configured (put a reverse proxy in front). */
	readonly host: string;
	readonly logger: Logger;
	/** The web site (src/web/site.ts); without it only the mounted endpoints answer. */
	readonly site?: Hono;
	/** GET /healthz, when mounted. */
	readonly healthz?: NodeHandler;
	/** GET /metrics, when mounted. */
	readonly metrics?: NodeHandler;
	/** Seconds a request may take before the socket is closed (slow clients cannot hold it). */
	readonly requestTimeoutSeconds?: number;
}

export interface WebServer {
	readonly port: number;
	/**
	 * Mounts a POST receiver at `path` (the Telegram webhook); returns the function that unmounts it.
	 * Routes are fixed once Hono has built its matcher, so webhooks are looked up per request.
	 */
	mountPost(path: string, handler: NodeHandler): () => void;
	close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
	const root = new Hono<{ Bindings: HttpBindings }>();
	const posts = new Map<string, NodeHandler>();
	const raw = (handler: NodeHandler) => (c: { env: HttpBindings }) => {
		handler(c.env.incoming, c.env.outgoing);
		return RESPONSE_ALREADY_SENT;
	};
	if (options.healthz) root.on(['GET', 'HEAD'], '/healthz', raw(options.healthz));
	if (options.metrics) root.on(['GET', 'HEAD'], '/metrics', raw(options.metrics));
	root.post('*', async (c, next) => {
		const handler = posts.get(new URL(c.req.url).pathname);
		if (!handler) return next();
		handler(c.env.incoming, c.env.outgoing);
		return RESPONSE_ALREADY_SENT;
	});
	if (options.site) root.route('/', options.site);
	else root.notFound((c) => c.text('Not found.\n', 404));
	root.onError((err, c) => {
		options.logger.error({ err }, 'Web request failed');
		return c.text('Internal error.\n', 500);
	});

	const server = createAdaptorServer({ fetch: root.fetch });
	const timeout = (options.requestTimeoutSeconds ?? 30) * 1000;
	if ('requestTimeout' in server) {
		server.requestTimeout = timeout;
		server.headersTimeout = Math.min(timeout, 20_000);
	}
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const routes = [options.site && 'site', options.healthz && '/healthz', options.metrics && '/metrics'].filter(Boolean);
	options.logger.info({ port, host: options.host, routes }, 'Web server listening');
	return {
		port,
		mountPost(path, handler) {
			posts.set(path, handler);
			return () => void posts.delete(path);
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				if ('closeAllConnections' in server) server.closeAllConnections();
			}),
	};
}
