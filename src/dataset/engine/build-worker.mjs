/**
 * Worker thread of buildDataset (build.ts): runs one build (build-run.ts) and posts its reply.
 * Plain JavaScript so that Node can start it without a TypeScript loader (a worker does not inherit
 * the parent's); it registers tsx itself to import the build, as search-worker.mjs does. A throw
 * here ends the worker with an 'error' event, which the parent turns into an error result.
 *
 * workerData: a BuildJob.  Message out: a BuildReply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runBuild } = await import('./build-run.ts');

parentPort.postMessage(await runBuild(workerData));
