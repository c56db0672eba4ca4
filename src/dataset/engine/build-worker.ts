/**
 * Worker thread of buildDataset (build.ts): runs one build (build-run.ts) and posts its reply. A throw
 * here ends the worker with an 'error' event, which the parent turns into an error result.
 *
 * workerData: a BuildJob.  Messages out: BuildProgress (with job.progressMs), then one BuildReply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runBuild, type BuildJob } from './build-run.js';

if (!parentPort) throw new Error('build-worker runs as a worker thread, started by buildDataset');
const port = parentPort;
port.postMessage(await runBuild(workerData as BuildJob, (p) => port.postMessage(p)));
