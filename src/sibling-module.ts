/**
 * Where a module that runs on its own thread or in its own process is, and what Node needs to run
 * it. The bot runs from `dist/` (JavaScript that `tsc` built) in production and from `src/` under tsx
 * or vitest in development and tests. A worker thread or a child process does not inherit the loader
 * that lets the parent import TypeScript, so from `src/` it is given tsx's; from `dist/` the sibling
 * is plain JavaScript and gets nothing, and tsx is never loaded.
 */
import { fileURLToPath } from 'node:url';

export interface SiblingModule {
	/** The sibling's file URL: the same directory and extension as the caller's (`.ts` in src/, `.js` in dist/). */
	readonly url: URL;
	/** Its path, for APIs that take one (child_process.fork, discord.js' ShardingManager). */
	readonly path: string;
	/**
	 * Node options for the worker or child: tsx's loader when the sibling is TypeScript; undefined
	 * when it is JavaScript (a Worker then inherits the parent's options, as it would anyway).
	 */
	readonly execArgv: string[] | undefined;
}

/**
 * The module `name` (no extension) beside the module at `from` (its `import.meta.url`).
 * @example const worker = siblingModule(import.meta.url, 'render-worker'); new Worker(worker.url, { execArgv: worker.execArgv })
 */
export function siblingModule(from: string, name: string): SiblingModule {
	const typescript = from.endsWith('.ts');
	const url = new URL(`./${name}${typescript ? '.ts' : '.js'}`, from);
	return { url, path: fileURLToPath(url), execArgv: typescript ? ['--import', tsxRegistration()] : undefined };
}

/**
 * A module that registers tsx's loader, for `--import`. Not `--import tsx`: on Node 20, tsx's
 * automatic registration skips worker threads, so the thread registers it itself through tsx's API
 * (which works on a thread and in a process alike). Resolved from here, whatever the working directory.
 */
function tsxRegistration(): string {
	const api = import.meta.resolve('tsx/esm/api');
	return `data:text/javascript,import{register}from${JSON.stringify(api)};register();`;
}
