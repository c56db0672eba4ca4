/**
 * A V8 heap snapshot summarised by what holds the bytes: self sizes by node type and by
 * constructor, strings by shape (digits and hex runs as #: "event-#", "claim-#-#"), and every object
 * over 1 MB with what refers to it (a Map's table, an ArrayBuffer's store). For bench/build-memory.ts's
 * snapshots; run with a large enough heap for the file (`--max-old-space-size=4000`).
 *
 *   node --max-old-space-size=4000 --import tsx bench/heap-summary.ts FILE.heapsnapshot
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
	snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
	nodes: number[];
	edges: number[];
	strings: string[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: bench/heap-summary.ts FILE.heapsnapshot');
const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const { node_fields: nf, node_types: nodeTypes, edge_fields: ef, edge_types: edgeTypes } = s.snapshot.meta;
const N = nf.length;
const E = ef.length;
const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f)) as [
	number,
	number,
	number,
	number,
];
const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [number, number, number];
const { nodes, edges, strings } = s;
const count = nodes.length / N;
const typeOf = (i: number): string => nodeTypes[0][nodes[i * N + iType]!]!;
const nameOf = (i: number): string => strings[nodes[i * N + iName]!]!;
const sizeOf = (i: number): number => nodes[i * N + iSize]!;
const MB = (x: number): string => (x / 1048576).toFixed(1);

const add = (m: Map<string, [number, number]>, k: string, size: number): void => {
	const a = m.get(k) ?? [0, 0];
	a[0] += size;
	a[1]++;
	m.set(k, a);
};
const byType = new Map<string, [number, number]>();
const byName = new Map<string, [number, number]>();
const byShape = new Map<string, [number, number]>();
let total = 0;
for (let i = 0; i < count; i++) {
	const t = typeOf(i);
	total += sizeOf(i);
	add(byType, t, sizeOf(i));
	if (t === 'string')
		add(
			byShape,
			nameOf(i)
				.replace(/[0-9a-f]{4,}|\d+/gu, '#')
				.slice(0, 24),
			sizeOf(i),
		);
	else add(byName, `${t}: ${nameOf(i).slice(0, 50)}`, sizeOf(i));
}
const top = (m: Map<string, [number, number]>, n: number): string[] =>
	[...m]
		.sort((a, b) => b[1][0] - a[1][0])
		.slice(0, n)
		.map(([k, [size, c]]) => `  ${k.padEnd(58)} ${MB(size).padStart(7)} MB ${String(c).padStart(9)}`);
console.log(`${MB(total)} MB in ${count} nodes`, '\nby type:', ...top(byType, 8).map((l) => `\n${l}`));
console.log('by constructor:', ...top(byName, 15).map((l) => `\n${l}`));
console.log('strings by shape:', ...top(byShape, 12).map((l) => `\n${l}`));

const big = new Set<number>();
for (let i = 0; i < count; i++) if (sizeOf(i) > 1 << 20) big.add(i);
const holders = new Map<number, string[]>();
for (let i = 0, e = 0; i < count; i++) {
	const end = e + nodes[i * N + iEdges]! * E;
	for (; e < end; e += E) {
		const to = edges[e + eTo]! / N;
		if (!big.has(to)) continue;
		const kind = edgeTypes[0][edges[e + eType]!]!;
		const edge = kind === 'element' || kind === 'hidden' ? String(edges[e + eName]) : strings[edges[e + eName]!]!;
		const list = holders.get(to) ?? [];
		if (list.length < 3) list.push(`${typeOf(i)} ${nameOf(i).slice(0, 30)} .${edge}`);
		holders.set(to, list);
	}
}
console.log('objects over 1 MB:');
for (const i of [...big].sort((a, b) => sizeOf(b) - sizeOf(a)))
	console.log(`  ${MB(sizeOf(i)).padStart(6)} MB ${typeOf(i)} ${nameOf(i).slice(0, 40)} <- ${(holders.get(i) ?? []).join(' | ')}`);
