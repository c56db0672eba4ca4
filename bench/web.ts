/**
 * The web site under load (issue #21): pages per second and latency percentiles for the timeline and
 * event pages at N events, from autocannon on 127.0.0.1 against the real server in a child process.
 *
 *   npm run bench:web                       100k events; each case 10 s at 200 requests/s, then 5 s flat out
 *   npm run bench:web -- --sizes 10000 --seconds 5
 *
 * "repeat" asks for the same few addresses (the page cache answers); "spread" walks through 2,000
 * different addresses (filters and pages, event ids), so nearly every request builds its page.
 * The paced runs send one request every 1/rate s on a keep-alive pool, open loop (a slow answer does
 * not delay the next request), and time each one: autocannon's own rate limit releases each second's
 * requests in one burst, which measures the queue of a burst rather than latency at a steady rate.
 * The flat-out runs are autocannon's, 10 connections; autocannon walks the list from the start on
 * every connection, so connections often ask for the same page at once and share one build. Writes bench/web-results.json. Only 127.0.0.1
 * is contacted.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { arg, datasetDir, log, round } from './lib.js';
import type { WebServerReady } from './web-server.child.js';

const sizes = arg('sizes', '100000').split(',').map(Number);
const seconds = Number(arg('seconds', '10'));
const rate = Number(arg('rate', '200'));
const TARGET_P99_MS = 20;

interface CaseResult {
	readonly name: string;
	readonly mode: string;
	readonly requestsPerSecond: number;
	readonly p50Ms: number;
	readonly p90Ms: number;
	readonly p99Ms: number;
	readonly maxMs: number;
	readonly non2xx: number;
	readonly errors: number;
	/** The server's CPU time per request, ms (user + system): what a page costs, however busy the machine. */
	cpuMsPerRequest?: number;
}

function startServer(dir: string): Promise<{ ready: WebServerReady; stop: () => void; cpuMs: () => Promise<number> }> {
	return new Promise((resolve, reject) => {
		const child = fork(new URL('./web-server.child.ts', import.meta.url).pathname, ['--dir', dir], {
			execArgv: ['--import', 'tsx'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const cpuMs = () =>
			new Promise<number>((done) => {
				child.once('message', (m) => done((m as { cpuMs: number }).cpuMs));
				child.send('cpu');
			});
		child.once('message', (m) => resolve({ ready: m as WebServerReady, stop: () => child.disconnect(), cpuMs }));
		child.once('error', reject);
		child.once('exit', (code) => reject(new Error(`web server child exited with ${code}`)));
	});
}

async function run(port: number, name: string, mode: string, paths: readonly string[], duration = seconds): Promise<CaseResult> {
	const result = await autocannon({
		url: `http://127.0.0.1:${port}`,
		connections: 10,
		duration,
		requests: paths.map((path) => ({ method: 'GET', path })),
	});
	const r: CaseResult = {
		name,
		mode,
		requestsPerSecond: round(result.requests.average, 0),
		p50Ms: result.latency.p50,
		p90Ms: result.latency.p90,
		p99Ms: result.latency.p99,
		maxMs: result.latency.max,
		non2xx: result.non2xx,
		errors: result.errors,
	};
	log(`${name} ${mode}: ${r.requestsPerSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms, non-2xx ${r.non2xx}`);
	return r;
}

/** Open-loop paced requests: one every 1000/rate ms for `duration` s; each request's latency in ms. */
async function paced(
	port: number,
	name: string,
	mode: string,
	paths: readonly string[],
	perSecond: number,
	duration = seconds,
): Promise<CaseResult> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	const latencies: number[] = [];
	let non2xx = 0;
	let errors = 0;
	const total = Math.round(perSecond * duration);
	const interval = 1000 / perSecond;
	const started = performance.now();
	const inFlight: Promise<void>[] = [];
	for (let i = 0; i < total; i++) {
		const due = started + i * interval;
		const wait = due - performance.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
		const path = paths[i % paths.length]!;
		inFlight.push(
			new Promise<void>((resolve) => {
				const t0 = performance.now();
				const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
					res.resume();
					res.on('end', () => {
						latencies.push(performance.now() - t0);
						if ((res.statusCode ?? 0) >= 300) non2xx++;
						resolve();
					});
				});
				req.on('error', () => {
					errors++;
					resolve();
				});
			}),
		);
	}
	await Promise.all(inFlight);
	const elapsed = (performance.now() - started) / 1000;
	agent.destroy();
	latencies.sort((a, b) => a - b);
	const q = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0, 1);
	const r: CaseResult = {
		name,
		mode,
		requestsPerSecond: round(latencies.length / elapsed, 0),
		p50Ms: q(0.5),
		p90Ms: q(0.9),
		p99Ms: q(0.99),
		maxMs: q(1),
		non2xx,
		errors,
	};
	log(`${name} ${mode}: ${r.requestsPerSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms, non-2xx ${r.non2xx}`);
	return r;
}

