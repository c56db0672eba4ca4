/**
 * Where a V8 CPU profile's time went, in the terms a command's work is discussed in (bench/README.md,
 * "Commands at 1M, round four"): SQLite (better-sqlite3's native statement calls), JSON.parse of
 * documents, deep-freezing records, GC, i18n, rendering the reply, the dataset's and the commands'
 * own JavaScript. Each sample goes to the first category met walking from its leaf frame to the root,
 * so a JSON.parse inside a statement wrapper counts as parsing, and SQLite's time is the native call.
 */

/** The parts of a `.cpuprofile` read here (Chrome DevTools protocol Profiler.Profile). */
export interface CpuProfile {
	readonly nodes: readonly {
		readonly id: number;
		readonly callFrame: { readonly functionName: string; readonly url: string };
		readonly children?: readonly number[];
	}[];
	readonly samples: readonly number[];
	readonly timeDeltas: readonly number[];
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** The category of one frame, or undefined to look at its caller. */
function categoryOf(f: Frame): string | undefined {
	if (f.functionName === '(garbage collector)') return 'gc';
	if (f.functionName === '(idle)' || f.functionName === '(program)') return 'program';
	if (f.url === '') {
		if (['all', 'get', 'iterate', 'run', 'raw', 'pluck', 'prepare'].includes(f.functionName)) return 'sqlite';
		if (f.functionName === 'parse') return 'json.parse';
		if (f.functionName === 'stringify') return 'json.stringify';
		return undefined;
	}
	if (f.functionName === 'deepFreeze') return 'freeze';
	// command-work.child.ts counts parses with a wrapper of that name, and reads the CPU time per command.
	if (f.functionName === 'JSON.parse' && f.url.includes('/bench/')) return 'json.parse';
	if (f.functionName === 'cpuUsage') return 'bench';
	return undefined;
}

/** The category of a JavaScript frame by its module, when no frame below it had one. */
function moduleOf(f: Frame): string {
	const u = f.url;
	if (u.includes('/src/i18n/')) return 'i18n';
	if (u.includes('/src/platforms/') || u.includes('/render')) return 'render';
	if (u.includes('/src/dataset/')) return 'dataset js';
	if (u.includes('/src/core/') || u.includes('/commands/')) return 'commands js';
	if (u.includes('/bench/')) return 'bench';
	if (u.includes('node_modules')) return 'libraries';
	return u ? 'node' : 'native other';
}

/** Milliseconds a command (`runs` of them) of each category, and the total. */
export function summariseProfile(p: CpuProfile, runs: number): Record<string, number> {
	const parent = new Map<number, number>();
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const us = new Map<string, number>();
	p.samples.forEach((leaf, i) => {
		const dt = p.timeDeltas[i] ?? 0;
		let cat: string | undefined;
		let firstJs: Frame | undefined;
		for (let id: number | undefined = leaf; id !== undefined && cat === undefined; id = parent.get(id)) {
			const f = byId.get(id)!.callFrame;
			cat = categoryOf(f);
			if (!firstJs && f.url) firstJs = f;
		}
		cat ??= firstJs ? moduleOf(firstJs) : 'native other';
		us.set(cat, (us.get(cat) ?? 0) + dt);
	});
	const out: Record<string, number> = {};
	let total = 0;
	for (const [k, v] of [...us.entries()].sort((a, b) => b[1] - a[1])) {
		if (k === 'program') continue;
		out[k] = Math.round(v / runs) / 1000;
		total += v;
	}
	out.total = Math.round(total / runs) / 1000;
	return out;
}

/** The parts of a sampling heap profile read here (HeapProfiler.SamplingHeapProfile). */
export interface SamplingHeapProfile {
	readonly head: SamplingHeapNode;
}
interface SamplingHeapNode {
	readonly callFrame: { readonly functionName: string; readonly url: string };
	readonly selfSize: number;
	readonly children: readonly SamplingHeapNode[];
}

/**
 * KB a command (`runs` of them) allocated by each function (its own allocations, by name and
 * module), the `top` largest, and the total.
 */
export function allocationsByFunction(p: SamplingHeapProfile, runs: number, top: number): Record<string, number> {
	const by = new Map<string, number>();
	let total = 0;
	const name = (f: SamplingHeapNode['callFrame']): string =>
		`${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(src|commands|bench|node_modules)\//u, '$1/')}`;
	// A builtin's allocations (Map#set, an iterator's next, RegExp#exec: frames without a script) are
	// named with the function that called it, which is what a change would touch.
	const walk = (n: SamplingHeapNode, caller: string): void => {
		const here = name(n.callFrame);
		if (n.selfSize) {
			const key = n.callFrame.url ? here : `${here.trim()} ← ${caller}`;
			by.set(key, (by.get(key) ?? 0) + n.selfSize);
			total += n.selfSize;
		}
		for (const c of n.children) walk(c, n.callFrame.url ? here : caller);
	};
	walk(p.head, '(root)');
	const out: Record<string, number> = {};
	for (const [k, v] of [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) out[k] = Math.round(v / runs / 102.4) / 10;
	out.total = Math.round(total / runs / 102.4) / 10;
	return out;
}

/** The module a frame's allocations are put down to: its file under src/, commands/ or bench/, or a library. */
function moduleName(url: string): string {
	const m = /\/(src|commands|bench)\/(.*)$/u.exec(url);
	if (m) return `${m[1]}/${m[2]}`;
	if (url.includes('node_modules')) return 'libraries';
	return url ? 'node' : '(native)';
}

/**
 * KB a command (`runs` of them) allocated, by who asked for it: each allocation goes to the module of
 * the nearest JavaScript frame (a native call — JSON.parse, a statement's rows, a string made by V8 —
 * is put down to the module that called it, with the native's name: "json.parse ← src/dataset/…"), so
 * the shares add up to the total and say which part of the path to cut.
 */
export function allocationsByModule(p: SamplingHeapProfile, runs: number): Record<string, number> {
	const by = new Map<string, number>();
	let total = 0;
	const walk = (n: SamplingHeapNode, js: string, native: string | undefined): void => {
		const f = n.callFrame;
		let nextJs = js;
		let nextNative = native;
		// command-work.child.ts counts statements and parses through wrappers: what they allocate is the
		// native call's (a statement's rows, a parsed document), for the module that called it.
		if (f.url.includes('/bench/command-work') && (f.functionName === 'sproto.<computed>' || f.functionName === 'JSON.parse'))
			nextNative = f.functionName === 'JSON.parse' ? 'json.parse' : 'sqlite rows';
		else if (f.url) {
			nextJs = moduleName(f.url);
			nextNative = undefined;
		} else if (['parse', 'stringify', 'all', 'get', 'iterate', 'run', 'raw', 'pluck'].includes(f.functionName)) {
			nextNative = f.functionName === 'parse' ? 'json.parse' : f.functionName === 'stringify' ? 'json.stringify' : 'sqlite rows';
		}
		if (n.selfSize) {
			const key = nextNative ? `${nextNative} ← ${nextJs}` : nextJs;
			by.set(key, (by.get(key) ?? 0) + n.selfSize);
			total += n.selfSize;
		}
		for (const c of n.children) walk(c, nextJs, nextNative);
	};
	walk(p.head, '(root)', undefined);
	const out: Record<string, number> = {};
	for (const [k, v] of [...by.entries()].sort((a, b) => b[1] - a[1])) {
		const kb = Math.round(v / runs / 102.4) / 10;
		if (kb >= 0.5) out[k] = kb;
	}
	out.total = Math.round(total / runs / 102.4) / 10;
	return out;
}
