/**
 * The command mix the latency benchmarks send through Core.handle: each case rotates through
 * arguments that exist in the synthetic story (different actors, events, months, days), so a run
 * does not measure one cached path.
 */
import { registry } from '../commands/index.js';
import type { Requester } from '../src/core/command.js';
import { Core } from '../src/core/dispatch.js';
import type { DatasetSnapshot } from '../src/dataset/snapshot.js';
import { silentLogger } from '../src/logger.js';

export interface CommandCase {
	readonly name: string;
	/** The i-th line of this case. */
	readonly line: (i: number) => string;
}

const REQUESTER: Requester = { platform: 'console', userId: 'bench', displayName: 'bench', isChannelAdmin: false, isOwner: false };

/** "Now" for the commands: inside the synthetic stories' span (2015–2025). */
export const BENCH_NOW = new Date('2025-06-30T09:00:00Z');

export function benchCore(dataset: () => DatasetSnapshot): Core {
	return new Core({ registry, dataset, clock: () => BENCH_NOW, logger: silentLogger(), services: { registry } });
}

export async function ask(core: Core, line: string): Promise<void> {
	const r = await core.handle({ line, requester: REQUESTER, place: { platform: 'console', channelId: 'bench', kind: 'console' } });
	if (r.outcome.kind !== 'ok') throw new Error(`${line}: ${r.outcome.kind}`);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Runs a case gets at most: the records its lines rotate through are picked for this many. */
const MAX_RUNS = 4096;

/**
 * The records at positions `(i × stride) mod n` for i below {@link MAX_RUNS}, in one streamed pass
 * (a million events are never held at once), made when a line first asks for one: a run of only some
 * cases (users.child.ts --only) does not pass over the events for cases it leaves out.
 */
function sample<T>(all: () => Iterable<T>, n: number, stride: number): (i: number) => T {
	let got: Map<number, T> | undefined;
	return (i) => (got ??= pick(all(), n, stride)).get(i % MAX_RUNS)!;
}

function pick<T>(all: Iterable<T>, n: number, stride: number): Map<number, T> {
	const want = new Map<number, number[]>();
	for (let i = 0; i < MAX_RUNS; i++) {
		const p = (i * stride) % n;
		const list = want.get(p);
		if (list) list.push(i);
		else want.set(p, [i]);
	}
	const got = new Map<number, T>();
	let p = 0;
	for (const x of all) {
		for (const i of want.get(p) ?? []) got.set(i, x);
		p++;
	}
	return got;
}

export function commandCases(ds: DatasetSnapshot): CommandCase[] {
	const actor = sample(() => ds.eachActor(), ds.counts.actors, 7919);
	const event = sample(() => ds.eachEvent(), ds.counts.events, 104_729);
	const tags = ds.tags().map((t) => t.tag);
	const month = (i: number) => `${2015 + (i % 10)}-${pad(1 + (i % 12))}`;
	const day = (i: number) => `${2015 + (i % 10)}-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`;
	return [
		{ name: '/timeline from/to (a month)', line: (i) => `/timeline from:${month(i)}-01 to:${month(i)}-28` },
		{ name: '/timeline actor', line: (i) => `/timeline actor:${actor(i).id}` },
		{ name: '/timeline tag + status', line: (i) => `/timeline tag:${tags[i % tags.length]!} status:disputed` },
		{
			name: '/timeline text (common words)',
			line: (i) => `/timeline text:"${['police raid', 'embassy protest', 'court appeal', 'energy pipeline'][i % 4]!}"`,
		},
		{ name: '/actor by id', line: (i) => `/actor ${actor(i).id}` },
		{ name: '/actor by name', line: (i) => `/actor "${actor(i).name}"` },
		{ name: '/event', line: (i) => `/event ${event(i).id}` },
		{ name: '/search rare (a name)', line: (i) => `/search ${actor(i).name}` },
		{
			name: '/search common words',
			line: (i) => `/search ${['ministry police', 'detained journalists', 'border talks', 'trial release'][i % 4]!}`,
		},
		{ name: '/briefing', line: (i) => `/briefing date:${day(i)}` },
	];
}
