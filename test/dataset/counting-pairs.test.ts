import { describe, expect, it } from 'vitest';
import { CountingPairs } from '../../src/dataset/load-state.js';

describe('CountingPairs', () => {
	it('gives back every pair pushed, runs broken by a skipped index or a new first number', () => {
		const pairs = new CountingPairs();
		const pushed: [number, number][] = [];
		for (let file = 0; file < 5; file++)
			for (let i = 0; i < 300; i++) {
				// A repeated id is skipped: its index never comes.
				if (i % 97 === 13) continue;
				pairs.push(file, i);
				pushed.push([file, i]);
			}
		// Claims: each event's start at 0.
		pairs.push(9, 0);
		pairs.push(10, 0);
		pairs.push(10, 1);
		pushed.push([9, 0], [10, 0], [10, 1]);
		expect(pairs.length).toBe(pushed.length);
		expect(pushed.map((_, n) => [pairs.a(n), pairs.b(n)])).toEqual(pushed);
	});
});
