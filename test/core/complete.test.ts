/** Completion of text command lines: the console's Tab key, ranked as Discord's autocomplete is. */
import { beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { completeLine, suggest } from '../../src/core/complete.js';
import type { DatasetSnapshot } from '../../src/dataset/snapshot.js';
import { loadSnapshot } from '../helpers/dataset-fixture.js';

let ds: DatasetSnapshot;
beforeAll(async () => {
	ds = await loadSnapshot('data');
});

/** The line after taking the first candidate, as a Tab press with one candidate does. */
function apply(line: string): string {
	const c = completeLine(registry, ds, line);
	return line.slice(0, c.from) + (c.candidates[0] ?? line.slice(c.from));
}

describe('completeLine', () => {
	it('completes command names after the slash', () => {
		expect(completeLine(registry, ds, '/act')).toEqual({ from: 0, candidates: ['/actor '] });
		expect(completeLine(registry, ds, '/su').candidates).toEqual(['/subscribe ', '/subscriptions ']);
		expect(completeLine(registry, ds, '/').candidates).toHaveLength(registry.size);
		expect(completeLine(registry, ds, '/zz').candidates).toEqual([]);
	});

	it('completes the positional value of the first option with the whole positional text', () => {
		expect(apply('/actor Pezesh')).toBe('/actor masoud-pezeshkian');
		expect(apply('/actor Masoud Pezesh')).toBe('/actor masoud-pezeshkian');
		expect(apply('/actor Пезешк')).toBe('/actor masoud-pezeshkian');
		expect(apply('/event azal-crash')).toBe('/event azal-crash-aktau');
	});

	it('offers option names, then values of the named option, in the same order as Discord', () => {
		expect(completeLine(registry, ds, '/timeline ac').candidates).toEqual(['actor:']);
		const line = '/timeline from:2025-06-27 actor:kre';
		const c = completeLine(registry, ds, line);
		expect(c.from).toBe(line.length - 3);
		expect(c.candidates).toEqual(suggest(ds, 'actor', 'kre').map((x) => x.value));
		expect(c.candidates[0]).toBe('kremlin');
		expect(completeLine(registry, ds, '/timeline tag:').candidates).toEqual(suggest(ds, 'tag', '').map((x) => x.value));
		expect(completeLine(registry, ds, '/timeline from:2025 ').candidates).not.toContain('from:');
	});

	it('completes choices and nothing for free text or unknown names', () => {
		expect(completeLine(registry, ds, '/export format:i').candidates).toEqual(['ics']);
		expect(completeLine(registry, ds, '/timeline nosuch:x').candidates).toEqual([]);
		expect(completeLine(registry, ds, '/nosuch x').candidates).toEqual([]);
		expect(completeLine(registry, ds, 'timeline').candidates).toEqual([]);
	});
});
