// @ts-check
/**
 * Two lint rules for the architecture of src/ and commands/ (docs: README "Layers"):
 *
 * - `layers/order`: a module imports only modules of its own layer or of the layers below it.
 * - `layers/no-cycle`: no module reaches itself through its imports (type-only imports count too,
 *   because a cycle of types is still two modules that cannot be understood one without the other).
 *
 * A local rule rather than eslint-plugin-boundaries + import-x/no-cycle: the layer table is twenty
 * lines, relative imports are the only ones that matter here, and the cycle check reads each file
 * once per lint run instead of resolving every import through a TypeScript resolver.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layers, lowest first. A path belongs to the first entry whose pattern matches it (paths are
 * relative to the project root, with forward slashes). Keep in step with README "Layers".
 */
export const LAYERS = [
	{ name: 'vocabulary', patterns: [/^src\/vocabulary\//] },
	{ name: 'base (logger, clock)', patterns: [/^src\/(logger|clock|sibling-module|release-memory)\.ts$/] },
	{ name: 'dataset, i18n', patterns: [/^src\/(dataset|i18n)\//] },
	{
		name: 'core, images, interop, briefing, render, config',
		patterns: [/^src\/(core|images|interop|briefing|render)\//, /^src\/config\.ts$/],
	},
	{ name: 'store', patterns: [/^src\/store\//] },
	{ name: 'scheduler, reload, live, commands', patterns: [/^src\/(scheduler|reload|live)\//, /^commands\//] },
	// The shard process is an entry point of its own (a child process), so it composes like main.ts.
	{ name: 'composition (app, main, cli, shard process)', patterns: [/^src\/platforms\/discord\/shard-process\.ts$/, /^src\/[^/]+\.ts$/] },
	{ name: 'platforms, web, ops', patterns: [/^src\/(platforms|web|ops)\//] },
];
// The composition entry must be tested before the platforms entry (shard-process.ts is under platforms/),
// so it sits above in the table but is ranked last.
const RANK = new Map([
	['vocabulary', 0],
	['base (logger, clock)', 1],
	['dataset, i18n', 2],
	['core, images, interop, briefing, render, config', 3],
	['store', 4],
	['scheduler, reload, live, commands', 5],
	['platforms, web, ops', 6],
	['composition (app, main, cli, shard process)', 7],
]);

const SOURCE = /\.(ts|mts|mjs|js)$/;

/** The project root: where eslint.config.js lives. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} abs */
const rel = (abs) => path.relative(ROOT, abs).split(path.sep).join('/');

/** @param {string} relPath @returns {{ name: string, rank: number } | undefined} */
export function layerOf(relPath) {
	for (const layer of LAYERS)
		if (layer.patterns.some((p) => p.test(relPath))) return { name: layer.name, rank: /** @type {number} */ (RANK.get(layer.name)) };
	return undefined;
}

/**
 * The file a relative specifier names: `./x.js` is written for `./x.ts` under NodeNext resolution.
 * @param {string} fromAbs @param {string} spec @returns {string | undefined}
 */
function resolve(fromAbs, spec) {
	if (!spec.startsWith('.')) return undefined;
	const base = path.resolve(path.dirname(fromAbs), spec);
	const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, path.join(base, 'index.ts')];
	for (const c of candidates) if (SOURCE.test(c) && fs.existsSync(c) && fs.statSync(c).isFile()) return c;
	return undefined;
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/**
 * The import graph of the files on disk, read once per lint run: a run sees one state of the tree,
 * and editors that keep ESLint alive re-read a file when its modification time changes.
 * @type {Map<string, { mtime: number, deps: string[] }>}
 */
const graph = new Map();

/** @param {string} abs @returns {string[]} */
function depsOf(abs) {
	let mtime;
	try {
		mtime = fs.statSync(abs).mtimeMs;
	} catch {
		return [];
	}
	const cached = graph.get(abs);
	if (cached && cached.mtime === mtime) return cached.deps;
	const text = fs.readFileSync(abs, 'utf8');
	const deps = [];
	for (const m of text.matchAll(IMPORT_RE)) {
		const target = resolve(abs, m[1] ?? m[2]);
		if (target && inScope(rel(target))) deps.push(target);
	}
	graph.set(abs, { mtime, deps });
	return deps;
}

/** @param {string} relPath */
const inScope = (relPath) => /^(src|commands)\//.test(relPath) && !relPath.endsWith('.d.mts');

/**
 * A path from `from` back to `to` through imports, or undefined.
 * @param {string} from @param {string} to @returns {string[] | undefined}
 */
function pathBack(from, to) {
	/** @type {Map<string, string | null>} */
	const seen = new Map([[from, null]]);
	const queue = [from];
	while (queue.length > 0) {
		const at = /** @type {string} */ (queue.shift());
		for (const next of depsOf(at)) {
			if (seen.has(next)) continue;
			seen.set(next, at);
			if (next === to) {
				const chain = [to];
				for (let p = seen.get(to); p; p = seen.get(p)) chain.unshift(p);
				return chain;
			}
			queue.push(next);
		}
	}
	return undefined;
}

/**
 * Calls `check(node, specifier)` for every static import, re-export and literal dynamic import.
 * @param {(node: any, spec: string) => void} check
 */
function onImports(check) {
	/** @param {any} node */
	const withSource = (node) => {
		if (node.source && typeof node.source.value === 'string') check(node.source, node.source.value);
	};
	return {
		ImportDeclaration: withSource,
		ExportNamedDeclaration: withSource,
		ExportAllDeclaration: withSource,
		/** @param {any} node */
		ImportExpression(node) {
			if (node.source.type === 'Literal' && typeof node.source.value === 'string') check(node.source, node.source.value);
		},
	};
}

/** @type {import('eslint').Rule.RuleModule} */
const order = {
	meta: {
		type: 'problem',
		docs: { description: 'A module imports only its own layer and the layers below it.' },
		messages: {
			upward:
				"'{{from}}' is in layer '{{fromLayer}}' and may not import '{{to}}' from the higher layer '{{toLayer}}'. " +
				'Move what both need down (src/vocabulary/ for shared words), or pass it in from the composition root.',
		},
		schema: [],
	},
	create(context) {
		const file = rel(context.filename);
		const own = layerOf(file);
		if (!own || !inScope(file)) return {};
		return onImports((node, spec) => {
			const target = resolve(context.filename, spec);
			if (!target) return;
			const theirs = layerOf(rel(target));
			if (!theirs || theirs.rank <= own.rank) return;
			context.report({ node, messageId: 'upward', data: { from: file, fromLayer: own.name, to: rel(target), toLayer: theirs.name } });
		});
	},
};

/** @type {import('eslint').Rule.RuleModule} */
const noCycle = {
	meta: {
		type: 'problem',
		docs: { description: 'No module reaches itself through its imports.' },
		messages: { cycle: 'Import cycle: {{chain}}. Move the shared part into a module both can import.' },
		schema: [],
	},
	create(context) {
		const file = rel(context.filename);
		if (!inScope(file)) return {};
		const self = path.resolve(context.filename);
		return onImports((node, spec) => {
			const target = resolve(self, spec);
			if (!target || !inScope(rel(target))) return;
			if (target === self) {
				context.report({ node, messageId: 'cycle', data: { chain: `${file} → ${file}` } });
				return;
			}
			const back = pathBack(target, self);
			if (back) context.report({ node, messageId: 'cycle', data: { chain: [file, ...back.map(rel)].join(' → ') } });
		});
	},
};

export default { meta: { name: 'sitrep-layers' }, rules: { order, 'no-cycle': noCycle } };
