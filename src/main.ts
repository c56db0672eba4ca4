/**
 * Composition root: config → logger → store → dataset and core → platforms → scheduler → ops.
 * With no platform token it runs the console chat on the demo story.
 *
 * Lifecycle: SIGHUP reloads the dataset; SIGINT/SIGTERM stop taking work, finish in-flight sends,
 * stop the platforms and close the store; an unhandled rejection is logged and exits non-zero so
 * that a supervisor restarts the process.
 */
import { createWebCore, DatasetLoadError, type App } from './app.js';
import {
	bootstrap,
	createBootApp,
	openBootStores,
	reloadOnSignalAndWatch,
	systemReload,
	type Bootstrapped,
	type SystemTrigger,
} from './bootstrap.js';
import type { Platform } from './core/command.js';
import type { PlatformSender } from './core/delivery.js';
import { DeliveryHealth } from './ops/delivery-health.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { pauseCategory } from './i18n/pause-reasons.js';
import { ownerNotifier } from './scheduler/tell-owners.js';
import { createMembership } from './scheduler/membership.js';
import { opsRequestHandler, startOpsServer, type Health } from './ops/ops-server.js';
import type { StartWebhook } from './platforms/telegram/webhook-server.js';
import type { WebServer } from './web/server.js';
import { runConsoleChat } from './platforms/console/console-chat.js';
import { createConsoleSender } from './platforms/console/console-sender.js';
import { saveReplyAttachments } from './platforms/console/save-images.js';
import { detectTerminal } from './platforms/console/terminal.js';
import { LiveService } from './live/live-service.js';
import { startScheduler, type BriefingScheduler } from './scheduler/briefing-scheduler.js';
import type { Stores } from './store/stores.js';
import type { SubscriptionStore } from './store/store.js';
import type { Reply } from './core/reply.js';

export interface StartOptions {
	readonly dataDir?: string;
	readonly now?: string;
	/** Page long console answers (`--pager`), with SITREP_PAGER's command, else PAGER's, else less -R. */
	readonly pager?: boolean;
}

