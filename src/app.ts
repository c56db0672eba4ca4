/**
 * Builds the platform-neutral application: dataset holder, command registry and core. The CLI and
 * the composition root (main.ts) both start from here.
 */
import path from 'node:path';
import { registry } from '../commands/index.js';
import { clockFrom, systemClock, type Clock } from './clock.js';
import { Core, type CoreOptions } from './core/dispatch.js';
import type { CommandServices } from './core/command.js';
import { DatasetHolder } from './dataset/dataset-holder.js';
import { formatDatasetErrors, formatDatasetErrorWithoutValues, type DatasetError } from './dataset/errors.js';
import { loadDataset } from './dataset/load-dataset.js';
import type { Logger } from './logger.js';
import { Reloader, type ReloaderOptions } from './reload/reloader.js';
import { channelLanguagePin } from './store/store.js';

export interface AppOptions {
	readonly dataDir: string;
	readonly now?: string;
	readonly logger: Logger;
	/**
	 * Directory of built datasets (config `datasetCache`): loads and reloads build in a worker thread
	 * into it, or reuse the build of unchanged files. Without it the dataset is built in memory.
	 */
	readonly datasetCache?: string;
	/**
	 * With a cache: the dataset files' content has been checked against the build in use. A start that
	 * found the build by the files' names, sizes and mtimes reads and hashes every file in a worker just
	 * after it (a second or two at a million events, competing with the first commands for the cores
	 * and the page cache); the benchmarks wait for this to measure the bot as it then runs.
	 */
	readonly onDatasetChecked?: () => void;
	/**
	 * With a cache: a start on files changed since their last build answers from that build at once
	 * and swaps the new one in by a reload when it is made — so that what changed while the bot was
	 * down is announced as a reload announces it (alerts, corrections). For the bot's processes, not a
	 * one-off command (which would answer from the old build and exit).
	 */
	readonly serveLastBuild?: boolean;
	readonly services?: CommandServices;
	readonly botName?: string;
	readonly onHandled?: CoreOptions['onHandled'];
	/** SITREP_PUBLIC_URL: answers link to their page on the web site. */
	readonly publicUrl?: string;
	/** Where reloads are recorded, and what to do after a swap. */
	readonly reload?: Pick<ReloaderOptions, 'audit' | 'onSwap' | 'maxRemovedShare'>;
}

export interface App {
	readonly core: Core;
	readonly holder: DatasetHolder;
	readonly clock: Clock;
	readonly dataDir: string;
	readonly reloader: Reloader;
	/**
	 * Settles once the dataset served is known to be the files' own: at once when the start read them
	 * (or had no cache); after the start-up check otherwise — and, when that check found the files
	 * changed, after the reload that swapped their build in (or failed, leaving the last good one).
	 */
	readonly settled: Promise<void>;
}

export class DatasetLoadError extends Error {
	override readonly name = 'DatasetLoadError';
	constructor(
		readonly dir: string,
		readonly errors: readonly DatasetError[],
	) {
		super(
			`The dataset in ${dir} is not valid:\n${formatDatasetErrors(errors).join('\n')}\nFix it, then check with: npx sitrep validate ${dir}`,
		);
	}
}

/**
 * The Core the web site answers with: the same registry, dataset and clock as the bot's, pictures as
 * SVG to inline, no chat settings (a web reader has no channel) and no public-URL links (the site
 * links within itself).
 */
export function createWebCore(app: App, logger: Logger): Core {
	return new Core({
		registry,
		dataset: () => app.holder.current(),
		clock: app.clock,
		logger: logger.child({ platform: 'web' }),
		services: { registry, images: 'svg' },
		localePin: () => undefined,
	});
}

export async function createApp(options: AppOptions): Promise<App> {
	const dataDir = path.resolve(options.dataDir);
	const clock = options.now ? clockFrom(options.now) : systemClock;
	const load = options.datasetCache !== undefined ? { cacheDir: options.datasetCache } : {};
	// A start that found the build by the files' names, sizes and mtimes checks their content after,
	// and one that served the last build of changed files (serveLastBuild) builds them after: the new
	// build is swapped in by a reload, which diffs it against what was served and announces the change.
	const later: { reloader?: Reloader; served?: string; swap?: Promise<unknown> } = {};
	let buildingSince: number | undefined;
	let settle: () => void = () => {};
	const settled = new Promise<void>((resolve) => (settle = resolve));
	const loaded = await loadDataset(dataDir, {
		...load,
		now: clock(),
		...(options.serveLastBuild ? { serveLast: true } : {}),
		// A first start on a big dataset is silent for as long as the build takes otherwise.
		onBuilding: () => {
			buildingSince = performance.now();
			options.logger.info(
				{ dataDir },
				'Building the dataset from its files (no build of them on this machine yet); the bot answers once it is built',
			);
		},
		onProgress: ({ files, events }) => options.logger.info({ files, events }, 'Building the dataset'),
		// After onChanged, when both are called.
		onChecked: () => {
			options.onDatasetChecked?.();
			if (!later.swap) settle();
		},
		onChanged: (fresh) => {
			if (!fresh.ok) {
				options.logger.error(
					{ errors: fresh.errors.length, first: fresh.errors[0] && formatDatasetErrorWithoutValues(fresh.errors[0]) },
					`The dataset files changed and do not load; the last good build is served until they are fixed (npx sitrep validate ${options.dataDir})`,
				);
				return;
			}
			// Both are set before the check can end (it ends in a later task than the start's continuation).
			if (!later.reloader || later.served === undefined) {
				fresh.snapshot.close();
				return;
			}
			// Their build is ready: swapped in as it is, not looked for again by a load.
			later.swap = later.reloader
				.swapFound(
					{ snapshot: fresh.snapshot, replaces: later.served },
					{ platform: 'system', userId: 'start', displayName: 'start-up check' },
				)
				.then(settle, settle);
		},
	});
	// Without a cache nothing is checked after the start: what was read is what is served.
	if (options.datasetCache === undefined) settle();
	if (!loaded.ok) throw new DatasetLoadError(options.dataDir, loaded.errors);
	if (buildingSince !== undefined)
		options.logger.info({ version: loaded.snapshot.version, ms: Math.round(performance.now() - buildingSince) }, 'Dataset built');
	if (loaded.stale)
		options.logger.info(
			{ version: loaded.snapshot.version },
			'The dataset files changed since the last start: answering from the last build while theirs is built, then swapping it in',
		);
	const holder = new DatasetHolder(loaded.snapshot, clock);
	const reloader = new Reloader({
		holder,
		dataDir,
		logger: options.logger,
		clock,
		load,
		...(options.reload?.audit ? { audit: options.reload.audit } : {}),
		...(options.reload?.onSwap ? { onSwap: options.reload.onSwap } : {}),
		...(options.reload?.maxRemovedShare !== undefined ? { maxRemovedShare: options.reload.maxRemovedShare } : {}),
	});
	later.reloader = reloader;
	later.served = loaded.snapshot.version;
	const services: CommandServices = { registry, reloader, ...(options.services ?? {}) };
	// The channel languages live in the subscription store; the core hears of them only through localePin.
	const localePin = channelLanguagePin(services.subscriptions);
	const core = new Core({
		registry,
		dataset: () => holder.current(),
		clock,
		logger: options.logger,
		services,
		...(localePin ? { localePin } : {}),
		...(options.botName ? { botName: options.botName } : {}),
		...(options.onHandled ? { onHandled: options.onHandled } : {}),
		...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
	});
	return { core, holder, clock, dataDir, reloader, settled };
}
