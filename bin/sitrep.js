#!/usr/bin/env node
// @ts-check
// Runs the CLI that `tsc` built into dist/, building it first when the sources changed since the
// last build (bin/build.js), in this process so that signals (SIGHUP reload, SIGTERM) reach the bot
// directly. No TypeScript loader is involved; `npm run sitrep` runs the sources through tsx instead.
import { ensureBuilt } from './build.js';

try {
	ensureBuilt();
} catch (err) {
	process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
	process.exit(1);
}
await import(new URL('../dist/src/cli.js', import.meta.url).href);
