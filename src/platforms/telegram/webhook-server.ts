/**
 * The webhook receiver: a plain HTTP server (TLS is the reverse proxy's job) that accepts Telegram's
 * POSTs only with the right X-Telegram-Bot-Api-Secret-Token, answers 200 at once so Telegram does
 * not redeliver a slow update, and ignores an update_id it has already seen (Telegram redelivers when
 * an answer is lost). Behind a load balancer the redelivery may reach another process: with a
 * deduplicator from the shared store, the first process to record the update_id handles it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../logger.js';
import type { UpdateDeduplicator } from '../../store/store.js';

export interface WebhookServerOptions {
	/** The path Telegram posts to (the pathname of the webhook URL). */
	readonly path: string;
	readonly secret: string;
	readonly port: number;
	/** Interface to bind; all interfaces when undefined. */
	readonly host?: string;
	readonly onUpdate: (update: Update) => void;
	readonly logger: Logger;
	/** Largest accepted body. */
	readonly maxBodyBytes?: number;
	/** How many recent update ids this process remembers to drop redeliveries. */
	readonly rememberUpdates?: number;
	/**
	 * Update ids shared with the other processes behind the same webhook URL (the store's). Without
	 * one, or while it fails, only this process's memory of recent ids is used.
	 */
	readonly deduplicator?: UpdateDeduplicator;
	/** Clock for the deduplicator's timestamps. */
	readonly now?: () => Date;
}

export interface WebhookServer {
	readonly port: number;
	/** The interface it listens on, as bound ("127.0.0.1", "::"…). */
	readonly address: string;
	close(): Promise<void>;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The receiver without a listener: what the web server mounts as its webhook route (src/web/server.ts). */
export interface WebhookHandler {
	handle(req: http.IncomingMessage, res: http.ServerResponse): void;
	/** Resolves once every update already answered has been checked and handed on. */
	drain(): Promise<void>;
}

/** A function that starts the receiver: its own listener by default, or a route on the web server. */
export type StartWebhook = (options: WebhookServerOptions) => Promise<WebhookServer>;

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
	const handler = createWebhookHandler(options);
	const server = http.createServer((req, res) => handler.handle(req, res));
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port, address } = server.address() as AddressInfo;
	return {
		port,
		address,
		// Updates already answered are still checked and handed on before close resolves.
		close: async () => {
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			await handler.drain();
		},
	};
}

export function createWebhookHandler(options: Omit<WebhookServerOptions, 'port' | 'host'>): WebhookHandler {
	const expected = digest(options.secret);
	const maxBody = options.maxBodyBytes ?? 1024 * 1024;
	const remember = options.rememberUpdates ?? 10_000;
	const seen = new Set<number>();
	const log = options.logger;
	const now = options.now ?? (() => new Date());
	const pending = new Set<Promise<void>>();

	/** Whether this update is new to this process and, when shared, to every process. */
	const firstSeen = async (updateId: number): Promise<boolean> => {
		if (seen.has(updateId)) return false;
		seen.add(updateId);
		// Sets iterate in insertion order: drop the oldest id.
		if (seen.size > remember) seen.delete(seen.values().next().value as number);
		if (!options.deduplicator) return true;
		try {
			return await options.deduplicator.firstSeen('telegram', String(updateId), now());
		} catch (err) {
			// Handling an update twice in a rare redelivery beats dropping it while the store is down.
			log.error({ err, update_id: updateId }, 'Could not check the update id in the store; handling the update');
			return true;
		}
	};

	const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
		const done = (status: number) => {
			if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' }).end();
		};
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (req.method !== 'POST' || url.pathname !== options.path) return done(404);
		const given = req.headers[SECRET_HEADER];
		// Compare digests: equal length for timingSafeEqual, and no timing hint about the secret.
		if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
			log.warn({ remote: req.socket.remoteAddress }, 'Webhook request without the right secret token; refused');
			req.resume();
			return done(401);
		}
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBody) {
				done(413);
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => {
			if (res.headersSent) return;
			let update: Update;
			try {
				update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Update;
			} catch {
				return done(400);
			}
			if (typeof update !== 'object' || update === null || !Number.isSafeInteger(update.update_id)) return done(400);
			// Answer at once: whether the update is new changes what we do, not what Telegram hears.
			done(200);
			const check = firstSeen(update.update_id)
				.then((first) => {
					if (first) options.onUpdate(update);
					else log.info({ update_id: update.update_id }, 'Webhook redelivered an update already handled; ignored');
				})
				.catch((err: unknown) => log.error({ err, update_id: update.update_id }, 'Webhook update handler failed'));
			pending.add(check);
			void check.finally(() => pending.delete(check));
			return undefined;
		});
		req.on('error', () => done(400));
		return undefined;
	};
	return { handle, drain: async () => void (await Promise.allSettled([...pending])) };
}