export async function startBot(options: StartOptions = {}): Promise<void> {
	const boot = bootstrap({
		afterCrash: 'exiting so a supervisor can restart the bot',
		shutdownLog: { stopping: 'Shutting down: finishing in-flight sends', stopped: 'Stopped' },
	});
	if (!boot) return;
	const { config, logger, parts } = boot;
	const consoleMode = !config.discord && !config.telegram;
	const interactive = consoleMode && Boolean(process.stdin.isTTY);
	// In the interactive console, log lines would tear through the chat; warnings still show.
	if (interactive && config.logLevel === 'info') logger.level = 'warn';

	let stores: Stores;
	try {
		stores = await openBootStores(boot);
	} catch (err) {
		process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
		process.exitCode = 1;
		return;
	}
	const health = new DeliveryHealth({ platformDownMs: (config.platformDownSeconds ?? 300) * 1000 });
	const metrics = createMetrics({
		pausedSubscriptions: cached(60_000, () => pausedByReason(stores.subscriptions)),
		uncertainDeliveries: cached(60_000, async () => (await stores.ledger.list({ status: 'uncertain' })).length),
		connections: () => new Map([...health.connectionStates()].map(([p, c]) => [p, c.up])),
	});
	parts.push('metrics', () => metrics.close());

	// Made once the platforms' senders exist; a reload before that only records event versions.
	const liveRef: { service?: LiveService } = {};
	let app: App;
	try {
		app = await createBootApp(boot, stores, {
			dataDir: options.dataDir,
			now: options.now,
			services: {
				// For /reload dry_run:true: the alerts and corrections a reload would send.
				live: {
					plan: (...args: Parameters<LiveService['plan']>) =>
						liveRef.service
							? liveRef.service.plan(...args)
							: Promise.resolve({ alerts: [], alertChats: 0, correctedEvents: 0, editedMessages: 0, correctedChats: 0 }),
				},
			},
			onHandled: (i) => metrics.commandHandled(i.platform, i.command, i.outcome, i.seconds),
			// Remember when each version of each event was first seen, for "Updated since your last briefing".
			onSwap: async (next, previous, diff) => {
				await stores.eventVersions.recordSnapshot(next, new Date());
				// Alerts and corrections go out in the background: the reload answers at once.
				liveRef.service
					?.afterSwap(next, diff, previous)
					.catch((err: unknown) =>
						logger.error({ err }, 'Alerts and corrections after a reload failed; the next live tick retries'),
					);
			},
		});
	} catch (err) {
		await parts.stopAll();
		process.stderr.write(`${err instanceof DatasetLoadError ? err.message : String(err)}\n`);
		process.exitCode = 1;
		return;
	}
	const ds = app.holder.current();
	logger.info({ version: ds.version, ...ds.counts }, 'Dataset loaded');
	// Logged with its cost: a dataset version the store has recorded costs one row read, a new one a
	// pass over every event's version (process CPU, so other threads' work at that moment is in it).
	const cpuBefore = process.cpuUsage();
	const recordingFrom = performance.now();
	await stores.eventVersions
		.recordSnapshot(ds, new Date())
		.then((pass) => {
			const cpu = process.cpuUsage(cpuBefore);
			const cost = { ms: Math.round(performance.now() - recordingFrom), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
			logger.info(
				{ version: ds.version, ...cost },
				pass ? 'Event versions recorded' : 'Event versions already recorded for this dataset version',
			);
		})
		.catch((err: unknown) => logger.error({ err }, 'Could not record event versions'));

	const running: Running = { boot, stores, app, metrics, health, senders: new Map(), liveRef };
	const healthReport = healthReporter(running);
	let startWebhook: StartWebhook | undefined;
	try {
		startWebhook = await startWeb(running, healthReport);
	} catch (err) {
		logger.fatal({ err }, 'The web server could not start');
		await parts.stopAll();
		process.exitCode = 1;
		return;
	}

	const reloadHere = (trigger: SystemTrigger): void => void systemReload(app, logger, trigger);
	const tellOwners = ownerNotifier({
		owners: config.owners,
		senders: running.senders,
		logger: logger.child({ job: 'owners' }),
		...(config.locale ? { locale: config.locale } : {}),
	});
	let platforms: Platforms;
	try {
		platforms = await startPlatforms(running, {
			consoleMode,
			tellOwners,
			onShardReload: () => reloadHere('signal'),
			...(startWebhook ? { startWebhook } : {}),
			...(options.now ? { now: options.now } : {}),
		});
	} catch (err) {
		logger.fatal({ err }, 'A platform failed to start');
		await parts.stopAll();
		process.exitCode = 1;
		return;
	}
	startBriefings(running, tellOwners);
	startLive(running);
	reloadOnSignalAndWatch(boot, app.dataDir, (trigger) => {
		reloadHere(trigger);
		platforms.reloadShards();
	});

	if (config.ops) {
		const ops = await startOpsServer({ port: config.ops.port, host: config.ops.host, metrics, logger, health: healthReport });
		parts.push('ops', () => ops.close());
	}

	if (consoleMode) {
		try {
			const term = config.console;
			const pager = options.pager ? term?.pagerCommand : term?.pager;
			await runConsoleChat(app.core, {
				input: process.stdin,
				output: process.stdout,
				interactive,
				...(config.locale ? { locale: config.locale } : {}),
				saveAttachments: (reply) => saveReplyAttachments(reply, config.imageDir),
				logger,
				...(term ? { terminal: detectTerminal(process.stdout, term.terminal) } : {}),
				...(interactive && term?.historyFile ? { historyFile: term.historyFile } : {}),
				// Paging needs the keyboard and the screen: a terminal on both sides.
				...(interactive && pager && process.stdout.isTTY ? { pager } : {}),
			});
		} finally {
			await parts.shutdown('end of input');
		}
		return;
	}
	await new Promise<void>((resolve) => {
		for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void parts.shutdown(signal).then(resolve));
	});
}

