/**
 * The record cache (records.ts): what is read again stays, what is read once leaves soon, and neither
 * list grows past its bound.
 */
import { describe, expect, it } from 'vitest';
import { deepFreeze, RecordCache } from '../../../src/dataset/engine/records.js';

describe('RecordCache', () => {
	it('serves a record read once while it is recent, then lets it go', () => {
		const c = new RecordCache<number, string>(64, 4);
		for (let i = 0; i < 4; i++) c.set(i, `r${i}`);
		expect([0, 1, 2, 3].map((i) => c.get(i))).toEqual(['r0', 'r1', 'r2', 'r3']);
		// Hits in the recent list do not keep a record: the fifth one read pushes the first out.
		c.set(4, 'r4');
		expect(c.get(0)).toBeUndefined();
		expect(c.get(4)).toBe('r4');
		expect(c.size).toBe(4);
	});

	it('keeps a record read again after it left the recent list, least recently used out first', () => {
		const c = new RecordCache<number, string>(3, 2);
		const readOnce = (from: number) => {
			for (let i = from; i < from + 2; i++) c.set(i, `r${i}`);
		};
		for (const k of [1, 2, 3, 4]) {
			c.set(k, `r${k}`);
			readOnce(100 + 10 * k); // k falls out of the recent list: its key is remembered
			expect(c.get(k)).toBeUndefined();
			c.set(k, `r${k}`); // read again: into the main list
		}
		// The main list holds three: 1 went first; a hit keeps 2 over 3.
		expect(c.get(1)).toBeUndefined();
		expect(c.get(2)).toBe('r2');
		c.set(5, 'r5');
		readOnce(200);
		c.set(5, 'r5');
		expect([2, 3, 4, 5].map((k) => c.get(k))).toEqual(['r2', undefined, 'r4', 'r5']);
		// Read many times over, only the bounds' worth of records are held.
		for (let i = 0; i < 10_000; i++) c.set(1000 + (i % 50), 'x');
		expect(c.size).toBeLessThanOrEqual(5);
	});

	it('remembers at most its capacity of keys of records it let go', () => {
		const c = new RecordCache<number, string>(2, 1);
		c.set(1, 'a');
		for (let i = 10; i < 13; i++) c.set(i, 'x'); // 1, 10, 11 let go; only the last two keys remembered
		c.set(1, 'a');
		expect(c.get(1)).toBe('a'); // back in the recent list, not the main one
		c.set(20, 'y');
		expect(c.get(1)).toBeUndefined();
	});
});

describe('deepFreeze', () => {
	it('freezes every object and array of a parsed record', () => {
		const r = deepFreeze(JSON.parse('{"a":[{"b":1},[2,{"c":[]}]],"d":{"e":"f"},"g":null}') as Record<string, unknown>);
		const all: unknown[] = [];
		const walk = (v: unknown) => {
			if (v && typeof v === 'object') {
				all.push(v);
				for (const x of Object.values(v)) walk(x);
			}
		};
		walk(r);
		expect(all).toHaveLength(7);
		expect(all.every((v) => Object.isFrozen(v))).toBe(true);
	});
});
