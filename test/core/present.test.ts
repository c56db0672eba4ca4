/**
 * Event lines (src/core/present.ts): the actors a line names, and that an answer's lines read their
 * actors together.
 */
import { describe, expect, it } from 'vitest';
import { eventLine, eventLines } from '../../src/core/present.js';
import type { StoryEvent } from '../../src/dataset/model.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { createTranslator } from '../../src/i18n/translator.js';
import { demoDataset } from '../helpers/dataset-fixture.js';

const EN = createTranslator('en');

describe('event lines', () => {
	it('name the first four distinct actors of an event, in its order, and read them in one call', async () => {
		const ds = await demoDataset();
		const ids = [...ds.eachActor()].slice(0, 6).map((a) => a.id);
		const base = ds.eachEvent()[Symbol.iterator]().next().value as StoryEvent;
		const actors = [ids[0], ids[1], ids[0], ids[2], 'no-such-actor', ids[1], ids[3], ids[4]].map((actorId) => ({
			...base.actors[0]!,
			actorId: actorId!,
		}));
		const e: StoryEvent = { ...base, actors };
		const names = [ids[0]!, ids[1]!, ids[2]!].map((id) => ds.actor(id)!.name);
		const line = eventLine(ds, e, EN);
		expect(line.kind === 'event' && line.actors).toEqual([...names, 'no-such-actor']);

		const calls: string[][] = [];
		const counting = new Proxy(ds, {
			get(target, key) {
				if (key === 'actorNames')
					return (list: readonly string[]) => {
						calls.push([...list]);
						return target.actorNames(list);
					};
				const v = Reflect.get(target, key, target) as unknown;
				return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
			},
		}) as DatasetSnapshot;
		const other: StoryEvent = { ...base, actors: [{ ...base.actors[0]!, actorId: ids[5]! }] };
		eventLines(counting, [e, other], EN);
		// The first call reads every line's actors at once, each id once.
		expect(calls[0]).toEqual([ids[0], ids[1], ids[2], 'no-such-actor', ids[5]]);
	});
});