const all: Record<string, CaseResult[]> = {};
for (const n of sizes) {
	const dir = datasetDir(n);
	const { ready, stop, cpuMs } = await startServer(dir);
	/** Runs a case and adds the server's CPU time per request. */
	const measured = async (make: () => Promise<CaseResult>, requests: (r: CaseResult) => number): Promise<CaseResult> => {
		const before = await cpuMs();
		const r = await make();
		r.cpuMsPerRequest = round(((await cpuMs()) - before) / Math.max(1, requests(r)), 2);
		log(`${r.name} ${r.mode}: server CPU ${r.cpuMsPerRequest} ms a request`);
		return r;
	};
	try {
		const spreadTimeline = Array.from({ length: 2000 }, (_, i) =>
			i % 2 === 0
				? `/timeline?page=${1 + i}`
				: `/timeline?actor=${encodeURIComponent(ready.actorIds[i % ready.actorIds.length]!)}&page=${1 + (i % 3)}`,
		);
		const spreadEvents = ready.eventIds.map((id) => `/events/${encodeURIComponent(id)}`);
		const cases: [string, readonly string[], readonly string[]][] = [
			['timeline', ['/timeline', '/timeline?page=2', `/timeline?actor=${encodeURIComponent(ready.actorIds[0]!)}`], spreadTimeline],
			['event', spreadEvents.slice(0, 3), spreadEvents],
		];
		const results: CaseResult[] = [];
		for (const [name, repeat, spread] of cases) {
			// A short warm-up so that the JIT, not the first requests, is measured.
			await run(ready.port, name, 'warm-up', spread.slice(0, 200), 2);
			const flatSeconds = Math.max(3, Math.round(seconds / 2));
			results.push(
				await measured(
					() => paced(ready.port, name, `repeat at ${rate}/s`, repeat, rate),
					() => rate * seconds,
				),
			);
			results.push(
				await measured(
					() => paced(ready.port, name, `spread at ${rate}/s`, spread, rate),
					() => rate * seconds,
				),
			);
			results.push(
				await measured(
					() => run(ready.port, name, 'spread flat out', spread, flatSeconds),
					(r) => r.requestsPerSecond * flatSeconds,
				),
			);
		}
		all[String(ready.events)] = results;
	} finally {
		stop();
	}
}

const cpus = os.cpus();
const out = {
	measuredAt: new Date().toISOString(),
	machine: { cpu: cpus[0]?.model ?? 'unknown', cpus: cpus.length, node: process.version },
	options: { seconds, rate, connections: 10 },
	targetP99Ms: TARGET_P99_MS,
	results: all,
};
writeFileSync(new URL('./web-results.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log('\nevents   page      mode                    req/s    p50    p99    max  non-2xx  cpu ms/req');
for (const [n, rows] of Object.entries(all)) {
	for (const r of rows) {
		const flagged = r.mode.includes(`${rate}/s`) && r.p99Ms > TARGET_P99_MS ? '  ← over the p99 target' : '';
		console.log(
			`${n.padStart(7)}  ${r.name.padEnd(8)}  ${r.mode.padEnd(22)} ${String(r.requestsPerSecond).padStart(6)} ${String(r.p50Ms).padStart(6)} ${String(r.p99Ms).padStart(6)} ${String(r.maxMs).padStart(6)} ${String(r.non2xx).padStart(8)} ${String(r.cpuMsPerRequest ?? '').padStart(10)}${flagged}`,
		);
	}
}
