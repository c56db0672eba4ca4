/**
 * What a build holds at its peak (issue #22, "Peak memory, round four"): the loader feeding the
 * engine's writer on this thread (as the build worker runs it, without the worker), with the
 * process's memory sampled every 100 ms, and at the end of the ingest — just before the writer's
 * `finish`, where the loader's bookkeeping is largest — a full collection, the V8 heap by space,
 * `/proc/self/status`, and optionally a heap snapshot summarised by what holds the bytes.
 *
 *   node --expose-gc --import tsx bench/build-memory.ts --dir STORY [--out FILE.sqlite] [--snapshot FILE.heapsnapshot]
 *
 * --out keeps the built file (for bench/built-digest.ts); without it the file is made in a temporary
 * directory and deleted. A heap snapshot of a 300k story takes about 100 MB and as much RSS again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { EngineSink } from '../src/dataset/engine/build-run.js';
import { EngineWriter } from '../src/dataset/engine/writer.js';
import { openBuildFile } from '../src/dataset/engine/build-file.js';
import { InThread } from '../src/dataset/engine/write-channel.js';
import type { Actor, Claim, Source, StoryEvent } from '../src/dataset/model.js';
import { loadInto, type LoadedMeta, type RecordSink } from '../src/dataset/read-dataset.js';
import { arg, flag, log } from './lib.js';

const mb = (bytes: number): number => Math.round(bytes / 1048576);
const status = (): string =>
	readFileSync('/proc/self/status', 'utf8')
		.split('\n')
		.filter((l) => /^(VmRSS|VmHWM|RssAnon|RssFile)/u.test(l))
		.map((l) => l.replace(/\s+/gu, ' '))
		.join(', ');

const dir = arg('dir');
const tmp = flag('out') ? undefined : mkdtempSync(path.join(tmpdir(), 'sitrep-build-memory-'));
const out = tmp ? path.join(tmp, 'build.sqlite') : arg('out');
rmSync(out, { force: true });
// As a build on one thread opens and writes it (build-run.ts).
const db = openBuildFile(out);
const writer = new EngineWriter(db, { closesAfterFinish: true });

let peak = process.memoryUsage();
const sample = (): void => {
	const m = process.memoryUsage();
	if (m.rss > peak.rss) peak = m;
};
const sampler = setInterval(sample, 100);
const started = performance.now();

/** The engine's sink, with a look at the memory just before its finish. */
class Watched implements RecordSink<string> {
	constructor(private readonly inner: EngineSink) {}
	file(name: string, digest: string): void {
		this.inner.file(name, digest);
	}
	actor(a: Actor): void {
		this.inner.actor(a);
	}
	source(x: Source): void {
		this.inner.source(x);
	}
	event(e: StoryEvent, claims: readonly Claim[]): void {
		this.inner.event(e, claims);
	}
	finish(meta: LoadedMeta): Promise<string> {
		sample();
		const before = process.memoryUsage();
		(globalThis as { gc?: () => void }).gc?.();
		const after = process.memoryUsage();
		log(
			`end of ingest: RSS ${mb(before.rss)} MB; heap used ${mb(before.heapUsed)} MB, after a full collection ${mb(after.heapUsed)} MB of ${mb(after.heapTotal)} MB; external ${mb(after.external)} MB (array buffers ${mb(after.arrayBuffers)} MB); ${status()}`,
		);
		for (const s of v8.getHeapSpaceStatistics())
			if (s.space_size > 0) log(`  ${s.space_name}: ${mb(s.space_used_size)} MB used of ${mb(s.space_size)} MB`);
		if (flag('snapshot')) log(`heap snapshot: ${v8.writeHeapSnapshot(arg('snapshot'))}`);
		return this.inner.finish(meta);
	}
}

const r = await loadInto(dir, { maxFiles: 1_000_000 }, (ids) => new Watched(new EngineSink(new InThread(writer), ids)));
clearInterval(sampler);
sample();
db.close();
if (tmp) rmSync(tmp, { recursive: true, force: true });
if (!r.ok) throw new Error(`the dataset does not load: ${JSON.stringify(r.errors.slice(0, 3))}`);
const cpu = process.cpuUsage();
log(
	`built in ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; peak sampled RSS ${mb(peak.rss)} MB (heap ${mb(peak.heapUsed)} of ${mb(peak.heapTotal)} MB, external ${mb(peak.external)} MB); ${status()}`,
);
