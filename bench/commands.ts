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

export function commandCases(ds: DatasetSnapshot): CommandCase[] {
	const nActors = [...ds.eachActor()].length;
	const nEvents = [...ds.eachEvent()].length;
	const pick = (i: number, n: number, stride: number): number => (i * stride) % n;
	const actor = (i: number) => [...ds.eachActor()][pick(i, nActors, 7919)]!;
	const event = (i: number) => [...ds.eachEvent()][pick(i, nEvents, 104_729)]!;
	const tags = ds.tags().map((t) => t.tag);
	const month = (i: number) => `${2015 + (i % 10)}-${pad(1 + (i % 12))}`;
	const day = (i: number) => `${2015 + (i % 10)}-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`;
	return [
		{ name: '/timeline from/to (a month)', line: (i) => `/timeline from:${month(i)}-01 to:${month(i)}-28` },
		{ name: '/timeline actor', line: (i) => `/timeline actor:${actor(i).id}` },
		{ name: '/timeline tag + status', line: (i) => `/timeline tag:${tags[i % tags.length]!} status:disputed` },
		{ name: '/timeline text (common words)', line: (i) => `/timeline text:"${['police raid', 'embassy protest', 'court appeal', 'energy pipeline'][i % 4]!}"` },
		{ name: '/actor by id', line: (i) => `/actor ${actor(i).id}` },
		{ name: '/actor by name', line: (i) => `/actor "${actor(i).name}"` },
		{ name: '/event', line: (i) => `/event ${event(i).id}` },
		{ name: '/search rare (a name)', line: (i) => `/search ${actor(i).name}` },
		{ name: '/search common words', line: (i) => `/search ${['ministry police', 'detained journalists', 'border talks', 'trial release'][i % 4]!}` },
		{ name: '/briefing', line: (i) => `/briefing date:${day(i)}` },
	];
}
