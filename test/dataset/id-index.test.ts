import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/dataset/id-index.js';

describe('IdIndex', () => {
	it('finds every id added, by its number, past many table and arena growths', () => {
		const index = new IdIndex();
		const ids = Array.from({ length: 300_000 }, (_, i) => `event-${i}`);
		expect(ids.filter((id, i) => index.getOrAdd(id, i) !== undefined)).toEqual([]);
		expect(index.size).toBe(ids.length);
		for (let i = 0; i < ids.length; i += 997) {
			expect(index.get(ids[i]!)).toBe(i);
			expect(index.idAt(i)).toBe(ids[i]);
		}
		expect(index.get('event-300000')).toBeUndefined();
		expect(index.has('event-1')).toBe(true);
		expect(index.has('event-01')).toBe(false);
		expect(index.getOrAdd('event-42', 7)).toBe(42);
		expect(index.size).toBe(ids.length);
	});

	it('tells apart ids whose hashes collide, and keeps ids of any characters as written', () => {
		const index = new IdIndex();
		// Lone surrogates, ZWNJ, Persian and Cyrillic letters, an empty id and a very long one:
		// a broken dataset may hold any string where an id belongs.
		const odd = ['', 'a', 'ə', 'Сафаров', 'صفراف', 'a\u200cb', '\ud800', '\udc00x', 'x'.repeat(5000), 'é'.repeat(1500), 'event-1'];
		odd.forEach((id, i) => expect(index.getOrAdd(id, i)).toBeUndefined());
		odd.forEach((id, i) => {
			expect(index.get(id)).toBe(i);
			expect(index.idAt(i)).toBe(id);
		});
		expect(index.get('\ud801')).toBeUndefined();
		expect(index.get('x'.repeat(4999))).toBeUndefined();
		expect(index.get('Сафаров ')).toBeUndefined();
	});

	it('keeps numbers that differ from the order added, and lists every entry in that order', () => {
		const index = new IdIndex();
		index.getOrAdd('a', 0);
		index.getOrAdd('b', 1);
		// A record without an id, or a repeated one, takes a number but no entry.
		index.getOrAdd('c', 3);
		index.getOrAdd('d', 4);
		expect([...index.entries()]).toEqual([
			['a', 0],
			['b', 1],
			['c', 3],
			['d', 4],
		]);
		expect(index.get('d')).toBe(4);
	});
});
