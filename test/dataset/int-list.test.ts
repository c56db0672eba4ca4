import { describe, expect, it } from 'vitest';
import { Int32List } from '../../src/dataset/int-list.js';

describe('Int32List', () => {
	it('keeps every item pushed, in order, past several growths', () => {
		const list = new Int32List();
		const items = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? -i - 1 : i * 3));
		for (const v of items) list.push(v);
		expect(list.length).toBe(items.length);
		expect([...list.view()]).toEqual(items);
		expect(list.at(4999)).toBe(items[4999]);
	});

	it('views only the items pushed', () => {
		const list = new Int32List();
		list.push(1);
		list.push(2);
		expect([...list.view()]).toEqual([1, 2]);
	});
});

describe('Int32List across chunks', () => {
	it('keeps items past a chunk, and views them as one copy', () => {
		const list = new Int32List();
		const n = 200_003;
		for (let i = 0; i < n; i++) list.push(i ^ 0x5555);
		expect(list.length).toBe(n);
		expect(list.at(65_535)).toBe(65_535 ^ 0x5555);
		expect(list.at(65_536)).toBe(65_536 ^ 0x5555);
		expect(list.at(n - 1)).toBe((n - 1) ^ 0x5555);
		const all = list.view();
		expect(all.length).toBe(n);
		expect(all.every((v, i) => v === (i ^ 0x5555))).toBe(true);
	});
});
