import { describe, expect, it } from 'vitest';
import { ByteList, Int32List } from '../../src/dataset/int-list.js';

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

describe('ByteList', () => {
	it('keeps variable-length numbers of any size up to 2^53, past several chunks', () => {
		const list = new ByteList();
		const values = Array.from({ length: 60_000 }, (_, i) => [i, i * 131, 2 ** 31 + i, 2 ** 52 + i][i % 4]!);
		for (const v of values) list.pushNumber(v);
		expect(list.length).toBeGreaterThan(65_536);
		const read: number[] = [];
		for (let at = 0; at < list.length;) {
			const r = list.numberAt(at);
			read.push(r.value);
			at = r.next;
		}
		expect(read).toEqual(values);
	});
});