/** What the bot's start-up steps share once the app runs. */
interface Running {
	readonly boot: Bootstrapped;
	readonly stores: Stores;
	readonly app: App;
	readonly metrics: Metrics;
	readonly health: DeliveryHealth;
	/** Filled as the platforms start; the scheduler, live service and owners' notices send through them. */
	readonly senders: Map<Platform, PlatformSender>;
	/** Made once the platforms' senders exist; a reload before that only records event versions. */
	readonly liveRef: { service?: LiveService };
}

/** The /healthz answer: delivery health, uptime, the live dataset and the running platforms. */
function healthReporter(running: Running): () => Health {
	const { app, health, senders } = running;
	const started = Date.now();
	return () => {
		const snap = app.holder.current();
		const h = health.healthStatus();
		const last = health.lastTickAt;
		return {
			ok: h.status === 'ok',
			status: h.status,
			reasons: h.reasons,
			uptimeSeconds: Math.round((Date.now() - started) / 1000),
			dataset: { version: snap.version, ...snap.counts },
			platforms: [...senders.keys()],
			...(last !== undefined ? { lastTick: new Date(last).toISOString() } : {}),
		};
	};
}

/**
 * The one HTTP listener, when configured: the site, and /healthz, /metrics and the Telegram webhook as
 * routes when asked. Gives the webhook's mount for Telegram; throws when the server cannot start.
 */
async function startWeb(running: Running, healthReport: () => Health): Promise<StartWebhook | undefined> {
	const { boot, stores, app, metrics } = running;
	const { config, logger, parts } = boot;
	if (!config.web) return undefined;
	// Loaded only when the listener is configured: a bot without it keeps the site's and hono's modules out of memory.
	const [{ startWebServer }, { createSite }, { createWebhookHandler }] = await Promise.all([
		import('./web/server.js'),
		import('./web/site.js'),
		import('./platforms/telegram/webhook-server.js'),
	]);
	const { routes, host } = config.web;
	const ops = opsRequestHandler({ metrics, health: healthReport, logger });
	const web: WebServer = await startWebServer({
		port: config.web.port,
		host,
		logger,
		...(routes.has('site')
			? {
					site: createSite({
						core: createWebCore(app, logger),
						logger,
						eventVersions: stores.eventVersions,
						...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
					}),
				}
			: {}),
		...(routes.has('healthz') ? { healthz: ops } : {}),
		...(routes.has('metrics') ? { metrics: ops } : {}),
	});
	parts.push('web', () => web.close());
	if (!routes.has('webhook')) return undefined;
	return async (o) => {
		const handler = createWebhookHandler(o);
		const unmount = web.mountPost(o.path, (req, res) => handler.handle(req, res));
		logger.info({ path: o.path, port: web.port }, 'Telegram webhook mounted on the web server');
		return { port: web.port, address: host ?? '127.0.0.1', close: async () => (unmount(), await handler.drain()) };
	};
}

interface Platforms {
	/** Asks every Discord shard process to reload (nothing without shards). */
	readonly reloadShards: () => void;
}

type TellOwners = ReturnType<typeof ownerNotifier>;

