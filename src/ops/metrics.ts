/**
 * Prometheus metrics (prom-client): commands and their latency, deliveries by status, platform
 * 429s, and the event-loop delay. One registry per process, created by the composition root.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface Metrics {
	readonly registry: Registry;
	commandHandled(platform: string, command: string, outcome: string, seconds: number): void;
	delivery(platform: string, status: string): void;
	rateLimited(platform: string): void;
	/** A finished scheduler tick: its time and what became of the deliveries it handled. */
	tick(at: Date, outcomes: Readonly<Record<string, number>>): void;
	/** A command refused or a reply dropped by the flood bounds (src/core/flood.ts), by reason. */
	floodDropped(platform: string, reason: string): void;
	/** Stops the event-loop monitor. */
	close(): void;
}

/** What /metrics reads from the stores when scraped. */
export interface MetricsSources {
	/** Paused subscriptions by platform and reason category (see pauseCategory). */
	readonly pausedSubscriptions?: () => Promise<readonly { readonly platform: string; readonly reason: string; readonly count: number }[]>;
	/** Deliveries now in the ledger as 'uncertain' (may or may not have arrived). */
	readonly uncertainDeliveries?: () => Promise<number>;
	/** Platform connections: 1 up, 0 down. */
	readonly connections?: () => ReadonlyMap<string, boolean>;
}

export function createMetrics(sources: MetricsSources = {}): Metrics {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry, prefix: 'sitrep_process_' });
	const commands = new Counter({
		name: 'sitrep_commands_total',
		help: 'Commands answered, by platform, command and outcome',
		labelNames: ['platform', 'command', 'outcome'] as const,
		registers: [registry],
	});
	const latency = new Histogram({
		name: 'sitrep_command_duration_seconds',
		help: 'Time from a command request to its reply, in the core',
		labelNames: ['platform', 'command'] as const,
		buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
		registers: [registry],
	});
	const deliveries = new Counter({
		name: 'sitrep_deliveries_total',
		help: 'Briefing deliveries by platform and ledger status',
		labelNames: ['platform', 'status'] as const,
		registers: [registry],
	});
	const limited = new Counter({
		name: 'sitrep_platform_429_total',
		help: 'Rate-limit (429) answers from a platform',
		labelNames: ['platform'] as const,
		registers: [registry],
	});
	const lastTick = new Gauge({
		name: 'sitrep_scheduler_last_tick_timestamp_seconds',
		help: 'When the briefing scheduler last finished a tick (Unix time)',
		registers: [registry],
	});
	const settled = new Counter({
		name: 'sitrep_delivery_outcomes_total',
		help: 'Briefing deliveries as the scheduler settled them: sent, failed, uncertain, paused, skipped_late, skipped_quiet, skipped_rate_limited, resumed',
		labelNames: ['outcome'] as const,
		registers: [registry],
	});
	if (sources.pausedSubscriptions) {
		const read = sources.pausedSubscriptions;
		new Gauge({
			name: 'sitrep_subscriptions_paused',
			help: 'Paused subscriptions by platform and reason',
			labelNames: ['platform', 'reason'] as const,
			registers: [registry],
			async collect() {
				this.reset();
				for (const r of await read()) this.set({ platform: r.platform, reason: r.reason }, r.count);
			},
		});
	}
	if (sources.uncertainDeliveries) {
		const read = sources.uncertainDeliveries;
		new Gauge({
			name: 'sitrep_deliveries_uncertain',
			help: 'Deliveries recorded as uncertain: they may or may not have reached the chat, and are never resent',
			registers: [registry],
			async collect() {
				this.set(await read());
			},
		});
	}
	if (sources.connections) {
		const read = sources.connections;
		new Gauge({
			name: 'sitrep_platform_connected',
			help: 'Whether each platform connection is up (1) or down (0)',
			labelNames: ['platform'] as const,
			registers: [registry],
			collect() {
				for (const [platform, up] of read()) this.set({ platform }, up ? 1 : 0);
			},
		});
	}
	const flood = new Counter({
		name: 'sitrep_flood_dropped_total',
		help: 'Commands refused (rate_limited) and replies dropped (queue_full, stale, superseded, stopped) by the flood bounds',
		labelNames: ['platform', 'reason'] as const,
		registers: [registry],
	});
	const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
	loop.enable();
	new Gauge({
		name: 'sitrep_event_loop_delay_p99_seconds',
		help: 'Event-loop delay, 99th percentile since the previous scrape',
		registers: [registry],
		collect() {
			this.set(loop.percentile(99) / 1e9);
			loop.reset();
		},
	});
	return {
		registry,
		commandHandled(platform, command, outcome, seconds) {
			commands.inc({ platform, command, outcome });
			latency.observe({ platform, command }, seconds);
		},
		delivery(platform, status) {
			deliveries.inc({ platform, status });
		},
		rateLimited(platform) {
			limited.inc({ platform });
		},
		tick(at, outcomes) {
			lastTick.set(at.getTime() / 1000);
			for (const [outcome, n] of Object.entries(outcomes)) if (n > 0) settled.inc({ outcome }, n);
		},
		floodDropped(platform, reason) {
			flood.inc({ platform, reason });
		},
		close() {
			loop.disable();
		},
	};
}
