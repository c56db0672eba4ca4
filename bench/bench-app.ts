/**
 * The bot as the command benches compose it (users, command-work, answers): createApp over a story
 * directory, its built dataset kept in `cache` as SITREP_DATASET_CACHE keeps it (so a second run
 * starts from the built file), the benches' fixed clock, and no logs.
 */
import { createApp, type App } from '../src/app.js';
import { silentLogger } from '../src/logger.js';
import { BENCH_NOW } from './commands.js';

/** The app, and when the check of the files' content after a fast start has ended (see AppOptions.onDatasetChecked). */
export interface BenchApp extends App {
	readonly checked: Promise<void>;
}

export async function benchApp(dir: string, cache: string, images: boolean): Promise<BenchApp> {
	let done: () => void = () => {};
	const checked = new Promise<void>((resolve) => (done = resolve));
	const app = await createApp({
		dataDir: dir,
		datasetCache: cache,
		now: BENCH_NOW.toISOString(),
		logger: silentLogger(),
		services: { images },
		onDatasetChecked: () => done(),
	});
	return { ...app, checked };
}
