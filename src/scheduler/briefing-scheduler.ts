/**
 * The briefing scheduler: a node-cron tick every minute that runs {@link createTickRunner}. node-cron
 * is only the tick source; which briefings are due is computed from the wall clock on every tick
 * (due-occurrences.ts), so a late, skipped or doubled cron firing cannot skip or double a briefing.
 */
import cron from 'node-cron';
import type { Clock } from '../clock.js';
import { toError } from '../core/errors.js';
import { createTickRunner, type TickOptions, type TickReport } from './tick.js';

export interface SchedulerOptions extends TickOptions {
	/** The bot's clock (a replay clock with --now). Each tick reads it once. */
	readonly clock: Clock;
	/** Run a tick at start-up as well, to catch up without waiting for the next minute. Default true. */
	readonly tickOnStart?: boolean;
	/** Called after every tick: its report, or undefined when it failed (the failure is logged). */
	readonly onTick?: (report: TickReport | undefined) => void;
	/**
	 * No tick runs before this settles (App.settled: the dataset served is the files' own), so that no
	 * briefing is made from the build a restart answers with while the changed files are built. The
	 * minutes in between count as progress (a scheduler waiting for its dataset is not stuck); the
	 * start-up tick runs when it settles and catches up what fell due meanwhile.
	 */
	readonly after?: Promise<unknown>;
}

export interface BriefingScheduler {
	/** Stops the cron task and waits for a tick in flight. */
	stop(): Promise<void>;
	/** Runs one tick as of `now` (tests, replays). */
	runTick(now: Date): Promise<TickReport>;
}

export function startScheduler(options: SchedulerOptions): BriefingScheduler {
	const log = options.logger.child({ component: 'scheduler' });
	const runner = createTickRunner({ ...options, logger: log });
	let inFlight: Promise<unknown> | undefined;
	let stopped = false;

	let ready = options.after === undefined;

	const tick = (): Promise<unknown> => {
		if (!ready) {
			options.onProgress?.();
			return Promise.resolve();
		}
		if (inFlight) {
			log.debug('Previous tick still running; skipping this one');
			return inFlight;
		}
		const run = runner
			.runTick(options.clock())
			.then(
				(report) => options.onTick?.(report),
				(err: unknown) => {
					log.error({ err: toError(err) }, 'Briefing tick failed; the next tick retries');
					options.onTick?.(undefined);
				},
			)
			.finally(() => {
				inFlight = undefined;
			});
		inFlight = run;
		return run;
	};

	const task = cron.schedule(
		'* * * * *',
		async () => {
			if (!stopped) await tick();
		},
		{
			name: 'sitrep-briefings',
			noOverlap: true,
			logger: {
				info: (m) => log.debug(m),
				warn: (m) => log.warn(m),
				error: (m, e) => log.error({ err: e ?? (m instanceof Error ? m : undefined) }, String(m instanceof Error ? m.message : m)),
				debug: (m) => log.debug(String(m instanceof Error ? m.message : m)),
			},
		},
	);
	const begin = (): void => {
		ready = true;
		if (!stopped && (options.tickOnStart ?? true)) void tick();
	};
	if (options.after) {
		log.debug('Briefings wait until the dataset served is known to be the files’ own');
		options.after.then(begin, begin);
	} else begin();
	log.info({ catchupMinutes: options.catchupMinutes, platforms: [...options.senders.keys()] }, 'Briefing scheduler started');

	return {
		async stop() {
			stopped = true;
			await task.destroy();
			await inFlight;
		},
		runTick: (now) => runner.runTick(now),
	};
}
