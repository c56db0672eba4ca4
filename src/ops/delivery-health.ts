/**
 * Whether delivery is healthy, as an operator needs to know it: the scheduler ticks, and every
 * platform connection is up (or has not been down for long). Kept apart from any HTTP listener:
 * {@link DeliveryHealth.healthStatus} is what /healthz serves, wherever /healthz is mounted.
 */
import type { ConnectionState } from '../core/delivery.js';

export type { ConnectionState };

export interface HealthStatus {
	readonly status: 'ok' | 'unhealthy';
	/** Empty when ok; otherwise one sentence per problem. */
	readonly reasons: readonly string[];
}

export interface DeliveryHealthOptions {
	/** Epoch milliseconds. */
	readonly now?: () => number;
	/** The scheduler is stuck when it has shown no progress for this long. Default 3 minutes. */
	readonly tickStaleMs?: number;
	/** A platform connection down longer than this makes the bot unhealthy. Default 5 minutes. */
	readonly platformDownMs?: number;
}

export class DeliveryHealth {
	private readonly now: () => number;
	private readonly tickStaleMs: number;
	private readonly platformDownMs: number;
	private readonly started: number;
	private lastTick: number | undefined;
	private lastProgress: number | undefined;
	private readonly connections = new Map<string, () => ConnectionState>();
	private schedulerRuns = true;

	constructor(options: DeliveryHealthOptions = {}) {
		this.now = options.now ?? Date.now;
		this.tickStaleMs = options.tickStaleMs ?? 3 * 60_000;
		this.platformDownMs = options.platformDownMs ?? 5 * 60_000;
		this.started = this.now();
	}

	/** A tick finished (successfully or not: a failed tick is logged, the next one retries). */
	tickFinished(): void {
		this.lastTick = this.now();
		this.lastProgress = this.lastTick;
	}

	/** This process runs no scheduler (another machine posts briefings): ticks are not expected. */
	withoutScheduler(): void {
		this.schedulerRuns = false;
	}

	/** A tick in flight made progress (deliveries settled): a long fan-out is not a stuck scheduler. */
	tickProgress(): void {
		this.lastProgress = this.now();
	}

	/** Epoch milliseconds of the last finished tick, if any. */
	get lastTickAt(): number | undefined {
		return this.lastTick;
	}

	/** Watches a platform's connection. */
	watch(platform: string, state: () => ConnectionState): void {
		this.connections.set(platform, state);
	}

	/** The connection states now, by platform. */
	connectionStates(): Map<string, ConnectionState> {
		return new Map([...this.connections].map(([p, s]) => [p, s()]));
	}

	healthStatus(): HealthStatus {
		const now = this.now();
		const reasons: string[] = [];
		const alive = this.lastProgress ?? this.started;
		if (this.schedulerRuns && now - alive >= this.tickStaleMs) {
			reasons.push(
				this.lastTick === undefined
					? `the briefing scheduler has not ticked since start-up ${Math.round((now - this.started) / 1000)} s ago`
					: `the briefing scheduler has not ticked for ${Math.round((now - alive) / 1000)} s (last tick ${new Date(this.lastTick).toISOString()})`,
			);
		}
		for (const [platform, state] of this.connectionStates()) {
			if (!state.up && now - state.since >= this.platformDownMs) {
				reasons.push(
					`the ${platform} connection has been down for ${Math.round((now - state.since) / 1000)} s${state.reason ? ` (${state.reason})` : ''}`,
				);
			}
		}
		return { status: reasons.length ? 'unhealthy' : 'ok', reasons };
	}
}