/** Starts the console sender, Telegram and Discord (in this process or as shards) as configured; throws when one cannot start. */
async function startPlatforms(
	running: Running,
	options: {
		readonly consoleMode: boolean;
		readonly tellOwners: TellOwners;
		readonly onShardReload: () => void;
		readonly startWebhook?: StartWebhook;
		readonly now?: string;
	},
): Promise<Platforms> {
	const { boot, stores, app, metrics, health, senders } = running;
	const { config, logger, parts } = boot;
	let reloadShards = (): void => {};
	const membership = createMembership({
		subscriptions: stores.subscriptions,
		logger: logger.child({ job: 'membership' }),
		onPaused: options.tellOwners,
	});
	const now = options.now ?? config.now;
	if (options.consoleMode) senders.set('console', createConsoleSender(process.stdout));
	if (config.telegram) {
		const { startTelegram } = await import('./platforms/telegram/telegram-adapter.js');
		const tg = await startTelegram({
			core: app.core,
			config,
			logger,
			updates: stores.updates,
			pages: stores.pages,
			membership,
			...(options.startWebhook ? { startWebhook: options.startWebhook } : {}),
			onDrop: (p, reason) => metrics.floodDropped(p, reason),
		});
		parts.push('telegram', () => tg.stop());
		senders.set('telegram', tg.sender);
		health.watch('telegram', () => tg.connection());
		logger.info({ bot: tg.botUsername }, 'Telegram platform started');
	}
	if (config.discord && config.shards !== undefined) {
		// Shards run the gateway and interactions in child processes; this process keeps the
		// scheduler, Telegram and the ops endpoints, and posts briefings through REST.
		const { startDiscordShards } = await import('./platforms/discord/sharding.js');
		const shards = await startDiscordShards({
			config,
			logger: logger.child({ platform: 'discord' }),
			shards: config.shards,
			dataDir: app.dataDir,
			...(now ? { now } : {}),
			onShardReload: options.onShardReload,
			onGuildRemoved: (guildId) => {
				membership
					.removedFromGuild('discord', guildId)
					.catch((err: unknown) =>
						logger.error({ err, guild: guildId }, 'Could not pause the subscriptions of a server the bot left'),
					);
			},
		});
		parts.push('discord shards', () => shards.stop());
		senders.set('discord', shards.sender);
		health.watch('discord', () => shards.connection());
		reloadShards = () => void shards.reload();
		logger.info({ shards: shards.shardCount }, 'Discord shards started');
	} else if (config.discord) {
		const { startDiscord } = await import('./platforms/discord/discord-adapter.js');
		const dc = await startDiscord({
			core: app.core,
			config,
			logger,
			pages: stores.pages,
			membership,
			onDrop: (p, reason) => metrics.floodDropped(p, reason),
		});
		parts.push('discord', () => dc.stop());
		senders.set('discord', dc.sender);
		health.watch('discord', () => dc.connection());
		logger.info('Discord platform started');
	}
	return { reloadShards };
}

/** The briefing scheduler, unless another machine posts the briefings (SITREP_SCHEDULER, shard ranges). */
function startBriefings(running: Running, tellOwners: TellOwners): void {
	const { boot, stores, app, metrics, health, senders, liveRef } = running;
	const { config, logger, parts } = boot;
	if (config.scheduler === false) {
		// One machine of a bot shared by shard ranges: the machine with shard 0 (or SITREP_SCHEDULER=on) posts briefings.
		logger.info(
			{ shards: config.shards },
			'Briefing scheduler off on this machine (SITREP_SCHEDULER / shard range); another machine posts briefings',
		);
		health.withoutScheduler();
	} else {
		const scheduler: BriefingScheduler = startScheduler({
			// Not from the last build a restart serves while it builds the changed files.
			after: app.settled,
			store: stores.subscriptions,
			ledger: stores.ledger,
			senders: countingSenders(senders, metrics),
			dataset: () => app.holder.current(),
			clock: app.clock,
			logger: logger.child({ job: 'briefings' }),
			catchupMinutes: config.catchupMinutes,
			eventVersions: stores.eventVersions,
			// Each delivered briefing is remembered for the correction window.
			onDelivered: (sub, channelId, reply, messageIds, dataset) =>
				liveRef.service ? liveRef.service.recordBriefing(sub, channelId, reply, messageIds, dataset) : Promise.resolve(),
			onProgress: () => health.tickProgress(),
			onTick: (report) => {
				if (!report) return;
				health.tickFinished();
				metrics.tick(new Date(), {
					sent: report.sent,
					failed: report.failed,
					uncertain: report.uncertain + report.expired,
					paused: report.paused,
					skipped_late: report.late,
					skipped_quiet: report.quiet,
					skipped_rate_limited: report.rateLimited,
					resumed: report.resumed,
				});
			},
			onPaused: tellOwners,
			...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
		});
		// The scheduler stops first on shutdown (it is pushed last), so no new send starts while platforms close.
		parts.push('scheduler', () => scheduler.stop());
	}
}

/** The live service: alerts between briefings and corrections after a reload, with its minute tick. */
function startLive(running: Running): void {
	const { boot, stores, app, metrics, senders, liveRef } = running;
	const { config, logger, parts } = boot;
	const liveService = new LiveService({
		store: stores.live,
		subscriptions: stores.subscriptions,
		senders: countingSenders(senders, metrics),
		dataset: () => app.holder.current(),
		clock: app.clock,
		logger: logger.child({ job: 'live' }),
		...(config.alertsPerHour ? { maxAlertsPerHour: config.alertsPerHour } : {}),
		...(config.correctionDays ? { correctionDays: config.correctionDays } : {}),
	});
	liveRef.service = liveService;
	app.holder.onRelease((next, previous) => {
		liveService
			.afterRelease(next, previous)
			.catch((err: unknown) => logger.error({ err }, 'Alerts for a lifted embargo failed; the next live tick retries'));
	});
	// Every minute: read the holder (an embargo that has passed lifts, and alerts), then send alerts that
	// quiet hours or the hourly cap held, and finish corrections a stopped process left; prune daily.
	let lastPrune = 0;
	const liveTick = (): void => {
		app.holder.current();
		const now = app.clock().getTime();
		if (now - lastPrune > 86_400_000) {
			lastPrune = now;
			stores.live
				.prune(new Date(now - (config.correctionDays ?? 14) * 86_400_000))
				.catch((err: unknown) => logger.error({ err }, 'Could not prune pushed-message records'));
		}
		liveService.run().catch((err: unknown) => logger.error({ err }, 'Live tick failed; the next one retries'));
	};
	const liveTimer = setInterval(liveTick, 60_000);
	liveTick();
	parts.push('live', async () => {
		clearInterval(liveTimer);
		await liveService.run().catch(() => undefined);
	});
}

/** `read`, called at most once per `ms`: a scrape every few seconds does not scan the store each time. */
function cached<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
	let last: { at: number; value: Promise<T> } | undefined;
	return () => {
		if (!last || Date.now() - last.at >= ms) {
			const value = read();
			last = { at: Date.now(), value };
			value.catch(() => (last = undefined));
		}
		return last.value;
	};
}

/** Paused subscriptions by platform and reason category, for /metrics. */
async function pausedByReason(store: SubscriptionStore): Promise<{ platform: string; reason: string; count: number }[]> {
	const counts = new Map<string, { platform: string; reason: string; count: number }>();
	for (const s of await store.list()) {
		if (s.status !== 'paused') continue;
		const reason = pauseCategory(s.platform, s.pauseReason ?? '');
		const k = `${s.platform}\u0000${reason}`;
		const c = counts.get(k) ?? { platform: s.platform, reason, count: 0 };
		c.count++;
		counts.set(k, c);
	}
	return [...counts.values()];
}

/** Counts deliveries and 429s for /metrics without the scheduler knowing about metrics. */
function countingSenders(senders: ReadonlyMap<Platform, PlatformSender>, metrics: Metrics): Map<Platform, PlatformSender> {
	const out = new Map<Platform, PlatformSender>();
	for (const [platform, sender] of senders) {
		out.set(platform, {
			platform,
			...(sender.tracksParts ? { tracksParts: true } : {}),
			...(sender.edit ? { edit: sender.edit.bind(sender) } : {}),
			...(sender.sendReply ? { sendReply: sender.sendReply.bind(sender) } : {}),
			...(sender.sendToUser ? { sendToUser: (userId: string, reply: Reply) => sender.sendToUser!(userId, reply) } : {}),
			async send(channelId, reply, progress, threadId) {
				const outcome = await sender.send(channelId, reply, progress, threadId);
				metrics.delivery(platform, outcome.kind);
				if (outcome.kind === 'transient' && /429|too many requests|rate limit/iu.test(outcome.reason))
					metrics.rateLimited(platform);
				return outcome;
			},
		});
	}
	return out;
}
